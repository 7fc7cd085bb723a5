"""Every write on motions: drafting, the workflow transitions of DESIGN §4, reminders.

Each service is keyword-only and atomic, locks the motion row, asks requests_app.access who may
do what in which state, records one `MotionEvent` and queues its e-mails for after the commit
(requests_app.mails). Refusals are `PermissionDenied` (wrong person) or `ValidationError`
(wrong state or input, a stale form), in German.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import concurrency, formats, pagecache
from portal.models import Meeting, Organization, Person, User
from requests_app import access, alerts, deadlines, mails, tasks
from requests_app.models import (
    AnswerReport,
    DeadlineReminder,
    Motion,
    MotionEvent,
    Question,
    ReferenceCounter,
    faction_colleagues,
)

Status = Motion.Status
Action = MotionEvent.Action

# The writes of a service below change only that motion's rows (portal/pagecache.py): pages of
# other motions stay cached.
ONE_MOTION = pagecache.writes_rows_of("motion", lambda motion, **_: motion.pk)


def _lock(motion: Motion) -> Motion:
    """The motion's current row, locked until the transaction ends."""
    return Motion.objects.select_for_update().get(pk=motion.pk)


# --- drafting ----------------------------------------------------------------------------------


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def motion_create(
    *,
    user: User,
    faction: Organization,
    kind: str,
    title: str,
    text: str = "",
    reasoning: str = "",
    questions: Iterable[str] = (),
    co_submitters: Iterable[Person] = (),
) -> Motion:
    """Start a draft for one of the user's factions; `co_submitters` are council members of
    the faction who submit it with the user."""
    access.check_motion_create(user=user, faction=faction)
    motion = Motion(faction=faction, kind=kind, title=title.strip(), text=text, reasoning=reasoning)
    motion.created_by = user
    motion.full_clean()
    motion.save()
    _set_submitters(motion, author=user, co_submitters=co_submitters)
    _replace_questions(motion, questions)
    MotionEvent.objects.record(
        motion=motion, user=user, action=Action.CREATED, to_status=Status.DRAFT
    )
    return motion


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def motion_update(
    *,
    motion: Motion,
    user: User,
    version: str | int | None,
    kind: str,
    title: str,
    text: str = "",
    reasoning: str = "",
    questions: Iterable[str] = (),
    co_submitters: Iterable[Person] | None = None,
) -> Motion:
    """Save the faction's changes to a draft, unless someone else saved it since `version`
    (`co_submitters` None keeps them)."""
    current = _lock(motion)
    access.check_motion("edit", motion=current, user=user)
    concurrency.check(current, version)
    current.kind, current.title = kind, title.strip()
    current.text, current.reasoning = text, reasoning
    current.full_clean()
    concurrency.bump(current, "kind", "title", "text", "reasoning")
    if co_submitters is not None:
        _set_submitters(current, author=current.created_by or user, co_submitters=co_submitters)
    _replace_questions(current, questions)
    MotionEvent.objects.record(
        motion=current,
        user=user,
        action=Action.EDITED,
        from_status=current.status,
        to_status=current.status,
    )
    return current


def _set_submitters(motion: Motion, *, author: User, co_submitters: Iterable[Person]) -> None:
    """The author's person and the co-submitters, each a council member of the faction."""
    chosen = {person.pk: person for person in co_submitters}
    allowed = set(
        faction_colleagues(motion.faction).filter(pk__in=chosen).values_list("pk", flat=True)
    )
    if strangers := [str(person) for pk, person in chosen.items() if pk not in allowed]:
        raise ValidationError(
            _("Nur Ratsmitglieder der Fraktion können mit einreichen, nicht: %(names)s.")
            % {"names": ", ".join(strangers)}
        )
    persons = set(chosen)
    if author.person_id:
        persons.add(author.person_id)
    motion.submitters.set(persons)


