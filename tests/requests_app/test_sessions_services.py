"""requests_app.services.sessions: meetings, agendas, consultations, results, invitations and
minutes, with every integrity rule of issue 14 (refused in German, nothing saved)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.concurrency import STALE_MESSAGE, rows_version, version_of
from portal.models import AgendaItem, Meeting, Organization
from requests_app.models import Consultation, MeetingEvent, Motion
from requests_app.services import sessions as services
from tests.factories import (
    MembershipFactory,
    MotionFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int = 16, month: int = 3, year: int | None = None):
    year = year or timezone.localdate().year + 1
    return datetime.datetime(year, month, day, hour, tzinfo=BERLIN)


@pytest.fixture
def council(db):
    body = OrganizationFactory(name="Stadtrat", short_name="Stadtrat", kind="council")
    for _n in range(10):
        MembershipFactory(organization=body, person=PersonFactory(public=True))
    return body


@pytest.fixture
def committee(db):
    body = OrganizationFactory(name="Ausschuss Test", short_name="AT", kind="committee")
    for _n in range(5):
        MembershipFactory(organization=body, person=PersonFactory(public=True))
    return body


@pytest.fixture
def session(office, council):
    return services.meeting_create(user=office, organization=council, name="Sitzung", start=at(4))


@pytest.fixture
def item(office, session):
    return services.agenda_item_create(meeting=session, user=office, number="Ö 1", title="Antrag")


@pytest.fixture
def ba(faction, department):
    return MotionFactory(faction=faction, kind="BA", registered=True, lead_department=department)


# --- meetings ----------------------------------------------------------------------------------


def test_office_creates_a_meeting_and_an_event_is_written(office, council):
    meeting = services.meeting_create(
        user=office, organization=council, name=" Ratssitzung ", start=at(4), end=at(4, 20)
    )
    assert meeting.state == Meeting.State.PLANNED and meeting.name == "Ratssitzung"
    assert MeetingEvent.objects.get(meeting=meeting).action == "created"


def test_meeting_ending_before_its_start_is_refused(office, council):
    with pytest.raises(ValidationError, match="nach ihrem Beginn enden"):
        services.meeting_create(
            user=office, organization=council, name="S", start=at(4, 16), end=at(4, 15)
        )
    assert not Meeting.objects.exists()


def test_overlapping_meetings_of_one_body_are_refused(office, council, committee, session):
    with pytest.raises(ValidationError, match="Zu dieser Zeit tagt Stadtrat schon"):
        services.meeting_create(user=office, organization=council, name="B", start=at(4, 17))
    # another body may meet at the same time, the same body later that day
    services.meeting_create(user=office, organization=committee, name="C", start=at(4, 17))
    services.meeting_create(user=office, organization=council, name="D", start=at(4, 20))
    assert Meeting.objects.count() == 3


def test_a_cancelled_meeting_frees_its_time(office, council, session):
    services.meeting_cancel(meeting=session, user=office, version=version_of(session))
    services.meeting_create(user=office, organization=council, name="Neu", start=at(4, 16))


def test_only_the_office_keeps_sessions(council, council_member):
    with pytest.raises(PermissionDenied):
        services.meeting_create(user=council_member, organization=council, name="S", start=at(4))


def test_sessions_only_for_council_and_committees(office):
    kpr = OrganizationFactory(kind="prevention_council")
    with pytest.raises(ValidationError, match="Stadtrat und seine Ausschüsse"):
        services.meeting_create(user=office, organization=kpr, name="S", start=at(4))


def test_stale_meeting_edit_is_refused(office, session):
    old = version_of(session)
    services.meeting_update(
        meeting=session, user=office, version=old, name="Neu", start=at(4), public=True
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            meeting=session, user=office, version=old, name="Alt", start=at(4), public=True
        )
    assert STALE_MESSAGE in error.value.messages
    session.refresh_from_db()
    assert session.name == "Neu"


# --- agenda ------------------------------------------------------------------------------------


def test_agenda_numbers_are_unique_per_meeting(office, session, item):
    with pytest.raises(ValidationError, match="Ö 1"):
        services.agenda_item_create(meeting=session, user=office, number="Ö 1", title="Zwei")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=session, number="Ö 1", title="Direkt")


def test_items_are_appended_and_reordered(office, session, item):
    second = services.agenda_item_create(meeting=session, user=office, number="Ö 2", title="B")
    assert (item.order, second.order) == (1, 2)
    version = rows_version(session.agenda_items.all())
    services.agenda_reorder(
        meeting=session, user=office, version=version, order=[second.pk, item.pk]
    )
    assert list(session.agenda_items.order_by("order").values_list("number", flat=True)) == [
        "Ö 2",
        "Ö 1",
    ]
    with pytest.raises(ValidationError):  # the form showed the old order
        services.agenda_reorder(
            meeting=session, user=office, version=version, order=[item.pk, second.pk]
        )


# --- consultations -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "withdrawn"])
def test_only_registered_motions_are_treated(office, item, faction, state):
    traits = {"submitted": {"submitted": True}, "withdrawn": {"submitted": True}}.get(state, {})
    motion = MotionFactory(faction=faction, **traits)
    if state == "withdrawn":
        Motion.objects.filter(pk=motion.pk).update(status="withdrawn")
    with pytest.raises(ValidationError, match="Nur registrierte Anträge"):
        services.consultation_create(agenda_item=item, motion=motion, role="decision", user=office)
    assert not Consultation.objects.exists()


def test_a_public_motion_needs_a_public_item(office, session, ba):
    secret = services.agenda_item_create(
        meeting=session, user=office, number="N 1", title="Personalie", public=False
    )
    with pytest.raises(ValidationError, match="öffentlichen Punkt"):
        services.consultation_create(agenda_item=secret, motion=ba, role="decision", user=office)
    assert not Consultation.objects.exists()


def test_a_confidential_motion_never_goes_under_a_public_item(office, item, faction, department):
    motion = MotionFactory(faction=faction, registered=True, confidential=True)
    with pytest.raises(ValidationError, match="nicht öffentlich"):
        services.consultation_create(agenda_item=item, motion=motion, role="notice", user=office)


def test_making_an_item_public_refused_while_a_confidential_motion_is_on_it(
    office, session, faction
):
    item = services.agenda_item_create(
        meeting=session, user=office, number="N 1", title="Vertraulich", public=False
    )
    motion = MotionFactory(faction=faction, registered=True, confidential=True)
    services.consultation_create(agenda_item=item, motion=motion, role="notice", user=office)
    with pytest.raises(ValidationError, match="nicht öffentlich"):
        services.agenda_item_update(
            item=item,
            user=office,
            version=version_of(item),
            number="N 1",
            title=motion.title,
            public=True,
        )
    item.refresh_from_db()
    assert item.public is False and item.title == "Vertraulich"


def test_a_committee_does_not_decide(office, committee, ba):
    meeting = services.meeting_create(user=office, organization=committee, name="A", start=at(2))
    item = services.agenda_item_create(meeting=meeting, user=office, number="1", title="X")
    with pytest.raises(ValidationError, match="Stadtrat"):
        services.consultation_create(agenda_item=item, motion=ba, role="decision", user=office)


# --- results and the motion's route ------------------------------------------------------------


def _result(consultation, user, **kwargs):
    return services.consultation_record_result(
        consultation=consultation, user=user, version=version_of(consultation), **kwargs
    )


def test_vote_total_above_the_voting_members_is_refused(office, item, ba):
    consultation = services.consultation_create(
        agenda_item=item, motion=ba, role="decision", user=office
    )
    with pytest.raises(ValidationError, match="stimmberechtigte Mitglieder"):
        _result(consultation, office, result="adopted", votes_yes=8, votes_no=2, votes_abstain=1)
    consultation.refresh_from_db()
    ba.refresh_from_db()
    assert consultation.result == "" and ba.decision == ""


def test_votes_need_a_result_and_all_three_numbers(office, item, ba):
    consultation = services.consultation_create(
        agenda_item=item, motion=ba, role="decision", user=office
    )
    with pytest.raises(ValidationError, match="nur zusammen mit einem Ergebnis"):
        _result(consultation, office, result="", votes_yes=1, votes_no=1, votes_abstain=1)
    with pytest.raises(ValidationError, match="Ja-, Nein-Stimmen und Enthaltungen"):
        _result(consultation, office, result="adopted", votes_yes=1)


def test_the_motion_follows_committee_then_council(office, committee, item, ba):
    meeting = services.meeting_create(user=office, organization=committee, name="A", start=at(2))
    committee_item = services.agenda_item_create(
        meeting=meeting, user=office, number="Ö 3", title="Vorberatung"
    )
    preliminary = services.consultation_create(
        agenda_item=committee_item, motion=ba, role="preliminary", user=office
    )
    _result(preliminary, office, result="adopted", votes_yes=4, votes_no=1, votes_abstain=0)
    ba.refresh_from_db()
    assert ba.decision == "" and ba.meeting is None  # a recommendation decides nothing

    decision = services.consultation_create(
        agenda_item=item, motion=ba, role="decision", user=office
    )
    _result(
        decision,
        office,
        result="adopted",
        votes_yes=6,
        votes_no=3,
        votes_abstain=1,
        faction_votes=[{"faction": "Test", "yes": 6, "no": 0, "abstain": 0}],
    )
    ba.refresh_from_db()
    assert (ba.decision, ba.votes_yes, ba.votes_no, ba.votes_abstain) == ("adopted", 6, 3, 1)
    assert ba.meeting == item.meeting and ba.agenda_item == item
    item.refresh_from_db()
    assert item.result == "angenommen"
    comments = list(ba.events.filter(action="treated").values_list("comment", flat=True))
    assert len(comments) == 2
    assert "Ausschuss Test" in comments[0] and "Vorberatung" in comments[0]
    assert "Entscheidung – angenommen (Ja 6, Nein 3, Enthaltung 1)" in comments[1]
    route = list(Consultation.objects.public().filter(motion=ba).for_route())
    assert [c.role for c in route] == ["preliminary", "decision"]


def test_faction_votes_above_the_total_are_refused(office, item, ba):
    consultation = services.consultation_create(
        agenda_item=item, motion=ba, role="decision", user=office
    )
    with pytest.raises(ValidationError, match="Gesamtergebnis"):
        _result(
            consultation,
            office,
            result="adopted",
            votes_yes=2,
            votes_no=0,
            votes_abstain=0,
            faction_votes=[{"faction": "Test", "yes": 5, "no": 0, "abstain": 0}],
        )


# --- invitation and minutes --------------------------------------------------------------------


def test_invitation_goes_to_the_members_with_the_agenda(
    office, council, session, item, commit, mailoutbox
):
    person = PersonFactory()
    UserFactory(email="mitglied@example.invalid", person=person)
    MembershipFactory(organization=council, person=person)
    with commit():
        meeting = services.meeting_invite(meeting=session, user=office, version=version_of(session))
    assert meeting.state == Meeting.State.INVITED and meeting.invited_at is not None
    assert [m.to for m in mailoutbox] == [["mitglied@example.invalid"]]
    body = mailoutbox[0].body
    assert "Ö 1 Antrag" in body and f"/sitzungen/{session.pk}.ics" in body
    assert "Einladung: Sitzung" in mailoutbox[0].subject


def test_no_invitation_without_an_agenda(office, session):
    with pytest.raises(ValidationError, match="Tagesordnung"):
        services.meeting_invite(meeting=session, user=office, version=version_of(session))
    session.refresh_from_db()
    assert session.state == Meeting.State.PLANNED


def test_minutes_are_published_only_after_the_meeting(office, council, session):
    with pytest.raises(ValidationError, match="nach der Sitzung"):
        services.meeting_save_minutes(
            meeting=session, user=office, version=version_of(session), minutes="x", publish=True
        )
    past = services.meeting_create(
        user=office, organization=council, name="Alt", start=at(3, 16, year=2020)
    )
    past = services.meeting_save_minutes(
        meeting=past, user=office, version=version_of(past), minutes="Protokoll", publish=True
    )
    assert past.minutes_published_at is not None and past.state == Meeting.State.HELD
    assert MeetingEvent.objects.filter(meeting=past, action="minutes_published").exists()


def test_voting_members_count_only_current_voting_members(council):
    MembershipFactory(organization=council, person=PersonFactory(), voting_right=False)
    MembershipFactory(
        organization=council, person=PersonFactory(), end_date=datetime.date(2000, 1, 1)
    )
    MembershipFactory(organization=council, person=PersonFactory(), role="deputy_member")
    assert services.voting_members(council, timezone.localdate()) == 10
    assert Organization.objects.get(pk=council.pk).kind == "council"
