"""Who sees which motion (QuerySet methods) and the deadline light."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from requests_app.models import Motion, MotionEvent
from requests_app.templatetags.requests_tags import deadline_light
from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def motions(draft, submitted, registered, faction):
    confidential = MotionFactory(faction=faction, registered=True, confidential=True)
    return {"draft": draft, "submitted": submitted, "registered": registered, "conf": confidential}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("anonymous", {"submitted", "registered"}),
        ("owner", {"draft", "submitted", "registered", "conf"}),
        ("colleague", {"draft", "submitted", "registered", "conf"}),
        ("other_faction_member", {"submitted", "registered"}),
        ("office", {"draft", "submitted", "registered", "conf"}),
        ("prevention_office", {"submitted", "registered"}),  # `conf` is led by another department
    ],
)
def test_visible_to(motions, persona, visible, request):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    names = {name for name, m in motions.items() if Motion.objects.visible_to(user).contains(m)}
    assert names == visible


def test_department_staff_see_their_confidential_motion(motions, prevention_office, department):
    motions["conf"].lead_department = department
    motions["conf"].save()
    assert Motion.objects.visible_to(prevention_office).contains(motions["conf"])
    assert Motion.objects.workspace_for(prevention_office).contains(motions["conf"])


def test_soft_deleted_motions_disappear(submitted):
    submitted.soft_delete()
    assert not Motion.objects.published().exists()
    assert Motion.all_objects.filter(pk=submitted.pk).exists()


def light(motion):
    return str(deadline_light(motion))


@pytest.mark.parametrize(
    ("days", "colour", "text"),
    [
        (12, "green", "noch 12 Tage"),
        (8, "green", "noch 8 Tage"),
        (7, "amber", "noch 7 Tage"),
        (1, "amber", "noch 1 Tag"),
        (0, "amber", "heute fällig"),
        (-1, "red", "überfällig seit 1 Tag"),
        (-3, "red", "überfällig seit 3 Tagen"),
    ],
)
def test_deadline_light_says_it_in_words(faction, days, colour, text):
    due = timezone.localdate() + datetime.timedelta(days=days)
    motion = MotionFactory.build(faction=faction, status="registered", due_date=due)
    html = light(motion)
    assert f"deadline-{colour}" in html and text in html


def test_deadline_light_for_closed_and_open_motions(faction):
    assert "beantwortet" in light(MotionFactory.build(faction=faction, status="answered"))
    assert "abgeschlossen" in light(MotionFactory.build(faction=faction, status="withdrawn"))
    assert "keine Frist" in light(MotionFactory.build(faction=faction, status="submitted"))


def test_the_deadline_light_runs_no_queries(faction, django_assert_num_queries):
    motion = MotionFactory.build(
        faction=faction, status="registered", due_date=timezone.localdate()
    )
    with django_assert_num_queries(0):
        light(motion)


def test_a_submitted_motion_is_found_by_its_intake_slug(submitted):
    assert submitted.public_slug == f"eingang-{submitted.pk}"
    assert Motion.objects.get_by_slug(submitted.public_slug) == submitted
    for bad in [f"eingang-{submitted.pk}x", "eingang-", "eingang-" + "9" * 19]:
        with pytest.raises(Motion.DoesNotExist):
            Motion.objects.get_by_slug(bad)


def test_answered_motions_are_those_with_registration_and_answer_times(registered):
    assert not Motion.objects.answered().exists()
    registered.status, registered.answered_at = "answered", timezone.now()
    registered.save()
    assert list(Motion.objects.answered()) == [registered]


def test_the_event_recorder_stores_nobody_for_an_anonymous_user(draft):
    event = MotionEvent.objects.record(
        motion=draft, user=AnonymousUser(), action=MotionEvent.Action.SUBMITTED, to_status="x"
    )
    assert (event.user, event.from_status, event.comment, event.report) == (None, "", "", None)
    assert list(draft.events.public()) == [event]
