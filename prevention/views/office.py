"""Staff pages of the KPR's office (Geschäftsstelle): meetings with agenda, minutes,
attendance and attachments, measures with funding, the council's profile, members and working
groups (issue 4), and the indicator import (issue 5). Only the office may open them
(prevention.access); every save goes through one service in prevention.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.concurrency import rows_version, version_of
from portal.markdown import preview, wants_preview
from portal.models import AgendaItem, Meeting, Membership, Organization
from prevention import services
from prevention.access import get_office_meeting, office_required
from prevention.forms import (
    AgendaItemFormSet,
    AttachmentChangeForm,
    AttachmentForm,
    AttendanceForm,
    CouncilProfileForm,
    FundingFormSet,
    IndicatorImportForm,
    MeasureForm,
    MeetingForm,
    MembershipFormSet,
    MinutesForm,
    WorkingGroupFormSet,
    field_values,
    formset_removed,
    formset_rows,
)
from prevention.importers import Action, plan_import
from prevention.models import Attendance, Funding, ImportBatch, Measure, PreventionCouncil
from prevention.models.council import council_meetings, working_groups
from prevention.views.council import attachment_response, council_context

GET_OR_POST = ["GET", "HEAD", "POST"]
PREVIEW_ROWS = 500


def _posted(request: HttpRequest) -> tuple:
    """A form's data and files when the request is a POST (bound), nothing otherwise."""
    return (request.POST, request.FILES) if request.method == "POST" else ()


def _call(request: HttpRequest, form, service, success: str, **arguments):
    """Run the page's service for a valid form: its result with a success message, or None with
    the service's refusal (a stale version, a row someone changed) shown above the form."""
    try:
        result = service(user=request.user, **arguments)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    messages.success(request, success)
    return result


@office_required
@require_safe
def office_index(request: HttpRequest) -> HttpResponse:
    meetings = council_meetings().select_related("organization").order_by("-start", "pk")
    measures = Measure.objects.for_listing().prefetch_related(
        Prefetch("fundings", queryset=Funding.objects.order_by("year"))
    )
    return render(
        request,
        "prevention/council/office_index.html",
        {**council_context(), "meetings": meetings, "measures": measures},
    )


# --- meetings --------------------------------------------------------------------------------


@office_required
@require_http_methods(GET_OR_POST)
def office_meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    meeting = (
        get_office_meeting(request, pk) if pk else Meeting(organization=council_context()["kpr"])
    )
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, instance=meeting, initial={"version": version_of(meeting)})
    agenda = AgendaItem.objects.order_by("order", "pk")
    formset = AgendaItemFormSet(data, instance=meeting, prefix="top", queryset=agenda)
    if data is not None and form.is_valid() and formset.is_valid():
        saved = _call(
            request,
            form,
            services.meeting_save,
            _("Die Sitzung wurde gespeichert."),
            meeting=meeting,
            data=field_values(form),
            agenda=formset_rows(formset, with_unchanged=True),
            removed=formset_removed(formset),
            version=form.cleaned_data["version"],
        )
        if saved is not None:
            return redirect("prevention:office_meeting_edit", pk=saved.pk)
    context = {"form": form, "formset": formset, "meeting": meeting if meeting.pk else None}
    return render(request, "prevention/council/meeting_form.html", context)


@office_required
@require_http_methods(GET_OR_POST)
def office_meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_office_meeting(request, pk)
    initial = {"minutes": meeting.minutes, "version": version_of(meeting)}
    form = MinutesForm(request.POST or None, initial=initial)
    shown = None
    if request.method == "POST" and form.is_valid():
        if wants_preview(request):
            shown = preview([("", form.cleaned_data["minutes"])])
        else:
            saved = _call(
                request,
                form,
                services.meeting_minutes_save,
                _("Die Niederschrift wurde gespeichert."),
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data["version"],
            )
            if saved is not None:
                return redirect("prevention:office_meeting_minutes", pk=meeting.pk)
    context = {"form": form, "meeting": meeting, "preview": shown}
    return render(request, "prevention/council/minutes_form.html", context)


