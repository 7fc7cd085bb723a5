"""sitemap.xml lists the public council sessions, bodies, factions, persons and motion PDFs, and
every listed address answers 200; nothing non-public is listed (tests/test_leaks.py pattern)."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from portal.models import Meeting
from requests_app.tasks import render_motion_pdf
from tests.factories import (
    MembershipFactory,
    MotionFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"


def locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{NS}loc")]


def _meeting(body, name: str, public: bool = True) -> Meeting:
    from django.utils import timezone

    return Meeting.objects.create(organization=body, name=name, start=timezone.now(), public=public)


def test_sitemap_lists_public_sessions_bodies_factions_persons_and_pdfs(client):
    council = OrganizationFactory(name="Stadtrat", short_name="Stadtrat", kind="council")
    faction = OrganizationFactory(name="Fraktion Beispiel", short_name="Beispiel", kind="faction")
    gone = OrganizationFactory(name="Aufgelöst", short_name="Weg", kind="committee")
    gone.soft_delete()
    public_person = PersonFactory(public=True, family_name="ÖFFENTLICH")
    hidden_person = PersonFactory(public=False, family_name="GEHEIM")
    MembershipFactory(organization=council, person=public_person)
    MembershipFactory(organization=council, person=hidden_person)
    session = _meeting(council, "Ratssitzung")
    closed = _meeting(council, "GEHEIM-Sitzung", public=False)
    motion = MotionFactory(submitted=True, faction=faction, title="Licht")
    render_motion_pdf.call(motion.pk)
    confidential = MotionFactory(registered=True, confidential=True, title="GEHEIM-Antrag")
    draft = MotionFactory(title="GEHEIM-Entwurf")

    urls = locations(client)

    expected = [
        reverse("sessions:meeting_list"),
        reverse("sessions:body_list"),
        reverse("sessions:meeting_detail", args=[session.pk]),
        reverse("sessions:body_detail", args=["stadtrat"]),
        reverse("sessions:faction_detail", args=["beispiel"]),
        reverse("sessions:person_detail", args=[public_person.pk]),
        reverse("requests_app:motion_document", args=[motion.public_slug]),
    ]
    for path in expected:
        assert HOST + path in urls, path
    forbidden = [
        reverse("sessions:meeting_detail", args=[closed.pk]),
        reverse("sessions:person_detail", args=[hidden_person.pk]),
        reverse("sessions:body_detail", args=["weg"]),
        reverse("requests_app:motion_document", args=[confidential.public_slug]),
        reverse("requests_app:motion_document", args=[draft.public_slug]),
    ]
    for path in forbidden:
        assert HOST + path not in urls, path
    # Every listed page and file is there for an anonymous visitor, and none shows a secret.
    for url in urls:
        response = client.get(url.removeprefix(HOST))
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            assert "GEHEIM" not in response.content.decode(), url
