"""The council office's session pages: the journey of issue 14 through the test client, and
refusals that save nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.concurrency import version_of
from portal.models import AgendaItem, Meeting
from requests_app.models import Consultation
from tests.factories import MembershipFactory, MotionFactory, OrganizationFactory, PersonFactory

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def local(day: datetime.date, hour: int) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


@pytest.fixture
def bodies(db):
    council = OrganizationFactory(name="Stadtrat", short_name="Stadtrat", kind="council")
    committee = OrganizationFactory(name="Ausschuss S", short_name="AS", kind="committee")
    for body, count in ((council, 20), (committee, 7)):
        for _n in range(count):
            MembershipFactory(organization=body, person=PersonFactory(public=True))
    return council, committee


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def create(client, body, day, name):
    return client.post(
        reverse("sessions:office_create"),
        {
            "organization": body.pk,
            "name": name,
            "start": local(day, 16),
            "end": local(day, 19),
            "public": "on",
        },
    )


def test_office_records_a_motions_route_committee_then_council(
    office_client, bodies, faction, department, client
):
    council, committee = bodies
    motion = MotionFactory(faction=faction, kind="BA", registered=True, title="Parkbeleuchtung")
    day = timezone.localdate() + datetime.timedelta(days=30)
    results = []
    for body, role, votes in (
        (committee, "preliminary", (5, 1, 1)),
        (council, "decision", (12, 6, 2)),
    ):
        assert create(office_client, body, day, f"Sitzung {body.short_name}").status_code == 302
        meeting = Meeting.objects.get(organization=body)
        url = reverse("sessions:office_action", args=[meeting.pk, "item_add"])
        response = office_client.post(
            url,
            {
                "item_add-number": "Ö 3",
                "item_add-title": "Parkbeleuchtung",
                "item_add-public": "on",
            },
        )
        assert response.status_code == 302
        item = AgendaItem.objects.get(meeting=meeting)
        response = office_client.post(
            reverse("sessions:office_item", args=[item.pk]),
            {"consultation": "1", "beratung-motion": motion.pk, "beratung-role": role},
        )
        assert response.status_code == 302
        consultation = Consultation.objects.get(agenda_item=item)
        yes, no, abstain = votes
        response = office_client.post(
            reverse("sessions:office_consultation", args=[consultation.pk]),
            {
                "result": "adopted",
                "votes_yes": yes,
                "votes_no": no,
                "votes_abstain": abstain,
                "faction_votes": "Test: 2/0/0",
                "version": version_of(consultation),
            },
        )
        assert response.status_code == 302
        results.append(meeting)
    motion.refresh_from_db()
    assert (motion.decision, motion.votes_yes, motion.meeting) == ("adopted", 12, results[1])
    page = client.get(motion.get_absolute_url()).content.decode()
    assert "Vorberatung" in page and "Ja 12, Nein 6, Enthaltung 2" in page


def test_bad_times_and_overlaps_are_refused_with_a_message(office_client, bodies):
    council, _committee = bodies
    day = timezone.localdate() + datetime.timedelta(days=30)
    response = office_client.post(
        reverse("sessions:office_create"),
        {"organization": council.pk, "name": "S", "start": local(day, 16), "end": local(day, 15)},
    )
    assert "nach ihrem Beginn enden" in response.content.decode()
    assert create(office_client, council, day, "Erste").status_code == 302
    response = create(office_client, council, day, "Zweite")
    assert "Zu dieser Zeit tagt Stadtrat schon" in response.content.decode()
    response = office_client.post(
        reverse("sessions:office_create"),
        {"organization": council.pk, "name": "S", "start": "morgen"},
    )
    assert response.status_code == 200 and "Beginn" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_too_many_votes_are_refused_and_nothing_is_saved(office_client, bodies, faction):
    council, _committee = bodies
    day = timezone.localdate() + datetime.timedelta(days=30)
    create(office_client, council, day, "Rat")
    meeting = Meeting.objects.get()
    item = AgendaItem.objects.create(meeting=meeting, number="1", title="X", order=1)
    motion = MotionFactory(faction=faction, kind="BA", registered=True)
    consultation = Consultation.objects.create(motion=motion, agenda_item=item, role="decision")
    response = office_client.post(
        reverse("sessions:office_consultation", args=[consultation.pk]),
        {
            "result": "adopted",
            "votes_yes": 15,
            "votes_no": 5,
            "votes_abstain": 1,
            "version": version_of(consultation),
        },
    )
    assert response.status_code == 400
    assert "stimmberechtigte Mitglieder" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.result == ""


def test_reorder_invite_minutes_and_cancel(office_client, bodies, commit, mailoutbox):
    council, _committee = bodies
    day = timezone.localdate() + datetime.timedelta(days=30)
    create(office_client, council, day, "Rat")
    meeting = Meeting.objects.get()
    for number in ("1", "2"):
        office_client.post(
            reverse("sessions:office_action", args=[meeting.pk, "item_add"]),
            {"item_add-number": number, "item_add-title": f"Punkt {number}"},
        )
    page = office_client.get(reverse("sessions:office_meeting", args=[meeting.pk]))
    second = AgendaItem.objects.get(number="2")
    response = office_client.post(
        reverse("sessions:office_action", args=[meeting.pk, "move"]),
        {"item": second.pk, "direction": "up", "version": page.context["order_version"]},
    )
    assert response.status_code == 302
    assert list(meeting.agenda_items.order_by("order").values_list("number", flat=True)) == [
        "2",
        "1",
    ]
    meeting.refresh_from_db()
    with commit():
        response = office_client.post(
            reverse("sessions:office_action", args=[meeting.pk, "invite"]),
            {"invite-version": version_of(meeting)},
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "invited"
    response = office_client.post(
        reverse("sessions:office_action", args=[meeting.pk, "minutes"]),
        {
            "minutes-minutes": "Text",
            "minutes-publish": "on",
            "minutes-version": version_of(meeting),
        },
    )
    assert "nach der Sitzung" in response.content.decode()
    response = office_client.post(
        reverse("sessions:office_action", args=[meeting.pk, "cancel"]),
        {"cancel-reason": "Krankheit", "cancel-version": version_of(meeting)},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "cancelled"


def test_a_stale_form_is_refused(office_client, bodies):
    council, _committee = bodies
    day = timezone.localdate() + datetime.timedelta(days=30)
    create(office_client, council, day, "Rat")
    meeting = Meeting.objects.get()
    response = office_client.post(
        reverse("sessions:office_edit", args=[meeting.pk]),
        {"name": "Neu", "start": local(day, 16), "public": "on", "version": "alt"},
    )
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.name == "Rat"


def test_other_roles_may_not_keep_sessions(client, make_user, bodies):
    client.force_login(make_user("council_member"))
    assert client.get(reverse("sessions:office_list")).status_code == 403
    assert client.post(reverse("sessions:office_create"), {}).status_code == 403
