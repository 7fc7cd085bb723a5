"""The demo motions: BA-044/2020 as in the issue, every state, idempotent loading."""

import datetime

import pytest
from django.core.management import call_command

from requests_app.demo import BA044_QUESTIONS
from requests_app.models import Motion, MotionEvent, Question

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(
            (row.pk, getattr(row, "modified", None)) for row in model._default_manager.all()
        )
        for model in (Motion, Question, MotionEvent)
    }


def test_ba_044_2020_is_the_founding_case(demo, client):
    motion = Motion.objects.get_by_slug("ba-044-2020")
    assert motion.reference == "BA-044/2020"
    assert motion.title == (
        "Ein Jahr Allianz Sichere Sächsische Kommunen (ASSKomm) – Bilanz für Chemnitz"
    )
    assert motion.faction.name == "Fraktion DIE LINKE"
    assert motion.lead_department.name == "Dezernat Recht, Sicherheit und Umweltschutz"
    assert motion.due_date == datetime.date(2020, 9, 30)
    assert motion.meeting.start.date() == datetime.date(2020, 6, 24)
    assert motion.agenda_item.meeting == motion.meeting
    assert [q.text for q in motion.questions.all()] == BA044_QUESTIONS
    assert len(BA044_QUESTIONS) == 6
    assert motion.submitters.get().user.username == "rat"
    assert "Gellertstraße" in motion.reasoning and "22. August 2019" in motion.reasoning
    html = client.get("/antraege/ba-044-2020/").content.decode()
    assert "Ein Jahr Allianz Sichere Sächsische Kommunen" in html
    assert "Welche Unterstützung durch den Freistaat" in html


def test_demo_covers_every_state_and_marks_invented_motions(demo):
    fictitious = Motion.objects.exclude(reference="BA-044/2020")
    assert fictitious.count() >= 8
    assert {m.status for m in fictitious} >= set(Motion.Status.values)
    assert any(m.deadline()[0] == "red" and m.kind == "RA" for m in fictitious)
    assert fictitious.filter(confidential=True).exists()
    assert all("Beispieldaten" in m.text for m in fictitious)


def test_demo_twice_changes_nothing(demo):
    first = snapshot()
    call_command("loaddemo")
    assert snapshot() == first


def test_rat_sees_the_factions_draft_others_do_not(demo, client):
    from portal.models import User

    draft = Motion.objects.get(status="draft")
    client.force_login(User.objects.get(username="rat"))
    assert client.get(draft.get_workspace_url()).status_code == 200
    client.force_login(User.objects.get(username="kpr"))
    assert client.get(draft.get_workspace_url()).status_code == 404
