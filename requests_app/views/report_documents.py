"""PDF documents of an answer report: added and removed by its author while it is a draft,
read by the department's insiders in the work area and by everybody once it is published."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from prevention.views.council import attachment_response
from requests_app import access
from requests_app.forms import ReportDocumentForm
from requests_app.models import AnswerReport
from requests_app.services import report_documents as services


@require_POST
def report_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk, action="edit")
    form = ReportDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_document_add(
                report=report,
                user=request.user,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Das Dokument wurde dem Bericht beigefügt."))
    else:
        errors = [message for field in form.errors.values() for message in field]
        messages.error(request, " ".join(errors))
    return redirect(f"{report.get_workspace_url()}#dokumente")


@require_POST
def report_document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk, action="edit")
    document = get_object_or_404(report.documents.all(), pk=document_pk)
    try:
        services.report_document_remove(
            report=report,
            user=request.user,
            document=document,
            version=request.POST.get("version", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Das Dokument wurde entfernt."))
    return redirect(f"{report.get_workspace_url()}#dokumente")


@require_safe
def workspace_report_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk)
    response = attachment_response(get_object_or_404(report.documents.all(), pk=document_pk))
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@require_safe
def report_document(request: HttpRequest, slug: str, document_pk: int) -> HttpResponse:
    """A document of a published report; nothing of a draft or a withdrawn report."""
    report = AnswerReport.objects.published().filter(slug=slug).first()
    if report is None:
        raise Http404(_("Diesen Bericht gibt es nicht oder er ist nicht veröffentlicht."))
    return attachment_response(get_object_or_404(report.documents.all(), pk=document_pk))
