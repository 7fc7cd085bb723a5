"""Every write on council and committee sessions: meetings, agendas, consultations, results,
invitations and minutes (the council office's work, DESIGN §1).

Each service is keyword-only and atomic, lets only the council office act
(`requests_app.access.is_office`), locks what it changes (`portal.concurrency`), records a
`MeetingEvent` (and, where a motion moves, a `MotionEvent`) and sends mail only after the commit.
Refusals are `PermissionDenied` or a German `ValidationError`; nothing is saved then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import concurrency, formats
from portal.mail import absolute_url, send_after_commit
from portal.models import AgendaItem, Location, Meeting, Membership, Organization, User
from requests_app import access, mails
from requests_app.models import Consultation, MeetingEvent, Motion, MotionEvent

# Bodies whose sessions the council office keeps (the KPR keeps its own meetings).
SESSION_KINDS = (Organization.Kind.COUNCIL, Organization.Kind.COMMITTEE)
# A meeting without an end counts as this long when looking for overlaps.
DEFAULT_DURATION = timedelta(hours=3)
# Membership roles with a vote (a deputy votes only in place of a member).
VOTING_ROLES = (Membership.Role.CHAIR, Membership.Role.DEPUTY_CHAIR, Membership.Role.MEMBER)
TREATABLE_STATUSES = (Motion.Status.REGISTERED, Motion.Status.ANSWERED)

Action = MeetingEvent.Action
Role = Consultation.Role
Result = Consultation.Result


def _require_office(user: User) -> None:
    if not access.is_office(user):
        raise PermissionDenied(access.OFFICE_ONLY)


def _record(meeting: Meeting, user: User | None, action: str, comment: str = "") -> None:
    MeetingEvent.objects.create(
        meeting=meeting,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        comment=comment,
    )


# --- meetings ----------------------------------------------------------------------------------


def _check_times(
    *, organization: Organization, start: datetime, end: datetime | None, exclude: int | None
) -> None:
    """Refuse an end before the start and a meeting of the same body at the same time."""
    if end is not None and end <= start:
        raise ValidationError(_("Die Sitzung muss nach ihrem Beginn enden."))
    until = end or start + DEFAULT_DURATION
    others = (
        Meeting.objects.filter(organization=organization, start__lt=until)
        .exclude(state=Meeting.State.CANCELLED)
        .exclude(pk=exclude)
        .select_for_update(of=("self",))
    )
    for other in others:
        other_end = other.end or other.start + DEFAULT_DURATION
        if other_end > start:
            raise ValidationError(
                _("Zu dieser Zeit tagt %(body)s schon: %(meeting)s.")
                % {"body": organization, "meeting": other}
            )


def _check_body(organization: Organization) -> None:
    if organization.kind not in SESSION_KINDS:
        raise ValidationError(
            _("Sitzungen legt das Ratsbüro nur für den Stadtrat und seine Ausschüsse an.")
        )


@transaction.atomic
def meeting_create(
    *,
    user: User,
    organization: Organization,
    name: str,
    start: datetime,
    end: datetime | None = None,
    location: Location | None = None,
    public: bool = True,
) -> Meeting:
    """Plan a session of the Stadtrat or a committee."""
    _require_office(user)
    _check_body(organization)
    _check_times(organization=organization, start=start, end=end, exclude=None)
    meeting = Meeting(
        organization=organization,
        name=name.strip(),
        start=start,
        end=end,
        location=location,
        public=public,
        state=Meeting.State.PLANNED,
    )
    meeting.full_clean()
    meeting.save()
    _record(meeting, user, Action.CREATED)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: User,
    version: str | None,
    name: str,
    start: datetime,
    end: datetime | None = None,
    location: Location | None = None,
    public: bool = True,
) -> Meeting:
    """Change date, time, place or publicity, unless someone else saved it since `version`."""
    _require_office(user)
    current = concurrency.lock_and_check(Meeting, meeting.pk, version)
    _check_body(current.organization)
    if current.state == Meeting.State.CANCELLED:
        raise ValidationError(_("Eine abgesagte Sitzung kann nicht mehr bearbeitet werden."))
    _check_times(organization=current.organization, start=start, end=end, exclude=current.pk)
    if (
        not public
        and Consultation.objects.filter(
            agenda_item__meeting=current, motion__in=Motion.objects.published()
        ).exists()
    ):
        raise ValidationError(
            _("Auf der Tagesordnung stehen öffentliche Anträge: die Sitzung bleibt öffentlich.")
        )
    current.name, current.start, current.end = name.strip(), start, end
    current.location, current.public = location, public
    current.full_clean()
    concurrency.bump(current, "name", "start", "end", "location", "public")
    _record(current, user, Action.EDITED)
    return current


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, user: User, version: str | None, reason: str = ""
) -> Meeting:
    _require_office(user)
    current = concurrency.lock_and_check(Meeting, meeting.pk, version)
    if current.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise ValidationError(
            _("Im Status „%(status)s“ kann die Sitzung nicht abgesagt werden.")
            % {"status": current.get_state_display()}
        )
    current.state = Meeting.State.CANCELLED
    concurrency.bump(current, "state")
    _record(current, user, Action.CANCELLED, reason.strip())
    return current


def voting_members(organization: Organization, day) -> int:
    """How many members of the body had a vote on `day`."""
    return (
        Membership.objects.filter(
            organization=organization,
            voting_right=True,
            role__in=VOTING_ROLES,
            person__isnull=False,
        )
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .count()
    )


def _member_addresses(meeting: Meeting) -> list[str]:
    day = timezone.localtime(meeting.start).date()
    return list(
        User.objects.filter(
            is_active=True,
            person__memberships__organization=meeting.organization,
            person__memberships__deleted=False,
        )
        .filter(
            Q(person__memberships__start_date__isnull=True)
            | Q(person__memberships__start_date__lte=day)
        )
        .filter(
            Q(person__memberships__end_date__isnull=True)
            | Q(person__memberships__end_date__gte=day)
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def meeting_invite(*, meeting: Meeting, user: User, version: str | None) -> Meeting:
    """Send the invitation with the agenda (and the calendar entry) to the body's members."""
    _require_office(user)
    current = concurrency.lock_and_check(Meeting, meeting.pk, version)
    if current.state not in (Meeting.State.PLANNED, Meeting.State.INVITED):
        raise ValidationError(
            _("Im Status „%(status)s“ wird nicht mehr eingeladen.")
            % {"status": current.get_state_display()}
        )
    if current.start <= timezone.now():
        raise ValidationError(_("Zu einer vergangenen Sitzung wird nicht mehr eingeladen."))
    items = list(current.agenda_items.order_by("order", "pk"))
    if not items:
        raise ValidationError(_("Bitte stellen Sie zuerst die Tagesordnung auf."))
    current.state = Meeting.State.INVITED
    current.invited_at = timezone.now()
    concurrency.bump(current, "state", "invited_at")
    recipients = _member_addresses(current)
    send_after_commit(
        template="requests_app/sessions/mails/invitation",
        recipients=recipients,
        context={
            "body": str(current.organization),
            "name": current.name,
            "start": formats.date(timezone.localtime(current.start), "DATETIME_FORMAT"),
            "location": str(current.location or ""),
            "agenda": [
                {"number": item.number, "title": item.title, "public": item.public}
                for item in items
            ],
            "url": absolute_url(reverse("sessions:meeting_detail", args=[current.pk]))
            if current.public
            else "",
            "ics_url": absolute_url(reverse("sessions:meeting_ics", args=[current.pk]))
            if current.public
            else "",
        },
        attachments=[mails.invitation_calendar(current, items)],
    )
    _record(
        current,
        user,
        Action.INVITED,
        _("%(count)d Empfängerinnen und Empfänger") % {"count": len(recipients)},
    )
    return current


