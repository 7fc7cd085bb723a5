"""The public motion and report pages and the home page keep what every visitor sees alike per
version of the data (issue 20): a view past the page cache costs one query at most, and the
pages are never stale after a write, never show one visitor's links to another."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    AnswerReportFactory,
    CouncilMeetingFactory,
    MotionFactory,
    discovery_report,
)

pytestmark = pytest.mark.django_db


def test_the_motion_page_is_kept_per_data_version(uncached, django_assert_max_num_queries):
    motion = MotionFactory(registered=True, questions=[f"Frage {n}?" for n in range(10)])
    first = uncached.get(motion.get_absolute_url())
    with django_assert_max_num_queries(1):  # the motion itself
        second = uncached.get(motion.get_absolute_url())
    assert second.content == first.content


def test_the_motion_page_is_never_stale_after_an_edit(uncached, faction):
    motion = MotionFactory(registered=True, faction=faction, title="Licht im Park")
    url = motion.get_absolute_url()
    assert "Fraktion Test" in uncached.get(url).text
    faction.name = "Fraktion Umbenannt"
    faction.save()
    assert "Fraktion Umbenannt" in uncached.get(url).text
    report = discovery_report(motion=motion, title="Antwort zum Licht")
    page = uncached.get(url).text
    assert "Antwort zum Licht" in page and report.get_absolute_url() in page


def test_the_deadline_light_counts_the_days_of_a_kept_motion_page(uncached, monkeypatch):
    motion = MotionFactory(registered=True)
    assert "noch 20 Tage" in uncached.get(motion.get_absolute_url()).text
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert "noch 19 Tage" in uncached.get(motion.get_absolute_url()).text


def test_a_kept_motion_page_links_only_insiders_to_the_work_area(client, council_member, faction):
    motion = MotionFactory(registered=True, faction=faction)
    url = motion.get_absolute_url()
    assert "Im Arbeitsbereich öffnen" not in client.get(url).text
    client.force_login(council_member)
    assert "Im Arbeitsbereich öffnen" in client.get(url).text
    client.logout()
    assert "Im Arbeitsbereich öffnen" not in client.get(url).text


def test_the_report_page_is_kept_per_data_version_and_language(
    uncached, django_assert_max_num_queries
):
    report = discovery_report(title="Antwort zur Beleuchtung")
    german = uncached.get(report.get_absolute_url()).text
    uncached.cookies["django_language"] = "en"
    english = uncached.get(report.get_absolute_url()).text
    assert "Antwort auf Frage 1" in german and "Answer to question 1" in english
    with django_assert_max_num_queries(1):  # the report itself
        assert uncached.get(report.get_absolute_url()).text == english


def test_a_kept_report_page_points_to_its_published_correction(uncached):
    original = discovery_report(title="Antwort, erste Fassung")
    assert "Diese Fassung wurde korrigiert." not in uncached.get(original.get_absolute_url()).text
    AnswerReportFactory(motion=original.motion, edition=2, supersedes=original, publish=True)
    assert "Diese Fassung wurde korrigiert." in uncached.get(original.get_absolute_url()).text


def test_the_home_page_is_kept_per_data_version(uncached, django_assert_max_num_queries):
    MotionFactory(registered=True)
    discovery_report()
    CouncilMeetingFactory(start=timezone.now() + datetime.timedelta(days=5))
    first = uncached.get("/")
    with django_assert_max_num_queries(0):
        second = uncached.get("/")
    assert second.content == first.content
    MotionFactory(registered=True, title="Neu eingegangen")
    assert "Neu eingegangen" in uncached.get("/").text


def test_the_home_page_drops_a_meeting_once_it_has_begun(uncached, monkeypatch):
    start = timezone.now() + datetime.timedelta(minutes=30)
    CouncilMeetingFactory(name="Sitzung heute", start=start)
    assert "Sitzung heute" in uncached.get("/").text
    later = start + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Sitzung heute" not in uncached.get("/").text
