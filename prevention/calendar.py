"""The KPR's public meetings as an iCalendar feed (RFC 5545), built with `icalendar`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from portal.models import Meeting

BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT_DURATION = timedelta(hours=2)
UID_DOMAIN = "ratsportal-praevention"


def meeting_uid(meeting: Meeting) -> str:
    """Stable across renames and reschedules: built from the primary key only."""
    return f"kpr-sitzung-{meeting.pk}@{UID_DOMAIN}"


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    base_url: str,
    name: str,
    agenda: dict[int, list[str]],
    url_for: Callable[[Meeting], str | None] | None = None,
) -> bytes:
    """One VEVENT per meeting, times in Europe/Berlin with its VTIMEZONE.

    `url_for(meeting)` gives the path of the meeting's page (default: the KPR meeting page);
    None leaves the URL out (a meeting without a public page)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Ratsportal Prävention//Kommunaler Präventionsrat//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now()
    for meeting in meetings:
        start = meeting.start.astimezone(BERLIN)
        end = (meeting.end or meeting.start + DEFAULT_DURATION).astimezone(BERLIN)
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", stamp)
        event.add("last-modified", meeting.modified)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", meeting.name)
        if meeting.location_id:
            event.add("location", str(meeting.location))
        items = agenda.get(meeting.pk, [])
        if items:
            event.add("description", "\n".join(items))
        page = (
            url_for(meeting) if url_for else reverse("prevention:meeting_detail", args=[meeting.pk])
        )
        if page:
            event.add("url", base_url + page)
        event.add(
            "status",
            {
                Meeting.State.CANCELLED: "CANCELLED",
                Meeting.State.PLANNED: "TENTATIVE",
            }.get(meeting.state, "CONFIRMED"),
        )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