@transaction.atomic
def meeting_save_minutes(
    *, meeting: Meeting, user: User, version: str | None, minutes: str, publish: bool = False
) -> Meeting:
    """Keep the minutes (Markdown); `publish` shows them on the public session page."""
    _require_office(user)
    current = concurrency.lock_and_check(Meeting, meeting.pk, version)
    if current.state == Meeting.State.CANCELLED:
        raise ValidationError(_("Eine abgesagte Sitzung hat keine Niederschrift."))
    if publish and current.start > timezone.now():
        raise ValidationError(_("Die Niederschrift wird erst nach der Sitzung veröffentlicht."))
    minutes = minutes.strip()
    if publish and not minutes:
        raise ValidationError(_("Eine leere Niederschrift kann nicht veröffentlicht werden."))
    current.minutes = minutes
    fields = ["minutes"]
    if publish and current.minutes_published_at is None:
        current.minutes_published_at = timezone.now()
        current.state = Meeting.State.HELD
        fields += ["minutes_published_at", "state"]
    current.full_clean()
    concurrency.bump(current, *fields)
    _record(current, user, Action.MINUTES_PUBLISHED if publish else Action.MINUTES_SAVED)
    return current


# --- agenda ------------------------------------------------------------------------------------


def _open_meeting(meeting: Meeting) -> Meeting:
    """The meeting row, locked (agenda changes of two offices serialise on it)."""
    current = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    _check_body(current.organization)
    if current.state == Meeting.State.CANCELLED:
        raise ValidationError(_("Eine abgesagte Sitzung kann nicht mehr bearbeitet werden."))
    return current


