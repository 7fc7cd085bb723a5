"""Every write on motions: drafting, the workflow transitions of DESIGN §4, reminders.

Each service is keyword-only and atomic, locks the motion row, checks who may do what in which
state, writes one `MotionEvent` and sends its e-mails after the commit. Refusals are
`PermissionDenied` (wrong person) or `ValidationError` (wrong state or input), in German.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import AgendaItem, Meeting, Organization, User
from requests_app.models import (
    DeadlineReminder,
    Motion,
    MotionEvent,
    Question,
    ReferenceCounter,
    user_departments,
    user_factions,
)

Status = Motion.Status
Action = MotionEvent.Action


# --- who may do what -------------------------------------------------------------------------


def is_office(user) -> bool:
    return user.is_authenticated and user.has_role("council_office")


def is_faction_member(user, motion: Motion) -> bool:
    """A council member of the motion's faction (the drafters and their colleagues)."""
    return (
        user.is_authenticated
        and user.has_role("council_member")
        and user_factions(user).filter(pk=motion.faction_id).exists()
    )


def is_department_staff(user, motion: Motion) -> bool:
    return (
        motion.lead_department_id is not None
        and user_departments(user).filter(pk=motion.lead_department_id).exists()
    )


# The transitions: action -> (states it may start from, who may do it).
TRANSITIONS = {
    "edit": (Motion.EDITABLE_STATUSES, "faction"),
    "submit": (Motion.EDITABLE_STATUSES, "faction"),
    "withdraw": ((Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.REGISTERED), "faction"),
    "return": ((Status.SUBMITTED,), "office"),
    "reject": ((Status.SUBMITTED,), "office"),
    "register": ((Status.SUBMITTED,), "office"),
    "treat": ((Status.SUBMITTED, Status.REGISTERED, Status.ANSWERED), "office"),
}


def allowed_actions(*, motion: Motion, user) -> set[str]:
    """The actions `user` may take on `motion` now (the detail page offers only these)."""
    roles = {"faction": is_faction_member(user, motion), "office": is_office(user)}
    return {
        action
        for action, (states, who) in TRANSITIONS.items()
        if motion.status in states and roles[who]
    }


def _check(action: str, motion: Motion, user) -> None:
    states, who = TRANSITIONS[action]
    allowed = is_faction_member(user, motion) if who == "faction" else is_office(user)
    if not allowed:
        raise PermissionDenied(
            _("Nur Ratsmitglieder der Fraktion dürfen das.")
            if who == "faction"
            else _("Nur das Ratsbüro darf das.")
        )
    if motion.status not in states:
        raise ValidationError(
            _("Im Status „%(status)s“ ist das nicht möglich.")
            % {"status": motion.get_status_display()}
        )


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
    if not user.has_role("council_member") or not user_factions(user).filter(pk=faction.pk):
        raise PermissionDenied(_("Sie können nur für Ihre eigene Fraktion Anträge anlegen."))
    motion = Motion(faction=faction, kind=kind, title=title.strip(), text=text, reasoning=reasoning)
    motion.created_by = user
    motion.full_clean()
    motion.save()
    if user.person_id:
        motion.submitters.add(user.person_id)
    _replace_questions(motion, questions)
    _event(motion, user, Action.CREATED, "", Status.DRAFT)
    return motion


@transaction.atomic
def motion_update(
    *,
    motion: Motion,
    user: User,
    version: int,
    kind: str,
    title: str,
    text: str = "",
    reasoning: str = "",
    questions: Iterable[str] = (),
) -> Motion:
    """Save the faction's changes to a draft, unless someone else saved it since `version`."""
    current = _lock(motion)
    _check("edit", current, user)
    if current.version != version:
        raise ValidationError(
            _(
                "Jemand anderes hat diesen Antrag gespeichert, nachdem Sie das Formular "
                "geöffnet haben. Ihre Änderungen wurden nicht gespeichert: Bitte laden Sie "
                "den Antrag neu und übertragen Sie Ihre Änderungen noch einmal."
            ),
            code="stale",
        )
    current.kind, current.title = kind, title.strip()
    current.text, current.reasoning = text, reasoning
    current.version += 1
    current.full_clean()
    current.save()
    _replace_questions(current, questions)
    _event(current, user, Action.EDITED, current.status, current.status)
    return current


def _replace_questions(motion: Motion, questions: Iterable[str]) -> None:
    texts = [text.strip() for text in questions if text and text.strip()]
    motion.questions.all().delete()
    Question.objects.bulk_create(
        Question(motion=motion, number=number, text=text)
        for number, text in enumerate(texts, start=1)
    )


# --- transitions -------------------------------------------------------------------------------


@transaction.atomic
def motion_submit(*, motion: Motion, user: User) -> Motion:
    """Send a draft (or a returned motion) to the council office; it becomes public."""
    motion = _lock(motion)
    _check("submit", motion, user)
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
    _check("withdraw", motion, user)
    return _transition(motion, user, Action.WITHDRAWN, Status.WITHDRAWN, comment=comment)


@transaction.atomic
def motion_return(*, motion: Motion, user: User, reason: str) -> Motion:
    """Give a submitted motion back to the faction; it is a draft again (and not public)."""
    motion = _lock(motion)
    _check("return", motion, user)
    reason = _required_reason(reason)
    return _transition(
        motion, user, Action.RETURNED, Status.RETURNED, comment=reason, submitted_at=None
    )