def _replace_questions(motion: Motion, questions: Iterable[str]) -> None:
    texts = [text.strip() for text in questions if text and text.strip()]
    rows = [
        Question(motion=motion, number=number, text=text)
        for number, text in enumerate(texts, start=1)
    ]
    for row in rows:  # bulk_create skips the fields' validators (control characters, length)
        row.clean_fields(exclude=["motion"])
    motion.questions.all().delete()
    Question.objects.bulk_create(rows)


# --- transitions -------------------------------------------------------------------------------


@ONE_MOTION
@transaction.atomic
def motion_submit(*, motion: Motion, user: User) -> Motion:
    """Send a draft (or a returned motion) to the council office; it becomes public."""
    motion = _lock(motion)
    access.check_motion("submit", motion=motion, user=user)
    if not motion.title.strip():
        raise ValidationError(_("Ein Antrag ohne Titel kann nicht eingereicht werden."))
    if not motion.questions.exists():
        raise ValidationError(
            _("Bitte stellen Sie mindestens eine Frage, bevor Sie den Antrag einreichen.")
        )
    if user.person_id:
        motion.submitters.add(user.person_id)
    motion = _transition(
        motion, user, Action.SUBMITTED, Status.SUBMITTED, submitted_at=timezone.now()
    )
    alerts.notify_motion_submitted(motion_pk=motion.pk)  # topic alerts, after the commit
    return motion


@pagecache.private_writes()  # a draft was never public
@transaction.atomic
def motion_delete_draft(*, motion: Motion, user: User) -> None:
    """Delete a draft that was never submitted, with its questions and events (nothing of it
    was ever public, so nothing has to stay; a submitted motion is withdrawn instead)."""
    motion = _lock(motion)
    access.check_motion("delete", motion=motion, user=user)
    if motion.events.filter(action=Action.SUBMITTED).exists() or motion.reports.exists():
        raise ValidationError(_("Ein eingereichter Antrag wird zurückgezogen, nicht gelöscht."))
    Motion.all_objects.filter(pk=motion.pk).delete()


@ONE_MOTION
@transaction.atomic
def motion_withdraw(*, motion: Motion, user: User, comment: str = "") -> Motion:
    motion = _lock(motion)
    access.check_motion("withdraw", motion=motion, user=user)
    return _transition(motion, user, Action.WITHDRAWN, Status.WITHDRAWN, comment=comment)


@ONE_MOTION
@transaction.atomic
def motion_return(*, motion: Motion, user: User, reason: str) -> Motion:
    """Give a submitted motion back to the faction; it is a draft again (and not public)."""
    motion = _lock(motion)
    access.check_motion("return", motion=motion, user=user)
    reason = _required_reason(reason)
    return _transition(
        motion, user, Action.RETURNED, Status.RETURNED, comment=reason, submitted_at=None
    )


@ONE_MOTION
@transaction.atomic
def motion_reject(*, motion: Motion, user: User, reason: str) -> Motion:
    """Reject a submitted motion as inadmissible; the reason is shown publicly."""
    motion = _lock(motion)
    access.check_motion("reject", motion=motion, user=user)
    reason = _required_reason(strip_rejection_prefix(reason))
    return _transition(motion, user, Action.REJECTED, Status.REJECTED, comment=reason)


