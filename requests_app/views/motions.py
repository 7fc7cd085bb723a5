"""Motion pages: the public list and detail, the work area's form, detail and actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal import pagecache
from portal.markdown import render_markdown
from requests_app import services
from requests_app.forms import (
    MotionFilterForm,
    MotionForm,
    QuestionFormSet,
    ReasonForm,
    RegisterForm,
    TreatmentForm,
    WithdrawForm,
    questions_from,
)
from requests_app.models import AnswerReport, Motion

PER_PAGE = 20
QUESTIONS_PREFIX = "fragen"

# action -> (form class or None, service, success message); the detail page shows the forms
# in this order, the usual next step first.
ACTIONS = {
    "submit": (None, services.motion_submit, gettext_lazy("Der Antrag wurde eingereicht.")),
    "register": (
        RegisterForm,
        services.motion_register,
        gettext_lazy("Der Antrag wurde registriert."),
    ),
    "return": (ReasonForm, services.motion_return, gettext_lazy("Der Antrag wurde zurückgegeben.")),
    "reject": (
        ReasonForm,
        services.motion_reject,
        gettext_lazy("Der Antrag wurde zurückgewiesen."),
    ),
    "treat": (
        TreatmentForm,
        services.motion_record_treatment,
        gettext_lazy("Die Behandlung wurde erfasst."),
    ),
    "withdraw": (
        WithdrawForm,
        services.motion_withdraw,
        gettext_lazy("Der Antrag wurde zurückgezogen."),
    ),
}


def get_motion_for_user(request: HttpRequest, pk: int) -> Motion:
    """A motion of the user's work area; 404 for everybody else (no existence leak)."""
    queryset = Motion.objects.workspace_for(request.user).select_related(
        "faction", "lead_department", "meeting", "agenda_item"
    )
    return get_object_or_404(queryset, pk=pk)


def _published_by_slug(slug: str) -> Motion:
    published = Motion.objects.published().select_related(
        "faction", "lead_department", "meeting", "agenda_item"
    )
    try:
        if slug.startswith("eingang-") and slug[8:].isdigit():
            return published.get(pk=int(slug[8:]))
        return published.get_by_slug(slug)
    except Motion.DoesNotExist:
        raise Http404(_("Diesen Antrag gibt es nicht oder er ist nicht öffentlich.")) from None


@login_not_required
@require_safe
def motion_list(request: HttpRequest) -> HttpResponse:
    published = Motion.objects.published()
    years = pagecache.remember(
        "motion_list:years",
        lambda: [m.year for m in published.datetimes("submitted_at", "year", order="DESC")],
    )
    form = MotionFilterForm(request.GET, years=years)
    page = pagecache.Paginator(form.filter(published.for_list()), PER_PAGE).get_page(
        request.GET.get("seite")
    )
    query = request.GET.copy()
    query.pop("seite", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "requests_app/motion_list.html", context)


@login_not_required
@require_safe
def motion_detail(request: HttpRequest, slug: str) -> HttpResponse:
    motion = _published_by_slug(slug)
    if slug != motion.public_slug:  # registered since the link was made: the reference URL
        return redirect(motion)
    context = {
        "motion": motion,
        "questions": list(motion.questions.all()),
        "events": [event for event in motion.events.all() if event.is_public],
        "submitters": list(motion.submitters.filter(public=True)),
        "insider": request.user.is_authenticated
        and Motion.objects.workspace_for(request.user).filter(pk=motion.pk).exists(),
        "reports": list(
            AnswerReport.objects.published().filter(motion=motion).order_by("-edition")
        ),
    }
    return render(request, "requests_app/motion_detail.html", context)


@require_safe
def workspace_motion(request: HttpRequest, pk: int) -> HttpResponse:
    return _workspace_page(request, get_motion_for_user(request, pk))


def _workspace_page(request, motion: Motion, bound=None, status: int = 200) -> HttpResponse:
    actions = services.allowed_actions(motion=motion, user=request.user)
    forms = {}
    for action in (name for name in ACTIONS if name in actions):
        form_class = ACTIONS[action][0]
        if bound and action in bound:
            forms[action] = bound[action]
        elif form_class is not None:
            forms[action] = _action_form(action, motion, None)
    context = {
        "motion": motion,
        "actions": actions,
        "forms": forms,
        "questions": list(motion.questions.all()),
        "events": list(motion.events.select_related("user")),
        "submitters": list(motion.submitters.all()),
        **_report_context(request.user, motion),
    }
    return render(request, "requests_app/workspace_motion.html", context, status=status)


