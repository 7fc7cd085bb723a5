"""Access-table entries of contributions (Zuarbeit) and co-signing (Mitzeichnung); merged into
tests/access.py. Every page is internal: the superuser sees it, accounts of the role but not of
the organization asked (or the lead department) learn nothing (404)."""

from tests.access_types import LOGGED_IN, Access, only


def _draft_report() -> dict:
    from tests.factories import AnswerReportFactory

    return {"pk": AnswerReportFactory().pk}


def _contribution():
    import datetime

    from django.utils import timezone

    from requests_app.models import ContributionRequest
    from tests.factories import AnswerReportFactory, OrganizationFactory

    report = AnswerReportFactory()
    contribution = ContributionRequest.objects.create(
        report=report,
        organization=OrganizationFactory(kind="external"),
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    contribution.questions.set(report.motion.questions.all())
    return contribution


def _attachment() -> dict:
    from django.core.files.base import ContentFile

    from portal.models import Attachment

    contribution = _contribution()
    attachment = Attachment(name="Brief", mime_type="application/pdf", size=8, sha512="0" * 128)
    attachment.file.save("brief.pdf", ContentFile(b"%PDF-1.4"), save=True)
    contribution.attachments.add(attachment)
    return {"pk": contribution.pk, "attachment_pk": attachment.pk}


def _cosign() -> dict:
    from requests_app.models import CoSignRequest
    from tests.factories import AnswerReportFactory, OrganizationFactory

    cosign = CoSignRequest.objects.create(
        report=AnswerReportFactory(), organization=OrganizationFactory(kind="department")
    )
    return {"pk": cosign.pk}


ENTRIES: dict[str, Access] = {
    "requests_app:contributions_report": Access(only(), denied=404, kwargs=_draft_report),
    "requests_app:contribution_detail": Access(
        only(), denied=404, kwargs=lambda: {"pk": _contribution().pk}
    ),
    "requests_app:contribution_attachment": Access(only(), denied=404, kwargs=_attachment),
    "requests_app:cosign_detail": Access(only(), denied=404, kwargs=_cosign),
    # POST only: accounts get 405 for a GET, anonymous visitors the login page.
    "requests_app:contribution_request_create": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
    "requests_app:cosign_request_create": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
    "requests_app:contribution_withdraw": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
    "requests_app:contribution_adopt": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
}