def _check_number(meeting: Meeting, number: str, exclude: int | None) -> None:
    if not number:
        raise ValidationError(_("Bitte geben Sie die Nummer des Tagesordnungspunktes an."))
    taken = meeting.agenda_items.filter(number=number).exclude(pk=exclude).first()
    if taken is not None:
        raise ValidationError(
            _("Die Nummer %(number)s hat in dieser Sitzung schon „%(title)s“.")
            % {"number": number, "title": taken.title}
        )


def _check_publicity(item: AgendaItem) -> None:
    """Public motions belong under public items; confidential ones never under a public item
    (so their title never reaches a public agenda)."""
    motions = Motion.objects.filter(consultations__agenda_item=item, consultations__deleted=False)
    for motion in motions:
        if motion.is_public and not item.public:
            raise ValidationError(
                _("Der öffentliche Antrag %(motion)s gehört unter einen öffentlichen Punkt.")
                % {"motion": motion.reference}
            )
        if not motion.is_public and item.public:
            raise ValidationError(
                _(
                    "Der Antrag %(motion)s ist nicht öffentlich: er kann nur unter einem "
                    "nichtöffentlichen Punkt behandelt werden."
                )
                % {"motion": motion.reference or motion.pk}
            )


@transaction.atomic
def agenda_item_create(
    *, meeting: Meeting, user: User, number: str, title: str, public: bool = True
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    _require_office(user)
    current = _open_meeting(meeting)
    number = number.strip()
    _check_number(current, number, None)
    last = current.agenda_items.order_by("-order").values_list("order", flat=True).first()
    item = AgendaItem(
        meeting=current, number=number, title=title.strip(), public=public, order=(last or 0) + 1
    )
    item.full_clean()
    item.save()
    _record(current, user, Action.AGENDA_CHANGED, str(item))
    return item


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, user: User, version: str | None, number: str, title: str, public: bool
) -> AgendaItem:
    _require_office(user)
    current_meeting = _open_meeting(item.meeting)
    current = concurrency.lock_and_check(AgendaItem, item.pk, version)
    number = number.strip()
    _check_number(current_meeting, number, current.pk)
    current.number, current.title, current.public = number, title.strip(), public
    current.full_clean()
    _check_publicity(current)
    concurrency.bump(current, "number", "title", "public")
    _record(current_meeting, user, Action.AGENDA_CHANGED, str(current))
    return current


@transaction.atomic
def agenda_reorder(
    *, meeting: Meeting, user: User, version: str | None, order: Iterable[int]
) -> Meeting:
    """Put the agenda items in the given order (primary keys, first item first)."""
    _require_office(user)
    current = _open_meeting(meeting)
    items = current.agenda_items.all()
    concurrency.check_rows(items, version)
    by_pk = {item.pk: item for item in items}
    order = [int(pk) for pk in order]
    if sorted(order) != sorted(by_pk):
        raise ValidationError(_("Die neue Reihenfolge muss jeden Punkt genau einmal enthalten."))
    now = timezone.now()
    for position, pk in enumerate(order, start=1):
        item = by_pk[pk]
        item.order, item.modified = position, now
    AgendaItem.objects.bulk_update(by_pk.values(), ["order", "modified"])
    _record(current, user, Action.AGENDA_CHANGED, _("Reihenfolge geändert"))
    return current


