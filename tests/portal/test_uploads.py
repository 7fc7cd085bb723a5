"""Uploads are checked by content (PDF, PNG, JPEG), size-limited and stored with their SHA-512."""

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.models import Attachment
from portal.uploads import attachment_create, check_upload, sniff_mime_type

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, "application/pdf"), (png_bytes(), "image/png"), (jpeg_bytes(), "image/jpeg")],
)
def test_type_is_recognised_by_content_whatever_the_name(content, expected):
    assert sniff_mime_type(content[:16]) == expected
    assert check_upload(upload("unbenannt.txt", content, "text/plain")) == expected


def test_html_named_pdf_is_refused_with_german_message():
    fake = upload("protokoll.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(ValidationError, match="Dateityp ist nicht erlaubt"):
        check_upload(fake)


def test_truncated_pdf_is_refused():
    with pytest.raises(ValidationError, match="unvollständig oder beschädigt"):
        check_upload(upload("kaputt.pdf", PDF[:20]))


def test_broken_image_with_png_signature_is_refused():
    with pytest.raises(ValidationError, match="Bilddatei ist beschädigt"):
        check_upload(upload("bild.png", png_bytes()[:30]))


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="leer"):
        check_upload(upload("leer.pdf", b""))


def test_oversize_file_is_refused_with_the_limit_in_the_message(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 100
    big = PDF[:-7] + b" " * 200 + b"%%EOF\n"
    with pytest.raises(ValidationError, match="zu groß") as info:
        check_upload(upload("gross.pdf", big))
    assert "100" in info.value.messages[0]


@pytest.mark.django_db
def test_attachment_create_stores_file_with_hash_and_detected_type():
    attachment = attachment_create(
        upload=upload("Einladung März.PDF.exe", PDF), name="Einladung", public=True
    )
    attachment.refresh_from_db()
    assert attachment.name == "Einladung"
    assert attachment.mime_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha512 == hashlib.sha512(PDF).hexdigest()
    assert attachment.file.name.endswith(".pdf")
    assert attachment.file.read() == PDF


@pytest.mark.django_db
def test_refused_upload_saves_nothing(settings):
    with pytest.raises(ValidationError):
        attachment_create(upload=upload("x.pdf", b"MZ\x90\x00 not a pdf"))
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's first step)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 10_000)])
def test_an_image_declaring_too_many_pixels_is_refused_in_german(size):
    upload = SimpleUploadedFile("riesig.png", _png_declaring(*size), content_type="image/png")
    with pytest.raises(ValidationError, match="zu groß") as refused:
        check_upload(upload)
    assert refused.value.code == "too_many_pixels"


def test_a_file_just_over_the_limit_says_by_how_much(settings):
    """Rounded to megabytes both sizes read "10,0 MB": the message gives the bytes."""
    settings.PORTAL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    big = PDF[:-7] + b" " * (10 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("knapp.pdf", big))
    message = refused.value.messages[0]
    assert f"{len(big):,}".replace(",", ".") in message and "10.485.760" in message
