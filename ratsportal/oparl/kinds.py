"""What the OParl API publishes: each object type, where its rows come from, which rows are
shown in full ("live"), and the `modified` it shows.

Spec §2.8: when an embedded object changes, the `modified` of every object it is embedded in
changes too. The shown (and filtered) `modified` is therefore computed in the database as the
latest of the row's own and its embedded objects' timestamps, deleted ones included, so that
`modified_since` filters on exactly the value a client reads and lists stay one query per kind.

A row of the kind's queryset that is not live (soft-deleted, made non-public, returned, ...) is
a deletion stub (`deleted: true`). Nothing records when a row stopped being public, so a stub's
`modified` is the row's (computed) `modified`, which the save that unpublished it moved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Lookup,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest

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
from requests_app.models import Motion
from requests_app.models.sessions import Consultation  # ratsportal is the top floor


@dataclass(frozen=True)
class Kind:
    """One OParl object type: where its objects come from and how they are shown."""

    name: str  # URL segment, e.g. "agendaItem"
    type_name: str  # OParl type, e.g. "AgendaItem"
    list_name: str  # property of Body that links to the list
    queryset: Callable[[], QuerySet]  # everything ever published, deleted ones included
    live: Callable[[], Q]  # the part that is shown in full (not deleted, not withdrawn)
    serialize: Callable
    modified: Callable[[], object] | None = None  # the shown `modified` (default: the row's)
    stub: Callable | None = None  # properties a deletion stub needs besides id/type/dates
    # The objects the serializer gets from a slice of `rows()`: model instances, or Rows with
    # only the columns it reads and their related data loaded in bulk (serializers.Row).
    load: Callable[[QuerySet], list] = list

    def rows(self) -> QuerySet:
        """The queryset with the shown `modified` as `oparl_modified`."""
        expression = self.modified() if self.modified else F("modified")
        return self.queryset().annotate(oparl_modified=expression)


class OneOf(Lookup):
    """`field IN (…)` with the values of a page as one array parameter on PostgreSQL
    (`= ANY(%s)`): a hundred placeholders cost more to build and send than the query runs."""

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", (*params, *self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)


def one_of(field: str, values: Iterable[int | None]) -> OneOf:
    """A filter: `field` is one of the (non-null) values."""
    return OneOf(F(field), sorted({value for value in values if value is not None}))


def rows(queryset: QuerySet, *fields: str, **lookups) -> list[s.Row]:
    """The queryset's rows with `fields` (and `lookups` under their keys) as attributes."""
    names = [*fields, *lookups]
    return [
        s.Row(**dict(zip(names, values, strict=True)))
        for values in queryset.values_list(*fields, *lookups.values())
    ]


def grouped(pairs: Iterable[tuple]) -> defaultdict[object, list]:
    """{key: [values in the order given]} from (key, value) pairs."""
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def latest(*parts) -> Greatest:
    """The latest of the row's `modified` and `parts` (NULL parts are skipped on every DB)."""
    return Greatest(F("modified"), *(Coalesce(part, F("modified")) for part in parts))


def newest(queryset: QuerySet, field: str = "modified") -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


# --- persons and memberships --------------------------------------------------------------


def membership_live(prefix: str = "") -> Q:
    """A membership is shown when it, its public person and its organization are alive; one
    without a person (an organization delegated to another) is no OParl Membership."""
    return Q(
        **{
            f"{prefix}deleted": False,
            f"{prefix}person__isnull": False,
            f"{prefix}person__public": True,
            f"{prefix}person__deleted": False,
            f"{prefix}organization__deleted": False,
        }
    )


def _persons() -> QuerySet:
    return Person.all_objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.all_objects.filter(membership_live())
            .select_related("organization")
            .order_by("pk"),
            to_attr="live_memberships",
        )
    )


def _person_modified():
    return latest(
        newest(Membership.all_objects.filter(person=OuterRef("pk"))),
        newest(Organization.all_objects.filter(memberships__person=OuterRef("pk"))),
    )


# --- meetings, agenda items, files --------------------------------------------------------


