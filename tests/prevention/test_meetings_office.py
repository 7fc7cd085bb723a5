"""Staff pages for meetings: agenda (reorderable), minutes with preview, attendance, attachments,
and the protection against lost updates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.concurrency import rows_version, version_of
from portal.models import AgendaItem, Attachment, Meeting
from prevention.models import Attendance
from tests.factories import (
    AgendaItemFactory,
    CouncilMeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def kpr():
    return OrganizationFactory(
        name="Kommunaler Präventionsrat Chemnitz", short_name="KPR", kind="prevention_council"
    )


@pytest.fixture
def office(client, prevention_office):
    client.force_login(prevention_office)
    return client


def meeting_data(kpr, items, *, meeting=None, **overrides) -> dict:
    """POST data of the meeting form with its agenda formset (prefix `top`)."""
    existing = list(meeting.agenda_items.order_by("order")) if meeting else []
    data = {
        "organization": kpr.pk,
        "name": "Sitzung des Präventionsrats",
        "start": "2025-03-12T16:00",
        "end": "2025-03-12T18:00",
        "state": "planned",
        "public": "on",
        "version": version_of(meeting) if meeting else "",
        "top-TOTAL_FORMS": str(len(items)),
        "top-INITIAL_FORMS": str(len(existing)),
        "top-MIN_NUM_FORMS": "0",
        "top-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        prefix = f"top-{index}-"
        if index < len(existing):
            data[prefix + "id"] = existing[index].pk
        for key, value in item.items():
            if value is True:
                data[prefix + key] = "on"
            elif value is not False:
                data[prefix + key] = value
    data.update(overrides)
    return data


def test_office_creates_meeting_with_public_and_nonpublic_items(office, kpr):
    data = meeting_data(
        kpr,
        [
            {"order": "1", "title": "Begrüßung", "public": True},
            {"order": "2", "title": "Personalsache", "public": False},
            {"order": "", "title": "", "public": True},
        ],
    )
    response = office.post(reverse("prevention:office_meeting_create"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("prevention:office_meeting_edit", args=[meeting.pk])
    items = list(meeting.agenda_items.order_by("order"))
    assert [(i.number, i.title, i.public) for i in items] == [
        ("1", "Begrüßung", True),
        ("2", "Personalsache", False),
    ]
    assert meeting.start.isoformat() == "2025-03-12T15:00:00+00:00"  # Berlin winter time


def test_agenda_is_reordered_by_the_position_numbers(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr)
    for order, title in enumerate(["A", "B", "C"], start=1):
        AgendaItemFactory(meeting=meeting, order=order, title=title)
    data = meeting_data(
        kpr,
        [
            {"order": "3", "title": "A", "public": True},
            {"order": "1", "title": "B", "public": True},
            {"order": "2", "title": "C", "public": True, "DELETE": True},
            {"order": "", "title": "Neu am Ende", "public": True},
        ],
        meeting=meeting,
    )
    response = office.post(reverse("prevention:office_meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert [(i.number, i.title) for i in meeting.agenda_items.order_by("order")] == [
        ("1", "B"),
        ("2", "A"),
        ("3", "Neu am Ende"),
    ]
    assert AgendaItem.all_objects.get(title="C").deleted  # soft-deleted, for OParl


def test_invalid_meeting_changes_nothing_and_explains_in_german(office, kpr):
    data = meeting_data(
        kpr,
        [{"order": "1", "title": "x" * 301, "public": True}],
        start="gestern",
        end="2025-03-12T18:00",
    )
    response = office.post(reverse("prevention:office_meeting_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte korrigieren Sie Ihre Eingaben" in html
    assert "Zeile 1" in html
    assert not Meeting.objects.exists()


def test_end_before_start_is_refused(office, kpr):
    data = meeting_data(kpr, [], start="2025-03-12T18:00", end="2025-03-12T16:00")
    response = office.post(reverse("prevention:office_meeting_create"), data)
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.content.decode()
    assert not Meeting.objects.exists()


def test_stale_meeting_form_is_refused_and_overwrites_nothing(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr, name="Original")
    AgendaItemFactory(meeting=meeting, order=1, title="Punkt")
    url = reverse("prevention:office_meeting_edit", args=[meeting.pk])
    first = meeting_data(kpr, [{"order": "1", "title": "Punkt", "public": True}], meeting=meeting)
    second = dict(first, name="Zweiter Bearbeiter", **{"top-0-title": "Überschrieben"})
    first["name"] = "Erster Bearbeiter"
    assert office.post(url, first).status_code == 302
    response = office.post(url, second)
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.name == "Erster Bearbeiter"
    assert meeting.agenda_items.get().title == "Punkt"


def test_minutes_preview_renders_without_saving(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr, minutes="alt")
    url = reverse("prevention:office_meeting_minutes", args=[meeting.pk])
    data = {
        "minutes": "## Ergebnis\n\n**fett** <script>alert(1)</script>",
        "version": version_of(meeting),
        "preview": "1",
    }
    response = office.post(url, data)
    html = response.content.decode()
    assert "Vorschau (noch nicht gespeichert)" in html
    assert "<strong>fett</strong>" in html
    assert "<script>alert(1)" not in html
    meeting.refresh_from_db()
    assert meeting.minutes == "alt"


def test_minutes_are_saved_and_shown_publicly(office, client, kpr):
    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_minutes", args=[meeting.pk])
    data = {"minutes": "Die **Streife** wird verlängert.", "version": version_of(meeting)}
    assert office.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Die **Streife** wird verlängert."
    office.logout()
    html = client.get(reverse("prevention:meeting_detail", args=[meeting.pk])).content.decode()
    assert "<strong>Streife</strong>" in html


def test_stale_minutes_are_refused(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_minutes", args=[meeting.pk])
    version = version_of(meeting)
    office.post(url, {"minutes": "erste Fassung", "version": version})
    response = office.post(url, {"minutes": "zweite Fassung", "version": version})
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "erste Fassung"


def attendance(meeting) -> str:
    """The version of a meeting's attendance, as the form carries it."""
    return rows_version(Attendance.objects.filter(meeting=meeting))