# --- consultations -----------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *, agenda_item: AgendaItem, motion: Motion, role: str, user: User
) -> Consultation:
    """Put a registered motion on an agenda item, as Vorberatung, Entscheidung or Kenntnisnahme."""
    _require_office(user)
    meeting = _open_meeting(agenda_item.meeting)
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=agenda_item.pk)
    motion = Motion.objects.select_for_update(of=("self",)).get(pk=motion.pk)
    if motion.status not in TREATABLE_STATUSES:
        raise ValidationError(
            _("Nur registrierte Anträge kommen auf eine Tagesordnung (dieser ist „%(status)s“).")
            % {"status": motion.get_status_display()}
        )
    if role not in Role.values:
        raise ValidationError(_("Bitte wählen Sie, wie der Antrag beraten wird."))
    if role == Role.DECISION and meeting.organization.kind != Organization.Kind.COUNCIL:
        # Committees with powers of decision exist; the portal records them as Vorberatung.
        raise ValidationError(_("Entschieden wird im Stadtrat; ein Ausschuss berät vor."))
    consultation = Consultation(motion=motion, agenda_item=item, role=role)
    consultation.full_clean()
    consultation.save()
    _check_publicity(item)
    _record(meeting, user, Action.CONSULTATION_ADDED, f"{item.number}: {motion.reference}")
    return consultation


def _check_votes(consultation: Consultation, result: str, votes: tuple) -> None:
    if result not in Result.values:
        raise ValidationError(_("Unbekanntes Ergebnis."))
    given = [v for v in votes if v is not None]
    if given and not result:
        raise ValidationError(_("Stimmen gibt es nur zusammen mit einem Ergebnis."))
    if given and len(given) != 3:
        raise ValidationError(_("Bitte geben Sie Ja-, Nein-Stimmen und Enthaltungen an."))
    if any(v < 0 for v in given):
        raise ValidationError(_("Stimmen können nicht negativ sein."))
    meeting = consultation.agenda_item.meeting
    members = voting_members(meeting.organization, timezone.localtime(meeting.start).date())
    if given and members and sum(given) > members:
        raise ValidationError(
            _(
                "%(total)d Stimmen sind mehr, als %(body)s stimmberechtigte Mitglieder hat "
                "(%(members)d)."
            )
            % {"total": sum(given), "body": meeting.organization, "members": members}
        )


def _clean_faction_votes(rows: Iterable[dict] | None, total: tuple) -> list[dict]:
    cleaned = []
    for row in rows or ():
        name = str(row.get("faction", "")).strip()
        try:
            counts = {key: int(row.get(key) or 0) for key in ("yes", "no", "abstain")}
        except (TypeError, ValueError):
            raise ValidationError(_("Stimmen nach Fraktionen müssen ganze Zahlen sein.")) from None
        if not name or min(counts.values()) < 0:
            raise ValidationError(_("Jede Zeile der Fraktionsstimmen braucht eine Fraktion."))
        cleaned.append({"faction": name[:100], **counts})
    if cleaned and None not in total:
        sums = tuple(sum(row[key] for row in cleaned) for key in ("yes", "no", "abstain"))
        if any(part > whole for part, whole in zip(sums, total, strict=True)):
            raise ValidationError(
                _("Die Stimmen der Fraktionen ergeben mehr als das Gesamtergebnis.")
            )
    return cleaned


@transaction.atomic
def consultation_record_result(
    *,
    consultation: Consultation,
    user: User,
    version: str | None,
    result: str,
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    faction_votes: Iterable[dict] | None = None,
) -> Consultation:
    """Record the result of a treatment; the motion's decision and timeline follow it."""
    _require_office(user)
    current = concurrency.lock_and_check(
        Consultation.objects.select_related("agenda_item__meeting__organization"),
        consultation.pk,
        version,
    )
    meeting = current.agenda_item.meeting
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("Die Sitzung wurde abgesagt."))
    votes = (votes_yes, votes_no, votes_abstain)
    _check_votes(current, result, votes)
    current.result = result
    current.votes_yes, current.votes_no, current.votes_abstain = votes
    current.faction_votes = _clean_faction_votes(faction_votes, votes)
    current.full_clean()
    concurrency.bump(current, "result", "votes_yes", "votes_no", "votes_abstain", "faction_votes")
    item = current.agenda_item
    item.result = current.get_result_display() if result else ""
    item.save(update_fields=["result", "modified"])
    _record(meeting, user, Action.RESULT_RECORDED, f"{item.number}: {current.get_result_display()}")
    if result:
        _motion_follows(current, user)
    return current


