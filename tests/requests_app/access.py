"""Access-table entries of this area; merged into tests/access.py (see its docstring)."""

from tests.access_types import LOGGED_IN, PUBLIC, Access, only


def _published_motion() -> dict:
    from tests.factories import MotionFactory

    return {"slug": MotionFactory(registered=True).public_slug}


def _motion_with_document() -> dict:
    from requests_app.tasks import render_motion_pdf
    from tests.factories import MotionFactory

    motion = MotionFactory(registered=True)
    render_motion_pdf.call(motion.pk)
    return {"slug": motion.public_slug}


def _draft() -> dict:
    from tests.factories import MotionFactory

    return {"pk": MotionFactory().pk}


# A draft of some faction: the office reads it (read-only insider: 403 on the edit page),
# every other account gets 404 (its existence is not revealed).
ENTRIES: dict[str, Access] = {
    "requests_app:motion_list": Access(PUBLIC),
    "requests_app:motion_detail": Access(PUBLIC, kwargs=_published_motion),
    "requests_app:motion_document": Access(PUBLIC, kwargs=_motion_with_document),
    "requests_app:motion_create": Access(only("council_member")),
    "requests_app:workspace_motion": Access(only("council_office"), denied=404, kwargs=_draft),
    "requests_app:motion_edit": Access(
        only(),
        denied=404,
        kwargs=_draft,
        statuses={"council_office": 403, "superuser": 403},
    ),
    # POST only: accounts get 405 for a GET, anonymous visitors the login page.
    "requests_app:motion_action": Access(
        LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "action": "submit"}
    ),
}


# --- answer reports ---


def _published_report() -> dict:
    from tests.factories import AnswerReportFactory

    return {"slug": AnswerReportFactory(publish=True, pdf=True).slug}


def _draft_report() -> dict:
    from tests.factories import AnswerReportFactory

    return {"pk": AnswerReportFactory().pk}


def _draft_exhibit() -> dict:
    from tests.factories import ExhibitFactory

    exhibit = ExhibitFactory()
    return {"pk": exhibit.answer.report_id, "exhibit_pk": exhibit.pk}


# A draft report of some department: its office and approvers work on it; nobody else learns
# that it exists (404). The superuser may do everything.
ENTRIES.update(
    {
        "requests_app:report_list": Access(PUBLIC),
        "requests_app:report_detail": Access(PUBLIC, kwargs=_published_report),
        "requests_app:report_pdf": Access(PUBLIC, kwargs=_published_report),
        "requests_app:workspace_report": Access(only(), denied=404, kwargs=_draft_report),
        "requests_app:report_edit": Access(only(), denied=404, kwargs=_draft_report),
        "requests_app:exhibit_create": Access(only(), denied=404, kwargs=_draft_report),
        "requests_app:exhibit_edit": Access(only(), denied=404, kwargs=_draft_exhibit),
        # POST only: accounts get 405 for a GET, anonymous visitors the login page.
        "requests_app:report_start": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
        "requests_app:exhibit_delete": Access(
            LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "exhibit_pk": 1}
        ),
        "requests_app:report_action": Access(
            LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "action": "submit"}
        ),
    }
)


def _document(report) -> int:
    from django.core.files.base import ContentFile

    from portal.models import Attachment

    document = Attachment(name="Brief", mime_type="application/pdf", size=8, sha512="0" * 128)
    document.file.save("brief.pdf", ContentFile(b"%PDF-1.4 %%EOF"), save=True)
    report.documents.add(document)
    return document.pk


def _published_document() -> dict:
    from tests.factories import AnswerReportFactory

    report = AnswerReportFactory(publish=True)
    return {"slug": report.slug, "document_pk": _document(report)}


def _draft_document() -> dict:
    from tests.factories import AnswerReportFactory

    report = AnswerReportFactory()
    return {"pk": report.pk, "document_pk": _document(report)}


def _published_document_pk() -> dict:
    from portal.models import Body

    Body.objects.get_or_create(ags="14511000", defaults={"name": "Stadt Chemnitz"})
    return {"pk": _published_document()["document_pk"]}


# Documents answered with a report: public once it is published, before that only for the
# department working on it.
ENTRIES.update(
    {
        "requests_app:report_document": Access(PUBLIC, kwargs=_published_document),
        "requests_app:workspace_report_document": Access(
            only(), denied=404, kwargs=_draft_document
        ),
        # POST only: accounts get 405 for a GET, anonymous visitors the login page.
        "requests_app:report_document_add": Access(LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1}),
        "requests_app:report_document_remove": Access(
            LOGGED_IN, ok=405, kwargs=lambda: {"pk": 1, "document_pk": 1}
        ),
        "oparl:report_document_access": Access(PUBLIC, kwargs=_published_document_pk),
        "oparl:report_document_download": Access(PUBLIC, kwargs=_published_document_pk),
    }
)
