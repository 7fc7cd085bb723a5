"""The iCalendar feed of the KPR's public meetings, parsed back with `icalendar`."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from portal.models import Location, Meeting
from tests.factories import AgendaItemFactory, CouncilMeetingFactory, MeetingFactory

pytestmark = pytest.mark.django_db
URL = reverse("prevention:meeting_ics")
BERLIN = ZoneInfo("Europe/Berlin")


def feed(client) -> Calendar:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_one_event_per_public_council_meeting(client):
    CouncilMeetingFactory(name="Erste")
    CouncilMeetingFactory(name="Zweite")
    CouncilMeetingFactory(name="Geheim", public=False)
    MeetingFactory(name="Stadtrat")
    events = feed(client).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == ["Erste", "Zweite"]


def test_times_are_in_berlin_with_a_vtimezone(client):
    # 16:00 in Chemnitz in summer is 14:00 UTC.
    start = datetime.datetime(2025, 7, 3, 16, 0, tzinfo=BERLIN)
    place = Location.objects.create(description="Weißes Haus")
    CouncilMeetingFactory(start=start, end=start + datetime.timedelta(hours=2), location=place)
    calendar = feed(client)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    event = calendar.walk("VEVENT")[0]
    dtstart = event.decoded("DTSTART")
    assert dtstart.utcoffset() == datetime.timedelta(hours=2)
    assert dtstart == start
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") == start + datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Weißes Haus"


def test_uid_is_stable_when_a_meeting_is_renamed(client):
    meeting = CouncilMeetingFactory(name="Alt")
    first = str(feed(client).walk("VEVENT")[0]["UID"])
    Meeting.objects.filter(pk=meeting.pk).update(name="Neu")
    event = feed(client).walk("VEVENT")[0]
    assert str(event["UID"]) == first
    assert str(event["SUMMARY"]) == "Neu"


def test_description_lists_public_agenda_items_only(client):
    meeting = CouncilMeetingFactory()
    AgendaItemFactory(meeting=meeting, order=1, number="1", title="Bericht")
    AgendaItemFactory(meeting=meeting, order=2, number="2", title="Geheimes", public=False)
    event = feed(client).walk("VEVENT")[0]
    assert "Bericht" in str(event["DESCRIPTION"])
    assert "Geheimes" not in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(reverse("prevention:meeting_detail", args=[meeting.pk]))


def test_cancelled_meeting_is_marked_cancelled(client):
    CouncilMeetingFactory(state=Meeting.State.CANCELLED)
    assert str(feed(client).walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_empty_calendar_is_still_valid(client):
    calendar = feed(client)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar.walk("VEVENT") == []