@office_required
@require_http_methods(GET_OR_POST)
def office_meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_office_meeting(request, pk)
    memberships = (
        Membership.objects.filter(organization=meeting.organization)
        .select_related("person", "on_behalf_of")
        .order_by("role", "on_behalf_of__name", "pk")
    )
    records = Attendance.objects.filter(meeting=meeting)
    form = AttendanceForm(
        request.POST or None,
        memberships=memberships,
        current=dict(records.values_list("membership_id", "status")),
        initial={"version": rows_version(records)},
    )
    if request.method == "POST" and form.is_valid():
        saved = _call(
            request,
            form,
            services.meeting_attendance_save,
            _("Die Anwesenheit wurde gespeichert."),
            meeting=meeting,
            statuses=form.statuses(),
            version=form.cleaned_data["version"],
        )
        if saved is not None:
            return redirect("prevention:office_meeting_attendance", pk=meeting.pk)
    context = {"form": form, "meeting": meeting}
    return render(request, "prevention/council/attendance_form.html", context)


@office_required
@require_http_methods(GET_OR_POST)
def office_meeting_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_attachments_page(
        request,
        get_office_meeting(request, pk),
        add=services.meeting_attachment_add,
        change=services.meeting_attachment_change,
        url_name="prevention:office_meeting_attachments",
        template="prevention/council/attachments.html",
    )


