"""Motions as OParl Papers, their answer reports, and where the council treats them
(Consultations).

A motion appears once it has been submitted (DESIGN §4: public unless the office marks it
confidential). One that is public no more (marked confidential, returned, deleted) is reported
as deleted to clients that ask with modified_since, so their copies disappear too.
"""

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from portal.models import Attachment, Person
from ratsportal.oparl import views
from ratsportal.oparl.kinds import Kind, latest, newest, register_kind
from ratsportal.oparl.serializers import Context, clean, common, embed, iso_date
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


def motion_live(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}deleted": False,
            f"{prefix}status__in": Motion.PUBLIC_STATUSES,
            f"{prefix}submitted_at__isnull": False,
            f"{prefix}confidential": False,
        }
    )


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
    return (
        Motion.all_objects.filter(submitted_at__isnull=False)
        .select_related("faction")
        .prefetch_related(
            # Into a list: the related manager would build a filtered queryset per paper
            # (a fifth of a list page's time in the profile, issue 20).
            Prefetch(
                "submitters",
                queryset=Person.objects.filter(public=True).only("pk"),
                to_attr="public_submitters",
            ),
            Prefetch(
                "reports",
                queryset=AnswerReport.objects.published().order_by("pk").only("pk", "motion_id"),
                to_attr="published_reports",
            ),
            Prefetch(
                "consultations",
                queryset=Consultation.all_objects.filter(consultation_live())
                .select_related("agenda_item__meeting")
                .order_by("pk"),
                to_attr="live_consultations",
            ),
        )
    )


def _paper_modified():
    consultations = Consultation.all_objects.filter(motion=OuterRef("pk"))
    return latest(
        newest(AnswerReport.all_objects.filter(motion=OuterRef("pk"), published_at__isnull=False)),
        newest(consultations),
        newest(consultations, "agenda_item__modified"),
        newest(consultations, "agenda_item__meeting__modified"),
        newest(Motion.submitters.through.objects.filter(motion=OuterRef("pk")), "person__modified"),
    )


def serialize_paper(motion: Motion, ctx: Context) -> dict:
    public_submitters = getattr(motion, "public_submitters", None)
    if public_submitters is None:  # a motion not loaded through _papers()
        public_submitters = [p for p in motion.submitters.all() if p.public and not p.deleted]
    return clean(
        {
            **common(motion, "paper", "Paper", ctx),
            "body": ctx.extra.get("body_url"),
            "name": motion.title,
            "reference": motion.reference,
            "date": iso_date(motion.submitted_at.date() if motion.submitted_at else None),
            "paperType": PAPER_TYPES.get(motion.kind),
            "originatorOrganization": [ctx.object_url("organization", motion.faction_id)],
            "originatorPerson": [ctx.object_url("person", p.pk) for p in public_submitters],
            "underDirectionOf": [ctx.object_url("organization", motion.lead_department_id)]
            if motion.lead_department_id
            else [],
            "relatedPaper": [ctx.object_url("report", r.pk) for r in motion.published_reports],
            # Small and the paper's route through the council: omit_internal keeps it (§2.5).
            "consultation": [
                serialize_consultation(
                    embed(c, motion, c.agenda_item, c.agenda_item.meeting), ctx, embedded=True
                )
                for c in motion.live_consultations
            ],
            # The motion as a document (Drucksache); one object: omit_internal keeps it (§2.5).
            "mainFile": serialize_paper_file(motion, ctx, embedded=True)
            if motion.document_sha256
            else None,
            "web": ctx.url(
                reverse("requests_app:motion_detail", kwargs={"slug": motion.public_slug})
            ),
        }
    )


def serialize_paper_file(motion: Motion, ctx: Context, embedded: bool = False) -> dict:
    """The motion's PDF as an OParl File; its id is the motion's pk under `paperFile`."""
    return clean(
        {
            **common(motion, "paperFile", "File", ctx),
            "name": f"Drucksache {motion.reference}" if motion.reference else "Drucksache",
            "fileName": document_file_name(motion),
            "mimeType": "application/pdf",
            "date": iso_date(timezone.localdate(motion.document_created))
            if motion.document_created
            else None,
            "size": motion.document_size,
            "sha512Checksum": motion.document_sha512,
            "text": motion.document_text,
            "accessUrl": ctx.url(
                reverse("requests_app:motion_document", kwargs={"slug": motion.public_slug})
            ),
            "downloadUrl": ctx.absolute(
                reverse("oparl:paper_file_download", kwargs={"pk": motion.pk})
            ),
            "paper": [] if embedded else [ctx.object_url("paper", motion.pk)],
            "license": "https://www.govdata.de/dl-de/by-2-0",
        }
    )


def _paper_files():
    # A motion has a PDF only once it was public: returned since (no submission date any more)
    # or deleted, its file stays in the list as a deleted stub (§2.8).
    return Motion.all_objects.exclude(document_sha256="")


def _paper_file_stub(motion: Motion, ctx: Context) -> dict:
    # The access URL of a stub must not name the motion (its slug): the download URL.
    return {
        "accessUrl": ctx.absolute(reverse("oparl:paper_file_download", kwargs={"pk": motion.pk}))
    }


@views.oparl_view
def paper_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    return views.serve_file("paperFile", pk, as_attachment=True)


