"""Answer report pages: public list, page and PDF; the work area's report, form and exhibits."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal import markdown, pagecache
from portal.concurrency import (
    STALE_OVERWRITE_MESSAGE,
    StaleEdit,
    is_stale,
    stale_edit,
    version_for_save,
    version_of,
)
from portal.pdf import stored_pdf_response
from requests_app import access, citations, snapshots
from requests_app.forms import ExhibitForm, ReportForm, ReviewCommentForm
from requests_app.models import AnswerReport, Exhibit
from requests_app.services import reports as services
from requests_app.views.contributions import panel_for

PER_PAGE = 20

# action -> (needs the comment form, service, success message)
ACTIONS = {
    "submit": (False, services.report_submit, gettext_lazy("Der Bericht liegt zur Prüfung vor.")),
    "recall": (
        False,
        services.report_recall,
        gettext_lazy("Der Bericht ist aus der Prüfung zurückgenommen und wieder ein Entwurf."),
    ),
    "return": (True, services.report_return, gettext_lazy("Der Bericht wurde zurückgegeben.")),
    "approve": (False, services.report_approve, gettext_lazy("Der Bericht ist freigegeben.")),
    "publish": (False, services.report_publish, gettext_lazy("Der Bericht ist veröffentlicht.")),
    "retry_pdf": (False, services.report_pdf_retry, gettext_lazy("Das PDF wird neu erstellt.")),
    "correct": (
        False,
        services.report_start_correction,
        gettext_lazy("Eine neue Fassung zur Korrektur wurde angelegt."),
    ),
}


def _published(slug: str) -> AnswerReport:
    queryset = AnswerReport.objects.published().select_related(
        "motion", "motion__faction", "motion__lead_department", "supersedes", "superseded_by"
    )
    try:
        return queryset.get(slug=slug)
    except AnswerReport.DoesNotExist:
        raise Http404(_("Diesen Bericht gibt es nicht oder er ist nicht veröffentlicht.")) from None


# --- public ------------------------------------------------------------------------------------


@login_not_required
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("seite", "")

    def listing() -> tuple[str, int, int]:
        """The table (HTML), the number of reports, the page number."""
        reports = AnswerReport.objects.published().for_list().select_related("superseded_by")
        paginator = pagecache.Paginator(reports.order_by("-published_at", "-pk"), PER_PAGE)
        page = paginator.get_page(asked)
        html = render_to_string("requests_app/report_list.html#listing", {"page": page})
        return html, paginator.count, page.number

    # Once per version of the data, apart per language and visitor (issue 20).
    audience = f"user{request.user.pk}" if request.user.is_authenticated else "public"
    digest = hashlib.sha256(asked.encode()).hexdigest()[:32]
    key = f"report_list:{request.LANGUAGE_CODE}:{audience}:{digest}"
    html, total, number = pagecache.remember(key, listing)
    context = {
        "listing": html,
        "page": Paginator(range(total), PER_PAGE).page(number),  # the pager's numbers only
    }
    return render(request, "requests_app/report_list.html", context)


@login_not_required
@require_safe
def report_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Only what the page shows outside its remembered content (the title); the content looks
    # the report up again in full.
    reports = AnswerReport.objects.published().only("slug", "title", "motion_id")
    report = reports.filter(slug=slug).first()
    # The page shows only its motion's rows: it stays cached while other motions change.
    if report is not None and pagecache.scope("motion", report.motion_id):
        report = reports.filter(slug=slug).first()
    if report is None:
        raise Http404(_("Diesen Bericht gibt es nicht oder er ist nicht veröffentlicht."))
    # The same for every visitor: rendered once per version of the data it shows and language
    # (a published body in English is drawn anew from its frozen content).
    key = f"report_detail:{report.pk}:{request.LANGUAGE_CODE}"
    content = pagecache.remember(
        key, lambda: _report_page_content(slug, request.LANGUAGE_CODE), scoped=True
    )
    context = {"report": report, "content": content}
    return render(request, "requests_app/report_detail.html", context)


def _report_page_content(slug: str, language: str) -> str:
    """The report page's content (report_detail.html's partial). The report is looked up again
    here, so the remembered HTML depends on every table it shows."""
    report = _published(slug)
    correction = getattr(report, "superseded_by", None)
    if correction is not None and not correction.is_published:
        correction = None
    context = {
        "report": report,
        "motion": report.motion,
        "correction": correction,
        "body_html": snapshots.published_body(report, language),
    }
    return render_to_string("requests_app/report_detail.html#content", context)


@login_not_required
@require_safe
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored PDF with its sha256 as ETag; rendering happens in a task, never here.

    One query for three short columns: a download never loads the report's frozen body."""
    columns = ("motion_id", "pdf_status", "pdf_file", "pdf_sha256", "pdf_size")
    found = AnswerReport.objects.published().filter(slug=slug).values_list(*columns).first()
    # Only this report's motion's rows count for the cache: looked up again once scoped.
    if found is not None and pagecache.scope("motion", found[0]):
        found = AnswerReport.objects.published().filter(slug=slug).values_list(*columns).first()
    if found is None:
        raise Http404(_("Diesen Bericht gibt es nicht oder er ist nicht veröffentlicht."))
    _motion, pdf_status, pdf_name, pdf_sha256, pdf_size = found
    if pdf_status != AnswerReport.PdfStatus.DONE or not pdf_name:
        raise Http404(_("Das PDF wird gerade erstellt. Bitte versuchen Sie es später noch einmal."))
    return stored_pdf_response(
        request, path=pdf_name, sha256=pdf_sha256, size=pdf_size, filename=f"{slug}.pdf"
    )


