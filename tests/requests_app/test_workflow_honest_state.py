"""Honest public state (issue 15): a motion's status and its published answer never disagree,
an answered motion says when and whether on time, a motion that was public answers 410."""

import datetime

import pytest
from django.utils import timezone

from requests_app.models import AnswerReport, Motion
from requests_app.services import motions as services
from tests.factories import AnswerReportFactory, MotionFactory

pytestmark = pytest.mark.django_db


def test_every_demo_motion_is_answered_exactly_when_its_answer_is_published(demo, client):
    motions = list(Motion.objects.published())
    assert any(m.status == Motion.Status.ANSWERED for m in motions)
    for motion in motions:
        published = AnswerReport.objects.current().filter(motion=motion).first()
        answered = motion.status == Motion.Status.ANSWERED
        assert answered == (published is not None), motion.reference
        page = client.get(motion.get_absolute_url()).text
        if motion.status in (Motion.Status.REJECTED, Motion.Status.WITHDRAWN):
            # no answer will come: no "not yet", no alert for it (issue 19)
            assert "noch nicht veröffentlicht" not in page, motion.reference
            assert "Per E-Mail benachrichtigen" not in page, motion.reference
            continue
        assert ("noch nicht veröffentlicht" in page) != answered, motion.reference
        if answered:
            assert motion.answered_at is not None
            assert "beantwortet am" in page
            assert client.get(published.get_absolute_url()).status_code == 200


def test_the_demo_ra_103_has_its_answer_page(demo, client):
    page = client.get("/antraege/ra-103-2026/")
    assert page.status_code == 200
    assert "noch nicht veröffentlicht" not in page.text
    assert client.get("/berichte/ra-103-2026/").status_code == 200


def test_the_motion_page_says_when_and_whether_on_time(client):
    report = AnswerReportFactory(publish=True)
    motion = report.motion
    answered = timezone.localdate()
    Motion.objects.filter(pk=motion.pk).update(due_date=answered + datetime.timedelta(days=3))
    page = client.get(motion.get_absolute_url()).text
    assert "beantwortet am" in page and "fristgerecht" in page
    Motion.objects.filter(pk=motion.pk).update(due_date=answered - datetime.timedelta(days=3))
    page = client.get(motion.get_absolute_url()).text
    assert "nach Ablauf der Frist" in page and "fristgerecht" not in page


def test_a_returned_motion_that_was_public_answers_410(client, office, owner, faction):
    motion = MotionFactory(faction=faction, title="Geheimnisvoll zurück")
    services.motion_submit(motion=motion, user=owner)
    url = motion.get_absolute_url()
    assert client.get(url).status_code == 200
    services.motion_return(motion=motion, user=office, reason="Bitte genauer fassen.")
    response = client.get(url)
    assert response.status_code == 410
    assert "nicht mehr öffentlich" in response.text
    assert "Geheimnisvoll" not in response.text  # the text is not public any more


def test_a_draft_that_was_never_public_stays_404(client, faction):
    motion = MotionFactory(faction=faction)
    assert client.get(motion.get_absolute_url()).status_code == 404
    assert client.get("/antraege/eingang-999999/").status_code == 404


def test_a_confidential_motion_that_was_submitted_stays_404(
    client, office, owner, faction, department
):
    motion = MotionFactory(faction=faction)
    services.motion_submit(motion=motion, user=owner)
    intake = motion.get_absolute_url()
    services.motion_register(
        motion=motion, user=office, lead_department=department, confidential=True
    )
    motion.refresh_from_db()
    assert client.get(intake).status_code == 404
    assert client.get(motion.get_absolute_url()).status_code == 404
