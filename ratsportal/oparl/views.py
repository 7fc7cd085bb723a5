"""The OParl 1.1 API (read-only, anonymous): System -> Body -> lists -> objects.

Lists are ordered by primary key (stable), paginated with at most 100 objects per page, and
accept created_since/until and modified_since/until (carried into every link) and omit_internal.
Deleted or withdrawn objects appear as stubs with `deleted: true`, in lists only when
modified_since is given. Every response is UTF-8 JSON with `Access-Control-Allow-Origin: *`,
an ETag and conditional GET; errors are OParl error objects.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from portal import pagecache
from portal.models import (
    AgendaItem,
    Attachment,
    Body,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
)
from ratsportal.oparl import serializers as s
from ratsportal.oparl.serializers import Context

PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class OParlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Kind:
    """One OParl object type: where its objects come from and how they are shown."""

    name: str  # URL segment, e.g. "agendaItem"
    type_name: str  # OParl type, e.g. "AgendaItem"
    list_name: str  # property of Body that links to the list
    queryset: Callable[[], QuerySet]  # everything ever published, deleted ones included
    live: Q  # the part that is shown in full (not deleted, not withdrawn)
    serialize: Callable


def _public_attachments() -> Prefetch:
    return Prefetch(
        "attachments",
        queryset=Attachment.objects.public().order_by("pk"),
        to_attr="public_attachments",
    )


def _public_meetings() -> Prefetch:
    return Prefetch(
        "meetings",
        queryset=Meeting.objects.public().order_by("pk").only("pk"),
        to_attr="public_meetings",
    )


def _meetings() -> QuerySet:
    return (
        Meeting.all_objects.public()
        .select_related("location", "organization__parent")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("order", "pk")),
            _public_attachments(),
            Prefetch(
                "public_attachments__meetings",
                queryset=Meeting.objects.public().order_by("pk").only("pk"),
                to_attr="public_meetings",
            ),
        )
    )


def _files() -> QuerySet:
    public_meeting_ids = Meeting.objects.public().values("pk")
    return (
        Attachment.all_objects.public()
        .filter(meetings__in=public_meeting_ids)
        .distinct()
        .prefetch_related(_public_meetings())
    )


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind(
            "organization",
            "Organization",
            "organization",
            lambda: Organization.all_objects.all(),
            Q(deleted=False),
            s.serialize_organization,
        ),
        Kind(
            "person",
            "Person",
            "person",
            lambda: Person.all_objects.public(),
            Q(deleted=False),
            s.serialize_person,
        ),
        Kind(
            "membership",
            "Membership",
            "membership",
            lambda: Membership.all_objects.filter(Q(person__isnull=True) | Q(person__public=True)),
            Q(deleted=False),
            s.serialize_membership,
        ),
        Kind("meeting", "Meeting", "meeting", _meetings, Q(deleted=False), s.serialize_meeting),
        Kind(
            "agendaItem",
            "AgendaItem",
            "agendaItem",
            lambda: AgendaItem.all_objects.filter(meeting__public=True),
            Q(deleted=False, meeting__deleted=False),
            s.serialize_agenda_item,
        ),
        Kind("file", "File", "file", _files, Q(deleted=False), s.serialize_file),
        Kind(
            "location",
            "Location",
            "locationList",
            lambda: Location.all_objects.all(),
            Q(deleted=False),
            s.serialize_location,
        ),
        Kind(
            "legislativeTerm",
            "LegislativeTerm",
            "legislativeTermList",
            lambda: LegislativeTerm.all_objects.all(),
            Q(deleted=False),
            s.serialize_legislative_term,
        ),
    ]
}


def register_kind(kind: Kind) -> None:
    """Papers and consultations join the API through here (ratsportal/oparl/papers.py)."""
    KINDS[kind.name] = kind


def json_response(request: HttpRequest, data: dict, status: int = 200, last_modified=None):
    content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    if status == 200:
        conditional = get_conditional_response(
            request,
            etag=etag,
            last_modified=last_modified.timestamp() if last_modified else None,
        )
        if isinstance(conditional, HttpResponseNotModified):
            conditional["ETag"] = etag
            return conditional
    response = HttpResponse(content, status=status, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    data = {"type": "https://schema.oparl.org/1.1/Error", "message": message}
    return json_response(request, data, status=status)


def oparl_view(view):
    """Public, GET/HEAD only, CORS header, and every failure as an OParl error object."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response = error_response(request, 405, "Die OParl-Schnittstelle ist nur lesbar.")
            response["Allow"] = "GET, HEAD, OPTIONS"
        elif request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        else:
            try:
                response = view(request, *args, **kwargs)
            except OParlError as error:
                response = error_response(request, error.status, error.message)
            except Http404:
                response = error_response(request, 404, "Dieses Objekt gibt es nicht.")
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response

    wrapper.csrf_exempt = True
    return wrapper


