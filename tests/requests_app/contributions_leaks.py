"""Contributions, co-sign comments and their files, planted for the leak test: tests/test_leaks.py
adds `contributions_content` to its unpublished content, so its crawl, search, feeds, sitemap and
mail checks prove that none of it reaches a public channel."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from tests import test_leaks


def contributions_content() -> list[str]:
    """Handed-in contributions with files, open requests and co-sign comments, on a draft report
    and on a published one (of public motions: the crawler reaches their pages)."""
    from portal.models import Attachment
    from requests_app.models import ContributionRequest, CoSignRequest
    from tests.factories import AnswerReportFactory, OrganizationFactory

    used = []
    police = OrganizationFactory(kind="external", name="Polizei Leck")
    department = OrganizationFactory(kind="department", name="Dezernat Mitzeichnung Leck")
    for state, report in [
        ("draft", AnswerReportFactory(title="Entwurf mit Zuarbeit")),
        ("published", AnswerReportFactory(title="Öffentlich mit Zuarbeit", publish=True)),
    ]:
        text, message, comment, file_name = (
            test_leaks.marker(f"contribution{state}{part}")
            for part in ("text", "message", "cosign", "file")
        )
        used += [text, message, comment, file_name]
        contribution = ContributionRequest.objects.create(
            report=report,
            organization=police,
            due_date=timezone.localdate() + datetime.timedelta(days=3),
            message=message,
            state=ContributionRequest.State.HANDED_IN,
            text=text,
            handed_in_at=timezone.now(),
        )
        contribution.questions.set(report.motion.questions.all())
        attachment = Attachment(
            name=file_name, mime_type="application/pdf", size=8, sha512="0" * 128
        )
        attachment.file.save("zuarbeit.pdf", ContentFile(b"%PDF-1.4"), save=True)
        contribution.attachments.add(attachment)
        CoSignRequest.objects.create(
            report=report,
            organization=department,
            state=CoSignRequest.State.OBJECTED,
            comment=comment,
        )
    return used
