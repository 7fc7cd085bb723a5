"""The OParl 1.1 API: System, Body and the Body's lists, plus single objects by URL.

Lists paginate in pk order (stable), accept created_since/until and modified_since/until
(carried into every link) and omit_internal. Deleted or unpublished objects appear as stubs with
`deleted: true`, in lists only when modified_since is given. Ids are built from PORTAL_BASE_URL;
a non-canonical URL (`paper/01`) redirects to the canonical one. Every response is UTF-8 JSON
with `Access-Control-Allow-Origin: *`, an ETag and conditional GET; every error under /oparl/
is an OParl error object.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import traceback
from datetime import UTC, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from portal import pagecache
from portal.models import LegislativeTerm, Location, Organization
from ratsportal.oparl import serializers as s
from ratsportal.oparl.kinds import BODY, KINDS, Kind
from ratsportal.oparl.serializers import Context
from requests_app.views.sessions_public import organization_slug

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
MARK_STEP = PAGE_SIZE  # a page (at most PAGE_SIZE objects) spans at most two marks
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
ERROR_TYPE = "https://schema.oparl.org/1.1/Error"
NO_BODY = "Es ist noch keine Körperschaft angelegt."


class OParlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def base_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    return base_url() + path


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


def error_response(
    request: HttpRequest, status: int, message: str, debug: dict | None = None
) -> HttpResponse:
    data = {"type": ERROR_TYPE, "message": message}
    if settings.DEBUG:
        data["debug"] = {"status": status, "path": request.get_full_path(), **(debug or {})}
    return json_response(request, data, status=status)


def _canonical_redirect(request: HttpRequest) -> HttpResponse | None:
    """`paper/01` and the like: 301 to the one URL that is the object's id."""
    match = request.resolver_match
    if match is None or match.url_name == "not_found":
        return None
    try:
        canonical = reverse(f"oparl:{match.url_name}", kwargs=match.kwargs)
    except NoReverseMatch:
        return None
    if canonical == request.path:
        return None
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(absolute(canonical) + (f"?{query}" if query else ""))


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
                response = _canonical_redirect(request) or view(request, *args, **kwargs)
            except OParlError as error:
                response = error_response(request, error.status, error.message)
            except Http404:
                response = error_response(request, 404, "Dieses Objekt gibt es nicht.")
            except Exception as error:  # an OParl client must get JSON even from a bug
                logger.exception("OParl request failed: %s", request.path)
                response = error_response(
                    request,
                    500,
                    "Interner Fehler der OParl-Schnittstelle.",
                    {"exception": repr(error), "traceback": traceback.format_exc()},
                )
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response

    wrapper.csrf_exempt = True
    return wrapper


def context(body_pk: int | None = None) -> Context:
    body_pk = body_pk or the_body_pk()
    ctx = Context(absolute=absolute)
    ctx.extra["body_url"] = ctx.object_url("body", body_pk)
    # Crime indicators are not part of OParl: a vendor-prefixed link to the open-data pages.
    ctx.extra["body_vendor"] = {
        "chemnitz:indicators": absolute(reverse("prevention:indicator_list"))
    }
    # The HTML page of each object, where there is one (OParl `web`).
    ctx.extra["meeting_web"] = lambda meeting: ctx.path_url(
        "prevention:meeting_detail" if _is_council_meeting(meeting) else "sessions:meeting_detail",
        "pk",
        meeting.pk,
    )
    ctx.extra["organization_web"] = _organization_web
    ctx.extra["person_web"] = lambda person: ctx.path_url("sessions:person_detail", "pk", person.pk)
    # What only the Body embeds, read when a Body is shown.
    ctx.extra["terms"] = lambda: list(LegislativeTerm.objects.order_by("start_date", "pk"))
    ctx.extra["body_seat"] = lambda: Location.objects.filter(**s.BODY_SEAT).order_by("pk").first()
    return ctx


def request_context(request: HttpRequest, body_pk: int | None = None) -> Context:
    ctx = context(body_pk)
    ctx.omit_internal = request.GET.get("omit_internal", "").lower() in {"1", "true"}
    return ctx


def _organization_web(organization: Organization) -> str | None:
    kind = organization.kind
    if kind == Organization.Kind.PREVENTION_COUNCIL:
        return absolute(reverse("prevention:council"))
    if kind in (Organization.Kind.COUNCIL, Organization.Kind.COMMITTEE):
        return absolute(reverse("sessions:body_detail", args=[organization_slug(organization)]))
    if kind == Organization.Kind.FACTION:
        return absolute(reverse("sessions:faction_detail", args=[organization_slug(organization)]))
    return None  # departments, working groups, external partners have no page of their own