ITEM_COLUMNS = (
    *("pk", "created", "modified", "meeting_id", "number", "order", "public", "title"),
    *("result", "resolution_text"),
)


def motion_live(prefix: str = "") -> Q:
    """A motion is public (in OParl a Paper) when it is submitted, not deleted or confidential,
    and in a public status; `prefix` reaches it through a relation."""
    return Q(
        **{
            f"{prefix}deleted": False,
            f"{prefix}status__in": Motion.PUBLIC_STATUSES,
            f"{prefix}submitted_at__isnull": False,
            f"{prefix}confidential": False,
        }
    )


def _with_consultations(items: list[s.Row]) -> list[s.Row]:
    """Every consultation of the items, deleted ones too: their timestamps count (§2.8); `shown`
    says whether it is public (itself and its motion)."""
    if not items:
        return items
    consultations = (
        Consultation.all_objects.filter(one_of("agenda_item_id", (item.pk for item in items)))
        .annotate(
            shown=ExpressionWrapper(
                Q(deleted=False) & motion_live("motion__"), output_field=BooleanField()
            )
        )
        .order_by("pk")
    )
    by_item = grouped(
        (row.agenda_item_id, row)
        for row in rows(
            consultations, "pk", "modified", "agenda_item_id", "shown", "motion__modified"
        )
    )
    for item in items:
        item.all_consultations = by_item[item.pk]
        for consultation in item.all_consultations:
            consultation.motion = s.Row(modified=consultation.motion__modified)
    return items


def _load_items(queryset: QuerySet) -> list[s.Row]:
    return _with_consultations(rows(queryset, *ITEM_COLUMNS, "oparl_modified"))


def _item_modified():
    consultations = Consultation.all_objects.filter(agenda_item=OuterRef("pk"))
    return latest(
        F("meeting__modified"), newest(consultations), newest(consultations, "motion__modified")
    )


def _meetings() -> QuerySet:
    return Meeting.all_objects.all()


LOCATION_COLUMNS = (
    *("pk", "created", "modified", "deleted", "description", "street_address", "postal_code"),
    *("locality", "room", "geojson"),
)
FILE_COLUMNS = (
    *("pk", "created", "modified", "name", "file", "mime_type", "size", "sha512", "text"),
)


def _load_meetings(queryset: QuerySet) -> list[s.Row]:
    """Meetings with their location, agenda items (with their consultations) and public files
    (with all their meetings): one query each for the whole page."""
    meetings = rows(
        queryset,
        *("pk", "created", "modified", "oparl_modified", "name", "state", "start", "end"),
        *("organization_id", "location_id"),
        organization_kind="organization__kind",
        parent_kind="organization__parent__kind",
    )
    pks = [meeting.pk for meeting in meetings]
    if not pks:
        return meetings
    locations = {
        location.pk: location
        for location in rows(
            Location.all_objects.filter(one_of("pk", (m.location_id for m in meetings))),
            *LOCATION_COLUMNS,
        )
    }
    items = AgendaItem.objects.filter(one_of("meeting_id", pks)).order_by("order", "pk")
    items = _with_consultations(rows(items, *ITEM_COLUMNS))
    links = _Link.objects.filter(
        one_of("meeting_id", pks), attachment__deleted=False, attachment__public=True
    ).order_by("attachment_id")
    files = rows(
        links, meeting_pk="meeting_id", **{name: f"attachment__{name}" for name in FILE_COLUMNS}
    )
    _with_meetings(files)
    items_by_meeting = grouped((item.meeting_id, item) for item in items)
    files_by_meeting = grouped((file.meeting_pk, file) for file in files)
    for meeting in meetings:
        meeting.location = locations.get(meeting.location_id)
        meeting.agenda_items = items_by_meeting[meeting.pk]
        meeting.public_attachments = files_by_meeting[meeting.pk]
    return meetings


