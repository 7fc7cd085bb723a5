"""sitemap.xml holds published content only; robots.txt points to it."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import CouncilMeetingFactory, MotionFactory, discovery_report

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iter(f"{NS}loc")]


def test_sitemap_lists_published_motions_and_meetings_but_nothing_unpublished(client):
    published = MotionFactory(registered=True)
    draft = MotionFactory()
    confidential = MotionFactory(registered=True, confidential=True)
    meeting = CouncilMeetingFactory()
    private = CouncilMeetingFactory(public=False)
    urls = locations(client)
    assert f"http://testserver{published.get_absolute_url()}" in urls
    assert f"http://testserver/praeventionsrat/sitzungen/{meeting.pk}/" in urls
    assert f"http://testserver/praeventionsrat/sitzungen/{private.pk}/" not in urls
    assert not any(url.endswith(f"eingang-{draft.pk}/") for url in urls)
    assert f"http://testserver{confidential.get_absolute_url()}" not in urls
    assert "http://testserver/antraege/statistik/" in urls


def test_sitemap_lists_published_reports_only(client):
    report = discovery_report()
    draft = discovery_report(status="draft")
    urls = locations(client)
    assert f"http://testserver{report.get_absolute_url()}" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_work_area(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /arbeitsbereich/" in text
