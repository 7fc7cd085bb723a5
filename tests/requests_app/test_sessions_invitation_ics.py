"""The invitation to a council session carries the meeting as an iCalendar attachment (issue 14):
sent through the one mail path (portal/mail.py), built by the generator of the public .ics."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from portal.concurrency import version_of
from requests_app.services import sessions as services
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def council():
    body = OrganizationFactory(name="Stadtrat", short_name="Stadtrat", kind="council")
    for address in ("eins@example.invalid", "zwei@example.invalid"):
        person = PersonFactory(public=True)
        UserFactory(email=address, person=person)
        MembershipFactory(organization=body, person=person)
    return body


def _start() -> datetime.datetime:
    return datetime.datetime(timezone.localdate().year + 1, 3, 4, 16, 30, tzinfo=BERLIN)


def _invite(office, council, commit, *, public: bool):
    meeting = services.meeting_create(
        user=office, organization=council, name="Sitzung des Stadtrates", start=_start()
    )
    if not public:
        type(meeting).objects.filter(pk=meeting.pk).update(public=False)
        meeting.refresh_from_db()
    services.agenda_item_create(meeting=meeting, user=office, number="Ö 1", title="Radwege")
    services.agenda_item_create(
        meeting=meeting, user=office, number="N 1", title="Grundstücksverkauf", public=False
    )
    meeting.refresh_from_db()
    with commit():
        services.meeting_invite(meeting=meeting, user=office, version=version_of(meeting))
    return meeting


def _calendar_of(message) -> tuple[str, Calendar]:
    found = [a for a in message.attachments if a.mimetype.startswith("text/calendar")]
    assert len(found) == 1, message.attachments
    name, content, _mimetype = found[0]
    if isinstance(content, str):
        content = content.encode()
    return name, Calendar.from_ical(content)


def test_every_invitation_has_the_meeting_as_calendar_attachment(
    office, council, commit, mailoutbox
):
    meeting = _invite(office, council, commit, public=True)

    assert sorted(m.to[0] for m in mailoutbox) == ["eins@example.invalid", "zwei@example.invalid"]
    for message in mailoutbox:
        name, calendar = _calendar_of(message)
        assert name == f"sitzung-{meeting.pk}.ics"
        (event,) = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == "Sitzung des Stadtrates"
        assert event.decoded("DTSTART") == _start()
        assert str(event["URL"]).endswith(f"/sitzungen/{meeting.pk}/")
        assert "Ö 1 Radwege" in str(event["DESCRIPTION"])
        # A calendar entry travels further than the mail: no non-public item in it.
        assert "Grundstücksverkauf" not in message.attachments[0][1]
        # The raw message carries it as a MIME part of its own.
        assert "Content-Type: text/calendar" in message.message().as_string()


def test_a_non_public_meeting_attachment_links_no_public_page(office, council, commit, mailoutbox):
    _invite(office, council, commit, public=False)

    _name, calendar = _calendar_of(mailoutbox[0])
    (event,) = calendar.walk("VEVENT")
    assert "URL" not in event
    assert event.decoded("DTSTART") == _start()
