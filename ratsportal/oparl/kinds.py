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

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
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

    def rows(self) -> QuerySet:
        """The queryset with the shown `modified` as `oparl_modified`."""
        expression = self.modified() if self.modified else F("modified")
        return self.queryset().annotate(oparl_modified=expression)


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


def _item_consultations() -> Prefetch:
    """Every consultation of an item, deleted ones too: their timestamps count (§2.8)."""
    return Prefetch(
        "consultations",
        queryset=Consultation.all_objects.select_related("motion").order_by("pk"),
        to_attr="all_consultations",
    )


def _item_modified():
    consultations = Consultation.all_objects.filter(agenda_item=OuterRef("pk"))
    return latest(
        F("meeting__modified"), newest(consultations), newest(consultations, "motion__modified")
    )


def _meetings() -> QuerySet:
    return Meeting.all_objects.select_related("location", "organization__parent").prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.order_by("order", "pk").prefetch_related(
                _item_consultations()
            ),
        ),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.public().order_by("pk"),
            to_attr="public_attachments",
        ),
        Prefetch(
            "public_attachments__meetings",
            queryset=Meeting.all_objects.order_by("pk").only("pk", "modified"),
            to_attr="all_meetings",
        ),
    )


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
    return Attachment.all_objects.filter(
        Exists(_Link.objects.filter(attachment=OuterRef("pk")))
    ).prefetch_related(
        Prefetch(
            "meetings",
            queryset=Meeting.all_objects.order_by("pk").only("pk", "modified", "public", "deleted"),
            to_attr="all_meetings",
        )
    )


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
        ),
        Kind(
            "agendaItem",
            "AgendaItem",
            "agendaItem",
            lambda: AgendaItem.all_objects.select_related("meeting").prefetch_related(
                _item_consultations()
            ),
            lambda: Q(deleted=False, meeting__deleted=False, meeting__public=True),
            s.serialize_agenda_item,
            _item_modified,
            stub=lambda item, ctx: {"order": item.order},
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