def _report_context(user, motion: Motion) -> dict:
    """The answer reports the user may open from the motion, and whether they may start one."""
    from requests_app.report_services import can_draft

    staff = list(AnswerReport.objects.workspace_for(user).filter(motion=motion).order_by("edition"))
    reports = staff or list(AnswerReport.objects.published().filter(motion=motion))
    may_start = (
        motion.status == Motion.Status.REGISTERED and not reports and can_draft(user, motion)
    )
    return {"reports": reports, "report_staff": bool(staff), "may_start_report": may_start}


def _action_form(action: str, motion: Motion, data):
    form_class = ACTIONS[action][0]
    if form_class is None:
        return None
    kwargs = {"motion": motion} if form_class in (RegisterForm, TreatmentForm) else {}
    return form_class(data, prefix=action, **kwargs)


@require_POST
def motion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    motion = get_motion_for_user(request, pk)
    if action not in ACTIONS:
        raise Http404
    if action not in services.allowed_actions(motion=motion, user=request.user):
        raise PermissionDenied(_("Diese Aktion ist für Sie oder in diesem Status nicht möglich."))
    form = _action_form(action, motion, request.POST)
    if form is not None and not form.is_valid():
        return _workspace_page(request, motion, bound={action: form}, status=400)
    service, success = ACTIONS[action][1:]
    try:
        service(motion=motion, user=request.user, **(form.cleaned_data if form else {}))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(motion.get_workspace_url())


@require_http_methods(["GET", "POST"])
def motion_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role("council_member"):
        raise PermissionDenied(_("Nur Ratsmitglieder legen Anträge an."))
    return _motion_form_page(request, None)


@require_http_methods(["GET", "POST"])
def motion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    motion = get_motion_for_user(request, pk)
    if "edit" not in services.allowed_actions(motion=motion, user=request.user):
        raise PermissionDenied(_("Diesen Antrag können Sie nicht bearbeiten."))
    return _motion_form_page(request, motion)


def _motion_form_page(request: HttpRequest, motion: Motion | None) -> HttpResponse:
    user, preview = request.user, None
    if request.method == "POST":
        form = MotionForm(request.POST, user=user, motion=motion)
        formset = QuestionFormSet(request.POST, prefix=QUESTIONS_PREFIX)
        if "add_question" in request.POST:  # works without JavaScript: one more empty row
            data = request.POST.copy()
            data[f"{QUESTIONS_PREFIX}-TOTAL_FORMS"] = formset.total_form_count() + 1
            formset = QuestionFormSet(data, prefix=QUESTIONS_PREFIX)
        elif "preview" in request.POST:
            if form.is_valid():
                preview = {
                    "text": render_markdown(form.cleaned_data["text"]),
                    "reasoning": render_markdown(form.cleaned_data["reasoning"]),
                }
        elif form.is_valid() and formset.is_valid():
            saved = _save_motion(form, formset, user=user, motion=motion)
            if saved is not None:
                messages.success(request, _("Der Entwurf wurde gespeichert."))
                return redirect(saved.get_workspace_url())
    else:
        form = MotionForm(user=user, motion=motion, initial=_initial(motion))
        questions = [{"text": q.text} for q in motion.questions.all()] if motion else []
        formset = QuestionFormSet(initial=questions or [{}], prefix=QUESTIONS_PREFIX)
    context = {
        "form": form,
        "formset": formset,
        "motion": motion,
        "preview": preview,
        "has_faction": motion is not None or form.fields["faction"].queryset.exists(),
    }
    return render(request, "requests_app/motion_form.html", context)


def _initial(motion: Motion | None) -> dict:
    if motion is None:
        return {"kind": Motion.Kind.RA}
    fields = ("kind", "title", "text", "reasoning", "version")
    return {name: getattr(motion, name) for name in fields}


def _save_motion(form, formset, *, user, motion: Motion | None) -> Motion | None:
    data = form.cleaned_data
    fields = {name: data[name] for name in ("kind", "title", "text", "reasoning")}
    try:
        if motion is None:
            return services.motion_create(
                user=user, faction=data["faction"], questions=questions_from(formset), **fields
            )
        return services.motion_update(
            motion=motion,
            user=user,
            version=data["version"] or 0,
            questions=questions_from(formset),
            **fields,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
