"""Public pages of the Kommunaler Präventionsrat (issue 4); the staff pages are in office.py."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import pagecache
from portal.models import AgendaItem, Attachment, Meeting, Membership, Organization
from prevention import figures
from prevention.access import get_public_meeting
from prevention.calendar import meetings_calendar
from prevention.models import Funding, Measure, PreventionCouncil
from prevention.models.council import funding_totals, public_council_meetings, working_groups

MEETINGS_PER_PAGE = 20


def council_context() -> dict:
    """The KPR's profile and organization, which every page of the council names."""
    profile = PreventionCouncil.objects.current()
    organization = (
        profile.organization
        if profile
        else Organization.objects.filter(kind=Organization.Kind.PREVENTION_COUNCIL).first()
    )
    return {"profile": profile, "kpr": organization}


def attachment_response(attachment: Attachment) -> FileResponse:
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
def council(request: HttpRequest) -> HttpResponse:
    # All but the next meetings once per version of the data it shows (issue 20: one round trip
    # to the cache, no query), apart per language; the clock picks the next meetings.
    ahead, intro, rest = pagecache.remember(
        f"prevention:council:{get_language()}", _council_page_parts
    )
    now = timezone.now()
    context = {
        "intro": intro,
        "upcoming": [meeting for meeting in ahead if meeting.start >= now][:3],
        "rest": rest,
    }
    return render(request, "prevention/council/council.html", context)


def _council_page_parts() -> tuple[list[Meeting], str, str]:
    """The meetings from now on (each view picks those still ahead) and the page's HTML before
    and after them (council.html's partials)."""
    context = council_context()
    kpr = context["kpr"]
    measures = list(Measure.objects.public().for_listing())
    funding_rows = Funding.objects.public().by_year_and_source()
    context |= {
        "members": _members(kpr),
        "working_groups": working_groups().filter(parent=kpr).order_by("name") if kpr else [],
        "measures": measures,
        "measures_by_district": _measures_by_district(measures),
        "funding_rows": funding_rows,
        "funding_totals": funding_totals(funding_rows),
        "funding_chart": figures.funding_chart(funding_rows, chart_id="foerderung-diagramm"),
        "funding_summary": figures.funding_summary(funding_rows),
    }
    ahead = list(public_council_meetings().upcoming().only("pk", "name", "start").order_by("start"))
    template = "prevention/council/council.html"
    return (
        ahead,
        render_to_string(f"{template}#intro", context),
        render_to_string(f"{template}#rest", context),
    )


def _members(kpr: Organization | None):
    if kpr is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=kpr)
        .select_related("person", "on_behalf_of")
        .order_by("role", "on_behalf_of__name", "pk")
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


@login_not_required
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    # The council and all its public meetings once per version of the data (issue 20: one
    # round trip to the cache, no query; a council meets a few times a year), newest first;
    # the clock splits them.
    context = pagecache.remember("prevention:meeting_list", _council_and_meetings)
    meetings = context["meetings"]
    now = timezone.now()
    upcoming = [meeting for meeting in reversed(meetings) if meeting.start >= now]
    past = Paginator([meeting for meeting in meetings if meeting.start < now], MEETINGS_PER_PAGE)
    page = past.get_page(request.GET.get("seite"))
    return render(
        request,
        "prevention/council/meeting_list.html",
        {**context, "upcoming": upcoming, "page": page},
    )


def _council_and_meetings() -> dict:
    """The council (council_context) and its public meetings, newest first."""
    meetings = public_council_meetings().select_related("organization", "location")
    return {**council_context(), "meetings": list(meetings.order_by("-start", "pk"))}


def agenda_rows(items) -> list[dict]:
    """Public items in full; each run of non-public items becomes one bare marker row."""
    rows: list[dict] = []
    for item in items:
        if item.public:
            rows.append({"item": item})
        elif not rows or rows[-1]["item"] is not None:
            rows.append({"item": None})
    return rows


@login_not_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Once per version of the data it shows (issue 20), apart per language. A meeting that is
    # not public raises Http404 inside, so nothing is kept for it.
    key = f"prevention:meeting_detail:{pk}:{get_language()}"
    name, main = pagecache.remember(key, lambda: _meeting_page_parts(pk))
    context = {"meeting_name": name, "main": main}
    return render(request, "prevention/council/meeting_detail.html", context)


def _meeting_page_parts(pk: int) -> tuple[str, str]:
    """The meeting's name and the page's main part (meeting_detail.html's partial)."""
    meeting = get_public_meeting(pk)
    items = AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk")
    attachments = meeting.attachments.public().order_by("name", "pk")
    context = {
        **council_context(),
        "meeting": meeting,
        "agenda": agenda_rows(items),
        "attachments": attachments,
    }
    return meeting.name, render_to_string("prevention/council/meeting_detail.html#main", context)


@login_not_required
@require_safe
def meeting_ics(request: HttpRequest) -> HttpResponse:
    meetings = list(public_council_meetings().select_related("location").order_by("start", "pk"))
    agenda = defaultdict(list)
    items = AgendaItem.objects.public().filter(meeting__in=meetings).order_by("order", "pk")
    for item in items:
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


@login_not_required
@require_safe
def meeting_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A public attachment of a public meeting; anything else is a 404 (no existence leak)."""
    meeting = get_public_meeting(pk)
    attachment = get_object_or_404(meeting.attachments.public(), pk=attachment_pk)
    return attachment_response(attachment)
