"""The public motion list for visitors the page cache does not answer (issue 20): its filters and
table are rendered once per version of the data and kept apart per language and day, and are
never stale after a write."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db

LIST = reverse("requests_app:motion_list")


def queries_for(client, url=LIST) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_second_view_reads_no_motion(uncached, faction):
    MotionFactory.create_batch(25, faction=faction, registered=True)
    first = uncached.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        second = uncached.get(LIST)
    assert not [q for q in queries.captured_queries if "requests_app_motion" in q["sql"]]
    assert second.content == first.content


def test_the_first_view_costs_the_same_for_few_and_many_motions(uncached, faction):
    MotionFactory.create_batch(3, faction=faction, registered=True)
    few = queries_for(uncached)
    MotionFactory.create_batch(30, faction=faction, registered=True)
    assert queries_for(uncached) == few


def test_a_publication_is_listed_at_once(uncached, faction):
    MotionFactory(faction=faction, registered=True, title="Licht im Park")
    assert "Licht im Park" in uncached.get(LIST).text
    MotionFactory(faction=faction, registered=True, title="Bänke am Teich")
    page = uncached.get(LIST).text
    assert "Bänke am Teich" in page
    assert "2 Anträge" in page


def test_a_renamed_faction_is_never_stale_in_the_list(uncached, faction):
    MotionFactory(faction=faction, registered=True)
    assert 'data-label="Fraktion">Test</td>' in uncached.get(LIST).text
    faction.name, faction.short_name = "Fraktion Neu", "Neu"
    faction.save()
    page = uncached.get(LIST).text
    assert 'data-label="Fraktion">Neu</td>' in page
    assert ">Fraktion Neu</option>" in page


def test_english_visitors_get_the_english_list(uncached, faction):
    MotionFactory(faction=faction, registered=True)
    german = uncached.get(LIST).text
    uncached.cookies["django_language"] = "en"
    english = uncached.get(LIST).text
    assert 'data-label="Nummer"' in german
    assert 'data-label="Number"' in english
    assert 'data-label="Nummer"' not in english


def test_the_deadline_lights_follow_the_day(uncached, faction, monkeypatch):
    today = timezone.localdate()
    MotionFactory(faction=faction, registered=True, due_date=today + datetime.timedelta(days=3))
    assert "noch 3 Tage" in uncached.get(LIST).text
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))
    page = uncached.get(LIST).text
    assert "noch 2 Tage" in page
    assert "noch 3 Tage" not in page


def test_filters_and_pages_are_kept_apart(uncached, faction):
    MotionFactory.create_batch(21, faction=faction, registered=True, kind="RA")
    MotionFactory(faction=faction, registered=True, kind="IA", title="Nur Informationsanfrage")
    assert "Nur Informationsanfrage" in uncached.get(LIST, {"kind": "IA"}).text
    assert "Nur Informationsanfrage" not in uncached.get(LIST, {"kind": "RA"}).text
    first, second = uncached.get(LIST).text, uncached.get(LIST, {"seite": "2"}).text
    assert "Seite 1 von 2" in first and "Seite 2 von 2" in second
