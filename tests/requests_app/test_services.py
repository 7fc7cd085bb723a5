"""The motion workflow (DESIGN §4): every transition, every refused one, events and e-mails."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.models import AgendaItem
from requests_app.deadlines import next_working_day
from requests_app.models import Motion, MotionEvent
from requests_app.services import motions as services
from tests.factories import MeetingFactory, MotionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
Status = Motion.Status


def events(motion):
    return list(motion.events.values_list("action", "from_status", "to_status"))


# --- drafting -----------------------------------------------------------------------------------


def test_create_makes_a_draft_with_numbered_questions_and_the_author_as_submitter(owner, faction):
    motion = services.motion_create(
        user=owner,
        faction=faction,
        kind="RA",
        title="  Licht im Park  ",
        questions=["Erste?", "", "  ", "Zweite?"],
    )
    assert motion.status == Status.DRAFT
    assert motion.title == "Licht im Park"
    assert [(q.number, q.text) for q in motion.questions.all()] == [(1, "Erste?"), (2, "Zweite?")]
    assert list(motion.submitters.all()) == [owner.person]
    assert events(motion) == [("created", "", "draft")]


def test_create_refuses_a_faction_the_user_does_not_belong_to(other_faction_member, faction):
    with pytest.raises(PermissionDenied):
        services.motion_create(user=other_faction_member, faction=faction, kind="RA", title="X")
    assert not Motion.objects.exists()


def test_create_refuses_an_office_account(office, faction):
    with pytest.raises(PermissionDenied):
        services.motion_create(user=office, faction=faction, kind="RA", title="X")


def test_colleague_may_edit_the_factions_draft(draft, colleague):
    motion = services.motion_update(
        motion=draft,
        user=colleague,
        version=draft.version,
        kind="IA",
        title="Neu",
        questions=["A?", "B?", "C?"],
    )
    assert (motion.kind, motion.title, motion.questions.count()) == ("IA", "Neu", 3)
    assert motion.version == draft.version + 1


@pytest.mark.parametrize("persona", ["other_faction_member", "office", "prevention_office"])
def test_outsiders_may_not_edit_a_draft(draft, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.motion_update(
            motion=draft, user=user, version=draft.version, kind="RA", title="Fremd"
        )
    draft.refresh_from_db()
    assert draft.title == "Entwurf Radwege"


def test_update_refuses_a_stale_version_and_keeps_the_first_save(draft, owner, colleague):
    opened = draft.version
    services.motion_update(
        motion=draft, user=owner, version=opened, kind="RA", title="Erste", questions=["Q1?"]
    )
    with pytest.raises(ValidationError, match="Jemand anderes hat diesen Eintrag gespeichert"):
        services.motion_update(
            motion=draft, user=colleague, version=opened, kind="BA", title="Zweite", questions=[]
        )
    draft.refresh_from_db()
    assert (draft.title, draft.kind) == ("Erste", "RA")
    assert [q.text for q in draft.questions.all()] == ["Q1?"]


@pytest.mark.parametrize("fixture", ["submitted", "registered"])
def test_submitted_motions_can_no_longer_be_edited(fixture, owner, request):
    motion = request.getfixturevalue(fixture)
    with pytest.raises(ValidationError, match="nicht möglich"):
        services.motion_update(
            motion=motion, user=owner, version=motion.version, kind="RA", title="Später"
        )


# --- submit -------------------------------------------------------------------------------------


def test_submit_makes_the_motion_public_and_mails_the_submitters(draft, owner, mailoutbox, commit):
    with commit():
        motion = services.motion_submit(motion=draft, user=owner)
    assert motion.status == Status.SUBMITTED
    assert motion.submitted_at is not None
    assert Motion.objects.published().filter(pk=draft.pk).exists()
    assert events(motion)[-1] == ("submitted", "draft", "submitted")
    assert [m.to for m in mailoutbox] == [[owner.email]]
    assert "eingereicht" in mailoutbox[0].subject
    assert "http://" in mailoutbox[0].body and f"/arbeitsbereich/antraege/{draft.pk}/" in (
        mailoutbox[0].body
    )


def test_submit_by_colleague_adds_them_as_submitter(draft, owner, colleague):
    motion = services.motion_submit(motion=draft, user=colleague)
    assert set(motion.submitters.all()) == {owner.person, colleague.person}


def test_submit_refuses_motion_without_questions(owner, faction):
    motion = MotionFactory(faction=faction, questions=[])
    with pytest.raises(ValidationError, match="mindestens eine Frage"):
        services.motion_submit(motion=motion, user=owner)
    motion.refresh_from_db()
    assert motion.status == Status.DRAFT


@pytest.mark.parametrize("persona", ["other_faction_member", "office", "prevention_office"])
def test_only_the_faction_may_submit(draft, persona, request):
    with pytest.raises(PermissionDenied):
        services.motion_submit(motion=draft, user=request.getfixturevalue(persona))


def test_submit_twice_is_refused(submitted, owner):
    with pytest.raises(ValidationError, match="eingereicht"):
        services.motion_submit(motion=submitted, user=owner)


# --- return, reject, withdraw ------------------------------------------------------------------


def test_office_returns_with_reason_the_motion_is_a_draft_again(
    submitted, office, owner, mailoutbox, commit
):
    with commit():
        motion = services.motion_return(
            motion=submitted, user=office, reason="Bitte Frage 2 klären"
        )
    assert motion.status == Status.RETURNED and motion.submitted_at is None
    assert not Motion.objects.published().filter(pk=motion.pk).exists()
    assert events(motion)[-1] == ("returned", "submitted", "returned")
    assert "Bitte Frage 2 klären" in mailoutbox[-1].body
    # the faction edits and submits again
    motion = services.motion_update(
        motion=motion,
        user=owner,
        version=motion.version,
        kind="RA",
        title="Besser",
        questions=["?"],
    )
    assert services.motion_submit(motion=motion, user=owner).status == Status.SUBMITTED


@pytest.mark.parametrize("service", [services.motion_return, services.motion_reject])
def test_return_and_reject_need_a_reason(submitted, office, service):
    with pytest.raises(ValidationError, match="Begründung"):
        service(motion=submitted, user=office, reason="   ")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("service", [services.motion_return, services.motion_reject])
def test_faction_may_not_return_or_reject(submitted, owner, service):
    with pytest.raises(PermissionDenied):
        service(motion=submitted, user=owner, reason="selbst")


@pytest.mark.parametrize("service", [services.motion_return, services.motion_reject])
def test_return_and_reject_only_from_submitted(draft, registered, office, service):
    for motion in (draft, registered):
        with pytest.raises(ValidationError):
            service(motion=motion, user=office, reason="x")


def test_office_rejects_as_inadmissible(submitted, office, mailoutbox, commit):
    with commit():
        motion = services.motion_reject(motion=submitted, user=office, reason="Keine Zuständigkeit")
    assert motion.status == Status.REJECTED
    assert events(motion)[-1] == ("rejected", "submitted", "rejected")
    assert "Keine Zuständigkeit" in mailoutbox[-1].body


@pytest.mark.parametrize("fixture", ["submitted", "registered"])
def test_faction_may_withdraw(fixture, colleague, request):
    motion = request.getfixturevalue(fixture)
    before = motion.status
    motion = services.motion_withdraw(motion=motion, user=colleague, comment="erledigt")
    assert motion.status == Status.WITHDRAWN
    assert events(motion)[-1] == ("withdrawn", before, "withdrawn")


def test_withdraw_refused_for_outsiders_and_after_closing(submitted, office, owner):
    with pytest.raises(PermissionDenied):
        services.motion_withdraw(motion=submitted, user=office)
    services.motion_withdraw(motion=submitted, user=owner)
    with pytest.raises(ValidationError):
        services.motion_withdraw(motion=submitted, user=owner)


def test_a_draft_is_deleted_not_withdrawn(draft, owner, colleague, office):
    with pytest.raises(ValidationError):
        services.motion_withdraw(motion=draft, user=owner)
    with pytest.raises(PermissionDenied):
        services.motion_delete_draft(motion=draft, user=office)
    services.motion_delete_draft(motion=draft, user=colleague)
    assert not Motion.all_objects.filter(pk=draft.pk).exists()
    assert not Motion.objects.published().exists()


def test_a_submitted_motion_cannot_be_deleted(submitted, owner):
    with pytest.raises(ValidationError):
        services.motion_delete_draft(motion=submitted, user=owner)
    assert Motion.objects.filter(pk=submitted.pk).exists()


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("Unzulässig: keine Angelegenheit der Stadt", "keine Angelegenheit der Stadt"),
        ("Als unzulässig zurückgewiesen – zu spät", "zu spät"),
        ("unzulässig. Bundesrecht", "Bundesrecht"),
        ("Die Frage ist unzulässig: Bundesrecht", "Die Frage ist unzulässig: Bundesrecht"),
    ],
)
def test_rejection_reason_loses_a_doubled_prefix(submitted, office, reason, shown):
    services.motion_reject(motion=submitted, user=office, reason=reason)
    assert submitted.events.get(action="rejected").comment == shown


# --- register -----------------------------------------------------------------------------------


def test_register_assigns_reference_department_and_default_due_date(
    submitted, office, department, owner, prevention_office, mailoutbox, settings, commit
):
    settings.MOTION_ANSWER_PERIOD_DAYS = {"RA": 28, "IA": 28}
    with commit():
        motion = services.motion_register(motion=submitted, user=office, lead_department=department)
    today = timezone.localdate()
    assert motion.status == Status.REGISTERED
    assert motion.reference == f"RA-001/{today.year}"
    assert motion.public_slug == f"ra-001-{today.year}"
    assert motion.lead_department == department
    assert motion.due_date == next_working_day(today + datetime.timedelta(days=28))
    assert motion.original_due_date == motion.due_date
    assert events(motion)[-1] == ("registered", "submitted", "registered")
    recipients = {tuple(m.to) for m in mailoutbox}
    assert (owner.email,) in recipients  # the submitters
    assert (prevention_office.email,) in recipients  # the lead department
    department_mail = next(m for m in mailoutbox if m.to == [prevention_office.email])
    assert "federführend" in department_mail.body and motion.reference in department_mail.subject


def test_register_ba_keeps_an_empty_due_date_unless_set(office, department, faction):
    motion = MotionFactory(faction=faction, kind="BA", submitted=True)
    motion = services.motion_register(motion=motion, user=office, lead_department=department)
    assert motion.due_date is None
    assert motion.reference.startswith("BA-001/")


def test_register_refuses_a_due_date_in_the_past(submitted, office, department):
    with pytest.raises(ValidationError, match="Vergangenheit"):
        services.motion_register(
            motion=submitted,
            user=office,
            lead_department=department,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    submitted.refresh_from_db()
    assert submitted.reference == "" and submitted.status == Status.SUBMITTED


def test_register_refuses_a_faction_as_lead_department(submitted, office, faction):
    with pytest.raises(ValidationError, match="Dezernat"):
        services.motion_register(motion=submitted, user=office, lead_department=faction)


def test_register_only_by_office_and_only_once(submitted, owner, office, department):
    with pytest.raises(PermissionDenied):
        services.motion_register(motion=submitted, user=owner, lead_department=department)
    services.motion_register(motion=submitted, user=office, lead_department=department)
    with pytest.raises(ValidationError):
        services.motion_register(motion=submitted, user=office, lead_department=department)


def test_confidential_registration_hides_the_motion(submitted, office, department):
    services.motion_register(
        motion=submitted, user=office, lead_department=department, confidential=True
    )
    assert not Motion.objects.published().exists()


# --- treatment, decision, answered -------------------------------------------------------------


def test_office_records_treatment_and_decision_of_a_ba(office, department, faction):
    motion = MotionFactory(faction=faction, kind="BA", registered=True)
    meeting = MeetingFactory()
    motion = services.motion_record_treatment(
        motion=motion,
        user=office,
        meeting=meeting,
        agenda_number="Ö 7.3",
        decision="adopted",
        votes_yes=30,
        votes_no=20,
        votes_abstain=3,
    )
    assert motion.meeting == meeting
    assert motion.agenda_item == AgendaItem.objects.get(meeting=meeting, number="Ö 7.3")
    assert motion.agenda_item.result == "angenommen"
    assert (motion.decision, motion.votes_yes, motion.votes_no) == ("adopted", 30, 20)
    assert motion.status == Status.REGISTERED
    event = motion.events.last()
    assert event.action == "treated" and "Ja 30, Nein 20, Enthaltung 3" in event.comment


def test_no_decision_on_an_information_request(registered, office):
    with pytest.raises(ValidationError, match="Beschlussantrag"):
        services.motion_record_treatment(
            motion=registered,
            user=office,
            meeting=MeetingFactory(),
            agenda_number="3",
            decision="adopted",
        )
    registered.refresh_from_db()
    assert registered.meeting is None


def test_treatment_needs_a_council_meeting(registered, office):
    kpr_meeting = MeetingFactory(organization=OrganizationFactory(kind="prevention_council"))
    with pytest.raises(ValidationError, match="Stadtrat"):
        services.motion_record_treatment(
            motion=registered, user=office, meeting=kpr_meeting, agenda_number="1"
        )


def test_treatment_refused_for_drafts_and_for_the_faction(draft, registered, office, owner):
    with pytest.raises(ValidationError):
        services.motion_record_treatment(
            motion=draft, user=office, meeting=MeetingFactory(), agenda_number="1"
        )
    with pytest.raises(PermissionDenied):
        services.motion_record_treatment(
            motion=registered, user=owner, meeting=MeetingFactory(), agenda_number="1"
        )


def _publish_answer(motion):
    """A published answer report of `motion` (frozen, motion untouched)."""
    from requests_app.snapshots import freeze
    from tests.factories import AnswerReportFactory

    return freeze(AnswerReportFactory(motion=motion))


def test_mark_answered_closes_the_deadline(registered, mailoutbox, commit):
    _publish_answer(registered)
    with commit():
        motion = services.motion_mark_answered(motion=registered, user=None)
    assert motion.status == Status.ANSWERED and motion.answered_at is not None
    assert motion.deadline() == ("grey", None)
    assert events(motion)[-1] == ("answered", "registered", "answered")
    assert "beantwortet" in mailoutbox[-1].subject


def test_mark_answered_only_when_registered(submitted):
    with pytest.raises(ValidationError):
        services.motion_mark_answered(motion=submitted, user=None)


def test_mark_answered_refuses_without_a_published_answer(registered):
    with pytest.raises(ValidationError, match="veröffentlicht"):
        services.motion_mark_answered(motion=registered, user=None)
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED


# --- e-mail happens after the commit ------------------------------------------------------------


def test_no_mail_when_the_transaction_rolls_back(draft, owner, mailoutbox, commit):
    from django.db import transaction

    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        services.motion_submit(motion=draft, user=owner)
        raise RuntimeError("boom")
    assert mailoutbox == []
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not MotionEvent.objects.filter(action="submitted").exists()


def test_every_state_change_writes_exactly_one_event(draft, owner, office, department):
    services.motion_submit(motion=draft, user=owner)
    services.motion_register(motion=draft, user=office, lead_department=department)
    draft.refresh_from_db()
    _publish_answer(draft)
    services.motion_mark_answered(motion=draft, user=office)
    assert [a for a, *_rest in events(draft)] == ["submitted", "registered", "answered"]


def test_a_confidential_motion_becomes_a_non_public_agenda_item(office, department, faction):
    motion = MotionFactory(faction=faction, kind="RA", registered=True, confidential=True)
    meeting = MeetingFactory(public=True)
    motion = services.motion_record_treatment(
        motion=motion, user=office, meeting=meeting, agenda_number="N 2"
    )
    assert motion.agenda_item.public is False
    assert not AgendaItem.objects.public().filter(title__contains=motion.title).exists()


def test_treatment_never_overwrites_another_agenda_item(office, department, faction):
    meeting = MeetingFactory()
    other = AgendaItem.objects.create(meeting=meeting, number="Ö 4", title="Haushalt", order=4)
    other.result = "vertagt"
    other.save()
    motion = MotionFactory(faction=faction, kind="BA", registered=True)
    with pytest.raises(ValidationError, match="gibt es in dieser Sitzung schon"):
        services.motion_record_treatment(
            motion=motion, user=office, meeting=meeting, agenda_number="Ö 4", decision="adopted"
        )
    other.refresh_from_db()
    assert other.result == "vertagt"
    # the motion's own item may be recorded again (a decision added later)
    services.motion_record_treatment(motion=motion, user=office, meeting=meeting, agenda_number="5")
    motion = services.motion_record_treatment(
        motion=motion, user=office, meeting=meeting, agenda_number="5", decision="adopted"
    )
    assert motion.agenda_item.result == "angenommen"
