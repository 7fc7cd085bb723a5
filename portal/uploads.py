"""Checking uploaded files by their content and storing them as Attachment rows.

The browser's file name and Content-Type are the uploader's claim and decide nothing: the first
bytes say what a file is (PDF, PNG or JPEG), images must decode, and a PDF must end like one.
The stored name gets the extension of the detected type, so a file can never be served as
something it is not.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import formats
from portal.models import Attachment
from portal.pdf import pdf_text

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Enough for any council document; a PDF that claims more text is cut (File.text is a help for
# search engines and screen readers, not an archive).
MAX_TEXT_CHARACTERS = 1_000_000

# MIME type -> (magic bytes at offset 0, extension)
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
}


def max_upload_bytes() -> int:
    return getattr(settings, "PORTAL_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def sniff_mime_type(head: bytes) -> str | None:
    """The MIME type the file's first bytes announce, or None for anything not allowed."""
    for mime_type, (magic, _extension) in SIGNATURES.items():
        if head.startswith(magic):
            return mime_type
    return None


def _read_head_and_tail(upload: UploadedFile, size: int = 1024) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(max(0, upload.size - size))
    tail = upload.read(size)
    upload.seek(0)
    return head, tail


# Larger images are refused: 50 megapixels is more than any camera photo of a meeting, and a
# small file declaring 100,000 × 100,000 pixels would take gigabytes to decode in a PDF.
MAX_IMAGE_PIXELS = 50_000_000


def _image_size(upload: UploadedFile) -> tuple[int, int] | None:
    """(width, height) of an image that opens and verifies; None for a broken one."""
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                size = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return (MAX_IMAGE_PIXELS, 2)  # declared larger than Pillow will ever decode
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        upload.seek(0)
    return size


def check_upload(upload: UploadedFile) -> str:
    """Return the detected MIME type, or raise ValidationError with a German message."""
    limit = max_upload_bytes()
    if upload.size == 0:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _(
                "Die Datei ist zu groß: %(size)s Bytes, erlaubt sind höchstens %(limit)s "
                "Bytes (%(readable)s)."
            )
            % {
                "size": formats.count(upload.size),
                "limit": formats.count(limit),
                "readable": filesizeformat(limit),
            },
            code="too_large",
        )
    head, tail = _read_head_and_tail(upload)
    mime_type = sniff_mime_type(head)
    if mime_type is None:
        raise ValidationError(
            _(
                "Dieser Dateityp ist nicht erlaubt. Erlaubt sind PDF-Dokumente sowie Bilder "
                "im PNG- oder JPEG-Format; maßgeblich ist der Inhalt, nicht der Dateiname."
            ),
            code="type",
        )
    if mime_type == "application/pdf" and b"%%EOF" not in tail:
        raise ValidationError(_("Die PDF-Datei ist unvollständig oder beschädigt."), code="broken")
    if mime_type.startswith("image/"):
        size = _image_size(upload)
        if size is None:
            raise ValidationError(
                _("Die Bilddatei ist beschädigt und lässt sich nicht öffnen."), code="broken"
            )
        if size[0] * size[1] > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _(
                    "Das Bild ist zu groß (mehr als %(megapixels)s Megapixel). Bitte verkleinern "
                    "Sie es vor dem Hochladen."
                )
                % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
                code="too_many_pixels",
            )
    return mime_type


def sha512_of(upload: UploadedFile) -> str:
    digest = hashlib.sha512()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def stored_file_name(original: str, mime_type: str) -> str:
    stem = slugify(PurePath(original or "").stem)[:80] or "anlage"
    return f"{stem}.{SIGNATURES[mime_type][1]}"


def uploaded_pdf_text(upload: UploadedFile) -> str:
    """The text of an uploaded PDF (OParl File.text), or "" when it has none or cannot be read:
    an upload is anybody's file, so no error of the parser may stop the upload."""
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        return pdf_text(content)[:MAX_TEXT_CHARACTERS]
    except Exception:  # a hostile or broken PDF only loses its text
        logger.warning("Text of uploaded PDF %r not extracted", upload.name, exc_info=True)
        return ""


@transaction.atomic
def attachment_create(*, upload: UploadedFile, name: str = "", public: bool = False) -> Attachment:
    """Check an upload by content and store it; on any error nothing is saved."""
    mime_type = check_upload(upload)
    attachment = Attachment(
        name=(name or PurePath(upload.name or "").stem or _("Anlage"))[:200],
        mime_type=mime_type,
        size=upload.size,
        sha512=sha512_of(upload),
        public=public,
    )
    if mime_type == "application/pdf":
        attachment.text = uploaded_pdf_text(upload)
    attachment.file.save(stored_file_name(upload.name, mime_type), upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# --- files of a meeting (KPR meetings and council sessions; each app checks who may) ----------

MEETING_ATTACHMENT_ACTIONS = ("publish", "unpublish", "remove")


@transaction.atomic
def meeting_attachment_add(*, meeting, upload: UploadedFile, name: str = "", public: bool = False):
    """Check the upload by content, store it and attach it to the meeting."""
    attachment = attachment_create(upload=upload, name=name, public=public)
    meeting.attachments.add(attachment)
    return attachment


@transaction.atomic
def meeting_attachment_change(*, meeting, attachment_id: int | None, action: str) -> Attachment:
    """Publish, unpublish or remove (soft-delete: OParl clients learn of it) an attachment."""
    attachment = meeting.attachments.select_for_update().filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError(_("Diese Anlage gehört nicht zu dieser Sitzung."))
    if action not in MEETING_ATTACHMENT_ACTIONS:
        raise ValidationError(_("Unbekannte Aktion."))
    if action == "remove":
        meeting.attachments.remove(attachment)
        attachment.soft_delete()
    else:
        attachment.public = action == "publish"
        attachment.save(update_fields=["public", "modified"])
    return attachment