def test_attendance_is_recorded_from_the_memberships(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr)
    present = MembershipFactory(organization=kpr, person=PersonFactory(family_name="Da"))
    excused = MembershipFactory(organization=kpr, person=PersonFactory(family_name="Weg"))
    url = reverse("prevention:office_meeting_attendance", args=[meeting.pk])
    html = office.get(url).content.decode()
    assert "Da" in html and "Weg" in html
    response = office.post(
        url,
        {f"m{present.pk}": "present", f"m{excused.pk}": "excused", "version": attendance(meeting)},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("membership_id", "status")) == {
        present.pk: "present",
        excused.pk: "excused",
    }
    office.post(
        url, {f"m{present.pk}": "present", f"m{excused.pk}": "", "version": attendance(meeting)}
    )
    assert list(Attendance.objects.values_list("membership_id", flat=True)) == [present.pk]


def test_stale_attendance_is_refused(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr)
    member = MembershipFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attendance", args=[meeting.pk])
    version = attendance(meeting)
    office.post(url, {f"m{member.pk}": "present", "version": version})
    response = office.post(url, {f"m{member.pk}": "absent", "version": version})
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    assert Attendance.objects.get().status == "present"


def test_invalid_attendance_value_changes_nothing(office, kpr):
    meeting = CouncilMeetingFactory(organization=kpr)
    member = MembershipFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attendance", args=[meeting.pk])
    response = office.post(url, {f"m{member.pk}": "schlafend"})
    assert response.status_code == 200
    assert "Bitte korrigieren Sie Ihre Eingaben" in response.content.decode()
    assert not Attendance.objects.exists()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_upload_pdf_and_publish_it(office, client, kpr):

    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attachments", args=[meeting.pk])
    upload = SimpleUploadedFile("einladung.pdf", PDF, content_type="application/pdf")
    response = office.post(url, {"file": upload, "name": "Einladung"})
    assert response.status_code == 302
    attachment = meeting.attachments.get()
    assert (attachment.name, attachment.mime_type, attachment.public) == (
        "Einladung",
        "application/pdf",
        False,
    )
    office.post(url, {"anlage": attachment.pk, "aktion": "publish"})
    attachment.refresh_from_db()
    assert attachment.public
    office.logout()
    download = reverse("prevention:meeting_attachment", args=[meeting.pk, attachment.pk])
    assert client.get(download).status_code == 200


def test_png_image_is_accepted(office, kpr):

    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attachments", args=[meeting.pk])
    office.post(url, {"file": SimpleUploadedFile("foto.png", png_bytes()), "public": "on"})
    assert meeting.attachments.get().mime_type == "image/png"


def test_mistyped_upload_is_refused_with_german_message_and_nothing_saved(office, kpr):

    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attachments", args=[meeting.pk])
    fake = SimpleUploadedFile("bericht.pdf", b"<html>kein pdf</html>", "application/pdf")
    response = office.post(url, {"file": fake})
    assert response.status_code == 200
    assert "Dieser Dateityp ist nicht erlaubt" in response.content.decode()
    assert not Attachment.objects.exists()


def test_oversize_upload_is_refused(office, kpr, settings):

    settings.PORTAL_UPLOAD_MAX_BYTES = 20
    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attachments", args=[meeting.pk])
    response = office.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert "Die Datei ist zu groß" in response.content.decode()
    assert not Attachment.objects.exists()


def test_removed_attachment_disappears_for_the_public(office, client, kpr):

    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attachments", args=[meeting.pk])
    office.post(url, {"file": SimpleUploadedFile("a.pdf", PDF), "public": "on"})
    attachment = meeting.attachments.get()
    office.post(url, {"anlage": attachment.pk, "aktion": "remove"})
    assert not meeting.attachments.exists()
    assert Attachment.all_objects.get(pk=attachment.pk).deleted
    office.logout()
    download = reverse("prevention:meeting_attachment", args=[meeting.pk, attachment.pk])
    assert client.get(download).status_code == 404


def test_staff_can_download_a_nonpublic_attachment(office, kpr):

    meeting = CouncilMeetingFactory(organization=kpr)
    url = reverse("prevention:office_meeting_attachments", args=[meeting.pk])
    office.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)})
    attachment = meeting.attachments.get()
    response = office.get(reverse("prevention:office_attachment", args=[meeting.pk, attachment.pk]))
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role", ["council_member", "council_office", "approver"])
def test_other_roles_cannot_write(client, make_user, kpr, role):
    client.force_login(make_user(role))
    meeting = CouncilMeetingFactory(organization=kpr, minutes="alt")
    url = reverse("prevention:office_meeting_minutes", args=[meeting.pk])
    response = client.post(url, {"minutes": "neu", "version": version_of(meeting)})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.minutes == "alt"
    create = client.post(reverse("prevention:office_meeting_create"), meeting_data(kpr, []))
    assert create.status_code == 403
    assert Meeting.objects.count() == 1


def test_meetings_of_other_bodies_are_not_editable_here(office):
    council_meeting = CouncilMeetingFactory(organization=OrganizationFactory(kind="council"))
    url = reverse("prevention:office_meeting_edit", args=[council_meeting.pk])
    assert office.get(url).status_code == 404