# --- work area ---------------------------------------------------------------------------------


@require_POST
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    motion = access.get_motion_for_user(request, pk)
    try:
        report = services.report_create(motion=motion, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(motion.get_workspace_url())
    messages.success(request, _("Der Antwortbericht wurde angelegt."))
    return redirect("requests_app:report_edit", pk=report.pk)


@require_safe
def workspace_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _workspace_page(request, access.get_report_for_user(request, pk))


def _workspace_page(request, report: AnswerReport, comment_form=None, status=200):
    answers = list(
        report.answers.select_related("question")
        .prefetch_related("exhibits")
        .order_by("question__number")
    )
    actions = access.report_actions(report=report, user=request.user)
    if report.has_pdf:  # nothing to retry: no button, and no "Aktionen" heading over nothing
        actions.discard("retry_pdf")
    # The preview, drawn from live data (issue 20): kept per report version (every saved change
    # bumps it, also the drafts' changes that bump no table), per version of the tables it reads
    # (an import changes the exhibits' figures; the report is read again for that) and per
    # language (labels and kinds).
    preview = f"report_preview:{report.pk}:{report.version}:{request.LANGUAGE_CODE}"
    context = {
        "report": report,
        "motion": report.motion,
        "actions": actions,
        "has_form_errors": comment_form is not None and bool(comment_form.errors),
        "answers": answers,
        "body_html": pagecache.remember(preview, lambda: snapshots.body_html(_reread(report))),
        "comment_form": comment_form or ReviewCommentForm(prefix="return", answers=answers),
        "changes": snapshots.changes_since_review(report),
        "events": list(report.events.select_related("user")),
        "four_eyes": access.four_eyes_blocks(request.user, report),
        "returned": snapshots.last_return(report),
        "contribution_panel": panel_for(report),
    }
    return render(request, "requests_app/workspace_report.html", context, status=status)


def _reread(report: AnswerReport) -> AnswerReport:
    """`report` as stored now: what is computed from it depends on its table too."""
    related = ("motion__faction", "motion__lead_department")
    return AnswerReport.all_objects.select_related(*related).get(pk=report.pk)


@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = access.get_report_for_user(request, pk)
    if action not in ACTIONS:
        raise Http404
    needs_comment, service, success = ACTIONS[action]
    kwargs = {}
    if action in ("approve", "publish"):  # bound to the version the approver saw
        kwargs["version"] = request.POST.get("version")  # the page's form always sends it
    if action == "publish":
        kwargs["disclose"] = request.POST.get("disclose") == "1"
    if needs_comment:
        answers = report.answers.select_related("question").order_by("question__number")
        form = ReviewCommentForm(request.POST, prefix="return", answers=answers)
        if not form.is_valid():
            return _workspace_page(request, report, comment_form=form, status=400)
        kwargs["comment"], kwargs["notes"] = form.cleaned_data["comment"], form.notes()
    try:
        result = service(report=report, user=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report.get_workspace_url())
    messages.success(request, success)
    return redirect(result.get_workspace_url())


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk, action="edit")
    answers = list(report.answers.select_related("question").order_by("question__number"))
    if request.method == "POST":
        form = ReportForm(request.POST, answers=answers)
    else:
        form = ReportForm(initial=_report_initial(report, answers), answers=answers)
    preview, stale = None, None
    if request.method == "POST" and form.is_valid():
        if markdown.wants_preview(request):
            # Cited figures appear as the report will show them (requests_app/citations.py).
            preview = markdown.preview(
                [(_("Zusammenfassung"), citations.resolve(form.cleaned_data["summary"]))]
                + [
                    (field.label, citations.resolve(form.cleaned_data[field.name]))
                    for _q, field, _note in form.answer_fields()
                ]
            )
        else:
            saved = _save_report(form, report, request.user, request.POST)
            if saved is True:
                messages.success(request, _("Der Bericht wurde gespeichert."))
                return redirect(report.get_workspace_url())
            stale = saved or None
    context = {
        "report": report,
        "form": form,
        "preview": preview,
        "preview_title": form.cleaned_data.get("title", "") if preview is not None else "",
        "stale": stale,
        "has_form_errors": request.method == "POST" and bool(form.errors),
        "returned": snapshots.last_return(report),
    }
    return render(request, "requests_app/report_form.html", context)


