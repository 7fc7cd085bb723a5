"""Motions as OParl Papers, and where the council treated them as Consultations.

A motion appears once it has been submitted (DESIGN §4: public unless the office marks it
confidential). One that is public no more (marked confidential, returned, deleted) is reported
as deleted to clients that ask with modified_since, so their copies disappear too.
"""

from django.db.models import Prefetch, Q
from django.urls import reverse

from ratsportal.oparl.serializers import Context, clean, common, iso_date
from ratsportal.oparl.views import Kind, register_kind
from requests_app.models import AnswerReport, Motion

PAPER_TYPES = {
    Motion.Kind.BA: "Beschlussantrag",
    Motion.Kind.RA: "Ratsanfrage",
    Motion.Kind.IA: "Informationsanfrage",
}


def _live() -> Q:
    return Q(
        deleted=False,
        status__in=Motion.PUBLIC_STATUSES,
        submitted_at__isnull=False,
        confidential=False,
    )


def _papers():
    return (
        Motion.all_objects.filter(submitted_at__isnull=False)
        .select_related("agenda_item")
        .prefetch_related(
            "submitters",
            Prefetch(
                "reports",
                queryset=AnswerReport.objects.published().order_by("pk").only("pk", "motion_id"),
                to_attr="published_reports",
            ),
        )
    )


def _consultations():
    return Motion.all_objects.filter(submitted_at__isnull=False, agenda_item__isnull=False)


def serialize_paper(motion: Motion, ctx: Context) -> dict:
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
            "consultation": [serialize_consultation(motion, ctx)]
            if motion.agenda_item_id and not ctx.omit_internal
            else [],
            "web": ctx.url(
                reverse("requests_app:motion_detail", kwargs={"slug": motion.public_slug})
            ),
        }
    )


def serialize_consultation(motion: Motion, ctx: Context) -> dict:
    return clean(
        {
            **common(motion, "consultation", "Consultation", ctx),
            "paper": ctx.object_url("paper", motion.pk),
            "agendaItem": ctx.object_url("agendaItem", motion.agenda_item_id),
            "meeting": ctx.object_url("meeting", motion.meeting_id),
            "organization": [ctx.object_url("organization", motion.faction_id)],
            "authoritative": bool(motion.decision),
            "role": "Beschlussfassung" if motion.kind == Motion.Kind.BA else "Kenntnisnahme",
        }
    )


def _report_live() -> Q:
    return Q(deleted=False, status=AnswerReport.Status.PUBLISHED, motion__deleted=False)


def _reports():
    # Every report that was ever published; one unpublished again counts as deleted.
    return AnswerReport.all_objects.filter(published_at__isnull=False).select_related("motion")


def _report_files():
    return _reports().filter(pdf_status=AnswerReport.PdfStatus.DONE).exclude(pdf_file="")


def serialize_report(report: AnswerReport, ctx: Context) -> dict:
    motion = report.motion
    reference = f"{motion.reference} Antwort" if motion.reference else ""
    if reference and report.edition > 1:
        reference += f" (Fassung {report.edition})"
    has_pdf = report.pdf_status == AnswerReport.PdfStatus.DONE and report.pdf_file
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
            "mainFile": serialize_report_file(report, ctx)
            if has_pdf and not ctx.omit_internal
            else None,
            "web": ctx.url(report.get_absolute_url()),
        }
    )


def serialize_report_file(report: AnswerReport, ctx: Context) -> dict:
    url = ctx.url(report.get_pdf_url())
    return clean(
        {
            **common(report, "reportFile", "File", ctx),
            "name": f"{report.title} (PDF)",
            "fileName": report.pdf_file.name.rsplit("/", 1)[-1],
            "mimeType": "application/pdf",
            "date": iso_date(report.published_at.date() if report.published_at else None),
            "size": report.pdf_size,
            "sha512Checksum": report.pdf_sha512,
            "accessUrl": url,
            "downloadUrl": url,
            "paper": [ctx.object_url("report", report.pk)],
            "license": "https://www.govdata.de/dl-de/by-2-0",
        }
    )


register_kind(Kind("paper", "Paper", "paper", _papers, _live(), serialize_paper))
register_kind(Kind("report", "Paper", "paper", _reports, _report_live(), serialize_report))
register_kind(
    Kind("reportFile", "File", "file", _report_files, _report_live(), serialize_report_file)
)
register_kind(
    Kind(
        "consultation",
        "Consultation",
        "consultation",
        _consultations,
        _live() & Q(agenda_item__deleted=False),
        serialize_consultation,
    )
)
