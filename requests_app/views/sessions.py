"""The council office's session pages (/arbeitsbereich/sitzungen/): meetings of the Stadtrat and
its committees, their agendas, consultations, results, invitations and minutes.

The public pages (sessions, bodies, factions, persons) are in views/sessions_public.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.concurrency import rows_version, version_of
from portal.models import AgendaItem, Meeting
from prevention.views.council import attachment_response
from prevention.views.office import meeting_attachments_page
from requests_app import access
from requests_app.models import Consultation, MeetingEvent
from requests_app.services import session_files
from requests_app.services import sessions as services
from requests_app.session_forms import (
    AgendaItemForm,
    CancelForm,
    ConsultationForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    ResultForm,
    VersionForm,
    faction_votes_text,
)

PER_PAGE = 30


def _require_office(request: HttpRequest) -> None:
    if not access.is_office(request.user):
        raise PermissionDenied(access.OFFICE_ONLY)


def _office_meetings():
    return Meeting.objects.filter(organization__kind__in=services.SESSION_KINDS)


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    _require_office(request)
    return get_object_or_404(_office_meetings().select_related("organization", "location"), pk=pk)


def _refuse(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_safe
def office_list(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    meetings = _office_meetings().select_related("organization", "location").order_by("-start")
    page = Paginator(meetings, PER_PAGE).get_page(request.GET.get("seite"))
    return render(request, "requests_app/sessions/office_list.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
def office_create(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                user=request.user, **{k: v for k, v in form.cleaned_data.items() if k != "version"}
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Die Sitzung wurde angelegt."))
            return redirect("sessions:office_meeting", meeting.pk)
    return render(request, "requests_app/sessions/office_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    initial = {
        "name": meeting.name,
        "start": meeting.start,
        "end": meeting.end,
        "location": meeting.location,
        "public": meeting.public,
        "version": version_of(meeting),
    }
    form = MeetingForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Die Sitzung wurde gespeichert."))
            return redirect("sessions:office_meeting", meeting.pk)
    context = {"form": form, "meeting": meeting}
    return render(request, "requests_app/sessions/office_form.html", context)


def _forms(meeting: Meeting, items) -> dict:
    version = version_of(meeting)
    return {
        "invite": VersionForm(initial={"version": version}, prefix="invite"),
        "cancel": CancelForm(initial={"version": version}, prefix="cancel"),
        "minutes": MinutesForm(
            initial={"version": version, "minutes": meeting.minutes}, prefix="minutes"
        ),
        "item_add": AgendaItemForm(prefix="item_add"),
    }


def _office_page(request, meeting: Meeting, bound: dict | None = None, status: int = 200):
    items = list(
        meeting.agenda_items.order_by("order", "pk").prefetch_related("consultations__motion")
    )
    context = {
        "meeting": meeting,
        "items": items,
        "order_version": rows_version(meeting.agenda_items.all()),
        "forms": {**_forms(meeting, items), **(bound or {})},
        "events": list(
            MeetingEvent.objects.filter(meeting=meeting).select_related("user").order_by("-pk")
        ),
    }
    return render(request, "requests_app/sessions/office_meeting.html", context, status=status)


@require_safe
def office_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_page(request, _meeting(request, pk))


# Meeting-level steps: the form, the service call and the success message.
STEPS = {
    "invite": (
        VersionForm,
        lambda m, u, d: services.meeting_invite(meeting=m, user=u, version=d["version"]),
        gettext_lazy("Die Einladung wurde versandt."),
    ),
    "cancel": (
        CancelForm,
        lambda m, u, d: services.meeting_cancel(meeting=m, user=u, **d),
        gettext_lazy("Die Sitzung wurde abgesagt."),
    ),
    "minutes": (
        MinutesForm,
        lambda m, u, d: services.meeting_save_minutes(meeting=m, user=u, **d),
        gettext_lazy("Die Niederschrift wurde gespeichert."),
    ),
    "item_add": (
        AgendaItemForm,
        lambda m, u, d: services.agenda_item_create(
            meeting=m, user=u, number=d["number"], title=d["title"], public=d["public"]
        ),
        gettext_lazy("Der Tagesordnungspunkt wurde angelegt."),
    ),
    "move": (
        MoveForm,
        lambda m, u, d: _move(m, u, d),
        gettext_lazy("Die Reihenfolge wurde geändert."),
    ),
}


def _move(meeting: Meeting, user, data: dict) -> Meeting:
    order = list(meeting.agenda_items.order_by("order", "pk").values_list("pk", flat=True))
    if data["item"] not in order:
        raise ValidationError(_("Diesen Tagesordnungspunkt gibt es in der Sitzung nicht."))
    index = order.index(data["item"])
    other = index - 1 if data["direction"] == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return services.agenda_reorder(meeting=meeting, user=user, version=data["version"], order=order)


@require_POST
def office_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = _meeting(request, pk)
    if action not in STEPS:
        raise Http404(_("Diese Aktion gibt es nicht."))
    form_class, call, success = STEPS[action]
    form = form_class(request.POST, prefix=None if action == "move" else action)
    if form.is_valid():
        try:
            call(meeting, request.user, form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, success)
            return redirect("sessions:office_meeting", meeting.pk)
    return _office_page(request, meeting, {action: form}, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def office_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One agenda item: edit it, put motions on it."""
    _require_office(request)
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=_office_meetings()).select_related("meeting"), pk=pk
    )
    initial = {
        "number": item.number,
        "title": item.title,
        "public": item.public,
        "version": version_of(item),
    }
    is_edit = "consultation" not in request.POST
    item_form = AgendaItemForm(request.POST if is_edit else None, initial=initial)
    consultation_form = ConsultationForm(None if is_edit else request.POST, prefix="beratung")
    form = item_form if is_edit else consultation_form
    if request.method == "POST" and form.is_valid():
        try:
            if is_edit:
                services.agenda_item_update(item=item, user=request.user, **form.cleaned_data)
            else:
                services.consultation_create(
                    agenda_item=item, user=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Der Tagesordnungspunkt wurde gespeichert."))
            return redirect("sessions:office_item", item.pk)
    context = {
        "item": item,
        "meeting": item.meeting,
        "item_form": item_form,
        "consultation_form": consultation_form,
        "consultations": list(item.consultations.select_related("motion")),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "requests_app/sessions/office_item.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def office_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the result and the votes of one consultation."""
    _require_office(request)
    consultation = get_object_or_404(
        Consultation.objects.filter(
            agenda_item__meeting__organization__kind__in=services.SESSION_KINDS
        ).select_related("motion", "agenda_item__meeting__organization"),
        pk=pk,
    )
    initial = {
        "result": consultation.result,
        "votes_yes": consultation.votes_yes,
        "votes_no": consultation.votes_no,
        "votes_abstain": consultation.votes_abstain,
        "faction_votes": faction_votes_text(consultation.faction_votes),
        "version": version_of(consultation),
    }
    form = ResultForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_record_result(
                consultation=consultation, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Das Ergebnis wurde gespeichert."))
            return redirect("sessions:office_meeting", consultation.agenda_item.meeting_id)
    context = {"consultation": consultation, "form": form, "meeting": consultation.meeting}
    status = 400 if request.method == "POST" else 200
    return render(request, "requests_app/sessions/office_consultation.html", context, status=status)


# --- files of a session --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def office_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_attachments_page(
        request,
        _meeting(request, pk),
        add=session_files.session_attachment_add,
        change=session_files.session_attachment_change,
        url_name="sessions:office_attachments",
        template="requests_app/sessions/office_attachments.html",
    )


@require_safe
def office_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    response = attachment_response(get_object_or_404(meeting.attachments.all(), pk=attachment_pk))
    response["Cache-Control"] = "private, no-store"
    return response
