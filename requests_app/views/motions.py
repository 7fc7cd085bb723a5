"""Motion pages: the public list and detail, the work area's form, detail and actions."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
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
from requests_app import access
from requests_app.forms import (
    ChangeLeadForm,
    DeleteDraftForm,
    ExtendDeadlineForm,
    InterimReplyForm,
    MotionFilterForm,
    MotionForm,
    QuestionFormSet,
    ReasonForm,
    RegisterForm,
    SubmitForm,
    TreatmentForm,
    WithdrawForm,
    questions_from,
)
from requests_app.models import AnswerReport, Motion, MotionEvent
from requests_app.services import motions as services

PER_PAGE = 20
QUESTIONS_PREFIX = "fragen"


@dataclass(frozen=True)
class Step:
    """A workflow action of the detail page: its form, service, labels and success message.

    Texts are pairs where the word depends on the kind: (for an Antrag, for an Anfrage)."""

    form: type[forms.Form] | None
    service: Callable
    success: tuple[Promise, Promise]
    heading: tuple[Promise, Promise] = ("", "")
    button: tuple[Promise, Promise] = ("", "")
    primary: bool = False  # the usual next step: the prominent button

    def texts(self, motion: Motion) -> dict:
        return {
            "success": motion.by_kind(*self.success),
            "heading": motion.by_kind(*self.heading),
            "button": motion.by_kind(*self.button),
        }


def _same(text: Promise) -> tuple[Promise, Promise]:
    return (text, text)


# The detail page shows the forms in this order, the usual next step first.
ACTIONS = {
    "submit": Step(
        SubmitForm,
        services.motion_submit,
        (
            gettext_lazy("Der Antrag wurde eingereicht. Er ist jetzt öffentlich."),
            gettext_lazy("Die Anfrage wurde eingereicht. Sie ist jetzt öffentlich."),
        ),
        (gettext_lazy("Antrag einreichen"), gettext_lazy("Anfrage einreichen")),
        (gettext_lazy("Antrag einreichen"), gettext_lazy("Anfrage einreichen")),
        primary=True,
    ),
    "register": Step(
        RegisterForm,
        services.motion_register,
        (
            gettext_lazy("Der Antrag wurde registriert."),
            gettext_lazy("Die Anfrage wurde registriert."),
        ),
        _same(gettext_lazy("Registrieren")),
        _same(gettext_lazy("Registrieren")),
        primary=True,
    ),
    "return": Step(
        ReasonForm,
        services.motion_return,
        (
            gettext_lazy("Der Antrag wurde zurückgegeben."),
            gettext_lazy("Die Anfrage wurde zurückgegeben."),
        ),
        _same(gettext_lazy("An die Fraktion zurückgeben")),
        _same(gettext_lazy("Zurückgeben")),
    ),
    "reject": Step(
        ReasonForm,
        services.motion_reject,
        (
            gettext_lazy("Der Antrag wurde zurückgewiesen."),
            gettext_lazy("Die Anfrage wurde zurückgewiesen."),
        ),
        _same(gettext_lazy("Als unzulässig zurückweisen")),
        _same(gettext_lazy("Zurückweisen")),
    ),
    "treat": Step(
        TreatmentForm,
        services.motion_record_treatment,
        _same(gettext_lazy("Die Behandlung wurde erfasst.")),
        _same(gettext_lazy("Behandlung im Stadtrat erfassen")),
        _same(gettext_lazy("Behandlung speichern")),
    ),
    "interim": Step(
        InterimReplyForm,
        services.motion_interim_reply,
        _same(gettext_lazy("Die Zwischennachricht ist veröffentlicht.")),
        _same(gettext_lazy("Zwischennachricht geben")),
        _same(gettext_lazy("Zwischennachricht veröffentlichen")),
    ),
    "extend": Step(
        ExtendDeadlineForm,
        services.motion_extend_deadline,
        _same(gettext_lazy("Die Frist wurde verlängert.")),
        _same(gettext_lazy("Frist verlängern")),
        _same(gettext_lazy("Frist verlängern")),
    ),
    "change_lead": Step(
        ChangeLeadForm,
        services.motion_change_lead,
        _same(gettext_lazy("Die Federführung wurde geändert.")),
        _same(gettext_lazy("Federführung ändern")),
        _same(gettext_lazy("Federführung ändern")),
    ),
    "withdraw": Step(
        WithdrawForm,
        services.motion_withdraw,
        (
            gettext_lazy("Der Antrag wurde zurückgezogen."),
            gettext_lazy("Die Anfrage wurde zurückgezogen."),
        ),
        (gettext_lazy("Antrag zurückziehen"), gettext_lazy("Anfrage zurückziehen")),
        _same(gettext_lazy("Zurückziehen")),
    ),
    "delete": Step(
        DeleteDraftForm,
        services.motion_delete_draft,
        _same(gettext_lazy("Der Entwurf wurde gelöscht.")),
        _same(gettext_lazy("Entwurf löschen")),
        _same(gettext_lazy("Entwurf löschen")),
    ),
}


def _published_by_slug(slug: str) -> Motion:
    published = Motion.objects.published().select_related(
        "faction", "lead_department", "meeting", "agenda_item"
    )
    try:
        return published.get_by_slug(slug)
    except Motion.DoesNotExist:
        raise Http404(_("Diesen Antrag gibt es nicht oder er ist nicht öffentlich.")) from None


def _gone_or_404(request: HttpRequest, slug: str) -> HttpResponse:
    """A motion that was public and is not any more keeps its address: 410 with a notice."""
    try:
        motion = Motion.objects.formerly_public().get_by_slug(slug)
    except Motion.DoesNotExist:
        raise Http404(_("Diesen Antrag gibt es nicht oder er ist nicht öffentlich.")) from None
    context = {"withdrawn": motion.status == Motion.Status.WITHDRAWN}
    return render(request, "requests_app/motion_gone.html", context, status=410)


@login_not_required
@require_safe
def motion_list(request: HttpRequest) -> HttpResponse:
    # Only the filters and the page number count: other parameters change nothing listed.
    values = {name: request.GET.get(name, "") for name in [*MotionFilterForm.base_fields, "seite"]}

    def listing() -> tuple[str, int, int]:
        """The filters and the table (HTML), the number of motions, the page number."""
        published = Motion.objects.published()
        years = pagecache.remember(
            "motion_list:years",
            lambda: [m.year for m in published.datetimes("submitted_at", "year", order="DESC")],
        )
        form = MotionFilterForm(values, years=years)
        paginator = pagecache.Paginator(form.filter(published.for_list()), PER_PAGE)
        page = paginator.get_page(values["seite"])
        context = {"form": form, "page": page}
        return (
            render_to_string("requests_app/motion_list.html#listing", context),
            paginator.count,
            page.number,
        )

    # Once per version of the data, apart per language, day (deadline lights) and visitor.
    audience = f"user{request.user.pk}" if request.user.is_authenticated else "public"
    digest = hashlib.sha256(urlencode(values).encode()).hexdigest()[:32]
    key = f"motion_list:{request.LANGUAGE_CODE}:{audience}:{timezone.localdate()}:{digest}"
    html, total, number = pagecache.remember(key, listing)
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "listing": html,
        "page": Paginator(range(total), PER_PAGE).page(number),  # the pager's numbers only
        "query": query.urlencode(),
    }
    return render(request, "requests_app/motion_list.html", context)


@login_not_required
@require_safe
def motion_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Only what the page shows outside its remembered parts (title, links); those parts look
    # the motion up again in full.
    motions = Motion.objects.published().only("kind", "number", "year", "reference", "title")
    try:
        motion = motions.get_by_slug(slug)
        # The page shows only this motion's rows: it stays cached while others change.
        if pagecache.scope("motion", motion.pk):
            motion = motions.get_by_slug(slug)
    except Motion.DoesNotExist:
        return _gone_or_404(request, slug)
    if slug != motion.public_slug:  # registered since the link was made: the reference URL
        return redirect(motion)
    # All but the insider's link is the same for every visitor: rendered once per version of
    # the data it shows, apart per language and day (the deadline light counts the days).
    key = f"motion_detail:{motion.pk}:{get_language()}:{timezone.localdate()}"
    heading, main = pagecache.remember(key, lambda: _motion_page_parts(slug), scoped=True)
    context = {
        "motion": motion,
        "heading": heading,
        "main": main,
        "insider": access.is_insider(request.user, motion),
    }
    return render(request, "requests_app/motion_detail.html", context)


def _motion_page_parts(slug: str) -> tuple[str, str]:
    """The public motion page's heading and main part (motion_detail.html's partials). The
    motion is looked up again here, so the remembered HTML depends on every table it shows."""
    motion = _published_by_slug(slug)
    events = list(motion.events.public())
    rejection = next((e for e in events if e.action == MotionEvent.Action.REJECTED), None)
    context = {
        "motion": motion,
        "questions": list(motion.questions.all()),
        "events": events,
        "rejection": rejection,
        "rejection_reason": services.strip_rejection_prefix(rejection.comment) if rejection else "",
        "interim": next(
            (e for e in reversed(events) if e.action == MotionEvent.Action.INTERIM_REPLY), None
        ),
        "submitters": list(motion.submitters.public()),
        "reports": list(
            AnswerReport.objects.published()
            .filter(motion=motion)
            .only("slug", "title", "edition", "published_at", "pdf_status")
            .order_by("-edition")
        ),
    }
    template = "requests_app/motion_detail.html"
    return (
        render_to_string(f"{template}#heading", context),
        render_to_string(f"{template}#main", context),
    )


@require_safe
def workspace_motion(request: HttpRequest, pk: int) -> HttpResponse:
    return _workspace_page(request, access.get_motion_for_user(request, pk))


def _workspace_page(request, motion: Motion, bound=None, status: int = 200) -> HttpResponse:
    actions = access.motion_actions(motion=motion, user=request.user)
    steps = [
        {
            "name": name,
            "form": (bound or {}).get(name) or _action_form(name, motion, None),
            "primary": step.primary,
            **step.texts(motion),
        }
        for name, step in ACTIONS.items()
        if name in actions and step.form is not None
    ]
    events = list(access.events_for(request.user, motion))
    returned = next((e for e in reversed(events) if e.action == MotionEvent.Action.RETURNED), None)
    context = {
        "motion": motion,
        "actions": actions,
        "steps": steps,
        "questions": list(motion.questions.all()),
        "events": events,
        # the office's reason, shown to the faction above everything while it is theirs again
        "returned": returned if motion.status == Motion.Status.RETURNED else None,
        "submitters": list(motion.submitters.all()),
        "has_form_errors": bool(bound),
        **_report_context(request.user, motion),
    }
    return render(request, "requests_app/workspace_motion.html", context, status=status)


def _report_context(user, motion: Motion) -> dict:
    """The answer reports the user may open from the motion, and whether they may start one."""
    staff = list(AnswerReport.objects.workspace_for(user).filter(motion=motion).order_by("edition"))
    reports = staff or list(AnswerReport.objects.published().filter(motion=motion))
    may_start = access.may_start_report(user, motion, has_reports=bool(reports))
    return {"reports": reports, "report_staff": bool(staff), "may_start_report": may_start}


def _action_form(action: str, motion: Motion, data):
    form_class = ACTIONS[action].form
    if form_class is None:
        return None
    with_motion = (
        RegisterForm,
        TreatmentForm,
        ExtendDeadlineForm,
        ChangeLeadForm,
        SubmitForm,
        DeleteDraftForm,
    )
    kwargs = {"motion": motion} if form_class in with_motion else {}
    return form_class(data, prefix=action, **kwargs)


@require_POST
def motion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    motion = access.get_motion_for_user(request, pk, action=action)
    form = _action_form(action, motion, request.POST)
    if form is not None and not form.is_valid():
        return _workspace_page(request, motion, bound={action: form}, status=400)
    step = ACTIONS[action]
    data = dict(form.cleaned_data) if form else {}
    data.pop("confirm", None)  # the confirmation only guards the form
    try:
        step.service(motion=motion, user=request.user, **data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, step.texts(motion)["success"])
        if action == "delete":
            return redirect("ratsportal:workspace")
    return redirect(motion.get_workspace_url())


@require_http_methods(["GET", "POST"])
def motion_create(request: HttpRequest) -> HttpResponse:
    access.require_council_member(request.user)
    return _motion_form_page(request, None)


@require_http_methods(["GET", "POST"])
def motion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _motion_form_page(request, access.get_motion_for_user(request, pk, action="edit"))


def _motion_form_page(request: HttpRequest, motion: Motion | None) -> HttpResponse:
    user, preview, stale = request.user, None, None
    show_errors = request.method == "POST"
    if request.method == "POST":
        form = MotionForm(request.POST, user=user, motion=motion)
        formset = QuestionFormSet(request.POST, prefix=QUESTIONS_PREFIX)
        if "add_question" in request.POST:  # works without JavaScript: one more empty row
            show_errors = False  # not a save: no error summary yet
            form, formset = _one_more_question(request, motion, form, formset)
        elif markdown.wants_preview(request):
            if form.is_valid():
                preview = _preview(form, formset)
        elif form.is_valid() and formset.is_valid():
            saved = _save_motion(form, formset, user=user, motion=motion, post=request.POST)
            if isinstance(saved, Motion):
                messages.success(request, _("Der Entwurf wurde gespeichert."))
                return redirect(saved.get_workspace_url())
            stale = saved
    else:
        form = MotionForm(user=user, motion=motion, initial=_initial(motion))
        questions = [{"text": q.text} for q in motion.questions.all()] if motion else []
        formset = QuestionFormSet(initial=questions or [{}], prefix=QUESTIONS_PREFIX)
    has_errors = show_errors and (bool(form.errors) or formset.total_error_count() > 0)
    context = {
        "form": form,
        "formset": formset,
        "error_formset": formset if show_errors else None,
        "motion": motion,
        "preview": preview,
        "preview_title": form.cleaned_data.get("title") if preview is not None else "",
        "stale": stale,
        "has_form_errors": has_errors,
        "has_faction": motion is not None or form.fields["faction"].queryset.exists(),
    }
    return render(request, "requests_app/motion_form.html", context)


def _one_more_question(request: HttpRequest, motion: Motion | None, form, formset):
    """The form as it was sent, unvalidated, with one more question row that has the focus
    (the keyboard lands on the new field, not at the top of the page)."""
    initial = {name: request.POST.get(name) for name in form.fields}
    form = MotionForm(user=request.user, motion=motion, initial=initial)
    data = request.POST.copy()
    data[f"{QUESTIONS_PREFIX}-TOTAL_FORMS"] = formset.total_form_count() + 1
    formset = QuestionFormSet(data, prefix=QUESTIONS_PREFIX)
    if formset.forms:  # none when the management data was garbled
        formset.forms[-1].fields["text"].widget.attrs["autofocus"] = True
    return form, formset


def _preview(form: MotionForm, formset) -> list[markdown.PreviewPart]:
    """What the public page will show, in its order: text, the numbered questions, reasoning."""
    data = form.cleaned_data
    questions = questions_from(formset) if formset.is_valid() else []
    parts = markdown.preview([(_("Antragstext"), data["text"])])
    if questions:
        items = format_html_join(
            "", "<li>{}</li>", ((markdown.render_markdown(text),) for text in questions)
        )
        parts.append(
            markdown.PreviewPart(
                _("Fragen"), format_html('<ol class="motion-questions">{}</ol>', items)
            )
        )
    return parts + markdown.preview([(_("Begründung"), data["reasoning"])])


def _initial(motion: Motion | None) -> dict:
    if motion is None:
        return {"kind": Motion.Kind.RA}
    fields = ("kind", "title", "text", "reasoning")
    author = motion.created_by.person_id if motion.created_by_id else None
    co_submitters = [p.pk for p in motion.submitters.all() if p.pk != author]
    return {name: getattr(motion, name) for name in fields} | {
        "version": version_of(motion),
        "co_submitters": co_submitters,
    }


def _save_motion(form, formset, *, user, motion: Motion | None, post) -> Motion | StaleEdit | None:
    """The saved motion; or, when someone else saved it meanwhile, what they changed; or None
    with the refusal added to the form."""
    data = form.cleaned_data
    fields = {name: data[name] for name in ("kind", "title", "text", "reasoning")}
    co_submitters = data.get("co_submitters")  # None: nobody to choose, keep them
    try:
        if motion is None:
            return services.motion_create(
                user=user,
                faction=data["faction"],
                questions=questions_from(formset),
                co_submitters=co_submitters or (),
                **fields,
            )
        return services.motion_update(
            motion=motion,
            user=user,
            version=version_for_save(data["version"], post),
            questions=questions_from(formset),
            co_submitters=co_submitters,
            **fields,
        )
    except ValidationError as error:
        if motion is not None and is_stale(error):
            form.add_error(None, ValidationError(STALE_OVERWRITE_MESSAGE, code="stale"))
            return _stale_motion(motion, fields, questions_from(formset))
        form.add_error(None, error)
        return None


def _stale_motion(motion: Motion, yours: dict, questions: list[str]) -> StaleEdit:
    current = Motion.objects.get(pk=motion.pk)
    theirs = [q.text for q in current.questions.all()]
    return stale_edit(
        current,
        [
            (_("Art"), current.get_kind_display(), dict(Motion.Kind.choices).get(yours["kind"])),
            (_("Titel"), current.title, yours["title"]),
            (_("Antragstext"), current.text, yours["text"]),
            (_("Begründung"), current.reasoning, yours["reasoning"]),
            (_("Fragen"), theirs, questions),
        ],
    )
