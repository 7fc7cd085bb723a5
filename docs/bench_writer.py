"""The staff side of `make bench`'s mixed run (issue 20): what the administration writes during
office hours, through the same services the work area uses.

Run by docs/bench.py as ``python docs/bench_writer.py SECONDS OUT.json`` with the bench's
environment (database, Redis). For SECONDS it

* saves a council member's draft motion every second,
* edits the answers of a draft report every 5 seconds,
* publishes every 60 seconds (a motion is submitted and registered, its report written, approved
  and published; the first after 10 seconds),
* imports indicator values every 600 seconds (the first after 30 seconds),

and writes how many of each it did, how long they took, what failed and which tables' page-cache
versions each kind of action bumped (``invalidated``: table → bumps, portal/pagecache.py) to
OUT.json. A draft save or an answer edit should bump nothing; a publication the motion and report
tables; an import the indicator tables.
"""

import collections
import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsportal.settings")

# E402 below: the script sets up Django first; models can only be imported after setup().
import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402

from portal import pagecache, roles  # noqa: E402
from portal.models import Organization, User  # noqa: E402
from prevention.models import District, Indicator  # noqa: E402
from prevention.services import import_file  # noqa: E402
from requests_app.models import AnswerReport, Motion  # noqa: E402
from requests_app.services import motions as motion_services  # noqa: E402
from requests_app.services import reports as report_services  # noqa: E402

# Which tables' versions the current action bumped (every bump, also the ones on commit).
_bumped: collections.Counter = collections.Counter()
_bump = pagecache.bump


def _recording_bump(tables=None, rows=()) -> None:
    _bumped.update(tables if tables is not None else ["(all)"])
    # One object's version (a motion's: its own pages only), counted per family.
    _bumped.update(f"{row.split('#')[0]} (one object)" for row in rows)
    _bump(tables, rows)


pagecache.bump = _recording_bump

# (action, first run after seconds, then every seconds)
SCHEDULE = [("draft", 0, 1), ("answer", 2, 5), ("publication", 10, 60), ("import", 30, 600)]


def staff_user(username: str, role: str, organization: Organization) -> User:
    """An account of the bench (``bench-<username>``) with one role in one organization."""
    user, _created = User.objects.get_or_create(username=f"bench-{username}")
    user.groups.add(Group.objects.get(name=role))
    user.organizations.add(organization)
    return user


def first(kind: str) -> Organization:
    return Organization.objects.filter(kind=kind).order_by("pk")[0]


class Staff:
    def __init__(self):
        faction = first(Organization.Kind.FACTION)
        self.department = first(Organization.Kind.DEPARTMENT)
        self.member = staff_user("rat", roles.COUNCIL_MEMBER, faction)
        self.office = staff_user("ratsbuero", roles.COUNCIL_OFFICE, faction)
        self.author = staff_user("kpr", roles.PREVENTION_OFFICE, self.department)
        self.approver = staff_user("dezernat", roles.APPROVER, self.department)
        self.faction = faction
        self.draft_motion = motion_services.motion_create(
            user=self.member,
            faction=faction,
            kind=Motion.Kind.RA,
            title="Entwurf (Bench)",
            questions=["Eine Frage?"],
        )
        self.report = self._report_in_draft()
        indicator = Indicator.objects.order_by("key").first()
        self.import_rows = [
            (district.number, indicator.key) for district in District.objects.order_by("number")
        ]
        self.counter = 0

    def _registered_motion(self, title: str) -> Motion:
        motion = motion_services.motion_create(
            user=self.member,
            faction=self.faction,
            kind=Motion.Kind.RA,
            title=title,
            questions=["Wie viele?", "Seit wann?"],
        )
        motion = motion_services.motion_submit(motion=motion, user=self.member)
        return motion_services.motion_register(
            motion=motion, user=self.office, lead_department=self.department
        )

    def _report_in_draft(self) -> AnswerReport:
        motion = self._registered_motion("Anfrage mit Antwortentwurf (Bench)")
        return report_services.report_create(motion=motion, user=self.author)

    def _write_answers(self, report: AnswerReport, text: str) -> AnswerReport:
        answers = {answer.pk: text for answer in report.answers.all()}
        return report_services.report_update(
            report=report,
            user=self.author,
            version=report.version,
            title=report.title or "Antwort (Bench)",
            summary="",
            answers=answers,
        )

    def draft(self) -> None:
        self.counter += 1
        self.draft_motion = motion_services.motion_update(
            motion=self.draft_motion,
            user=self.member,
            version=self.draft_motion.version,
            kind=self.draft_motion.kind,
            title=f"Entwurf (Bench) {self.counter}",
            questions=["Eine Frage?"],
        )

    def answer(self) -> None:
        self.counter += 1
        self.report = self._write_answers(self.report, f"Stand der Antwort {self.counter}.")

    def publication(self) -> None:
        self.counter += 1
        report = self._report_in_draft()
        report = self._write_answers(report, f"Veröffentlichte Antwort {self.counter}.")
        report = report_services.report_submit(report=report, user=self.author)
        report = report_services.report_approve(report=report, user=self.approver)
        report_services.report_publish(report=report, user=self.approver)

    def import_(self) -> None:
        self.counter += 1
        lines = ["district;indicator;period;value;note"]
        lines += [
            f"{number};{key};2024;{100 + self.counter % 50};" for number, key in self.import_rows
        ]
        plan, _batch = import_file(data="\n".join(lines).encode(), file_name="bench.csv")
        if not plan.ok:
            raise RuntimeError(f"import refused: {plan.errors[:3]}")


def main() -> None:
    seconds, out = float(sys.argv[1]), Path(sys.argv[2])
    staff = Staff()
    actions = {
        "draft": staff.draft,
        "answer": staff.answer,
        "publication": staff.publication,
        "import": staff.import_,
    }
    stats = {
        name: {"done": 0, "failed": 0, "seconds": 0.0, "errors": [], "invalidated": {}}
        for name in actions
    }
    start = time.monotonic()
    due = {name: start + first for name, first, _every in SCHEDULE}
    every = {name: period for name, _first, period in SCHEDULE}
    while (now := time.monotonic()) < start + seconds:
        name = min(due, key=due.get)
        if due[name] > now:
            time.sleep(min(due[name] - now, start + seconds - now))
            continue
        due[name] += every[name]
        began = time.monotonic()
        _bumped.clear()
        try:
            actions[name]()
            stats[name]["done"] += 1
        except Exception:
            stats[name]["failed"] += 1
            stats[name]["errors"].append(traceback.format_exc(limit=3)[-500:])
        stats[name]["seconds"] += time.monotonic() - began
        invalidated = stats[name]["invalidated"]
        for table, bumps in _bumped.items():
            invalidated[table] = invalidated.get(table, 0) + bumps
    out.write_text(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