def _meeting_modified():
    consultations = Consultation.all_objects.filter(agenda_item__meeting=OuterRef("pk"))
    return latest(
        F("location__modified"),
        newest(consultations),
        newest(consultations, "motion__modified"),
        newest(AgendaItem.all_objects.filter(meeting=OuterRef("pk"))),
        newest(Attachment.all_objects.filter(meetings=OuterRef("pk"))),
    )


_Link = Meeting.attachments.through


def _files() -> QuerySet:
    return Attachment.all_objects.filter(Exists(_Link.objects.filter(attachment=OuterRef("pk"))))


def _with_meetings(files: list[s.Row]) -> list[s.Row]:
    """Every meeting of the files (deleted ones too: their timestamps count, §2.8)."""
    if not files:
        return files
    links = _Link.objects.filter(one_of("attachment_id", (file.pk for file in files))).order_by(
        "meeting_id"
    )
    by_file = grouped(
        (row.file_pk, row)
        for row in rows(
            links,
            file_pk="attachment_id",
            pk="meeting_id",
            modified="meeting__modified",
            public="meeting__public",
            deleted="meeting__deleted",
        )
    )
    for file in files:
        file.all_meetings = by_file[file.pk]
    return files


def _load_files(queryset: QuerySet) -> list[s.Row]:
    return _with_meetings(rows(queryset, *FILE_COLUMNS, "oparl_modified"))


def _file_live() -> Q:
    public_link = _Link.objects.filter(
        attachment=OuterRef("pk"), meeting__public=True, meeting__deleted=False
    )
    return Q(deleted=False, public=True) & Q(Exists(public_link))


def _file_modified():
    return latest(newest(Meeting.all_objects.filter(attachments=OuterRef("pk"))))


def _body_modified():
    # The body embeds its legislative terms and its seat (serializers.BODY_SEAT).
    return latest(
        newest(LegislativeTerm.all_objects.all()),
        newest(Location.all_objects.filter(**s.BODY_SEAT)),
    )


BODY = Kind(
    "body",
    "Body",
    "",
    lambda: Body.all_objects.all(),
    lambda: Q(deleted=False),
    s.serialize_body,
    _body_modified,
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind(
            "organization",
            "Organization",
            "organization",
            lambda: Organization.all_objects.all(),
            lambda: Q(deleted=False),
            s.serialize_organization,
        ),
        Kind(
            "person",
            "Person",
            "person",
            _persons,
            lambda: Q(deleted=False, public=True),
            s.serialize_person,
            _person_modified,
        ),
        Kind(
            "membership",
            "Membership",
            "membership",
            lambda: Membership.all_objects.select_related("organization", "person"),
            membership_live,
            s.serialize_membership,
            lambda: latest(F("person__modified"), F("organization__modified")),
        ),
        Kind(
            "meeting",
            "Meeting",
            "meeting",
            _meetings,
            lambda: Q(deleted=False, public=True),
            s.serialize_meeting,
            _meeting_modified,
            load=_load_meetings,
        ),
        Kind(
            "agendaItem",
            "AgendaItem",
            "agendaItem",
            lambda: AgendaItem.all_objects.all(),
            lambda: Q(deleted=False, meeting__deleted=False, meeting__public=True),
            s.serialize_agenda_item,
            _item_modified,
            stub=lambda item, ctx: {"order": item.order},
            load=_load_items,
        ),
        Kind(
            "file",
            "File",
            "file",
            _files,
            _file_live,
            s.serialize_file,
            _file_modified,
            stub=lambda attachment, ctx: {"accessUrl": s.file_url(ctx, "file_access", attachment)},
            load=_load_files,
        ),
        Kind(
            "location",
            "Location",
            "locationList",
            lambda: Location.all_objects.all(),
            lambda: Q(deleted=False),
            s.serialize_location,
        ),
        Kind(
            "legislativeTerm",
            "LegislativeTerm",
            "legislativeTermList",
            lambda: LegislativeTerm.all_objects.all(),
            lambda: Q(deleted=False),
            s.serialize_legislative_term,
        ),
    ]
}


def register_kind(kind: Kind) -> None:
    """Papers and consultations join the API through here (ratsportal/oparl/papers.py)."""
    KINDS[kind.name] = kind