@transaction.atomic
def motion_reject(*, motion: Motion, user: User, reason: str) -> Motion:
    """Reject a submitted motion as inadmissible; the reason is shown publicly."""
    motion = _lock(motion)
    _check("reject", motion, user)
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
    _check("register", motion, user)
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
    transaction.on_commit(lambda: _mail_department_assigned(motion.pk))
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
    _check("treat", motion, user)
    if meeting.organization.kind != Organization.Kind.COUNCIL:
        raise ValidationError(_("Bitte wählen Sie eine Sitzung des Stadtrats."))
    if decision not in Motion.Decision.values:
        raise ValidationError(_("Unbekannter Beschluss."))
    if decision and motion.kind != Motion.Kind.BA:
        raise ValidationError(_("Nur über einen Beschlussantrag wird abgestimmt."))
    votes = (votes_yes, votes_no, votes_abstain)
    if any(v is not None for v in votes) and not decision:
        raise ValidationError(_("Stimmen gibt es nur zusammen mit einem Beschluss."))
    agenda_item, _created = AgendaItem.objects.get_or_create(
        meeting=meeting,
        number=agenda_number.strip(),
        defaults={"title": str(motion)[:300], "order": 0},
    )
    if decision:
        agenda_item.result = Motion.Decision(decision).label
        agenda_item.save(update_fields=["result", "modified"])
    comment = str(meeting)
    if decision:
        comment += " – " + str(Motion.Decision(decision).label)
        if all(v is not None for v in votes):
            comment += " " + _("(Ja %(yes)s, Nein %(no)s, Enthaltung %(abstain)s)") % {
                "yes": votes_yes,
                "no": votes_no,
                "abstain": votes_abstain,
            }
    return _transition(
        motion,
        user,
        Action.TREATED,
        motion.status,
        comment=comment,
        meeting=meeting,
        agenda_item=agenda_item,
        decision=decision,
        votes_yes=votes_yes,
        votes_no=votes_no,
        votes_abstain=votes_abstain,
    )


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
    from_status = motion.status
    motion.status = to_status
    for field, value in changes.items():
        setattr(motion, field, value)
    motion.version += 1
    motion.full_clean()
    motion.save()
    event = _event(motion, user, action, from_status, to_status, comment)
    transaction.on_commit(lambda: _mail_submitters(event.pk))
    return motion


def _event(motion, user, action, from_status, to_status, comment="") -> MotionEvent:
    return MotionEvent.objects.create(
        motion=motion,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


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


# --- e-mail ------------------------------------------------------------------------------------


def _link(motion: Motion) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + motion.get_workspace_url()


def _send(addresses: Iterable[str], subject: str, body: str) -> int:
    """One message per address: recipients never see each other's address."""
    sent = 0
    for address in sorted(set(addresses)):
        sent += EmailMessage(subject, body, None, [address]).send()
    return sent


def _submitter_addresses(motion: Motion) -> list[str]:
    return list(
        User.objects.filter(person__motions=motion, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _department_addresses(department_id: int) -> list[str]:
    return list(
        User.objects.filter(organizations=department_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _mail_submitters(event_id: int) -> None:
    event = MotionEvent.objects.select_related("motion").get(pk=event_id)
    motion = event.motion
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Ihr Antrag „%(title)s“: %(action)s") % {
            "title": motion.title,
            "action": event.get_action_display(),
        }
        lines = [
            _("Guten Tag,"),
            "",
            _("Ihr Antrag „%(title)s“ wurde %(action)s. Neuer Status: %(status)s.")
            % {
                "title": motion.title,
                "action": event.get_action_display(),
                "status": motion.get_status_display(),
            },
        ]
        if motion.reference:
            lines.append(_("Drucksachennummer: %(reference)s") % {"reference": motion.reference})
        if motion.due_date and motion.status == Status.REGISTERED:
            lines.append(_("Frist: %(date)s") % {"date": motion.due_date.strftime("%d.%m.%Y")})
        if event.comment:
            lines += ["", _("Bemerkung: %(comment)s") % {"comment": event.comment}]
        lines += ["", _("Zum Antrag: %(url)s") % {"url": _link(motion)}, "", _signature()]
        _send(_submitter_addresses(motion), subject, "\n".join(lines))


def _mail_department_assigned(motion_id: int) -> None:
    motion = Motion.objects.get(pk=motion_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Neuer Antrag in Ihrer Federführung: %(reference)s") % {
            "reference": motion.reference
        }
        due = motion.due_date.strftime("%d.%m.%Y") if motion.due_date else _("keine")
        body = "\n".join(
            [
                _("Guten Tag,"),
                "",
                _("der Antrag %(reference)s „%(title)s“ wurde Ihnen federführend zugewiesen.")
                % {"reference": motion.reference, "title": motion.title},
                _("Frist: %(date)s") % {"date": due},
                "",
                _("Zum Antrag: %(url)s") % {"url": _link(motion)},
                "",
                _signature(),
            ]
        )
        _send(_department_addresses(motion.lead_department_id), subject, body)


def _signature() -> str:
    return _("Diese Nachricht wurde automatisch vom Ratsportal Prävention versandt.")


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
                transaction.on_commit(lambda m=motion, lt=light: _mail_reminder(m, lt))
                sent += 1
    return sent


def _mail_reminder(motion: Motion, light: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if light == "red":
            subject = _("Frist überschritten: %(reference)s") % {"reference": motion.reference}
            state = _("Die Frist ist seit dem %(date)s überschritten.")
        else:
            subject = _("Frist läuft ab: %(reference)s") % {"reference": motion.reference}
            state = _("Die Frist endet am %(date)s.")
        body = "\n".join(
            [
                _("Guten Tag,"),
                "",
                _("zum Antrag %(reference)s „%(title)s“ steht die Antwort noch aus.")
                % {"reference": motion.reference, "title": motion.title},
                state % {"date": motion.due_date.strftime("%d.%m.%Y")},
                "",
                _("Zum Antrag: %(url)s") % {"url": _link(motion)},
                "",
                _signature(),
            ]
        )
        _send(_department_addresses(motion.lead_department_id), subject, body)