def _is_council_meeting(meeting: s.Row) -> bool:
    """KPR meetings (and its working groups') have a public HTML page; council sessions not yet."""
    kind = Organization.Kind.PREVENTION_COUNCIL
    return kind in (meeting.organization_kind, meeting.parent_kind)


def the_body():
    body = BODY.rows().filter(BODY.live()).order_by("pk").first()
    if body is None:
        raise OParlError(404, NO_BODY)
    return body


def the_body_pk() -> int:
    """The pk of `the_body()`, without computing its `modified` (lists need only its URL)."""
    pk = BODY.queryset().filter(BODY.live()).order_by("pk").values_list("pk", flat=True).first()
    if pk is None:
        raise OParlError(404, NO_BODY)
    return pk


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
            _whole_seconds(value, up=True)
        except OverflowError:  # 0001-01-01 in Berlin is still year 0 in UTC
            raise OParlError(
                400, f"{name}: „{raw}“ liegt außerhalb der Jahre 1 bis 9999 (UTC)."
            ) from None
        filters[name] = value
    return filters


def _whole_seconds(value: datetime, up: bool) -> datetime:
    floor = value.replace(microsecond=0)
    return floor + timedelta(seconds=1) if up and floor != value else floor


def filtered(kind: Kind, filters: dict[str, datetime], shown: bool = True) -> QuerySet:
    """The kind's rows in a list: live ones, or with modified_since deletion stubs as well.
    `shown=False`: without computing the shown `modified` unless a filter needs it (a count).

    The output shows whole seconds, the database keeps microseconds: the bounds compare what a
    client reads (an object shown with `modified` = modified_until is in the list)."""
    if shown or any(name.startswith("modified") for name in filters):
        queryset = kind.rows()
    else:
        queryset = kind.queryset()
    if "modified_since" not in filters:
        queryset = queryset.filter(kind.live())
    for name, value in filters.items():
        field = "created" if name.startswith("created") else "oparl_modified"
        if name.endswith("_since"):
            queryset = queryset.filter(**{f"{field}__gte": _whole_seconds(value, up=True)})
        else:
            until = _whole_seconds(value, up=False) + timedelta(seconds=1)
            queryset = queryset.filter(**{f"{field}__lt": until})
    return queryset


def render_object(obj, kind: Kind, ctx: Context, hidden: bool) -> dict:
    if hidden:
        extra = kind.stub(obj, ctx) if kind.stub else None
        return s.deleted_stub(obj, kind.name, kind.type_name, ctx, extra)
    return kind.serialize(obj, ctx)


def _page_numbers(request: HttpRequest) -> tuple[int, int]:
    try:
        number = int(request.GET.get("page", "1"))
        limit = min(int(request.GET.get("limit", PAGE_SIZE)), PAGE_SIZE)
    except ValueError:
        raise OParlError(400, "page und limit müssen ganze Zahlen sein.") from None
    if number < 1 or limit < 1:
        raise OParlError(400, "page und limit müssen größer als 0 sein.")
    return number, limit


def _sql(queryset: QuerySet) -> tuple:
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter nothing can match: no query at all
        return ("empty", ())


def _extents(querysets: list[QuerySet]) -> list[tuple[int, list[int]]]:
    """How many rows each queryset has, and every MARK_STEP-th of their pks in pk order; kept
    per data version (like `pagecache.count`, under a hash of the SQL), all in one entry."""
    querysets = [queryset.order_by("pk").values_list("pk", flat=True) for queryset in querysets]
    sql = [_sql(queryset) for queryset in querysets]
    digest = hashlib.sha256(f"{querysets[0].db}|{sql!r}".encode()).hexdigest()

    def compute() -> list[tuple[int, list[int]]]:
        extents = []
        for queryset in querysets:
            pks = list(queryset)
            extents.append((len(pks), pks[::MARK_STEP]))
        return extents

    return pagecache.remember(f"oparl:extent:{digest}", compute)


def _slice(queryset: QuerySet, marks: list[int], low: int, high: int) -> QuerySet:
    """`queryset[low:high]` in pk order, read from the mark before `low`: a late page costs no
    more than the first (no OFFSET over thousands of rows with their computed `modified`)."""
    index, skip = divmod(low, MARK_STEP)
    queryset = queryset.filter(pk__gte=marks[index]).order_by("pk")
    if index + 2 < len(marks):  # the page lies within two steps (high - low <= MARK_STEP)
        queryset = queryset.filter(pk__lt=marks[index + 2])
    return queryset[skip : skip + high - low]


