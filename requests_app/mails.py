"""Every e-mail of requests_app: who gets it and what its template is told.

Each mail is a template pair under templates/requests_app/mails/ (`<name>.subject.txt`,
`<name>.txt`) rendered and sent by portal.mail, one message per address. The workflow mails are
queued by the services with `send_after_commit` (nothing is sent for a transaction that rolls
back); the citizens' alert mails are sent by the alert tasks (requests_app/alerts.py) at the
time of sending, each with its own unsubscribe link and `List-Unsubscribe` header.

A context goes through the task queue, so it holds plain strings in the portal's language:
labels translated here, dates formatted by portal.formats, links made absolute by
`portal.mail.absolute_url`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from portal import formats
from portal.mail import absolute_url, attachment, send_after_commit, send_templated
from portal.models import AgendaItem, Meeting, User
from prevention.calendar import meetings_calendar
from requests_app import access
from requests_app.models import AnswerReport, Motion, MotionEvent

FOLDER = "requests_app/mails"


def _addresses(users: QuerySet[User]) -> list[str]:
    return list(users.filter(is_active=True).exclude(email="").values_list("email", flat=True))


def _submitters(motion: Motion) -> list[str]:
    return _addresses(User.objects.filter(person__motions=motion))


def _department(motion: Motion) -> list[str]:
    return _addresses(User.objects.filter(organizations=motion.lead_department_id))


def _date(value) -> str:
    return formats.date(value, "SHORT_DATE_FORMAT")


def _in_portal_language(function: Callable) -> Callable:
    """Labels and dates of the context in the portal's language, whoever's request sends it."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def _queue(name: str, recipients: Iterable[str], **context) -> None:
    send_after_commit(template=f"{FOLDER}/{name}", recipients=recipients, context=context)


# --- motions --------------------------------------------------------------------------------------


@_in_portal_language
def motion_changed(*, motion: Motion, event: MotionEvent) -> None:
    """Tell the submitters what happened to their motion (every state change)."""
    registered = motion.status == Motion.Status.REGISTERED
    answer = None
    if motion.status == Motion.Status.ANSWERED and motion.is_public:
        answer = AnswerReport.objects.current().filter(motion=motion).first()
    _queue(
        "motion_changed",
        _submitters(motion),
        request=motion.is_request,  # "Anfrage" or "Antrag" in the text
        title=motion.title,
        action=event.get_action_display(),
        status=motion.get_status_display(),
        reference=motion.reference,
        due_date=_date(motion.due_date) if registered else "",
        comment=event.comment,
        url=absolute_url(motion.get_workspace_url()),
        answer_url=absolute_url(answer.get_absolute_url()) if answer else "",
    )


@_in_portal_language
def department_assigned(*, motion: Motion) -> None:
    """Tell the lead department that a registered motion is theirs to answer."""
    _queue(
        "department_assigned",
        _department(motion),
        request=motion.is_request,  # "Anfrage" or "Antrag" in the text
        reference=motion.reference,
        title=motion.title,
        due_date=_date(motion.due_date),
        url=absolute_url(motion.get_workspace_url()),
    )


@_in_portal_language
def deadline_reminder(*, motion: Motion, light: str) -> None:
    """Remind the lead department of a deadline near (amber) or past (red)."""
    _queue(
        "deadline_reminder",
        _department(motion),
        overdue=light == "red",
        reference=motion.reference,
        title=motion.title,
        due_date=_date(motion.due_date),
        url=absolute_url(motion.get_workspace_url()),
    )


# --- answer reports -------------------------------------------------------------------------------


@_in_portal_language
def report_for_review(*, report: AnswerReport) -> None:
    """Put a report before the lead department's approvers."""
    _queue(
        "report_for_review",
        _addresses(access.reviewers(report.motion)),
        reference=report.motion.reference,
        title=report.title,
        url=absolute_url(report.get_workspace_url()),
    )


@_in_portal_language
def report_returned(*, report: AnswerReport, comment: str) -> None:
    """Tell the report's authors (whoever started or edited it) that it came back from review."""
    edits = (MotionEvent.Action.REPORT_STARTED, MotionEvent.Action.REPORT_EDITED)
    authors = User.objects.filter(
        pk__in=report.events.filter(action__in=edits).values("user")
    ) | User.objects.filter(pk=report.created_by_id)
    notes = [
        {"number": answer.question.number, "note": answer.review_comment}
        for answer in report.answers.select_related("question").order_by("question__number")
        if answer.review_comment
    ]
    _queue(
        "report_returned",
        _addresses(authors.distinct()),
        reference=report.motion.reference,
        title=report.title,
        comment=comment,
        notes=notes,
        url=absolute_url(report.get_workspace_url()),
    )


@_in_portal_language
def report_corrected(*, report: AnswerReport) -> None:
    """Tell the submitters that a corrected answer to their motion is published."""
    _queue(
        "report_corrected",
        _submitters(report.motion),
        reference=report.motion.reference,
        title=report.motion.title,
        url=absolute_url(report.get_absolute_url()),
    )


# --- citizens' alerts (sent by the alert tasks, one subscriber at a time) -------------------------


def _send_alert(name: str, address: str, unsubscribe_url: str, **context) -> int:
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return send_templated.call(
        template=f"{FOLDER}/{name}",
        recipients=[address],
        context={**context, "unsubscribe_url": unsubscribe_url},
        headers=headers,
    )


def alert_confirmation(
    *, address: str, topic: str, confirm_url: str, unsubscribe_url: str, days: int
) -> int:
    """The double opt-in mail: the only mail an unconfirmed address ever gets."""
    return _send_alert(
        "alert_confirmation",
        address,
        unsubscribe_url,
        topic=topic,
        confirm_url=confirm_url,
        days=days,
    )


def motion_alert(*, address: str, title: str, url: str, topic: str, unsubscribe_url: str) -> int:
    """A newly submitted motion, to one confirmed subscriber of its topic."""
    return _send_alert(
        "motion_alert", address, unsubscribe_url, title=title, url=absolute_url(url), topic=topic
    )


def report_alert(*, address: str, title: str, url: str, topic: str, unsubscribe_url: str) -> int:
    """A newly published answer report, to one confirmed subscriber."""
    return _send_alert(
        "report_alert", address, unsubscribe_url, title=title, url=absolute_url(url), topic=topic
    )


def invitation_calendar(meeting: Meeting, items: list[AgendaItem]) -> dict:
    """The invitation's attachment: the meeting as an iCalendar file, made by the generator of
    the public .ics feeds, with the public agenda items only (a calendar entry travels further
    than the mail) and the meeting's page only when it is public."""
    ics = meetings_calendar(
        [meeting],
        base_url=settings.PORTAL_BASE_URL.rstrip("/"),
        name=meeting.name,
        agenda={meeting.pk: [f"{i.number} {i.title}".strip() for i in items if i.public]},
        url_for=lambda m: reverse("sessions:meeting_detail", args=[m.pk]) if m.public else None,
    )
    return attachment(f"sitzung-{meeting.pk}.ics", ics, "text/calendar")
