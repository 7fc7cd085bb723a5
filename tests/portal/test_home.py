"""The home page: open motions with deadline lights, next KPR meetings, key city figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from prevention.models import Indicator
from tests.factories import (
    AnswerReportFactory,
    CouncilMeetingFactory,
    IndicatorValueFactory,
    MotionFactory,
    discovery_report,
)

pytestmark = pytest.mark.django_db


def test_home_lists_open_motions_with_their_deadline_light_but_no_drafts(client):
    MotionFactory(registered=True, title="Videoüberwachung am Bahnhof")
    MotionFactory(title="Geheimer Entwurf")
    MotionFactory(registered=True, title="Vertraulich", confidential=True)
    page = client.get("/").content.decode()
    assert "Videoüberwachung am Bahnhof" in page
    assert "noch 20 Tage" in page  # the deadline light's text
    assert "Geheimer Entwurf" not in page
    assert "Vertraulich" not in page


def test_home_lists_the_latest_published_reports(client):
    report = discovery_report(title="Antwort zur Beleuchtung")
    discovery_report(title="Bericht im Entwurf", status="draft")
    page = client.get("/").content.decode()
    assert "Antwort zur Beleuchtung" in page and report.get_absolute_url() in page
    assert "Bericht im Entwurf" not in page


def test_a_report_stays_on_the_home_page_until_its_correction_is_published(client):
    original = discovery_report(title="Antwort, erste Fassung")
    draft = AnswerReportFactory(
        motion=original.motion, edition=2, supersedes=original, title="Antwort, zweite Fassung"
    )
    page = client.get("/").content.decode()
    assert "Antwort, erste Fassung" in page and "Antwort, zweite Fassung" not in page

    draft.delete()
    AnswerReportFactory(
        motion=original.motion,
        edition=2,
        supersedes=original,
        title="Antwort, zweite Fassung",
        publish=True,
    )
    page = client.get("/").content.decode()
    assert "Antwort, zweite Fassung" in page and "Antwort, erste Fassung" not in page


def test_home_lists_only_future_public_kpr_meetings(client):
    soon = timezone.now() + datetime.timedelta(days=3)
    CouncilMeetingFactory(name="Frühjahrssitzung", start=soon)
    CouncilMeetingFactory(name="Nichtöffentliche Runde", start=soon, public=False)
    CouncilMeetingFactory(name="Alte Sitzung", start=timezone.now() - datetime.timedelta(days=3))
    page = client.get("/").content.decode()
    assert "Frühjahrssitzung" in page
    assert "Nichtöffentliche Runde" not in page
    assert "Alte Sitzung" not in page


def test_home_shows_a_key_city_figure_with_its_trend(client):
    indicator = Indicator.objects.get(key="survey.safe_at_night")
    IndicatorValueFactory(indicator=indicator, district=None, year=2022, value=Decimal("60"))
    IndicatorValueFactory(indicator=indicator, district=None, year=2023, value=Decimal("64.5"))
    page = client.get("/").content.decode()
    assert "Sicherheitsgefühl nachts" in page
    assert "64,5" in page
    assert "+4,5 Prozentpunkte gegenüber 2022" in page
    assert "(besser)" in page


def test_home_says_so_when_nothing_is_pending(client):
    page = client.get("/").content.decode()
    assert "Zurzeit wartet kein Antrag auf eine Antwort." in page
    assert "Zurzeit sind keine Sitzungen angekündigt." in page


def test_home_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries):
    def add_data(count):
        for _ in range(count):
            MotionFactory(registered=True)
            discovery_report()
            CouncilMeetingFactory(start=timezone.now() + datetime.timedelta(days=5))

    add_data(1)
    with django_assert_max_num_queries(12) as small:
        client.get("/")
    add_data(10)
    with django_assert_max_num_queries(12) as large:
        client.get("/")
    # fewer, if anything: figures that did not change come from the cache (issue 20)
    assert len(large.captured_queries) <= len(small.captured_queries)
