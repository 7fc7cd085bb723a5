"""Motions as OParl Papers, their answer reports, and where the council treats them
(Consultations).

A motion appears once it has been submitted (DESIGN §4: public unless the office marks it
confidential). One that is public no more (marked confidential, returned, deleted) is reported
as deleted to clients that ask with modified_since, so their copies disappear too.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from portal.models import Attachment
from ratsportal.oparl import views
from ratsportal.oparl.kinds import (
    Kind,
    grouped,
    latest,
    motion_live,
    newest,
    one_of,
    register_kind,
    rows,
)
from ratsportal.oparl.serializers import Context, Row, clean, common, embed, iso_date
from requests_app.models import AnswerReport, Motion
from requests_app.models.sessions import Consultation
from requests_app.motion_pdf import document_file_name

PAPER_TYPES = {
    Motion.Kind.BA: "Beschlussantrag",
    Motion.Kind.RA: "Ratsanfrage",
    Motion.Kind.IA: "Informationsanfrage",
}
CONSULTATION_ROLES = {
    Consultation.Role.PRELIMINARY: "Vorberatung",
    Consultation.Role.DECISION: "Entscheidung",
    Consultation.Role.NOTICE: "Kenntnisnahme",
}


def consultation_live(prefix: str = "") -> Q:
    """A treatment is public when the motion is and the item and its meeting are public."""
    return motion_live(f"{prefix}motion__") & Q(
        **{
            f"{prefix}deleted": False,
            f"{prefix}agenda_item__deleted": False,
            f"{prefix}agenda_item__public": True,
            f"{prefix}agenda_item__meeting__deleted": False,
            f"{prefix}agenda_item__meeting__public": True,
        }
    )


def _papers():
    return Motion.all_objects.filter(submitted_at__isnull=False)


MOTION_COLUMNS = (
    *("pk", "created", "modified", "oparl_modified", "title", "reference", "kind", "number"),
    *("year", "submitted_at", "faction_id", "lead_department_id", "document_sha256"),
    *("document_created", "document_size", "document_sha512", "document_text"),
)


def _motion_rows(queryset: QuerySet) -> list[Row]:
    motions = rows(queryset, *MOTION_COLUMNS)
    for motion in motions:
        motion.public_slug = Motion.public_slug.fget(motion)  # the model's rule, on a Row
    return motions


def _load_papers(queryset: QuerySet) -> list[Row]:
    """Papers with the pks of their public submitters and published reports and their live
    consultations: one query each for the whole page."""
    papers = _motion_rows(queryset)
    pks = [paper.pk for paper in papers]
    if not pks:
        return papers
    submitters = grouped(
        Motion.submitters.through.objects.filter(
            one_of("motion_id", pks), person__public=True, person__deleted=False
        )
        .order_by("person__family_name", "person__given_name", "person_id")
        .values_list("motion_id", "person_id")
    )
    reports = grouped(
        AnswerReport.objects.published()
        .filter(one_of("motion_id", pks))
        .order_by("pk")
        .values_list("motion_id", "pk")
    )
    consultations = grouped(
        (consultation.motion_id, consultation)
        for consultation in _consultation_rows(
            CONSULTATION.rows().filter(consultation_live(), one_of("motion_id", pks)).order_by("pk")
        )
    )
    for paper in papers:
        paper.submitter_pks = submitters[paper.pk]
        paper.report_pks = reports[paper.pk]
        # Their shown `modified` is the latest of theirs, the motion's, the item's and the
        # meeting's: what the paper embeds them with (§2.8).
        paper.consultations = consultations[paper.pk]
    return papers


def _paper_modified():
    consultations = Consultation.all_objects.filter(motion=OuterRef("pk"))
    return latest(
        newest(AnswerReport.all_objects.filter(motion=OuterRef("pk"), published_at__isnull=False)),
        newest(consultations),
        newest(consultations, "agenda_item__modified"),
        newest(consultations, "agenda_item__meeting__modified"),
        newest(Motion.submitters.through.objects.filter(motion=OuterRef("pk")), "person__modified"),
    )


def serialize_paper(motion: Row, ctx: Context) -> dict:
    return clean(
        {
            **common(motion, "paper", "Paper", ctx),
            "body": ctx.extra.get("body_url"),
            "name": motion.title,
            "reference": motion.reference,
            "date": iso_date(motion.submitted_at.date() if motion.submitted_at else None),
            "paperType": PAPER_TYPES.get(motion.kind),
            "originatorOrganization": [ctx.object_url("organization", motion.faction_id)],
            "originatorPerson": [ctx.object_url("person", pk) for pk in motion.submitter_pks],
            "underDirectionOf": [ctx.object_url("organization", motion.lead_department_id)]
            if motion.lead_department_id
            else [],
            "relatedPaper": [ctx.object_url("report", pk) for pk in motion.report_pks],
            # Small and the paper's route through the council: omit_internal keeps it (§2.5).
            "consultation": [
                serialize_consultation(c, ctx, embedded=True) for c in motion.consultations
            ],
            # The motion as a document (Drucksache); one object: omit_internal keeps it (§2.5).
            "mainFile": serialize_paper_file(motion, ctx, embedded=True)
            if motion.document_sha256
            else None,
            "web": ctx.path_url("requests_app:motion_detail", "slug", motion.public_slug),
        }
    )


def serialize_paper_file(motion: Row, ctx: Context, embedded: bool = False) -> dict:
    """The motion's PDF as an OParl File; its id is the motion's pk under `paperFile`."""
    return clean(
        {
            **common(motion, "paperFile", "File", ctx),
            "name": f"Drucksache {motion.reference}" if motion.reference else "Drucksache",
            "fileName": document_file_name(motion),
            "mimeType": "application/pdf",
            "date": ctx.local_date(motion.document_created) if motion.document_created else None,
            "size": motion.document_size,
            "sha512Checksum": motion.document_sha512,
            "text": motion.document_text,
            "accessUrl": ctx.path_url("requests_app:motion_document", "slug", motion.public_slug),
            "downloadUrl": ctx.path_url("oparl:paper_file_download", "pk", motion.pk),
            "paper": [] if embedded else [ctx.object_url("paper", motion.pk)],
            "license": "https://www.govdata.de/dl-de/by-2-0",
        }
    )


def _paper_files():
    # A motion has a PDF only once it was public: returned since (no submission date any more)
    # or deleted, its file stays in the list as a deleted stub (§2.8).
    return Motion.all_objects.exclude(document_sha256="")


def _paper_file_stub(motion: Row, ctx: Context) -> dict:
    # The access URL of a stub must not name the motion (its slug): the download URL.
    return {"accessUrl": ctx.path_url("oparl:paper_file_download", "pk", motion.pk)}


@views.oparl_view
def paper_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    return views.serve_file("paperFile", pk, as_attachment=True)


def _consultations():
    return Consultation.all_objects.all()


def _consultation_rows(queryset: QuerySet) -> list[Row]:
    return rows(
        queryset,
        *("pk", "created", "modified", "oparl_modified", "role", "motion_id", "agenda_item_id"),
        meeting_id="agenda_item__meeting_id",
        organization_id="agenda_item__meeting__organization_id",
    )


def serialize_consultation(consultation: Row, ctx: Context, embedded: bool = False) -> dict:
    return clean(
        {
            **common(consultation, "consultation", "Consultation", ctx),
            "paper": None if embedded else ctx.object_url("paper", consultation.motion_id),
            "agendaItem": ctx.object_url("agendaItem", consultation.agenda_item_id),
            "meeting": ctx.object_url("meeting", consultation.meeting_id),
            # The body that treats the paper, not the faction that submitted it.
            "organization": [ctx.object_url("organization", consultation.organization_id)],
            "authoritative": consultation.role == Consultation.Role.DECISION,
            "role": CONSULTATION_ROLES.get(consultation.role),
        }
    )


def _report_live() -> Q:
    return Q(deleted=False, status=AnswerReport.Status.PUBLISHED, motion__deleted=False)


def _reports():
    # Every report that was ever published; one unpublished again counts as deleted.
    return AnswerReport.all_objects.filter(published_at__isnull=False)


def _report_files():
    return _reports().filter(pdf_status=AnswerReport.PdfStatus.DONE).exclude(pdf_file="")


REPORT_COLUMNS = (
    *("pk", "created", "modified", "oparl_modified", "title", "slug", "edition", "published_at"),
    *("pdf_status", "pdf_file", "pdf_size", "pdf_sha512", "pdf_text", "motion_id"),
)
DOCUMENT_COLUMNS = (
    *("pk", "created", "modified", "name", "file", "mime_type", "size", "sha512", "text"),
)


def _report_rows(queryset: QuerySet) -> list[Row]:
    return rows(
        queryset,
        *REPORT_COLUMNS,
        motion_reference="motion__reference",
        motion_lead_department_id="motion__lead_department_id",
    )


def _load_reports(queryset: QuerySet) -> list[Row]:
    """Reports with the documents answered with them (deleted ones too), in one query."""
    reports = _report_rows(queryset)
    if not reports:
        return reports
    links = AnswerReport.documents.through.objects.filter(
        one_of("answerreport_id", (report.pk for report in reports))
    ).order_by("attachment_id")
    columns = {name: f"attachment__{name}" for name in DOCUMENT_COLUMNS}
    documents = rows(links, report_pk="answerreport_id", **columns)
    by_report = grouped((document.report_pk, document) for document in documents)
    for report in reports:
        report.documents = by_report[report.pk]
    return reports


def _has_pdf(report: Row) -> bool:
    return report.pdf_status == AnswerReport.PdfStatus.DONE and bool(report.pdf_file)


def serialize_report(report: Row, ctx: Context) -> dict:
    reference = f"{report.motion_reference} Antwort" if report.motion_reference else ""
    if reference and report.edition > 1:
        reference += f" (Fassung {report.edition})"
    return clean(
        {
            **common(report, "report", "Paper", ctx),
            "body": ctx.extra.get("body_url"),
            "name": report.title,
            "reference": reference,
            "date": iso_date(report.published_at.date() if report.published_at else None),
            "paperType": "Antwort",
            "relatedPaper": [ctx.object_url("paper", report.motion_id)],
            "underDirectionOf": [ctx.object_url("organization", report.motion_lead_department_id)]
            if report.motion_lead_department_id
            else [],
            # One object: omit_internal keeps it (§2.5).
            "mainFile": serialize_report_file(report, ctx, embedded=True)
            if _has_pdf(report)
            else None,
            # The documents answered with it (e.g. a letter of the Polizeidirektion).
            "auxiliaryFile": [
                serialize_report_document(embed(document, report), ctx, embedded=True)
                for document in report.documents
            ],
            "web": ctx.path_url("requests_app:report_detail", "slug", report.slug),
        }
    )


def report_file_name(report: AnswerReport | Row) -> str:
    """The name the report's PDF is served under (requests_app's report_pdf view)."""
    return f"{report.slug}.pdf"


def serialize_report_file(report: Row, ctx: Context, embedded: bool = False) -> dict:
    return clean(
        {
            **common(report, "reportFile", "File", ctx),
            "name": f"{report.title} (PDF)",
            "fileName": report_file_name(report),
            "mimeType": "application/pdf",
            "date": iso_date(report.published_at.date() if report.published_at else None),
            "size": report.pdf_size,
            "sha512Checksum": report.pdf_sha512,
            "text": report.pdf_text,
            "accessUrl": ctx.path_url("requests_app:report_pdf", "slug", report.slug),
            "downloadUrl": ctx.path_url("oparl:report_file_download", "pk", report.pk),
            "paper": [] if embedded else [ctx.object_url("report", report.pk)],
            "license": "https://www.govdata.de/dl-de/by-2-0",
        }
    )


def _report_modified():
    # The report embeds its documents (auxiliaryFile, §2.8).
    return latest(
        F("motion__modified"),
        newest(Attachment.all_objects.filter(answer_reports=OuterRef("pk"))),
    )


# --- documents answered with a report (OParl File, auxiliaryFile of the report's Paper) -------


def _report_documents():
    published = AnswerReport.all_objects.filter(published_at__isnull=False)
    return Attachment.all_objects.filter(Exists(published.filter(documents=OuterRef("pk"))))


def _load_report_documents(queryset: QuerySet) -> list[Row]:
    """Documents with the reports (ever published) they were answered with, in one query."""
    documents = rows(queryset, *DOCUMENT_COLUMNS, "oparl_modified")
    if not documents:
        return documents
    links = AnswerReport.documents.through.objects.filter(
        one_of("attachment_id", (document.pk for document in documents)),
        answerreport__published_at__isnull=False,
    ).order_by("answerreport_id")
    reports = grouped(
        (report.document_pk, report)
        for report in rows(
            links,
            document_pk="attachment_id",
            pk="answerreport_id",
            status="answerreport__status",
            deleted="answerreport__deleted",
        )
    )
    for document in documents:
        document.all_reports = reports[document.pk]
    return documents


def _report_document_live() -> Q:
    live = AnswerReport.all_objects.filter(_report_live(), documents=OuterRef("pk"))
    return Q(deleted=False) & Q(Exists(live))


def _report_document_modified():
    return latest(newest(AnswerReport.all_objects.filter(documents=OuterRef("pk"))))


def report_document_file_name(document: Attachment | Row) -> str:
    # str(): the name of a model's FieldFile, or the column itself in a Row.
    return f"{document.name}.{str(document.file).rsplit('.', 1)[-1]}"


def serialize_report_document(document: Row, ctx: Context, embedded: bool = False) -> dict:
    reports = getattr(document, "all_reports", [])
    live = [r for r in reports if r.status == AnswerReport.Status.PUBLISHED and not r.deleted]
    return clean(
        {
            **common(document, "reportDocument", "File", ctx),
            "name": document.name,
            "fileName": report_document_file_name(document),
            "mimeType": document.mime_type,
            "date": ctx.local_date(document.created),
            "size": document.size,
            "sha512Checksum": document.sha512,
            "text": document.text,
            "accessUrl": ctx.path_url("oparl:report_document_access", "pk", document.pk),
            "downloadUrl": ctx.path_url("oparl:report_document_download", "pk", document.pk),
            "paper": [] if embedded else [ctx.object_url("report", r.pk) for r in live],
            "license": "https://www.govdata.de/dl-de/by-2-0",
        }
    )


def _report_document_stub(document: Row, ctx: Context) -> dict:
    return {"accessUrl": ctx.path_url("oparl:report_document_download", "pk", document.pk)}


@views.oparl_view
def report_document_access(request: HttpRequest, pk: int) -> HttpResponse:
    return views.serve_file("reportDocument", pk, as_attachment=False)


@views.oparl_view
def report_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    return views.serve_file("reportDocument", pk, as_attachment=True)


def _report_file_stub(report: Row, ctx: Context) -> dict:
    # The access URL of a stub must not name the report's slug (its title): the download URL.
    return {"accessUrl": ctx.path_url("oparl:report_file_download", "pk", report.pk)}


register_kind(
    Kind(
        "paper",
        "Paper",
        "paper",
        _papers,
        motion_live,
        serialize_paper,
        _paper_modified,
        load=_load_papers,
    )
)
register_kind(
    Kind(
        "report",
        "Paper",
        "paper",
        _reports,
        _report_live,
        serialize_report,
        _report_modified,
        load=_load_reports,
    )
)
register_kind(
    Kind(
        "reportFile",
        "File",
        "file",
        _report_files,
        _report_live,
        serialize_report_file,
        _report_modified,
        stub=_report_file_stub,
        load=_report_rows,
    )
)
register_kind(
    Kind(
        "reportDocument",
        "File",
        "file",
        _report_documents,
        _report_document_live,
        serialize_report_document,
        _report_document_modified,
        stub=_report_document_stub,
        load=_load_report_documents,
    )
)
register_kind(
    Kind(
        "paperFile",
        "File",
        "file",
        _paper_files,
        motion_live,
        serialize_paper_file,
        # The same `modified` as the paper that embeds it as mainFile (§2.8).
        _paper_modified,
        stub=_paper_file_stub,
        load=_motion_rows,
    )
)
CONSULTATION = Kind(
    "consultation",
    "Consultation",
    "consultation",
    _consultations,
    consultation_live,
    serialize_consultation,
    lambda: latest(
        F("motion__modified"), F("agenda_item__modified"), F("agenda_item__meeting__modified")
    ),
    load=_consultation_rows,
)
register_kind(CONSULTATION)
views.FILE_SOURCES["reportFile"] = lambda r: (r.pdf_file, report_file_name(r), "application/pdf")
views.FILE_SOURCES["reportDocument"] = lambda d: (
    d.file,
    report_document_file_name(d),
    d.mime_type,
)
views.FILE_SOURCES["paperFile"] = lambda m: (
    m.document_file,
    document_file_name(m),
    "application/pdf",
)