@ONE_MOTION
@transaction.atomic
def motion_register(
    *,
    motion: Motion,
    user: User,
    lead_department: Organization,
    due_date: date | None = None,
    confidential: bool = False,
) -> Motion:
    """Assign the next reference number, the lead department and the due date."""
    motion = _lock(motion)
    access.check_motion("register", motion=motion, user=user)
    if lead_department.kind != Organization.Kind.DEPARTMENT:
        raise ValidationError(_("Federführend kann nur ein Dezernat oder Amt sein."))
    today = timezone.localdate()
    if due_date is None:
        due_date = deadlines.default_due_date(motion.kind, today)
    elif due_date < today:
        raise ValidationError(_("Die Frist darf nicht in der Vergangenheit liegen."))
    else:
        due_date = deadlines.next_working_day(due_date)
    number = _allocate_number(motion.kind, today.year)
    motion = _transition(
        motion,
        user,
        Action.REGISTERED,
        Status.REGISTERED,
        comment=_("Federführung: %(department)s") % {"department": lead_department},
        number=number,
        year=today.year,
        reference=f"{motion.kind}-{number:03d}/{today.year}",
        lead_department=lead_department,
        due_date=due_date,
        original_due_date=due_date,
        confidential=confidential,
        registered_at=timezone.now(),
    )
    mails.department_assigned(motion=motion)
    return motion


@ONE_MOTION
@transaction.atomic
def motion_extend_deadline(
    *, motion: Motion, user: User, due_date: date, reason: str, version: str | int | None = None
) -> Motion:
    """The council office extends the due date (never shortens it); the original stays."""
    motion = _lock(motion)
    access.check_motion("extend", motion=motion, user=user)
    if version is not None:
        concurrency.check(motion, version)
    reason = _required_reason(reason)
    if motion.due_date is not None and due_date <= motion.due_date:
        raise ValidationError(
            _("Die neue Frist muss nach der bisherigen Frist (%(date)s) liegen.")
            % {"date": formats.date(motion.due_date, "SHORT_DATE_FORMAT")}
        )
    if due_date < timezone.localdate():
        raise ValidationError(_("Die Frist darf nicht in der Vergangenheit liegen."))
    due_date = deadlines.next_working_day(due_date)
    original = motion.original_due_date or motion.due_date
    return _transition(
        motion,
        user,
        Action.DEADLINE_EXTENDED,
        motion.status,
        comment=reason,
        expected_date=due_date,
        due_date=due_date,
        original_due_date=original,
    )


@ONE_MOTION
@transaction.atomic
def motion_change_lead(
    *,
    motion: Motion,
    user: User,
    lead_department: Organization,
    reason: str,
    version: str | int | None = None,
) -> Motion:
    """The council office hands a registered motion to another lead department."""
    motion = _lock(motion)
    access.check_motion("change_lead", motion=motion, user=user)
    if version is not None:
        concurrency.check(motion, version)
    reason = _required_reason(reason)
    if lead_department.kind != Organization.Kind.DEPARTMENT:
        raise ValidationError(_("Federführend kann nur ein Dezernat oder Amt sein."))
    if lead_department.pk == motion.lead_department_id:
        raise ValidationError(_("Dieses Dezernat ist schon federführend."))
    if AnswerReport.objects.open().filter(motion=motion).exists():
        raise ValidationError(
            _("Zu diesem Antrag ist schon ein Bericht in Arbeit; die Federführung bleibt.")
        )
    comment = _("Federführung: %(department)s. Begründung: %(reason)s") % {
        "department": lead_department,
        "reason": reason,
    }
    motion = _transition(
        motion,
        user,
        Action.LEAD_CHANGED,
        motion.status,
        comment=comment,
        lead_department=lead_department,
    )
    mails.department_assigned(motion=motion)
    return motion


@ONE_MOTION
@transaction.atomic
def motion_interim_reply(*, motion: Motion, user: User, text: str, expected_date: date) -> Motion:
    """The lead department's interim reply: published on the motion page and in the feed."""
    motion = _lock(motion)
    access.check_motion("interim", motion=motion, user=user)
    text = _required_reason(text)
    if expected_date < timezone.localdate():
        raise ValidationError(_("Das erwartete Datum darf nicht in der Vergangenheit liegen."))
    return _transition(
        motion,
        user,
        Action.INTERIM_REPLY,
        motion.status,
        comment=text,
        expected_date=expected_date,
    )