def context(request: HttpRequest, body: Body | None = None) -> Context:
    body = body or the_body()
    ctx = Context(
        absolute=request.build_absolute_uri,
        omit_internal=request.GET.get("omit_internal", "").lower() in {"1", "true"},
    )
    ctx.extra["body_url"] = ctx.object_url("body", body.pk)
    # Crime indicators are not part of OParl: a vendor-prefixed link to the open-data pages.
    ctx.extra["body_vendor"] = {
        "chemnitz:indicators": request.build_absolute_uri(reverse("prevention:indicator_list"))
    }
    ctx.extra["meeting_web"] = lambda meeting: (
        request.build_absolute_uri(reverse("prevention:meeting_detail", args=[meeting.pk]))
        if _is_council_meeting(meeting)
        else None
    )
    return ctx


def _is_council_meeting(meeting: Meeting) -> bool:
    """KPR meetings (and its working groups') have a public HTML page; council sessions not yet."""
    kind = Organization.Kind.PREVENTION_COUNCIL
    org = meeting.organization
    return org.kind == kind or (org.parent is not None and org.parent.kind == kind)


def the_body() -> Body:
    body = Body.objects.order_by("pk").first()
    if body is None:
        raise OParlError(404, "Es ist noch keine Körperschaft angelegt.")
    return body


def parse_filters(request: HttpRequest) -> dict[str, datetime]:
    filters = {}
    for name in FILTERS:
        raw = request.GET.get(name)
        if raw is None:
            continue
        try:
            value = datetime.fromisoformat(raw.replace(" ", "+"))
        except ValueError:
            raise OParlError(
                400,
                f"{name}: „{raw}“ ist kein Zeitpunkt nach ISO 8601 "
                "(z. B. 2020-06-24T00:00:00+02:00).",
            ) from None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            value.astimezone(UTC)  # the database compares in UTC
        except OverflowError:  # 0001-01-01 in Berlin is still year 0 in UTC
            raise OParlError(
                400, f"{name}: „{raw}“ liegt außerhalb der Jahre 1 bis 9999 (UTC)."
            ) from None
        filters[name] = value
    return filters


def filtered(queryset: QuerySet, kind: Kind, filters: dict[str, datetime]) -> QuerySet:
    if "modified_since" not in filters:
        queryset = queryset.filter(kind.live)
    lookups = {
        "created_since": "created__gte",
        "created_until": "created__lte",
        "modified_since": "modified__gte",
        "modified_until": "modified__lte",
    }
    return queryset.filter(**{lookups[name]: value for name, value in filters.items()})


def render_object(obj, kind: Kind, ctx: Context, hidden: bool) -> dict:
    if hidden:
        return s.deleted_stub(obj, kind.name, kind.type_name, ctx)
    return kind.serialize(obj, ctx)


@oparl_view
def system(request: HttpRequest) -> HttpResponse:
    body = the_body()
    return json_response(request, s.serialize_system(context(request, body), body))


