"""The demo sessions (requests_app.demo_sessions): BA-044/2020's route, this year's sessions on
weekdays, figures that add up, and a second run that changes nothing."""

import datetime
import io

import pytest
from django.utils import timezone

from portal.models import AgendaItem, Meeting, Membership, Organization
from requests_app import demo_sessions
from requests_app.models import Consultation, Motion
from requests_app.services.sessions import voting_members

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(
            (row.pk, getattr(row, "modified", None)) for row in model._default_manager.all()
        )
        for model in (Meeting, AgendaItem, Consultation, Membership, Organization)
    }


@pytest.fixture
def sessions_demo(demo):
    demo_sessions.load(stdout=io.StringIO())


def test_ba_044_goes_through_the_committee_to_the_stadtrat(sessions_demo, client):
    motion = Motion.objects.get_by_slug("ba-044-2020")
    route = list(Consultation.objects.public().filter(motion=motion).for_route())
    assert [(c.meeting.organization.short_name, c.role, c.result) for c in route] == [
        ("ASOU", "preliminary", "adopted"),
        ("Stadtrat", "decision", "adopted"),
    ]
    council_session = route[1].meeting
    assert timezone.localtime(council_session.start).date() == datetime.date(2020, 6, 24)
    assert council_session.location is not None and council_session.end is not None
    assert (motion.decision, motion.votes_yes, motion.votes_no, motion.votes_abstain) == (
        "adopted",
        12,
        5,
        2,
    )
    for consultation in route:  # no vote has more voices than the body has voting members
        total = consultation.votes_yes + consultation.votes_no + consultation.votes_abstain
        day = timezone.localtime(consultation.meeting.start).date()
        assert total <= voting_members(consultation.meeting.organization, day)
    page = client.get("/antraege/ba-044-2020/").content.decode()
    assert "Beratungsfolge" in page and "Ja 12, Nein 5, Enthaltung 2" in page


def test_this_years_sessions_are_on_weekdays_held_and_invited(sessions_demo, client):
    year = timezone.localdate().year
    meetings = Meeting.objects.filter(
        organization__kind__in=["council", "committee"], name__contains="Beispieldaten"
    )
    assert sorted(m.state for m in meetings) == ["held", "invited"]
    for meeting in meetings:
        assert timezone.localtime(meeting.start).weekday() < 5
        assert timezone.localtime(meeting.start).year in (year, year + 1)
    held = meetings.get(state="held")
    assert held.minutes_published_at is not None
    assert Consultation.objects.filter(agenda_item__meeting=held).count() == 2
    page = client.get(f"/sitzungen/{held.pk}/").content.decode()
    assert "fiktive Niederschrift" in page
    invited = meetings.get(state="invited")
    page = client.get(f"/sitzungen/{invited.pk}/").content.decode()
    assert "Schutz von Beschäftigten im Bürgerservice" not in page  # confidential motion
    assert "Nichtöffentlicher Teil" in page


def test_committees_have_members_and_public_pages(sessions_demo, client):
    for slug in ("asou", "vfa", "stadtrat"):
        assert client.get(f"/gremien/{slug}/").status_code == 200
    assert Membership.objects.filter(organization__short_name="ASOU").count() == 7


def test_loading_twice_changes_nothing(sessions_demo):
    before = snapshot()
    demo_sessions.load(stdout=io.StringIO())
    assert snapshot() == before
