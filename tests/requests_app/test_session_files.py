"""Files of council sessions (issue 14): the council office uploads them (checked by content),
publishes, unpublishes and removes them; the public sees only public files of public sessions,
and every change is a session event."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal import roles
from requests_app.models import MeetingEvent
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def meeting():
    return MeetingFactory(public=True, name="Stadtrat im Dezember")


def _page(meeting):
    return f"/arbeitsbereich/sitzungen/{meeting.pk}/anlagen/"


def test_the_office_uploads_publishes_and_removes_a_session_file(client, make_user, meeting):
    client.force_login(make_user(roles.COUNCIL_OFFICE))
    upload = SimpleUploadedFile("vorlage.pdf", PDF, content_type="application/pdf")
    response = client.post(_page(meeting), {"file": upload, "name": "Vorlage 12/2026"}, follow=True)
    assert "Die Anlage wurde hochgeladen." in response.content.decode()
    attachment = meeting.attachments.get()
    assert attachment.public is False
    assert client.get(f"{_page(meeting)}{attachment.pk}/").status_code == 200

    client.logout()
    public_page = client.get(f"/sitzungen/{meeting.pk}/").content.decode()
    assert "Vorlage 12/2026" not in public_page

    client.force_login(make_user(roles.COUNCIL_OFFICE))
    client.post(_page(meeting), {"anlage": attachment.pk, "aktion": "publish"})
    client.logout()
    public_page = client.get(f"/sitzungen/{meeting.pk}/").content.decode()
    assert "Vorlage 12/2026" in public_page

    client.force_login(make_user(roles.COUNCIL_OFFICE))
    client.post(_page(meeting), {"anlage": attachment.pk, "aktion": "remove"})
    assert not meeting.attachments.exists()
    comments = list(
        MeetingEvent.objects.filter(meeting=meeting, action="attachments_changed")
        .order_by("pk")
        .values_list("comment", flat=True)
    )
    assert comments == [
        "Anlage hinzugefügt: Vorlage 12/2026",
        "Anlage veröffentlicht: Vorlage 12/2026",
        "Anlage entfernt: Vorlage 12/2026",
    ]


def test_a_file_that_is_not_what_it_claims_is_refused_in_german(client, make_user, meeting):
    client.force_login(make_user(roles.COUNCIL_OFFICE))
    fake = SimpleUploadedFile("vorlage.pdf", b"MZ\x90\x00 kein PDF", content_type="application/pdf")
    page = client.post(_page(meeting), {"file": fake}).content.decode()
    assert "Dieser Dateityp ist nicht erlaubt" in page
    assert not meeting.attachments.exists()
    assert not MeetingEvent.objects.filter(action="attachments_changed").exists()


@pytest.mark.parametrize("role", [roles.COUNCIL_MEMBER, roles.PREVENTION_OFFICE, None])
def test_only_the_council_office_manages_session_files(client, make_user, meeting, role):
    client.force_login(make_user(role))
    assert client.get(_page(meeting)).status_code == 403
    upload = SimpleUploadedFile("vorlage.pdf", PDF, content_type="application/pdf")
    assert client.post(_page(meeting), {"file": upload}).status_code == 403
    assert not meeting.attachments.exists()
