"""Demo content of contributions (Zuarbeit): the contributor accounts and two requests.

`load()` is called by requests_app/demo.py after the demo reports exist. Like every demo loader
it only creates what is missing, so a second run changes nothing. The persons are fictitious.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from portal import roles
from portal.demo import DEMO_PASSWORD
from portal.models import Organization, User
from requests_app.models import AnswerReport, ContributionRequest, Motion
from requests_app.services.contributions import note_handed_in, note_requested, record_step

# (username, given name, family name, organization name)
ACCOUNTS = [
    ("polizei", "Paul", "Probestreife", "Polizeidirektion Chemnitz"),
    ("ordnungsdienst", "Olivia", "Ordnungsbeispiel", "Stadtordnungsdienst"),
]
REPORT_MOTION = "Einsatzzeiten des Stadtordnungsdienstes am Wochenende"
SOD_TEXT = (
    "Der Stadtordnungsdienst ist auch samstags und sonntags im Einsatz; die Einsatzzeiten "
    "richten sich nach der Lage und werden mit der Polizei abgestimmt. (Beispieldaten)"
)


def load(*, stdout) -> None:
    users = {username: _account(username, *rest) for username, *rest in ACCOUNTS}
    _requests(users)


def _account(username: str, given: str, family: str, organization: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": given,
            "last_name": family,
            "email": f"{username}@demo.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.CONTRIBUTOR))
        user.organizations.add(Organization.objects.get(name=organization, deleted=False))
    return user


def _requests(users: dict[str, User]) -> None:
    """The draft report on the Stadtordnungsdienst's weekend hours asks the police (still open)
    and the Stadtordnungsdienst (handed in) for contributions."""
    motion = Motion.objects.filter(title=REPORT_MOTION).first()
    report = AnswerReport.objects.filter(motion=motion, status=AnswerReport.Status.DRAFT).first()
    if report is None or report.contribution_requests.exists():
        return
    kpr = User.objects.get(username="kpr")
    questions = list(motion.questions.order_by("number"))
    today = timezone.localdate()
    police = ContributionRequest.objects.create(
        report=report,
        organization=users["polizei"].organizations.get(),
        due_date=today + datetime.timedelta(days=7),
        message="Bitte schildern Sie die Zusammenarbeit mit dem Stadtordnungsdienst an "
        "Wochenenden aus Sicht der Polizei. (Beispieldaten)",
        requested_by=kpr,
    )
    police.questions.set(questions[:1])
    sod = ContributionRequest.objects.create(
        report=report,
        organization=users["ordnungsdienst"].organizations.get(),
        due_date=today + datetime.timedelta(days=3),
        requested_by=kpr,
        state=ContributionRequest.State.HANDED_IN,
        text=SOD_TEXT,
        handed_in_by=users["ordnungsdienst"],
        handed_in_at=timezone.now(),
    )
    sod.questions.set(questions)
    record_step(report, kpr, "requested", note_requested(police))
    record_step(report, kpr, "requested", note_requested(sod))
    record_step(report, users["ordnungsdienst"], "handed_in", note_handed_in(sod))


def accounts_summary() -> list[tuple[str, str]]:
    """(login, role) for the list of demo accounts `loaddemo` prints."""
    label = str(roles.ROLES[roles.CONTRIBUTOR])
    return [(username, f"{label}, {organization}") for username, _g, _f, organization in ACCOUNTS]
