"""Public pages of council sessions: /sitzungen/, /gremien/, /fraktionen/<slug>/, /personen/<id>/.

Only public meetings, public agenda items, published motions and public persons show; anything
else is a 404. Each list reads a fixed number of queries, however much data there is.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.models import AgendaItem, Meeting, Membership, Organization, Person
from prevention.calendar import meetings_calendar
from prevention.views.council import attachment_response
from requests_app.models import Consultation, Motion
from requests_app.services.sessions import SESSION_KINDS

PER_PAGE = 20
# Bodies with public pages under /gremien/ (factions have their own pages).
BODY_KINDS = (*SESSION_KINDS, Organization.Kind.PREVENTION_COUNCIL)
# Meetings listed on /sitzungen/: the council's, its committees', the KPR's and its groups'.
LISTED_KINDS = (*BODY_KINDS, Organization.Kind.WORKING_GROUP)


def organization_slug(organization: Organization) -> str:
    """A stable address for a body or faction: its short name (or name) as a slug."""
    return slugify(organization.short_name or organization.name) or str(organization.pk)


def _by_slug(kinds, slug: str) -> Organization:
    """Bodies and factions are few: find the one whose derived slug matches."""
    for organization in Organization.objects.filter(kind__in=kinds).order_by("pk"):
        if organization_slug(organization) == slug:
            return organization
    raise Http404(_("Dieses Gremium gibt es nicht."))


def _public_meetings():
    return Meeting.objects.public().filter(
        organization__kind__in=LISTED_KINDS, organization__deleted=False
    )


def meeting_url(meeting: Meeting) -> str:
    """KPR meetings keep their own pages; council and committee sessions are here."""
    if meeting.organization.kind in SESSION_KINDS:
        return reverse("sessions:meeting_detail", args=[meeting.pk])
    return reverse("prevention:meeting_detail", args=[meeting.pk])


def _with_urls(meetings) -> list[Meeting]:
    rows = list(meetings)
    for meeting in rows:
        meeting.url = meeting_url(meeting)
    return rows


def _bodies() -> list[Organization]:
    rows = list(Organization.objects.filter(kind__in=BODY_KINDS).order_by("kind", "name"))
    for body in rows:
        body.slug = organization_slug(body)
    return rows


@login_not_required
@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    bodies = _bodies()
    meetings = _public_meetings().select_related("organization", "location")
    body = next((b for b in bodies if b.slug == request.GET.get("gremium")), None)
    if body is not None:
        meetings = meetings.filter(organization=body)
    years = [d.year for d in _public_meetings().dates("start", "year", order="DESC")]
    year = request.GET.get("year", "")
    if len(year) == 4 and year.isdigit() and int(year) in years:
        meetings = meetings.filter(start__year=int(year))
    now = timezone.now()
    upcoming = _with_urls(meetings.upcoming(now).order_by("start", "pk")[:PER_PAGE])
    page = Paginator(meetings.past(now).order_by("-start", "pk"), PER_PAGE).get_page(
        request.GET.get("seite")
    )
    page.object_list = _with_urls(page.object_list)
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "bodies": bodies,
        "body": body,
        "years": years,
        "year": year,
        "upcoming": upcoming,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "requests_app/sessions/meeting_list.html", context)


def _public_session(pk: int) -> Meeting:
    return get_object_or_404(
        _public_meetings()
        .filter(organization__kind__in=SESSION_KINDS)
        .select_related("organization", "location"),
        pk=pk,
    )


def agenda_rows(meeting: Meeting) -> list[dict]:
    """Public items with their public consultations; a run of non-public items is one marker."""
    consultations = Consultation.objects.public().select_related("motion")
    items = meeting.agenda_items.order_by("order", "pk").prefetch_related(
        Prefetch("consultations", queryset=consultations, to_attr="public_consultations")
    )
    rows: list[dict] = []
    for item in items:
        if item.public:
            rows.append({"item": item, "consultations": item.public_consultations})
        elif not rows or rows[-1]["item"] is not None:
            rows.append({"item": None})
    return rows


@login_not_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _public_session(pk)
    context = {
        "meeting": meeting,
        "body_slug": organization_slug(meeting.organization),
        "agenda": agenda_rows(meeting),
        "minutes": meeting.minutes if meeting.minutes_published_at else "",
        "attachments": list(meeting.attachments.public().order_by("name", "pk")),
    }
    return render(request, "requests_app/sessions/meeting_detail.html", context)


@login_not_required
@require_safe
def meeting_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    meeting = _public_session(pk)
    return attachment_response(get_object_or_404(meeting.attachments.public(), pk=attachment_pk))


def _calendar(meetings, name: str, filename: str) -> HttpResponse:
    meetings = list(meetings.select_related("location", "organization").order_by("start", "pk"))
    agenda = defaultdict(list)
    items = AgendaItem.objects.public().filter(meeting__in=meetings).order_by("order", "pk")
    for item in items:
        agenda[item.meeting_id].append(f"{item.number} {item.title}".strip())
    body = meetings_calendar(
        meetings,
        base_url=settings.PORTAL_BASE_URL.rstrip("/"),
        name=name,
        agenda=agenda,
        url_for=meeting_url,  # council sessions link their own page, KPR meetings theirs
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_not_required
@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _public_session(pk)
    return _calendar(
        Meeting.objects.filter(pk=meeting.pk), meeting.name, f"sitzung-{meeting.pk}.ics"
    )


@login_not_required
@require_safe
def body_ics(request: HttpRequest, slug: str) -> HttpResponse:
    body = _by_slug(BODY_KINDS, slug)
    return _calendar(
        _public_meetings().filter(organization=body),
        _("Sitzungen: %(body)s") % {"body": body.name},
        f"{slug}-sitzungen.ics",
    )


@login_not_required
@require_safe
def body_list(request: HttpRequest) -> HttpResponse:
    return render(request, "requests_app/sessions/body_list.html", {"bodies": _bodies()})


def _members(organization: Organization, today: date) -> list[Membership]:
    """Current members; only public persons are named (others by their sending organization)."""
    rows = (
        Membership.objects.filter(organization=organization)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(Q(person__isnull=True) | Q(person__public=True, person__deleted=False))
        .select_related("person", "on_behalf_of")
        .order_by("role", "person__family_name", "person__given_name", "pk")
    )
    return list(rows)


@login_not_required
@require_safe
def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = _by_slug(BODY_KINDS, slug)
    if slug != organization_slug(body):
        return redirect("sessions:body_detail", organization_slug(body))
    meetings = _public_meetings().filter(organization=body).select_related("organization")
    treated = (
        Consultation.objects.public()
        .filter(agenda_item__meeting__organization=body)
        .for_route()
        .select_related("motion")
        .order_by("-agenda_item__meeting__start", "pk")
    )
    context = {
        "body": body,
        "slug": slug,
        "members": _members(body, timezone.localdate()),
        "meetings": _with_urls(meetings.order_by("-start", "pk")[:PER_PAGE]),
        "consultations": list(treated[:PER_PAGE]),
    }
    return render(request, "requests_app/sessions/body_detail.html", context)


@login_not_required
@require_safe
def faction_detail(request: HttpRequest, slug: str) -> HttpResponse:
    faction = _by_slug((Organization.Kind.FACTION,), slug)
    motions = (
        Motion.objects.published()
        .filter(faction=faction)
        .for_list()
        .order_by("-submitted_at", "-pk")[:PER_PAGE]
    )
    context = {
        "faction": faction,
        "members": _members(faction, timezone.localdate()),
        "motions": list(motions),
    }
    return render(request, "requests_app/sessions/faction_detail.html", context)


@login_not_required
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.public(), pk=pk)
    memberships = list(
        person.memberships.filter(organization__deleted=False)
        .select_related("organization")
        .order_by("-start_date", "organization__name", "pk")
    )
    for membership in memberships:
        kind = membership.organization.kind
        membership.url = (
            reverse("sessions:faction_detail", args=[organization_slug(membership.organization)])
            if kind == Organization.Kind.FACTION
            else reverse("sessions:body_detail", args=[organization_slug(membership.organization)])
            if kind in BODY_KINDS
            else ""
        )
    motions = (
        Motion.objects.published()
        .filter(submitters=person)
        .for_list()
        .order_by("-submitted_at", "-pk")[:PER_PAGE]
    )
    context = {"person": person, "memberships": memberships, "motions": list(motions)}
    return render(request, "requests_app/sessions/person_detail.html", context)
