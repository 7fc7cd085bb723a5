"""Public and staff pages of the Kommunaler Präventionsrat (issue 4)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from portal import roles
from portal.markdown import render_markdown
from portal.models import AgendaItem, Attachment, Meeting, Membership, Organization
from prevention import services
from prevention.calendar import meetings_calendar
from prevention.forms import (
    AgendaItemFormSet,
    AttachmentForm,
    AttendanceForm,
    CouncilProfileForm,
    FundingFormSet,
    MeasureForm,
    MeetingForm,
    MembershipFormSet,
    MinutesForm,
    WorkingGroupFormSet,
)
from prevention.models import Attendance, Funding, Measure, PreventionCouncil
from prevention.models.council import (
    council_meetings,
    public_council_meetings,
    working_groups,
)

MEETINGS_PER_PAGE = 20


def _council_context() -> dict:
    profile = PreventionCouncil.objects.current()
    organization = (
        profile.organization
        if profile
        else Organization.objects.filter(kind=Organization.Kind.PREVENTION_COUNCIL).first()
    )
    return {"profile": profile, "kpr": organization}


# --- public pages -------------------------------------------------------------------------


@login_not_required
@require_safe
def council(request: HttpRequest) -> HttpResponse:
    context = _council_context()
    kpr = context["kpr"]
    members = (
        Membership.objects.filter(organization=kpr)
        .select_related("person", "on_behalf_of")
        .order_by("role", "on_behalf_of__name", "pk")
        if kpr
        else Membership.objects.none()
    )
    groups = working_groups().filter(parent=kpr).order_by("name") if kpr else []
    measures = list(Measure.objects.public().for_listing())
    funding_rows = Funding.objects.public().by_year_and_source()
    upcoming = list(
        public_council_meetings()
        .filter(start__gte=timezone.now())
        .select_related("location")
        .order_by("start")[:3]
    )
    return render(
        request,
        "prevention/council/council.html",
        {
            **context,
            "members": members,
            "working_groups": groups,
            "measures": measures,
            "measures_by_district": _measures_by_district(measures),
            "funding_rows": funding_rows,
            "funding_totals": _funding_totals(funding_rows),
            "chart": funding_chart(funding_rows),
            "upcoming": upcoming,
        },
    )


def _measures_by_district(measures: list[Measure]) -> list[tuple[str, list[Measure]]]:
    groups: dict[str, list[Measure]] = defaultdict(list)
    citywide = []
    for measure in measures:
        districts = list(measure.districts.all())
        if not districts:
            citywide.append(measure)
        for district in districts:
            groups[district.name].append(measure)
    rows = sorted(groups.items())
    if citywide:
        rows.insert(0, (_("gesamtes Stadtgebiet"), citywide))
    return rows


def _funding_totals(rows: list[dict]) -> dict:
    totals = {
        key: sum((row[key] for row in rows), Decimal("0"))
        for key in ("requested_sum", "granted_sum", "own_share_sum", "total")
    }
    totals["granted_percent"] = totals["own_share_percent"] = None
    if totals["total"]:
        totals["granted_percent"] = (totals["granted_sum"] * 100 / totals["total"]).quantize(
            Decimal("0.1")
        )
        totals["own_share_percent"] = (totals["own_share_sum"] * 100 / totals["total"]).quantize(
            Decimal("0.1")
        )
    return totals


CHART_HEIGHT = 180
CHART_TOP = 20
CHART_LEFT = 90
BAR_WIDTH = 14
SERIES = [
    ("requested_sum", "bar-requested", gettext_lazy("beantragt")),
    ("granted_sum", "bar-granted", gettext_lazy("bewilligt")),
    ("own_share_sum", "bar-own", gettext_lazy("Eigenanteil")),
]


def funding_chart(rows: list[dict]) -> dict | None:
    """Geometry of a grouped bar chart: per year requested, granted, own share (all sources)."""
    years: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        for key, _css, _label in SERIES:
            years[row["year"]][key] += row[key]
    if not years:
        return None
    top = max(max(values.values()) for values in years.values()) or Decimal("1")
    group_width = BAR_WIDTH * len(SERIES) + 16
    bars, labels = [], []
    for index, (year, values) in enumerate(sorted(years.items())):
        x0 = CHART_LEFT + 10 + index * group_width
        labels.append({"x": x0 + BAR_WIDTH * len(SERIES) / 2, "text": year})
        for offset, (key, css, label) in enumerate(SERIES):
            height = float(values[key] / top) * CHART_HEIGHT
            bars.append(
                {
                    "x": x0 + offset * BAR_WIDTH,
                    "y": round(CHART_TOP + CHART_HEIGHT - height, 1),
                    "height": round(height, 1),
                    "css": css,
                    "title": f"{year}, {label}: {_euro(values[key])}",
                }
            )
    ticks = [
        {"y": round(CHART_TOP + CHART_HEIGHT * float(1 - share), 1), "label": _euro(top * share)}
        for share in (Decimal(0), Decimal("0.5"), Decimal(1))
    ]
    width = CHART_LEFT + 20 + group_width * len(years)
    return {
        "width": width,
        "height": CHART_TOP + CHART_HEIGHT + 30,
        "baseline": CHART_TOP + CHART_HEIGHT,
        "label_y": CHART_TOP + CHART_HEIGHT + 18,
        "left": CHART_LEFT,
        "right": width - 10,
        "bar_width": BAR_WIDTH,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "legend": [(css, str(label)) for _key, css, label in SERIES],
    }


def _euro(amount) -> str:
    return f"{Decimal(amount):,.0f} €".replace(",", ".")


@login_not_required
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = public_council_meetings().select_related("organization", "location")
    now = timezone.now()
    upcoming = list(meetings.filter(start__gte=now).order_by("start"))
    past = Paginator(meetings.filter(start__lt=now).order_by("-start", "pk"), MEETINGS_PER_PAGE)
    page = past.get_page(request.GET.get("seite"))
    return render(
        request,
        "prevention/council/meeting_list.html",
        {**_council_context(), "upcoming": upcoming, "page": page},
    )


def agenda_rows(items) -> list[dict]:
    """Public items in full; each run of non-public items becomes one bare marker row."""
    rows: list[dict] = []
    for item in items:
        if item.public:
            rows.append({"item": item})
        elif not rows or rows[-1]["item"] is not None:
            rows.append({"item": None})
    return rows


def _public_meeting(pk: int) -> Meeting:
    return get_object_or_404(
        public_council_meetings().select_related("organization", "location"), pk=pk
    )


@login_not_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _public_meeting(pk)
    items = AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk")
    attachments = meeting.attachments.filter(public=True).order_by("name", "pk")
    return render(
        request,
        "prevention/council/meeting_detail.html",
        {
            **_council_context(),
            "meeting": meeting,
            "agenda": agenda_rows(items),
            "attachments": attachments,
        },
    )


@login_not_required
@require_safe
def meeting_ics(request: HttpRequest) -> HttpResponse:
    meetings = list(public_council_meetings().select_related("location").order_by("start", "pk"))
    agenda = defaultdict(list)
    for item in AgendaItem.objects.filter(meeting__in=meetings, public=True).order_by(
        "order", "pk"
    ):
        agenda[item.meeting_id].append(f"{item.number}. {item.title}".lstrip(". "))
    body = meetings_calendar(
        meetings,
        base_url=settings.PORTAL_BASE_URL.rstrip("/"),
        name=_("Sitzungen des Kommunalen Präventionsrats"),
        agenda=agenda,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="praeventionsrat-sitzungen.ics"'
    return response


def _file_response(attachment: Attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Die Datei ist nicht mehr vorhanden.")) from error
    extension = attachment.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=attachment.mime_type, filename=f"{attachment.name}.{extension}"
    )
    response["ETag"] = f'"{attachment.sha512[:64]}"'
    return response


@login_not_required
@require_safe
def meeting_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A public attachment of a public meeting; anything else is a 404 (no existence leak)."""
    meeting = _public_meeting(pk)
    attachment = get_object_or_404(meeting.attachments.filter(public=True), pk=attachment_pk)
    return _file_response(attachment)


