"""Public meeting pages: list, detail with only the public agenda, public attachments."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Attachment
from prevention.views import council
from tests.factories import (
    AgendaItemFactory,
    CouncilMeetingFactory,
    MeetingFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def detail(meeting):
    return reverse("prevention:meeting_detail", args=[meeting.pk])


def attach(meeting, *, public: bool, name: str = "Einladung") -> Attachment:
    attachment = Attachment(
        name=name, mime_type="application/pdf", size=len(PDF), sha512="a" * 128, public=public
    )
    attachment.file.save("anlage.pdf", ContentFile(PDF), save=True)
    meeting.attachments.add(attachment)
    return attachment


def test_list_shows_public_council_meetings_only(client):
    CouncilMeetingFactory(name="Sitzung im Frühjahr")
    CouncilMeetingFactory(name="Geheime Sitzung", public=False)
    MeetingFactory(name="Stadtratssitzung")  # not a KPR meeting
    html = client.get(reverse("prevention:meeting_list")).content.decode()
    assert "Sitzung im Frühjahr" in html
    assert "Geheime Sitzung" not in html
    assert "Stadtratssitzung" not in html


def test_list_separates_upcoming_from_past(client):
    CouncilMeetingFactory(name="Nächste Sitzung", start=timezone.now() + datetime.timedelta(days=9))
    CouncilMeetingFactory(name="Alte Sitzung")
    response = client.get(reverse("prevention:meeting_list"))
    assert [m.name for m in response.context["upcoming"]] == ["Nächste Sitzung"]
    assert [m.name for m in response.context["page"]] == ["Alte Sitzung"]


def test_working_group_meetings_belong_to_the_council(client):
    kpr = OrganizationFactory(kind="prevention_council")
    group = OrganizationFactory(kind="working_group", parent=kpr)
    meeting = CouncilMeetingFactory(organization=group, name="AG-Sitzung")
    assert client.get(detail(meeting)).status_code == 200


def test_detail_shows_public_items_and_minutes_but_not_nonpublic_content(client):
    meeting = CouncilMeetingFactory(minutes="## Ergebnis\n\nDie **Streife** wird verlängert.")
    AgendaItemFactory(meeting=meeting, order=1, title="Bericht der Polizei")
    AgendaItemFactory(
        meeting=meeting,
        order=2,
        title="Vertrauliche Personalsache",
        public=False,
        result="abgelehnt (geheim)",
        resolution_text="Geheimer Beschlusstext",
    )
    AgendaItemFactory(meeting=meeting, order=3, title="Noch vertraulicher", public=False)
    AgendaItemFactory(meeting=meeting, order=4, title="Verschiedenes")
    html = client.get(detail(meeting)).content.decode()
    assert "Bericht der Polizei" in html and "Verschiedenes" in html
    assert "Nichtöffentlicher Teil" in html
    assert html.count("Nichtöffentlicher Teil") == 1  # one marker per run of items
    for secret in ("Vertrauliche Personalsache", "abgelehnt", "Geheimer", "Noch vertraulicher"):
        assert secret not in html
    assert "<strong>Streife</strong>" in html


def test_nonpublic_or_deleted_meeting_is_not_found(client):
    hidden = CouncilMeetingFactory(public=False)
    deleted = CouncilMeetingFactory(deleted=True)
    council_meeting = MeetingFactory()
    for meeting in (hidden, deleted, council_meeting):
        assert client.get(detail(meeting)).status_code == 404


def test_detail_lists_and_serves_only_public_attachments(client):
    meeting = CouncilMeetingFactory()
    public = attach(meeting, public=True, name="Präsentation")
    private = attach(meeting, public=False, name="Interne Liste")
    html = client.get(detail(meeting)).content.decode()
    assert "Präsentation" in html and "Interne Liste" not in html
    url = reverse("prevention:meeting_attachment", args=[meeting.pk, public.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    private_url = reverse("prevention:meeting_attachment", args=[meeting.pk, private.pk])
    assert client.get(private_url).status_code == 404


def test_public_attachment_of_a_nonpublic_meeting_is_not_served(client):
    meeting = CouncilMeetingFactory(public=False)
    attachment = attach(meeting, public=True)
    url = reverse("prevention:meeting_attachment", args=[meeting.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_attachment_of_another_meeting_is_not_served(client):
    meeting, other = CouncilMeetingFactory(), CouncilMeetingFactory()
    attachment = attach(other, public=True)
    url = reverse("prevention:meeting_attachment", args=[meeting.pk, attachment.pk])
    assert client.get(url).status_code == 404


def _meetings(n):
    for _ in range(n):
        meeting = CouncilMeetingFactory()
        AgendaItemFactory(meeting=meeting)
        attach(meeting, public=True)


@pytest.mark.parametrize("url_name", ["prevention:meeting_list", "prevention:meeting_ics"])
def test_list_and_calendar_query_count_does_not_grow(client, url_name, django_assert_num_queries):
    _meetings(2)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(url_name))
    _meetings(25)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name))


def test_detail_query_count_does_not_grow_with_agenda(client, django_assert_max_num_queries):
    meeting = CouncilMeetingFactory()
    AgendaItemFactory(meeting=meeting)
    with CaptureQueriesContext(connection) as small:
        client.get(detail(meeting))
    for _ in range(20):
        AgendaItemFactory(meeting=meeting)
        attach(meeting, public=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(detail(meeting))


def test_meeting_pages_are_kept_per_data_version_but_follow_the_clock(
    client, monkeypatch, django_assert_num_queries
):
    client.cookies["unbekannt"] = "1"  # the page cache never answers: the view runs
    start = timezone.now() + datetime.timedelta(hours=1)
    meeting = CouncilMeetingFactory(name="Nächste Sitzung", start=start)
    response = client.get(reverse("prevention:meeting_list"))
    assert [m.name for m in response.context["upcoming"]] == ["Nächste Sitzung"]
    client.get(detail(meeting))
    monkeypatch.setattr(council.timezone, "now", lambda: start + datetime.timedelta(minutes=1))
    with django_assert_num_queries(0):
        response = client.get(reverse("prevention:meeting_list"))
        assert client.get(detail(meeting)).status_code == 200
    assert response.context["upcoming"] == []
    assert [m.name for m in response.context["page"]] == ["Nächste Sitzung"]
    meeting.public = False
    meeting.save()
    assert client.get(detail(meeting)).status_code == 404