def consultation_comment(consultation: Consultation) -> str:
    """The motion timeline's note: body, meeting, role, result and votes."""
    meeting = consultation.agenda_item.meeting
    comment = f"{meeting.organization}: {meeting} – {consultation.get_role_display()}"
    if consultation.result:
        comment += " – " + str(consultation.get_result_display())
    if consultation.has_votes:
        comment += " " + _("(Ja %(yes)s, Nein %(no)s, Enthaltung %(abstain)s)") % {
            "yes": consultation.votes_yes,
            "no": consultation.votes_no,
            "abstain": consultation.votes_abstain,
        }
    return comment


def _motion_follows(consultation: Consultation, user: User) -> Motion:
    """Write the treatment into the motion's timeline; a decision of the Stadtrat also sets the
    motion's decision, votes, meeting and agenda item."""
    motion = Motion.objects.select_for_update(of=("self",)).get(pk=consultation.motion_id)
    fields: list[str] = []
    meeting = consultation.agenda_item.meeting
    if meeting.organization.kind == Organization.Kind.COUNCIL:
        motion.meeting_id = meeting.pk
        motion.agenda_item_id = consultation.agenda_item_id
        fields += ["meeting", "agenda_item"]
        deciding = consultation.role == Role.DECISION
        if deciding and consultation.result in Consultation.DECIDING_RESULTS:
            motion.decision = consultation.result
            motion.votes_yes = consultation.votes_yes
            motion.votes_no = consultation.votes_no
            motion.votes_abstain = consultation.votes_abstain
            fields += ["decision", "votes_yes", "votes_no", "votes_abstain"]
    if fields:
        motion.full_clean()
        concurrency.bump(motion, *fields)
    event = MotionEvent.objects.record(
        motion=motion,
        user=user,
        action=MotionEvent.Action.TREATED,
        from_status=motion.status,
        to_status=motion.status,
        comment=consultation_comment(consultation),
    )
    mails.motion_changed(motion=motion, event=event)
    return motion


# --- the motion page's "record treatment" -----------------------------------------------------


@transaction.atomic
def treatment_record(
    *,
    motion: Motion,
    user: User,
    meeting: Meeting,
    agenda_number: str,
    decision: str = "",
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
) -> Consultation:
    """The Stadtrat's treatment of one motion in one step (the motion page's form): the item
    (found by its number or added), the consultation (Entscheidung for a Beschlussantrag,
    Kenntnisnahme otherwise) and its result."""
    _require_office(user)
    if meeting.organization.kind != Organization.Kind.COUNCIL:
        raise ValidationError(_("Bitte wählen Sie eine Sitzung des Stadtrats."))
    if decision not in Motion.Decision.values:
        raise ValidationError(_("Unbekannter Beschluss."))
    if decision and motion.kind != Motion.Kind.BA:
        raise ValidationError(_("Nur über einen Beschlussantrag wird abgestimmt."))
    if any(v is not None for v in (votes_yes, votes_no, votes_abstain)) and not decision:
        raise ValidationError(_("Stimmen gibt es nur zusammen mit einem Beschluss."))
    number = agenda_number.strip()
    item = meeting.agenda_items.filter(number=number).first()
    added = item is None
    if added:
        # A confidential motion is treated in the non-public part: its title must not become
        # a public agenda item (pages, OParl).
        title = str(motion) if motion.is_public else _("Nichtöffentlicher Antrag")
        item = agenda_item_create(
            meeting=meeting, user=user, number=number, title=title[:300], public=motion.is_public
        )
    consultation = Consultation.objects.filter(motion=motion, agenda_item=item).first()
    if consultation is None:
        if not added and motion.agenda_item_id != item.pk:
            # Never write this motion's result into another item of the agenda.
            raise ValidationError(
                _(
                    "Den Tagesordnungspunkt %(number)s gibt es in dieser Sitzung schon "
                    "(„%(title)s“). Bitte geben Sie die Nummer des Punktes an, unter dem "
                    "der Antrag behandelt wurde."
                )
                % {"number": number, "title": item.title}
            )
        role = Role.DECISION if motion.kind == Motion.Kind.BA else Role.NOTICE
        consultation = consultation_create(agenda_item=item, motion=motion, role=role, user=user)
    return consultation_record_result(
        consultation=consultation,
        user=user,
        version=concurrency.version_of(consultation),
        result=decision or Result.NOTED,
        votes_yes=votes_yes,
        votes_no=votes_no,
        votes_abstain=votes_abstain,
    )