# --- staff pages (Geschäftsstelle KPR) ------------------------------------------------------


def office_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.has_role(roles.PREVENTION_OFFICE):
            raise PermissionDenied(_("Dieser Bereich ist der Geschäftsstelle des KPR vorbehalten."))
        return view(request, *args, **kwargs)

    return wrapped


def _office_meeting(pk: int) -> Meeting:
    return get_object_or_404(council_meetings().select_related("organization", "location"), pk=pk)


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
        {**_council_context(), "meetings": meetings, "measures": measures},
    )


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    meeting = _office_meeting(pk) if pk else Meeting(organization=_council_context()["kpr"])
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, instance=meeting, initial={"version": services.version_of(meeting)})
    formset = AgendaItemFormSet(
        data,
        instance=meeting,
        prefix="top",
        queryset=AgendaItem.objects.order_by("order", "pk"),
    )
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            meeting = services.meeting_save(
                user=request.user,
                meeting_form=form,
                agenda_formset=formset,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Sitzung wurde gespeichert."))
            return redirect("prevention:office_meeting_edit", pk=meeting.pk)
    return render(
        request,
        "prevention/council/meeting_form.html",
        {"form": form, "formset": formset, "meeting": meeting if meeting.pk else None},
    )


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _office_meeting(pk)
    initial = {"minutes": meeting.minutes, "version": services.version_of(meeting)}
    form = MinutesForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "vorschau" in request.POST:
            preview = render_markdown(form.cleaned_data["minutes"])
        else:
            try:
                services.meeting_minutes_save(
                    user=request.user,
                    meeting=meeting,
                    minutes=form.cleaned_data["minutes"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Die Niederschrift wurde gespeichert."))
                return redirect("prevention:office_meeting_minutes", pk=meeting.pk)
    return render(
        request,
        "prevention/council/minutes_form.html",
        {"form": form, "meeting": meeting, "preview": preview},
    )


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _office_meeting(pk)
    memberships = (
        Membership.objects.filter(organization=meeting.organization)
        .select_related("person", "on_behalf_of")
        .order_by("role", "on_behalf_of__name", "pk")
    )
    current = dict(
        Attendance.objects.filter(meeting=meeting).values_list("membership_id", "status")
    )
    form = AttendanceForm(request.POST or None, memberships=memberships, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_attendance_save(
                user=request.user, meeting=meeting, statuses=form.statuses()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Anwesenheit wurde gespeichert."))
            return redirect("prevention:office_meeting_attendance", pk=meeting.pk)
    return render(
        request, "prevention/council/attendance_form.html", {"form": form, "meeting": meeting}
    )


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_meeting_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _office_meeting(pk)
    form = AttachmentForm()
    if request.method == "POST" and "aktion" in request.POST:
        try:
            services.meeting_attachment_change(
                user=request.user,
                meeting=meeting,
                attachment_id=_int(request.POST.get("anlage")),
                action=request.POST["aktion"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Die Anlage wurde geändert."))
        return redirect("prevention:office_meeting_attachments", pk=meeting.pk)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            services.meeting_attachment_add(
                user=request.user,
                meeting=meeting,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                public=form.cleaned_data["public"],
            )
            messages.success(request, _("Die Anlage wurde hochgeladen."))
            return redirect("prevention:office_meeting_attachments", pk=meeting.pk)
    attachments = meeting.attachments.order_by("name", "pk")
    return render(
        request,
        "prevention/council/attachments.html",
        {"form": form, "meeting": meeting, "attachments": attachments},
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@office_required
@require_safe
def office_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    meeting = _office_meeting(pk)
    return _file_response(get_object_or_404(meeting.attachments.all(), pk=attachment_pk))


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_measure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=pk) if pk else Measure()
    data = request.POST if request.method == "POST" else None
    form = MeasureForm(data, instance=measure, initial={"version": services.version_of(measure)})
    formset = FundingFormSet(
        data, instance=measure, prefix="foerderung", queryset=Funding.objects.order_by("year")
    )
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            measure = services.measure_save(
                user=request.user,
                measure_form=form,
                funding_formset=formset,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Maßnahme wurde gespeichert."))
            return redirect("prevention:office_measure_edit", pk=measure.pk)
    return render(
        request,
        "prevention/council/measure_form.html",
        {"form": form, "formset": formset, "measure": measure if measure.pk else None},
    )


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_profile(request: HttpRequest) -> HttpResponse:
    context = _council_context()
    if context["kpr"] is None:
        return render(request, "prevention/council/office_profile.html", {"form": None})
    profile = context["profile"] or PreventionCouncil(organization=context["kpr"])
    form = CouncilProfileForm(
        request.POST or None, instance=profile, initial={"version": services.version_of(profile)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.council_profile_save(
                user=request.user, form=form, version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Das Profil des Präventionsrats wurde gespeichert."))
            return redirect("prevention:office_profile")
    return render(request, "prevention/council/office_profile.html", {"form": form, **context})


def _council_or_404() -> Organization:
    kpr = _council_context()["kpr"]
    if kpr is None:
        raise Http404(_("Es ist noch kein Präventionsrat angelegt."))
    return kpr


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
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
        version=services.rows_version(rows),
        council=kpr,
        template="prevention/council/office_members.html",
        success=_("Die Mitglieder wurden gespeichert."),
    )


@office_required
@require_http_methods(["GET", "HEAD", "POST"])
def office_working_groups(request: HttpRequest) -> HttpResponse:
    kpr = _council_or_404()
    rows = working_groups().filter(parent=kpr).order_by("name")
    formset = WorkingGroupFormSet(request.POST or None, prefix="ag", queryset=rows)
    return _save_rows(
        request,
        formset,
        save=services.council_working_groups_save,
        version=services.rows_version(rows),
        council=kpr,
        template="prevention/council/office_working_groups.html",
        success=_("Die Arbeitsgruppen wurden gespeichert."),
    )


def _save_rows(request, formset, *, save, version, council, template, success) -> HttpResponse:
    """Shared POST handling of the members and working-group formsets (with lost-update check)."""
    errors = []
    if request.method == "POST" and formset.is_valid():
        try:
            save(
                user=request.user,
                council=council,
                formset=formset,
                version=request.POST.get("version"),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, success)
            return redirect(request.path)
    return render(
        request,
        template,
        {"formset": formset, "version": version, "save_errors": errors, "kpr": council},
    )
