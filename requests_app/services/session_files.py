"""Files of council sessions (invitations, Vorlagen, minutes as PDF): the council office adds,
publishes, unpublishes and removes them; portal/uploads.py does the checking and storing, as
for the KPR's meetings. Every change is a `MeetingEvent`."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import uploads
from portal.models import Attachment, Meeting, User
from requests_app.services.sessions import Action, _record, _require_office

CHANGES = {
    "publish": gettext_lazy("veröffentlicht"),
    "unpublish": gettext_lazy("nicht mehr veröffentlicht"),
    "remove": gettext_lazy("entfernt"),
}


@transaction.atomic
def session_attachment_add(
    *, meeting: Meeting, user: User, upload: UploadedFile, name: str = "", public: bool = False
) -> Attachment:
    _require_office(user)
    attachment = uploads.meeting_attachment_add(
        meeting=meeting, upload=upload, name=name, public=public
    )
    _record(
        meeting,
        user,
        Action.ATTACHMENTS_CHANGED,
        _("Anlage hinzugefügt: %(name)s") % {"name": attachment.name},
    )
    return attachment


@transaction.atomic
def session_attachment_change(
    *, meeting: Meeting, user: User, attachment_id: int | None, action: str
) -> Attachment:
    _require_office(user)
    attachment = uploads.meeting_attachment_change(
        meeting=meeting, attachment_id=attachment_id, action=action
    )
    comment = _("Anlage %(change)s: %(name)s") % {
        "change": CHANGES[action],
        "name": attachment.name,
    }
    _record(meeting, user, Action.ATTACHMENTS_CHANGED, comment)
    return attachment
