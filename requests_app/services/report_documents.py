"""PDF documents answered with a report (issue 15, "Documents in answers").

The author of a draft attaches a document (e.g. a letter of the Polizeidirektion) or removes
it again; after submission the list is frozen like the text. The files are `portal.Attachment`
rows (OParl File) that stay non-public: whether a document may be read follows its report
(`AnswerReport.objects.published()`), checked where it is served, so a report that is
withdrawn from the public takes its documents with it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal import concurrency, pagecache
from portal.models import Attachment, User
from portal.uploads import attachment_create, check_upload
from requests_app.models import AnswerReport, MotionEvent
from requests_app.services.reports import _lock_for_edit  # the one draft lock and check

# More would make the answer a file dump; a report with more documents is split or summarised.
MAX_DOCUMENTS = 20


@pagecache.private_writes()  # a draft's documents are not public
@transaction.atomic
def report_document_add(
    *, report: AnswerReport, user: User, upload: UploadedFile, name: str, version
) -> Attachment:
    """Store a PDF document with the draft; anything else is refused and nothing is kept."""
    report = _lock_for_edit(report, user, version)
    if check_upload(upload) != "application/pdf":
        raise ValidationError(_("Dokumente zu einer Antwort müssen PDF-Dateien sein."))
    if report.documents.count() >= MAX_DOCUMENTS:
        raise ValidationError(
            _("Ein Bericht kann höchstens %(count)d Dokumente haben.") % {"count": MAX_DOCUMENTS}
        )
    upload.seek(0)
    document = attachment_create(upload=upload, name=name.strip(), public=False)
    report.documents.add(document)
    concurrency.bump(report)
    MotionEvent.objects.record(
        report=report,
        user=user,
        action=MotionEvent.Action.REPORT_EDITED,
        comment=_("Dokument hinzugefügt: %(name)s") % {"name": document.name},
    )
    return document


@pagecache.private_writes()
@transaction.atomic
def report_document_remove(
    *, report: AnswerReport, user: User, document: Attachment, version
) -> None:
    """Take a document off the draft (the file goes when no other edition uses it)."""
    report = _lock_for_edit(report, user, version)
    if not report.documents.filter(pk=document.pk).exists():
        raise ValidationError(_("Dieses Dokument gehört nicht zu diesem Bericht."))
    report.documents.remove(document)
    concurrency.bump(report)
    MotionEvent.objects.record(
        report=report,
        user=user,
        action=MotionEvent.Action.REPORT_EDITED,
        comment=_("Dokument entfernt: %(name)s") % {"name": document.name},
    )
    if not document.answer_reports.exists():
        document.file.delete(save=False)
        document.delete()
