"""Contribution (Zuarbeit) and co-sign (Mitzeichnung) pages of the work area.

The author's page per report asks for contributions and co-signatures and shows what came back
beside each question; the organization asked writes and hands in its contribution on its own
page, which shows only what was sent to it (never the draft or other answers); the department
asked co-signs on the co-sign page, which shows the draft it signs.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal import markdown
from portal.concurrency import version_of
from requests_app import access, snapshots
from requests_app import contribution_access as rules
from requests_app.contribution_forms import (
    ContributionRequestForm,
    CoSignDecisionForm,
    CoSignRequestForm,
    HandInForm,
)
from requests_app.models import AnswerReport, ContributionRequest, CoSignRequest, Question
from requests_app.services import contributions as services

# --- the author's page ---------------------------------------------------------------------------


def panel_for(report: AnswerReport) -> dict:
    """What the report's work-area page shows of its contributions and co-signatures
    (templates/requests_app/contributions/_report_panel.html)."""
    # only what the panel counts and names: the full rows (report, motion) cost more to fetch
    requests = list(report.contribution_requests.only("state", "due_date"))
    cosigns = list(
        report.cosign_requests.latest_per_organization()
        .select_related("organization")
        .order_by("pk")
    )
    return {
        "report": report,
        "open": sum(contribution.is_open for contribution in requests),
        "handed_in": sum(contribution.is_handed_in for contribution in requests),
        "overdue": sum(contribution.is_overdue() for contribution in requests),
        "cosigns": cosigns,
        "blocking": rules.cosign_blocking(report, latest=cosigns),
        "url": reverse("requests_app:contributions_report", kwargs={"pk": report.pk}),
    }


def _report_page(request, report: AnswerReport, *, request_form=None, cosign_form=None, status=200):
    contributions = list(
        report.contribution_requests.for_list().prefetch_related("questions", "attachments")
    )
    by_question = defaultdict(list)
    for contribution in contributions:
        if contribution.is_handed_in:
            for question in contribution.questions.all():
                by_question[question.pk].append(contribution)
    questions = list(report.motion.questions.order_by("number"))
    may_ask = rules.may_ask(request.user, report)
    context = {
        "report": report,
        "motion": report.motion,
        "may_ask": may_ask,
        "may_adopt": may_ask,
        "report_version": version_of(report),
        "contributions": contributions,
        "questions": [(question, by_question[question.pk]) for question in questions],
        "cosigns": list(report.cosign_requests.for_list()),
        "blocking": rules.cosign_blocking(report),
        "request_form": request_form or ContributionRequestForm(report=report, prefix="zuarbeit"),
        "cosign_form": cosign_form or CoSignRequestForm(report=report, prefix="mitzeichnung"),
    }
    return render(request, "requests_app/contributions/report.html", context, status=status)


@require_safe
def contributions_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, access.get_report_for_user(request, pk))


@require_POST
def contribution_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk)
    rules.check_author(report=report, user=request.user)
    form = ContributionRequestForm(request.POST, report=report, prefix="zuarbeit")
    if form.is_valid():
        try:
            services.contribution_request(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Zuarbeit wurde angefordert."))
            return redirect("requests_app:contributions_report", pk=report.pk)
    return _report_page(request, report, request_form=form, status=400)


@require_POST
def cosign_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk)
    rules.check_author(report=report, user=request.user)
    form = CoSignRequestForm(request.POST, report=report, prefix="mitzeichnung")
    if form.is_valid():
        try:
            services.cosign_request(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Um die Mitzeichnung wurde gebeten."))
            return redirect("requests_app:contributions_report", pk=report.pk)
    return _report_page(request, report, cosign_form=form, status=400)


@require_POST
def contribution_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = rules.get_contribution_for_author(request, pk)
    try:
        services.contribution_withdraw(
            contribution=contribution, user=request.user, version=request.POST.get("version")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Anfrage um Zuarbeit wurde zurückgezogen."))
    return redirect("requests_app:contributions_report", pk=contribution.report_id)


@require_POST
def contribution_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = rules.get_contribution_for_author(request, pk)
    question = get_object_or_404(
        Question, pk=_int(request.POST.get("question")), motion=contribution.report.motion_id
    )
    try:
        services.contribution_adopt(
            contribution=contribution,
            user=request.user,
            question=question,
            mode=request.POST.get("mode", ""),
            version=request.POST.get("version"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Zuarbeit steht jetzt in der Antwort zu Frage %(number)s.")
            % {"number": question.number},
        )
    return redirect("requests_app:contributions_report", pk=contribution.report_id)


def _int(value) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 18 else 0


# --- the organization asked ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = rules.get_contribution_for_contributor(request, pk)
    form, preview = None, None
    if contribution.is_open:
        if request.method == "POST":
            form = HandInForm(request.POST, request.FILES)
            if form.is_valid() and markdown.wants_preview(request):
                preview = markdown.preview([("", form.cleaned_data["text"])])
            elif form.is_valid() and _hand_in(form, contribution, request.user):
                messages.success(request, _("Vielen Dank, Ihre Zuarbeit ist eingereicht."))
                return redirect(contribution.get_absolute_url())
        else:
            form = HandInForm(initial={"version": version_of(contribution)})
    context = {
        "contribution": contribution,
        "motion": contribution.report.motion,
        "questions": list(contribution.questions.order_by("number")),
        "attachments": list(contribution.attachments.all()),
        "form": form,
        "preview": preview,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "requests_app/contributions/detail.html", context, status=status)


def _hand_in(form: HandInForm, contribution: ContributionRequest, user) -> bool:
    data = form.cleaned_data
    try:
        services.contribution_hand_in(
            contribution=contribution,
            user=user,
            version=data["version"],
            text=data["text"],
            files=data["files"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@require_safe
def contribution_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A file of a contribution, for the organization asked and the report's department."""
    contribution = rules.get_contribution_for_reader(request, pk)
    attachment = get_object_or_404(contribution.attachments.all(), pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.mime_type,
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the department asked to co-sign -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cosign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cosign = rules.get_cosign_for_signer(request, pk)
    form = None
    if cosign.is_open:
        form = CoSignDecisionForm(request.POST or None, initial={"version": version_of(cosign)})
        if request.method == "POST" and form.is_valid() and _decide(form, cosign, request.user):
            messages.success(request, _("Ihre Entscheidung zur Mitzeichnung ist gespeichert."))
            return redirect(cosign.get_absolute_url())
    context = {
        "cosign": cosign,
        "report": cosign.report,
        "motion": cosign.report.motion,
        "body_html": snapshots.body_html(cosign.report),
        "form": form,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "requests_app/contributions/cosign.html", context, status=status)


def _decide(form: CoSignDecisionForm, cosign: CoSignRequest, user) -> bool:
    data = form.cleaned_data
    service = services.cosign_sign if data["decision"] == "sign" else services.cosign_object
    try:
        service(cosign=cosign, user=user, version=data["version"], comment=data["comment"])
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True
