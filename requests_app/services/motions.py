"""Every write on motions: drafting, the workflow transitions of DESIGN §4, reminders.

Each service is keyword-only and atomic, locks the motion row, asks requests_app.access who may
do what in which state, records one `MotionEvent` and queues its e-mails for after the commit
(requests_app.mails). Refusals are `PermissionDenied` (wrong person) or `ValidationError`
(wrong state or input, a stale form), in German.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import concurrency
from portal.models import AgendaItem, Meeting, Organization, User
from requests_app import access, mails
from requests_app.models import DeadlineReminder, Motion, MotionEvent, Question, ReferenceCounter

Status = Motion.Status
Action = MotionEvent.Action


def _lock(motion: Motion) -> Motion:
    """The motion's current row, locked until the transaction ends."""
    return Motion.objects.select_for_update().get(pk=motion.pk)


# --- drafting ----------------------------------------------------------------------------------


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
) -> Motion:
    """Start a draft for one of the user's factions."""
    access.check_motion_create(user=user, faction=faction)
    motion = Motion(faction=faction, kind=kind, title=title.strip(), text=text, reasoning=reasoning)
    motion.created_by = user
    motion.full_clean()
    motion.save()
    if user.person_id:
        motion.submitters.add(user.person_id)
    _replace_questions(motion, questions)
    MotionEvent.objects.record(
        motion=motion, user=user, action=Action.CREATED, to_status=Status.DRAFT
    )
    return motion


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
) -> Motion:
    """Save the faction's changes to a draft, unless someone else saved it since `version`."""
    current = _lock(motion)
    access.check_motion("edit", motion=current, user=user)
    concurrency.check(current, version)
    current.kind, current.title = kind, title.strip()
    current.text, current.reasoning = text, reasoning
    current.full_clean()
    concurrency.bump(current, "kind", "title", "text", "reasoning")
    _replace_questions(current, questions)
    MotionEvent.objects.record(
        motion=current,
        user=user,
        action=Action.EDITED,
        from_status=current.status,
        to_status=current.status,
    )
    return current


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
    return _transition(
        motion, user, Action.SUBMITTED, Status.SUBMITTED, submitted_at=timezone.now()
    )


@transaction.atomic
def motion_withdraw(*, motion: Motion, user: User, comment: str = "") -> Motion:
    motion = _lock(motion)
    access.check_motion("withdraw", motion=motion, user=user)
    return _transition(motion, user, Action.WITHDRAWN, Status.WITHDRAWN, comment=comment)


@transaction.atomic
def motion_return(*, motion: Motion, user: User, reason: str) -> Motion:
    """Give a submitted motion back to the faction; it is a draft again (and not public)."""
    motion = _lock(motion)
    access.check_motion("return", motion=motion, user=user)
    reason = _required_reason(reason)
    return _transition(
        motion, user, Action.RETURNED, Status.RETURNED, comment=reason, submitted_at=None
    )


@transaction.atomic
def motion_reject(*, motion: Motion, user: User, reason: str) -> Motion:
    """Reject a submitted motion as inadmissible; the reason is shown publicly."""
    motion = _lock(motion)
    access.check_motion("reject", motion=motion, user=user)
    reason = _required_reason(reason)
    return _transition(motion, user, Action.REJECTED, Status.REJECTED, comment=reason)


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
    period = settings.MOTION_ANSWER_PERIOD_DAYS.get(motion.kind)
    if due_date is None and period:
        due_date = today + timedelta(days=period)
    if due_date is not None and due_date < today:
        raise ValidationError(_("Die Frist darf nicht in der Vergangenheit liegen."))
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
        confidential=confidential,
        registered_at=timezone.now(),
    )
    mails.department_assigned(motion=motion)
    return motion


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
    """Record where the council treated the motion and, for a Beschlussantrag, the decision."""
    motion = _lock(motion)
    access.check_motion("treat", motion=motion, user=user)
    if meeting.organization.kind != Organization.Kind.COUNCIL:
        raise ValidationError(_("Bitte wählen Sie eine Sitzung des Stadtrats."))
    if decision not in Motion.Decision.values:
        raise ValidationError(_("Unbekannter Beschluss."))
    if decision and motion.kind != Motion.Kind.BA:
        raise ValidationError(_("Nur über einen Beschlussantrag wird abgestimmt."))
    votes = (votes_yes, votes_no, votes_abstain)
    if any(v is not None for v in votes) and not decision:
        raise ValidationError(_("Stimmen gibt es nur zusammen mit einem Beschluss."))
    number = agenda_number.strip()
    agenda_item = AgendaItem.objects.filter(meeting=meeting, number=number).first()
    if agenda_item is None:
        # A confidential motion is treated in the non-public part: its title must not become
        # a public agenda item (pages, OParl).
        agenda_item = AgendaItem.objects.create(
            meeting=meeting,
            number=number,
            title=str(motion)[:300],
            order=0,
            public=motion.is_public,
        )
    elif agenda_item.pk != motion.agenda_item_id:
        # Never write this motion's result into another item of the agenda.
        raise ValidationError(
            _(
                "Den Tagesordnungspunkt %(number)s gibt es in dieser Sitzung schon "
                "(„%(title)s“). Bitte geben Sie die Nummer des Punktes an, unter dem der "
                "Antrag behandelt wurde."
            )
            % {"number": number, "title": agenda_item.title}
        )
    if decision:
        agenda_item.result = Motion.Decision(decision).label
        agenda_item.save(update_fields=["result", "modified"])
    return _transition(
        motion,
        user,
        Action.TREATED,
        motion.status,
        comment=_treatment_comment(meeting, decision, votes),
        meeting=meeting,
        agenda_item=agenda_item,
        decision=decision,
        votes_yes=votes_yes,
        votes_no=votes_no,
        votes_abstain=votes_abstain,
    )


def _treatment_comment(meeting: Meeting, decision: str, votes: tuple) -> str:
    """The event's note: the meeting, and the decision with its votes where there is one."""
    comment = str(meeting)
    if decision:
        comment += " – " + str(Motion.Decision(decision).label)
        if all(v is not None for v in votes):
            yes, no, abstain = votes
            comment += " " + _("(Ja %(yes)s, Nein %(no)s, Enthaltung %(abstain)s)") % {
                "yes": yes,
                "no": no,
                "abstain": abstain,
            }
    return comment


@transaction.atomic
def motion_mark_answered(*, motion: Motion, user: User | None) -> Motion:
    """Mark a registered motion answered (called when its answer report is published)."""
    motion = _lock(motion)
    if motion.status != Status.REGISTERED:
        raise ValidationError(_("Nur ein registrierter Antrag kann beantwortet werden."))
    return _transition(motion, user, Action.ANSWERED, Status.ANSWERED, answered_at=timezone.now())


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Bitte geben Sie eine Begründung an."))
    return reason


def _transition(
    motion: Motion, user, action: str, to_status: str, *, comment: str = "", **changes
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
    )
    mails.motion_changed(motion=motion, event=event)
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