@oparl_view
def bodies(request: HttpRequest) -> HttpResponse:
    body = the_body()
    ctx = context(request, body)
    terms = list(LegislativeTerm.objects.order_by("start_date"))
    page = {
        "data": [s.serialize_body(body, ctx, terms)],
        "pagination": {
            "totalElements": 1,
            "elementsPerPage": PAGE_SIZE,
            "currentPage": 1,
            "totalPages": 1,
        },
        "links": {
            "first": request.build_absolute_uri(request.path),
            "last": request.build_absolute_uri(request.path),
        },
    }
    return json_response(request, page)


@oparl_view
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = the_body()
    if body.pk != pk:
        raise Http404
    ctx = context(request, body)
    terms = list(LegislativeTerm.objects.order_by("start_date"))
    return json_response(request, s.serialize_body(body, ctx, terms), last_modified=body.modified)


@oparl_view
def object_list(request: HttpRequest, body: int, list_name: str) -> HttpResponse:
    the = the_body()
    # A list may hold several kinds (papers: motions, then answer reports), each in pk order.
    kinds = [k for k in KINDS.values() if k.list_name == list_name]
    if the.pk != body or not kinds:
        raise Http404
    filters = parse_filters(request)
    try:
        number = int(request.GET.get("page", "1"))
        limit = min(int(request.GET.get("limit", PAGE_SIZE)), PAGE_SIZE)
    except ValueError:
        raise OParlError(400, "page und limit müssen ganze Zahlen sein.") from None
    if number < 1 or limit < 1:
        raise OParlError(400, "page und limit müssen größer als 0 sein.")
    querysets = [(k, filtered(k.queryset(), k, filters).order_by("pk")) for k in kinds]
    counts = [pagecache.count(queryset) for _kind, queryset in querysets]
    total = sum(counts)
    pages = max(1, math.ceil(total / limit))
    if number > pages:
        raise OParlError(404, f"Seite {number} gibt es nicht; die Liste hat {pages} Seiten.")
    ctx = context(request, the)
    data = []
    start, end, offset = (number - 1) * limit, number * limit, 0
    for (kind, queryset), count in zip(querysets, counts, strict=True):
        low, high = max(start - offset, 0), min(end - offset, count)
        offset += count
        if low >= high:
            continue
        objects = list(queryset[low:high])
        hidden = (
            set(
                queryset.exclude(kind.live)
                .filter(pk__in=[o.pk for o in objects])
                .values_list("pk", flat=True)
            )
            if "modified_since" in filters
            else set()
        )
        data += [render_object(obj, kind, ctx, obj.pk in hidden) for obj in objects]

    params = {
        name: request.GET[name] for name in (*FILTERS, "omit_internal") if name in request.GET
    }
    if "limit" in request.GET:
        params["limit"] = limit

    def link(page_number: int) -> str:
        return request.build_absolute_uri(
            request.path + "?" + urlencode({**params, "page": page_number})
        )

    links = {"first": link(1), "last": link(pages), "self": link(number)}
    if number > 1:
        links["prev"] = link(number - 1)
    if number < pages:
        links["next"] = link(number + 1)
    page = {
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": limit,
            "currentPage": number,
            "totalPages": pages,
        },
        "links": links,
    }
    return json_response(request, page)


@oparl_view
def object_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    obj = spec.queryset().filter(pk=pk).first()
    if obj is None:
        raise Http404
    hidden = not spec.queryset().filter(spec.live, pk=pk).exists()
    ctx = context(request)
    return json_response(request, render_object(obj, spec, ctx, hidden), last_modified=obj.modified)


@oparl_view
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _files().filter(Q(deleted=False), pk=pk).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.mime_type,
        as_attachment=False,
        filename=attachment.file.name.rsplit("/", 1)[-1],
    )
    response["ETag"] = f'"{attachment.sha512[:32]}"'
    return response


@login_not_required
def help_page(request: HttpRequest) -> HttpResponse:
    system_url = request.build_absolute_uri("/oparl/v1/system")
    return render(request, "ratsportal/oparl.html", {"system_url": system_url})
