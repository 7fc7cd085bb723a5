"""Every page type of the council sessions, scanned with axe-core in Chromium (WCAG 2.1 AA),
and the office's journey by keyboard-reachable controls."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.models import Meeting
from requests_app.models import Consultation
from tests.axe import assert_no_axe_violations
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MembershipFactory,
    MotionFactory,
    OrganizationFactory,
    PersonFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def sessions():
    council = OrganizationFactory(name="Stadtrat Chemnitz", short_name="Stadtrat", kind="council")
    faction = OrganizationFactory(name="Fraktion Test", short_name="Test", kind="faction")
    person = PersonFactory(given_name="Petra", family_name="Beispiel", public=True)
    for organization in (council, faction):
        MembershipFactory(organization=organization, person=person)
    meeting = MeetingFactory(
        organization=council,
        name="Sitzung des Stadtrates",
        start=datetime.datetime(2020, 6, 24, 15, tzinfo=BERLIN),
        public=True,
        state=Meeting.State.HELD,
        minutes="**Niederschrift**",
    )
    motion = MotionFactory(faction=faction, kind="BA", registered=True, title="Mehr Licht")
    motion.submitters.add(person)
    item = AgendaItemFactory(meeting=meeting, number="Ö 1", title="Mehr Licht")
    AgendaItemFactory(meeting=meeting, number="N 1", title="Personalie", public=False)
    consultation = Consultation.objects.create(
        motion=motion,
        agenda_item=item,
        role="decision",
        result="adopted",
        votes_yes=1,
        votes_no=0,
        votes_abstain=0,
    )
    return meeting, motion, person, consultation


def test_public_session_pages_have_no_axe_violations(page, sessions):
    meeting, motion, person, _consultation = sessions
    for path in (
        "/sitzungen/",
        f"/sitzungen/{meeting.pk}/",
        "/gremien/",
        "/gremien/stadtrat/",
        "/fraktionen/test/",
        f"/personen/{person.pk}/",
        motion.get_absolute_url(),
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)


def test_office_pages_and_error_states_have_no_axe_violations(page, login_page, sessions):
    meeting, _motion, _person, consultation = sessions
    login_page("council_office")
    for path in (
        "/arbeitsbereich/sitzungen/",
        f"/arbeitsbereich/sitzungen/{meeting.pk}/",
        f"/arbeitsbereich/sitzungen/{meeting.pk}/bearbeiten/",
        f"/arbeitsbereich/sitzungen/punkte/{consultation.agenda_item_id}/",
        f"/arbeitsbereich/sitzungen/beratungen/{consultation.pk}/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)
    page.goto("/arbeitsbereich/sitzungen/neu/")
    assert_no_axe_violations(page)
    page.get_by_label("Bezeichnung").fill("Ausschusssitzung")
    page.get_by_role("button", name="Sitzung speichern").click()
    assert page.locator(".error-summary").count() == 1
    assert_no_axe_violations(page)