def list_page(request: HttpRequest, kinds: list[Kind], ctx: Context) -> HttpResponse:
    """One page of an external list (spec §2.7), the kinds one after another in pk order: kept
    per version of the data it shows (issue 20), apart per path and parameters read."""
    read = sorted(
        (name, request.GET[name])
        for name in (*FILTERS, "omit_internal", "limit", "page")
        if name in request.GET
    )
    digest = hashlib.sha256(repr((base_url(), request.path, read)).encode()).hexdigest()
    page = pagecache.remember(f"oparl:list:{digest}", lambda: _list_data(request, kinds, ctx))
    return json_response(request, page)


def _list_data(request: HttpRequest, kinds: list[Kind], ctx: Context) -> dict:
    filters = parse_filters(request)
    number, limit = _page_numbers(request)
    extents = _extents([filtered(kind, filters, shown=False) for kind in kinds])
    total = sum(count for count, _marks in extents)
    pages = max(1, math.ceil(total / limit))
    if number > pages:
        raise OParlError(404, f"Seite {number} gibt es nicht; die Liste hat {pages} Seiten.")
    data = []
    start, end, offset = (number - 1) * limit, number * limit, 0
    for kind, (count, marks) in zip(kinds, extents, strict=True):
        low, high = max(start - offset, 0), min(end - offset, count)
        offset += count
        if low >= high:
            continue
        objects = kind.load(_slice(filtered(kind, filters), marks, low, high))
        live = set(
            kind.queryset()
            .filter(kind.live(), pk__in=[o.pk for o in objects])
            .values_list("pk", flat=True)
            if "modified_since" in filters
            else (o.pk for o in objects)
        )
        data += [render_object(obj, kind, ctx, obj.pk not in live) for obj in objects]

    params = {
        name: request.GET[name] for name in (*FILTERS, "omit_internal") if name in request.GET
    }
    if "limit" in request.GET:
        params["limit"] = limit

    def link(page_number: int) -> str:
        return absolute(request.path + "?" + urlencode({**params, "page": page_number}))

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
    return page


@oparl_view
def system(request: HttpRequest) -> HttpResponse:
    body = the_body()
    return json_response(request, s.serialize_system(request_context(request, body.pk), body))


@oparl_view
def bodies(request: HttpRequest) -> HttpResponse:
    return list_page(request, [BODY], request_context(request))


@oparl_view
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, BODY, pk)


@oparl_view
def object_list(request: HttpRequest, body: int, list_name: str) -> HttpResponse:
    body_pk = the_body_pk()
    # A list may hold several kinds (papers: motions, then answer reports), each in pk order.
    kinds = [k for k in KINDS.values() if k.list_name == list_name]
    if body_pk != body or not kinds:
        raise Http404
    return list_page(request, kinds, request_context(request, body_pk))


def _detail(request: HttpRequest, spec: Kind, pk: int) -> HttpResponse:
    obj = next(iter(spec.load(spec.rows().filter(pk=pk)[:1])), None)
    if obj is None:
        raise Http404
    # A deleted or unpublished object answers with its stub (spec §2.8), like in the lists.
    hidden = not spec.queryset().filter(spec.live(), pk=pk).exists()
    ctx = request_context(request)
    modified = s.shown_modified(obj)
    return json_response(request, render_object(obj, spec, ctx, hidden), last_modified=modified)


@oparl_view
def object_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    return _detail(request, spec, pk)


def serve_file(kind_name: str, pk: int, as_attachment: bool) -> HttpResponse:
    """A file's content; 410 once it is deleted or no longer public, 404 if it never was.

    The name in Content-Disposition is the File's `fileName`; the access URL shows the file
    (inline), the download URL saves it (attachment)."""
    kind = KINDS[kind_name]
    obj = kind.queryset().filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not kind.queryset().filter(kind.live(), pk=pk).exists():
        raise OParlError(410, "Diese Datei wurde gelöscht oder ist nicht mehr öffentlich.")
    stored, name, mime_type = FILE_SOURCES[kind_name](obj)
    response = FileResponse(
        stored.open("rb"), as_attachment=as_attachment, filename=name, content_type=mime_type
    )
    return response


FILE_SOURCES = {"file": lambda a: (a.file, s.attachment_file_name(a), a.mime_type)}


@oparl_view
def file_access(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_file("file", pk, as_attachment=False)


@oparl_view
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_file("file", pk, as_attachment=True)


@oparl_view
def report_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_file("reportFile", pk, as_attachment=True)


@oparl_view
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    raise OParlError(404, "Unter dieser Adresse gibt es nichts; Einstieg: /oparl/v1/system")


@login_not_required
def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ratsportal/oparl.html",
        {"system_url": absolute(reverse("oparl:system")), "page_size": PAGE_SIZE},
    )
