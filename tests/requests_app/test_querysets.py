"""Who sees which motion (QuerySet methods) and the deadline light."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from requests_app.models import Motion
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
        ("staff", {"submitted", "registered"}),  # `conf` is led by another department
    ],
)
def test_visible_to(motions, persona, visible, request):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    names = {name for name, m in motions.items() if Motion.objects.visible_to(user).contains(m)}
    assert names == visible


def test_department_staff_see_their_confidential_motion(motions, staff, department):
    motions["conf"].lead_department = department
    motions["conf"].save()
    assert Motion.objects.visible_to(staff).contains(motions["conf"])
    assert Motion.objects.workspace_for(staff).contains(motions["conf"])


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
