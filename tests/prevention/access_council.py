"""Access-table entries of this area; merged into tests/access.py (see its docstring)."""

from django.core.files.base import ContentFile

from portal import roles
from portal.models import Attachment
from tests.access_types import PUBLIC, Access, only

OFFICE = only(roles.PREVENTION_OFFICE)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _meeting() -> dict:
    from tests.factories import CouncilMeetingFactory

    return {"pk": CouncilMeetingFactory().pk}


def _meeting_with_attachment(*, public: bool) -> dict:
    from tests.factories import CouncilMeetingFactory

    meeting = CouncilMeetingFactory()
    attachment = Attachment(
        name="Einladung",
        mime_type="application/pdf",
        size=len(PDF),
        sha512="0" * 128,
        public=public,
    )
    attachment.file.save("einladung.pdf", ContentFile(PDF), save=True)
    meeting.attachments.add(attachment)
    return {"pk": meeting.pk, "attachment_pk": attachment.pk}


def _council() -> None:
    from tests.factories import PreventionCouncilFactory

    PreventionCouncilFactory()


def _measure() -> dict:
    from tests.factories import MeasureFactory

    return {"pk": MeasureFactory().pk}


ENTRIES: dict[str, Access] = {
    "prevention:council": Access(PUBLIC),
    "prevention:meeting_list": Access(PUBLIC),
    "prevention:meeting_ics": Access(PUBLIC),
    "prevention:meeting_detail": Access(PUBLIC, kwargs=_meeting),
    # Only public attachments of public meetings; everything else is a 404 for everybody.
    "prevention:meeting_attachment": Access(
        PUBLIC, kwargs=lambda: _meeting_with_attachment(public=True)
    ),
    "prevention:office_index": Access(OFFICE),
    "prevention:office_profile": Access(OFFICE),
    # 404 for the office while no Kommunaler Präventionsrat exists; here one does.
    "prevention:office_members": Access(OFFICE, kwargs=lambda: _council() or {}),
    "prevention:office_working_groups": Access(OFFICE, kwargs=lambda: _council() or {}),
    "prevention:office_meeting_create": Access(OFFICE),
    "prevention:office_meeting_edit": Access(OFFICE, kwargs=_meeting),
    "prevention:office_meeting_minutes": Access(OFFICE, kwargs=_meeting),
    "prevention:office_meeting_attendance": Access(OFFICE, kwargs=_meeting),
    "prevention:office_meeting_attachments": Access(OFFICE, kwargs=_meeting),
    "prevention:office_attachment": Access(
        OFFICE, kwargs=lambda: _meeting_with_attachment(public=False)
    ),
    "prevention:office_measure_create": Access(OFFICE),
    "prevention:office_measure_edit": Access(OFFICE, kwargs=_measure),
}