@ONE_MOTION
@transaction.atomic
def motion_record_treatment(
    *,
    motion: Motion,
    user: User,
    meeting: Meeting,
    agenda_number: str,
    decision: str = "",
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
) -> Motion:
    """Record where the council treated the motion and, for a Beschlussantrag, the decision:
    one consultation of the session's agenda (requests_app.services.sessions), the one way."""
    from requests_app.services import sessions

    motion = _lock(motion)
    access.check_motion("treat", motion=motion, user=user)
    sessions.treatment_record(
        motion=motion,
        user=user,
        meeting=meeting,
        agenda_number=agenda_number,
        decision=decision,
        votes_yes=votes_yes,
        votes_no=votes_no,
        votes_abstain=votes_abstain,
    )
    return Motion.objects.get(pk=motion.pk)


@ONE_MOTION
@transaction.atomic
def motion_mark_answered(*, motion: Motion, user: User | None) -> Motion:
    """Mark a registered motion answered (called when its answer report is published)."""
    motion = _lock(motion)
    if motion.status != Status.REGISTERED:
        raise ValidationError(_("Nur ein registrierter Antrag kann beantwortet werden."))
    # "beantwortet" and "no answer published" must never show together (issue 15).
    if not AnswerReport.objects.published().filter(motion=motion).exists():
        raise ValidationError(
            _("Ein Antrag ist erst beantwortet, wenn seine Antwort veröffentlicht ist.")
        )
    return _transition(motion, user, Action.ANSWERED, Status.ANSWERED, answered_at=timezone.now())


# The page says "Als unzulässig zurückgewiesen" itself; a reason starting the same way would
# read twice ("Zurückgewiesen als unzulässig: Unzulässig: …").
_REJECTION_PREFIX = re.compile(
    r"^\s*(?:als\s+)?(?:unzulässig|zurückgewiesen)(?:\s+(?:zurückgewiesen|als\s+unzulässig))?"
    r"\s*[:.,–-]\s*",
    re.IGNORECASE,
)


def strip_rejection_prefix(reason: str) -> str:
    """The reason without a leading "Unzulässig:" (or "Als unzulässig zurückgewiesen:")."""
    return _REJECTION_PREFIX.sub("", reason or "", count=1)


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Bitte geben Sie eine Begründung an."))
    return reason


def _transition(
    motion: Motion,
    user,
    action: str,
    to_status: str,
    *,
    comment: str = "",
    expected_date: date | None = None,
    **changes,
) -> Motion:
    """Move the (locked) motion to `to_status` as a new version, record it, tell the submitters."""
    from_status = motion.status
    motion.status = to_status
    for field, value in changes.items():
        setattr(motion, field, value)
    motion.full_clean()
    concurrency.bump(motion, "status", *changes)
    event = MotionEvent.objects.record(
        motion=motion,
        user=user,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        expected_date=expected_date,
    )
    mails.motion_changed(motion=motion, event=event)
    tasks.motion_document_after_commit(motion)  # the Drucksache PDF, when what it shows changed
    return motion


def _allocate_number(kind: str, year: int) -> int:
    """The next number of a kind and year; the counter row lock serialises registrations."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
        kind=kind, year=year
    )
    # Motions numbered outside the counter (imports, demo) are never numbered twice.
    highest = (
        Motion.all_objects.filter(kind=kind, year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    counter.last_number = max(counter.last_number, highest or 0) + 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


# --- reminders ---------------------------------------------------------------------------------


def deadline_reminders_send(*, today: date | None = None) -> int:
    """Mail the lead department about amber and red motions, once per motion, light and date."""
    today = today or timezone.localdate()
    sent = 0
    for motion in Motion.objects.needing_reminder(today).select_related("lead_department"):
        light, _days = motion.deadline(today)
        with transaction.atomic():
            _reminder, created = DeadlineReminder.objects.get_or_create(
                motion=motion, light=light, due_date=motion.due_date
            )
            if created:
                mails.deadline_reminder(motion=motion, light=light)
                sent += 1
    return sent