def _report_initial(report: AnswerReport, answers) -> dict:
    fields = ("title", "summary", "signatory_name", "signatory_function")
    initial = {name: getattr(report, name) for name in fields} | {"version": version_of(report)}
    return initial | {f"answer_{answer.pk}": answer.text for answer in answers}


def _save_report(form: ReportForm, report: AnswerReport, user, post) -> bool | StaleEdit:
    """Save the form through the service: True; False (and a form error) when it refuses; what
    the other person changed when someone saved it meanwhile."""
    data = form.cleaned_data
    try:
        services.report_update(
            report=report,
            user=user,
            version=version_for_save(data["version"], post),
            title=data["title"],
            summary=data["summary"],
            answers=form.answer_texts(),
            signatory_name=data["signatory_name"],
            signatory_function=data["signatory_function"],
        )
    except ValidationError as error:
        if is_stale(error):
            form.add_error(None, ValidationError(STALE_OVERWRITE_MESSAGE, code="stale"))
            return _stale_report(report, form)
        form.add_error(None, error)
        return False
    return True


def _stale_report(report: AnswerReport, form: ReportForm) -> StaleEdit:
    current = AnswerReport.objects.get(pk=report.pk)
    data = form.cleaned_data
    saved = dict(current.answers.values_list("pk", "text"))
    fields = [
        (form.fields[name].label, getattr(current, name), data[name])
        for name in ("title", "summary", "signatory_name", "signatory_function")
    ]
    fields += [
        (field.label, saved.get(answer.pk, ""), data[field.name])
        for answer, field in ((a, form[f"answer_{a.pk}"]) for a in form.answers)
    ]
    return stale_edit(current, fields)


@require_http_methods(["GET", "POST"])
def exhibit_edit(request: HttpRequest, pk: int, exhibit_pk: int | None = None) -> HttpResponse:
    report = access.get_report_for_user(request, pk, action="edit")
    exhibit = None
    if exhibit_pk is not None:
        exhibit = get_object_or_404(
            Exhibit.objects.select_related("answer__question"), pk=exhibit_pk, answer__report=report
        )
    stale = None
    if request.method == "POST":
        form = ExhibitForm(request.POST, report=report)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["version"] = version_for_save(data["version"], request.POST)
            try:
                services.exhibit_save(report=report, user=request.user, exhibit=exhibit, **data)
            except ValidationError as error:
                if is_stale(error):
                    form.add_error(None, ValidationError(STALE_OVERWRITE_MESSAGE, code="stale"))
                    stale = _stale_exhibit(report, exhibit, form)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Die Anlage wurde gespeichert."))
                return redirect(report.get_workspace_url())
    else:
        form = ExhibitForm(initial=_exhibit_initial(request, report, exhibit), report=report)
    context = {"report": report, "exhibit": exhibit, "form": form, "stale": stale}
    return render(request, "requests_app/exhibit_form.html", context)


def _stale_exhibit(report: AnswerReport, exhibit: Exhibit | None, form: ExhibitForm) -> StaleEdit:
    """The exhibit as saved now beside the input (the report's version covers its exhibits)."""
    current = AnswerReport.objects.get(pk=report.pk)
    saved = Exhibit.objects.filter(pk=exhibit.pk).first() if exhibit else None
    data = form.cleaned_data
    names = ("kind", "indicator", "year_from", "year_to", "position", "caption")
    fields = []
    for name in names:
        theirs = getattr(saved, name) if saved else ""
        yours = data.get(name)
        if name == "kind":
            labels = dict(Exhibit.Kind.choices)
            theirs, yours = labels.get(theirs, ""), labels.get(yours, "")
        fields.append((form.fields[name].label, theirs, yours))
    return stale_edit(current, fields)


def _exhibit_initial(request, report: AnswerReport, exhibit: Exhibit | None) -> dict:
    version = version_of(report)
    if exhibit is None:
        answer = request.GET.get("antwort", "")
        return {"version": version, "answer": answer if answer.isdigit() else None}
    return {
        "version": version,
        "answer": exhibit.answer_id,
        "kind": exhibit.kind,
        "indicator": exhibit.indicator_id,
        "districts": list(exhibit.districts.all()),
        "year_from": exhibit.year_from,
        "year_to": exhibit.year_to,
        "position": exhibit.position,
        "caption": exhibit.caption,
    }


@require_POST
def exhibit_delete(request: HttpRequest, pk: int, exhibit_pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk)
    exhibit = get_object_or_404(Exhibit, pk=exhibit_pk, answer__report=report)
    try:
        services.exhibit_delete(
            report=report,
            user=request.user,
            version=request.POST.get("version", ""),
            exhibit=exhibit,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Anlage wurde entfernt."))
    return redirect(report.get_workspace_url())