def meeting_attachments_page(request, meeting: Meeting, *, add, change, url_name, template):
    """An office's page of a meeting's files (KPR meetings here, council sessions in
    requests_app): the upload form and the buttons beside each file. `add` and `change` are the
    app's services (they check who may act); the page itself is the same for both."""
    if request.method == "POST" and "aktion" in request.POST:
        _change_attachment(request, meeting, change)
        return redirect(url_name, pk=meeting.pk)
    # A file alone leaves request.POST empty: bind on the method, not on the data.
    form = AttachmentForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            add(
                user=request.user,
                meeting=meeting,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                public=form.cleaned_data["public"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Die Anlage wurde hochgeladen."))
            return redirect(url_name, pk=meeting.pk)
    attachments = meeting.attachments.order_by("name", "pk")
    context = {"form": form, "meeting": meeting, "attachments": attachments}
    return render(request, template, context)


def _change_attachment(request: HttpRequest, meeting: Meeting, change) -> None:
    """One of the buttons beside an attachment: publish, unpublish or remove it."""
    form = AttachmentChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Unbekannte Aktion."))
        change(
            user=request.user,
            meeting=meeting,
            attachment_id=form.cleaned_data["anlage"],
            action=form.cleaned_data["aktion"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Anlage wurde geändert."))


@office_required
@require_safe
def office_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    meeting = get_office_meeting(request, pk)
    return attachment_response(get_object_or_404(meeting.attachments.all(), pk=attachment_pk))


# --- measures and the council's master data --------------------------------------------------


@office_required
@require_http_methods(GET_OR_POST)
def office_measure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=pk) if pk else Measure()
    data = request.POST if request.method == "POST" else None
    form = MeasureForm(data, instance=measure, initial={"version": version_of(measure)})
    fundings = Funding.objects.order_by("year")
    formset = FundingFormSet(data, instance=measure, prefix="foerderung", queryset=fundings)
    if data is not None and form.is_valid() and formset.is_valid():
        saved = _call(
            request,
            form,
            services.measure_save,
            _("Die Maßnahme wurde gespeichert."),
            measure=measure,
            data=field_values(form),
            funding=formset_rows(formset),
            removed=formset_removed(formset),
            version=form.cleaned_data["version"],
        )
        if saved is not None:
            return redirect("prevention:office_measure_edit", pk=saved.pk)
    context = {"form": form, "formset": formset, "measure": measure if measure.pk else None}
    return render(request, "prevention/council/measure_form.html", context)


@office_required
@require_http_methods(GET_OR_POST)
def office_profile(request: HttpRequest) -> HttpResponse:
    context = council_context()
    if context["kpr"] is None:
        return render(request, "prevention/council/office_profile.html", {"form": None})
    profile = context["profile"] or PreventionCouncil(organization=context["kpr"])
    initial = {"version": version_of(profile)}
    form = CouncilProfileForm(request.POST or None, instance=profile, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _call(
            request,
            form,
            services.council_profile_save,
            _("Das Profil des Präventionsrats wurde gespeichert."),
            profile=profile,
            data=field_values(form),
            version=form.cleaned_data["version"],
        )
        if saved is not None:
            return redirect("prevention:office_profile")
    return render(request, "prevention/council/office_profile.html", {"form": form, **context})


def _council_or_404() -> Organization:
    kpr = council_context()["kpr"]
    if kpr is None:
        raise Http404(_("Es ist noch kein Präventionsrat angelegt."))
    return kpr


@office_required
@require_http_methods(GET_OR_POST)
def office_members(request: HttpRequest) -> HttpResponse:
    kpr = _council_or_404()
    rows = Membership.objects.filter(organization=kpr)
    formset = MembershipFormSet(
        request.POST or None,
        instance=kpr,
        prefix="mitglied",
        queryset=rows.select_related("person", "on_behalf_of").order_by("role", "pk"),
    )
    return _save_rows(
        request,
        formset,
        save=services.council_memberships_save,
        version=rows_version(rows),
        council=kpr,
        template="prevention/council/office_members.html",
        success=_("Die Mitglieder wurden gespeichert."),
    )


@office_required
@require_http_methods(GET_OR_POST)
def office_working_groups(request: HttpRequest) -> HttpResponse:
    kpr = _council_or_404()
    rows = working_groups().filter(parent=kpr).order_by("name")
    formset = WorkingGroupFormSet(request.POST or None, prefix="ag", queryset=rows)
    return _save_rows(
        request,
        formset,
        save=services.council_working_groups_save,
        version=rows_version(rows),
        council=kpr,
        template="prevention/council/office_working_groups.html",
        success=_("Die Arbeitsgruppen wurden gespeichert."),
    )


def _save_rows(
    request: HttpRequest, formset: BaseFormSet, *, save, version, council, template, success
) -> HttpResponse:
    """Shared POST handling of the members and working-group formsets (with lost-update check)."""
    errors = []
    if request.method == "POST" and formset.is_valid():
        try:
            save(
                user=request.user,
                council=council,
                rows=formset_rows(formset),
                removed=formset_removed(formset),
                version=request.POST.get("version"),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, success)
            return redirect(request.path)
    context = {"formset": formset, "version": version, "save_errors": errors, "kpr": council}
    return render(request, template, context)


# --- indicators ------------------------------------------------------------------------------


@office_required
@require_http_methods(GET_OR_POST)
def indicator_import(request: HttpRequest) -> HttpResponse:
    form = IndicatorImportForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        batch, _plan = services.import_batch_preview(
            data=form.cleaned_data["data"],
            file_name=form.cleaned_data["file"].name,
            user=request.user,
        )
        return redirect(batch)
    batches = ImportBatch.objects.select_related("user").defer("content")[:10]
    context = {"form": form, "batches": batches}
    return render(request, "prevention/indicators/import_form.html", context)


@office_required
@require_http_methods(GET_OR_POST)
def indicator_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            plan = services.import_batch_confirm(batch=batch, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Import ausgeführt: %(new)s neue und %(changed)s geänderte Werte.")
                % {"new": plan.count(Action.NEW), "changed": plan.count(Action.CHANGED)},
            )
        return redirect(batch)
    plan = plan_import(bytes(batch.content)) if batch.awaiting_confirmation else None
    changes = plan.changes if plan and plan.ok else []
    context = {
        "batch": batch,
        "changes": changes[:PREVIEW_ROWS],
        "more_changes": max(0, len(changes) - PREVIEW_ROWS),
        "stale": plan is not None and (not plan.ok or plan.digest() != batch.plan_sha256),
    }
    return render(request, "prevention/indicators/import_preview.html", context)
