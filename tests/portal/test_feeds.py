"""Atom feeds: parse as Atom, hold only published items, are advertised in the page head."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import MotionFactory, discovery_report

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_motion_feed_is_atom_with_only_published_motions(client):
    published = MotionFactory(registered=True, title="Alkoholverbot am Brühl", text="**fett**")
    MotionFactory(title="Entwurf Feed")
    MotionFactory(registered=True, title="Vertraulich Feed", confidential=True)
    [entry] = entries(client, "/feeds/antraege/")
    assert "Alkoholverbot am Brühl" in entry.find(f"{ATOM}title").text
    link = entry.find(f"{ATOM}link").get("href")
    assert link.endswith(published.get_absolute_url())
    assert entry.find(f"{ATOM}updated") is not None
    assert "<strong>" not in (entry.find(f"{ATOM}summary").text or "")


def test_feed_entries_keep_their_id_when_a_motion_is_registered(client):
    motion = MotionFactory(submitted=True)
    [before] = entries(client, "/feeds/antraege/")
    motion.status, motion.year, motion.number, motion.reference = (
        "registered",
        2026,
        7,
        "RA-007/2026",
    )
    motion.save()
    [after] = entries(client, "/feeds/antraege/")
    assert before.find(f"{ATOM}id").text == after.find(f"{ATOM}id").text


def test_every_page_advertises_the_feeds(client):
    page = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feeds/antraege/"' in page


def test_report_feed_holds_only_published_reports(client):
    report = discovery_report(title="Antwort zur Fahrradwache", answer="Ja.")
    discovery_report(title="Bericht in Prüfung", status="in_review")
    [entry] = entries(client, "/feeds/berichte/")
    assert entry.find(f"{ATOM}title").text == "Antwort zur Fahrradwache"
    assert entry.find(f"{ATOM}link").get("href").endswith(report.get_absolute_url())
