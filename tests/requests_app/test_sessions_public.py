"""Public session pages: /sitzungen/, /gremien/, /fraktionen/<slug>/, /personen/<id>/ and the
motion's route. Nothing non-public shows; the lists' query counts do not grow with the data."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Meeting
from requests_app.models import Consultation
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MembershipFactory,
    MotionFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db
SECRET = "GEHEIMZQX"


@pytest.fixture
def council(db):
    return OrganizationFactory(name="Stadtrat Chemnitz", short_name="Stadtrat", kind="council")


def session(council, day=datetime.date(2020, 6, 24), **fields):
    start = datetime.datetime(day.year, day.month, day.day, 15, tzinfo=BERLIN)
    return MeetingFactory(organization=council, start=start, public=True, **fields)


def treat(meeting, motion, *, number="Ö 1", public=True, **fields):
    item = AgendaItemFactory(meeting=meeting, number=number, title=f"TOP {number}", public=public)
    return Consultation.objects.create(motion=motion, agenda_item=item, **fields)


@pytest.fixture
def treated(council, faction, department):
    meeting = session(council, name="Sitzung des Stadtrates", minutes="Protokoll-Text")
    motion = MotionFactory(faction=faction, kind="BA", registered=True, title="Mehr Licht im Park")
    treat(
        meeting,
        motion,
        role="decision",
        result="adopted",
        votes_yes=30,
        votes_no=20,
        votes_abstain=3,
        faction_votes=[{"faction": "Test", "yes": 5, "no": 0, "abstain": 1}],
    )
    AgendaItemFactory(meeting=meeting, number="N 1", title=f"Personalie {SECRET}", public=False)
    return meeting, motion


def test_session_page_shows_public_agenda_results_and_votes(client, treated):
    meeting, _motion = treated
    page = client.get(reverse("sessions:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Mehr Licht im Park" in page and "angenommen" in page
    assert "Ja 30, Nein 20, Enthaltung 3" in page and "Test: Ja 5, Nein 0, Enthaltung 1" in page
    assert SECRET not in page and "Nichtöffentlicher Teil" in page
    assert "Protokoll-Text" not in page  # minutes not published yet


def test_published_minutes_show(client, treated):
    meeting, _motion = treated
    Meeting.objects.filter(pk=meeting.pk).update(minutes_published_at=timezone.now())
    page = client.get(reverse("sessions:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Protokoll-Text" in page


def test_non_public_and_kpr_meetings_are_not_found(client, council):
    hidden = session(council)
    Meeting.objects.filter(pk=hidden.pk).update(public=False)
    kpr = MeetingFactory(organization=OrganizationFactory(kind="prevention_council"), public=True)
    for pk in (hidden.pk, kpr.pk):
        assert client.get(reverse("sessions:meeting_detail", args=[pk])).status_code == 404
        assert client.get(reverse("sessions:meeting_ics", args=[pk])).status_code == 404


def test_confidential_motion_never_shows_on_session_pages(client, council, faction):
    meeting = session(council)
    motion = MotionFactory(faction=faction, registered=True, confidential=True, title=SECRET)
    treat(meeting, motion, number="N 2", public=False, role="notice", result="noted")
    for url in (
        reverse("sessions:meeting_detail", args=[meeting.pk]),
        reverse("sessions:meeting_list"),
        reverse("sessions:body_detail", args=["stadtrat"]),
        reverse("sessions:meeting_ics", args=[meeting.pk]),
    ):
        assert SECRET not in client.get(url).content.decode()


def test_motion_page_shows_its_route(client, treated, council):
    _meeting, motion = treated
    committee = OrganizationFactory(name="Ausschuss für Test", kind="committee")
    treat(
        session(committee, day=datetime.date(2020, 6, 10)),
        motion,
        role="preliminary",
        result="adopted",
    )
    page = client.get(motion.get_absolute_url()).content.decode()
    assert "Beratungsfolge" in page
    assert page.index("Ausschuss für Test") < page.index("Stadtrat Chemnitz</td>")
    assert "Vorberatung" in page and "Entscheidung" in page


def test_list_filters_by_body_and_year(client, council, settings):
    # "gremium" must be in a page_cache_parameters tuple, or the page cache drops it.
    settings.PAGE_CACHE_SECONDS = 0
    session(council, name="Ratssitzung 2020")
    committee = OrganizationFactory(name="Ausschuss X", short_name="AX", kind="committee")
    session(committee, day=datetime.date(2021, 3, 3), name="Ausschusssitzung 2021")
    url = reverse("sessions:meeting_list")
    page = client.get(url, {"gremium": "ax"}).content.decode()
    assert "Ausschusssitzung 2021" in page and "Ratssitzung 2020" not in page
    page = client.get(url, {"year": "2020"}).content.decode()
    assert "Ratssitzung 2020" in page and "Ausschusssitzung 2021" not in page
    page = client.get(url, {"year": "abc", "gremium": "<x>"}).content.decode()
    assert "Ratssitzung 2020" in page and "Ausschusssitzung 2021" in page


def test_list_shows_kpr_meetings_with_their_own_page(client):
    kpr = OrganizationFactory(name="Kommunaler Präventionsrat", kind="prevention_council")
    meeting = MeetingFactory(organization=kpr, public=True, name="KPR-Sitzung")
    page = client.get(reverse("sessions:meeting_list")).content.decode()
    assert "KPR-Sitzung" in page
    assert reverse("prevention:meeting_detail", args=[meeting.pk]) in page


def _grow(council, faction, n):
    for i in range(n):
        meeting = session(council, day=datetime.date(2019, 1, 1) + datetime.timedelta(days=7 * i))
        motion = MotionFactory(faction=faction, registered=True)
        treat(meeting, motion, role="notice", result="noted")
        MembershipFactory(organization=council, person=PersonFactory(public=True))
        MembershipFactory(organization=faction, person=PersonFactory(public=True))


@pytest.mark.parametrize(
    "name,args",
    [
        ("sessions:meeting_list", []),
        ("sessions:body_list", []),
        ("sessions:body_detail", ["stadtrat"]),
        ("sessions:faction_detail", ["test"]),
    ],
)
def test_list_query_counts_do_not_grow(
    client, council, faction, django_assert_max_num_queries, name, args
):
    url = reverse(name, args=args)
    _grow(council, faction, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= 12
    _grow(council, faction, 12)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_session_page_query_count_does_not_grow(
    client, treated, faction, django_assert_max_num_queries
):
    meeting, _motion = treated
    url = reverse("sessions:meeting_detail", args=[meeting.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(10):
        treat(meeting, MotionFactory(faction=faction, registered=True), number=f"Ö {i + 10}")
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_body_page_names_public_members_only(client, council):
    MembershipFactory(organization=council, person=PersonFactory(family_name="Offen", public=True))
    MembershipFactory(organization=council, person=PersonFactory(family_name=SECRET))
    page = client.get(reverse("sessions:body_detail", args=["stadtrat"])).content.decode()
    assert "Offen" in page and SECRET not in page
    assert client.get(reverse("sessions:body_detail", args=["gibt-es-nicht"])).status_code == 404


def test_person_page_has_memberships_and_motions_but_no_contact(client, council, faction):
    person = PersonFactory(given_name="Petra", family_name="Beispiel", public=True)
    UserFactory(person=person, email="petra@example.invalid")
    MembershipFactory(organization=council, person=person)
    motion = MotionFactory(faction=faction, registered=True, title="Antrag von Petra")
    motion.submitters.add(person)
    page = client.get(reverse("sessions:person_detail", args=[person.pk])).content.decode()
    assert "Petra Beispiel" in page and "Stadtrat Chemnitz" in page
    assert "Antrag von Petra" in page and "petra@example.invalid" not in page
    hidden = PersonFactory()
    assert client.get(reverse("sessions:person_detail", args=[hidden.pk])).status_code == 404


def test_faction_page_lists_published_motions_only(client, faction):
    MembershipFactory(organization=faction, person=PersonFactory(family_name="Offen", public=True))
    MembershipFactory(organization=faction, person=PersonFactory(family_name="Privat"))
    MotionFactory(faction=faction, registered=True, title="Öffentlicher Antrag")
    MotionFactory(faction=faction, title=SECRET)  # a draft
    page = client.get(reverse("sessions:faction_detail", args=["test"])).content.decode()
    assert "Öffentlicher Antrag" in page and SECRET not in page
    assert "Offen" in page and "Privat" not in page


def test_body_calendar_lists_public_meetings_and_items(client, treated):
    response = client.get(reverse("sessions:body_ics", args=["stadtrat"]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "Sitzung des Stadtrates" in text and SECRET not in text
    # each event links the session's own page, not the KPR's meeting page
    meeting, _motion = treated
    unfolded = text.replace("\r\n ", "")
    assert f"/sitzungen/{meeting.pk}/" in unfolded and "/praeventionsrat/" not in unfolded