def serialize_consultation(
    consultation: Consultation, ctx: Context, embedded: bool = False
) -> dict:
    item = consultation.agenda_item
    return clean(
        {
            **common(consultation, "consultation", "Consultation", ctx),
            "paper": None if embedded else ctx.object_url("paper", consultation.motion_id),
            "agendaItem": ctx.object_url("agendaItem", item.pk),
            "meeting": ctx.object_url("meeting", item.meeting_id),
            # The body that treats the paper, not the faction that submitted it.
            "organization": [ctx.object_url("organization", item.meeting.organization_id)],
            "authoritative": consultation.role == Consultation.Role.DECISION,
            "role": CONSULTATION_ROLES.get(consultation.role),
        }
    )


def _report_live() -> Q:
    return Q(deleted=False, status=AnswerReport.Status.PUBLISHED, motion__deleted=False)


def _reports():
    # Every report that was ever published; one unpublished again counts as deleted.
    return (
        AnswerReport.all_objects.filter(published_at__isnull=False)
        .select_related("motion")
        .prefetch_related(Prefetch("documents", queryset=Attachment.all_objects.order_by("pk")))
    )


def _report_files():
    return _reports().filter(pdf_status=AnswerReport.PdfStatus.DONE).exclude(pdf_file="")


def _has_pdf(report: AnswerReport) -> bool:
    return report.pdf_status == AnswerReport.PdfStatus.DONE and bool(report.pdf_file)


def serialize_report(report: AnswerReport, ctx: Context) -> dict:
    motion = report.motion
    reference = f"{motion.reference} Antwort" if motion.reference else ""
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
            "relatedPaper": [ctx.object_url("paper", motion.pk)],
            "underDirectionOf": [ctx.object_url("organization", motion.lead_department_id)]
            if motion.lead_department_id
            else [],
            # One object: omit_internal keeps it (§2.5).
            "mainFile": serialize_report_file(report, ctx, embedded=True)
            if _has_pdf(report)
            else None,
            # The documents answered with it (e.g. a letter of the Polizeidirektion).
            "auxiliaryFile": [
                serialize_report_document(embed(document, report), ctx, embedded=True)
                for document in report.documents.all()
            ],
            "web": ctx.url(report.get_absolute_url()),
        }
    )


def report_file_name(report: AnswerReport) -> str:
    """The name the report's PDF is served under (requests_app's report_pdf view)."""
    return f"{report.slug}.pdf"


def serialize_report_file(report: AnswerReport, ctx: Context, embedded: bool = False) -> dict:
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
            "accessUrl": ctx.url(report.get_pdf_url()),
            "downloadUrl": ctx.absolute(
                reverse("oparl:report_file_download", kwargs={"pk": report.pk})
            ),
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
    return Attachment.all_objects.filter(
        Exists(published.filter(documents=OuterRef("pk")))
    ).prefetch_related(
        Prefetch("answer_reports", queryset=published.order_by("pk"), to_attr="all_reports")
    )


def _report_document_live() -> Q:
    live = AnswerReport.all_objects.filter(_report_live(), documents=OuterRef("pk"))
    return Q(deleted=False) & Q(Exists(live))


def _report_document_modified():
    return latest(newest(AnswerReport.all_objects.filter(documents=OuterRef("pk"))))


def report_document_file_name(document: Attachment) -> str:
    return f"{document.name}.{document.file.name.rsplit('.', 1)[-1]}"


def serialize_report_document(document: Attachment, ctx: Context, embedded: bool = False) -> dict:
    reports = getattr(document, "all_reports", [])
    live = [r for r in reports if r.status == AnswerReport.Status.PUBLISHED and not r.deleted]
    return clean(
        {
            **common(document, "reportDocument", "File", ctx),
            "name": document.name,
            "fileName": report_document_file_name(document),
            "mimeType": document.mime_type,
            "date": iso_date(timezone.localdate(document.created)),
            "size": document.size,
            "sha512Checksum": document.sha512,
            "text": document.text,
            "accessUrl": ctx.absolute(
                reverse("oparl:report_document_access", kwargs={"pk": document.pk})
            ),
            "downloadUrl": ctx.absolute(
                reverse("oparl:report_document_download", kwargs={"pk": document.pk})
            ),
            "paper": [] if embedded else [ctx.object_url("report", r.pk) for r in live],
            "license": "https://www.govdata.de/dl-de/by-2-0",
        }
    )


def _report_document_stub(document: Attachment, ctx: Context) -> dict:
    return {
        "accessUrl": ctx.absolute(
            reverse("oparl:report_document_download", kwargs={"pk": document.pk})
        )
    }


@views.oparl_view
def report_document_access(request: HttpRequest, pk: int) -> HttpResponse:
    return views.serve_file("reportDocument", pk, as_attachment=False)


@views.oparl_view
def report_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    return views.serve_file("reportDocument", pk, as_attachment=True)


def _report_file_stub(report: AnswerReport, ctx: Context) -> dict:
    # The access URL of a stub must not name the report's slug (its title): the download URL.
    return {
        "accessUrl": ctx.absolute(reverse("oparl:report_file_download", kwargs={"pk": report.pk}))
    }


register_kind(
    Kind(
        "paper",
        "Paper",
        "paper",
        _papers,
        motion_live,
        serialize_paper,
        _paper_modified,
    )
)
register_kind(
    Kind("report", "Paper", "paper", _reports, _report_live, serialize_report, _report_modified)
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
    )
)
register_kind(
    Kind(
        "consultation",
        "Consultation",
        "consultation",
        lambda: Consultation.all_objects.select_related("agenda_item__meeting", "motion"),
        consultation_live,
        serialize_consultation,
        lambda: latest(
            F("motion__modified"), F("agenda_item__modified"), F("agenda_item__meeting__modified")
        ),
    )
)
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
