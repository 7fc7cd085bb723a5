"""Access-table entries of the council sessions (issue 14); merged into tests/access.py."""

from django.core.files.base import ContentFile

from portal import roles
from tests.access_types import PUBLIC, Access, only

OFFICE = only(roles.COUNCIL_OFFICE)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _session():
    from tests.factories import MeetingFactory, OrganizationFactory

    council = OrganizationFactory(kind="council", short_name="Stadtrat-Test")
    return MeetingFactory(organization=council, public=True)


def _item():
    from tests.factories import AgendaItemFactory

    return AgendaItemFactory(meeting=_session())


def _consultation() -> dict:
    from requests_app.models import Consultation
    from tests.factories import MotionFactory

    consultation = Consultation.objects.create(
        motion=MotionFactory(registered=True), agenda_item=_item(), role="notice"
    )
    return {"pk": consultation.pk}


def _session_with_attachment() -> dict:
    from portal.models import Attachment

    meeting = _session()
    attachment = Attachment(
        name="Einladung", mime_type="application/pdf", size=len(PDF), sha512="0" * 128, public=True
    )
    attachment.file.save("einladung.pdf", ContentFile(PDF), save=True)
    meeting.attachments.add(attachment)
    return {"pk": meeting.pk, "attachment_pk": attachment.pk}


def _body_slug() -> dict:
    _session()
    return {"slug": "stadtrat-test"}


def _faction_slug() -> dict:
    from tests.factories import OrganizationFactory

    OrganizationFactory(kind="faction", short_name="Fraktion-Zugriff")
    return {"slug": "fraktion-zugriff"}


def _person() -> dict:
    from tests.factories import PersonFactory

    return {"pk": PersonFactory(public=True).pk}


ENTRIES: dict[str, Access] = {
    "sessions:meeting_list": Access(PUBLIC),
    "sessions:meeting_detail": Access(PUBLIC, kwargs=lambda: {"pk": _session().pk}),
    "sessions:meeting_ics": Access(PUBLIC, kwargs=lambda: {"pk": _session().pk}),
    "sessions:meeting_attachment": Access(PUBLIC, kwargs=_session_with_attachment),
    "sessions:body_list": Access(PUBLIC),
    "sessions:body_detail": Access(PUBLIC, kwargs=_body_slug),
    "sessions:body_ics": Access(PUBLIC, kwargs=_body_slug),
    "sessions:faction_detail": Access(PUBLIC, kwargs=_faction_slug),
    "sessions:person_detail": Access(PUBLIC, kwargs=_person),
    "sessions:office_list": Access(OFFICE),
    "sessions:office_create": Access(OFFICE),
    "sessions:office_meeting": Access(OFFICE, kwargs=lambda: {"pk": _session().pk}),
    "sessions:office_edit": Access(OFFICE, kwargs=lambda: {"pk": _session().pk}),
    # POST only: accounts get 405 for a GET (the office too), anonymous visitors the login.
    "sessions:office_action": Access(
        OFFICE,
        ok=405,
        denied=405,
        kwargs=lambda: {"pk": _session().pk, "action": "invite"},
    ),
    "sessions:office_item": Access(OFFICE, kwargs=lambda: {"pk": _item().pk}),
    "sessions:office_consultation": Access(OFFICE, kwargs=_consultation),
    "sessions:office_attachments": Access(OFFICE, kwargs=lambda: {"pk": _session().pk}),
    "sessions:office_attachment": Access(OFFICE, kwargs=_session_with_attachment),
}
