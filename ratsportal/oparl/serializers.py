"""OParl 1.1 objects from the portal's models.

Every serializer returns a plain dict; `clean()` drops empty values, because OParl wants absent
properties rather than null or "". URLs are absolute and built by `Context` from the configured
PORTAL_BASE_URL, never from the request's Host header: an object has one id (spec §2.3).

Embedded objects leave out their back-reference to the object they are embedded in (the spec
sends `meeting`, `person`, `paper` only on objects fetched on their own).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from portal.models import (
    Attachment,
    Body,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
)

OPARL_VERSION = "https://schema.oparl.org/1.1/"
LICENSE = "https://www.govdata.de/dl-de/by-2-0"
VENDOR = "https://github.com/ratsportal-praevention"
PRODUCT = "https://github.com/ratsportal-praevention/ratsportal"
# Reference data of the body that the portal's models do not hold (yet): the city's Wikidata
# item, and where the council sits (a Location of the portal found by its address).
BODY_EQUIVALENT = ["https://www.wikidata.org/wiki/Q2795"]
BODY_CONTACT = {"contactName": "Ratsbüro der Stadt Chemnitz"}
BODY_SEAT = {"street_address": "Markt 1", "postal_code": "09111"}


def type_url(name: str) -> str:
    return f"{OPARL_VERSION}{name}"


def iso_datetime(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, tz).isoformat(timespec="seconds")


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def clean(data: dict) -> dict:
    """Leave out None, empty strings and empty lists (OParl: empty values are not sent)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


class Row(SimpleNamespace):
    """The columns of one row that a serializer reads, from `values()`: list pages serialise
    thousands of objects and need no model instances for that (issue 20)."""


# A pk (and slug) no object has, put in a URL once and replaced by the real ones (Context).
_PLACEHOLDER = 918273645546372819
# Values that reverse() would put into a URL unquoted.
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")


@dataclass
class Context:
    """Builds absolute URLs for one request; `omit_internal` leaves embedded objects out."""

    absolute: Callable[[str], str]
    omit_internal: bool = False
    extra: dict = field(default_factory=dict)
    tz: tzinfo = field(default_factory=timezone.get_current_timezone)
    _url_templates: dict = field(default_factory=dict, repr=False)

    def _filled(self, key, value, build: Callable[[object], str]) -> str:
        # One reverse() per URL name and request, then the value put in: a list page names
        # thousands of objects, and reverse() was a fifth of its serialising time (issue 20).
        template = self._url_templates.get(key)
        if template is None:
            template = self._url_templates[key] = build(_PLACEHOLDER).split(str(_PLACEHOLDER))
        return str(value).join(template)

    def object_url(self, kind: str, pk: int | None) -> str | None:
        if pk is None:
            return None
        if kind == "body":
            return self.path_url("oparl:body", "pk", pk)

        def build(value) -> str:
            return self.absolute(reverse("oparl:object", kwargs={"kind": kind, "pk": value}))

        return self._filled(kind, pk, build)

    def path_url(self, name: str, key: str, value: int | str) -> str:
        """`absolute(reverse(name, kwargs={key: value}))` for a pk or a slug."""
        if isinstance(value, str) and not _PLAIN.fullmatch(value):
            return self.absolute(reverse(name, kwargs={key: value}))  # would be quoted
        return self._filled(
            (name, key), value, lambda v: self.absolute(reverse(name, kwargs={key: v}))
        )

    def datetime(self, value: datetime | None) -> str | None:
        return iso_datetime(value, self.tz)

    def local_date(self, value: datetime) -> str:
        return timezone.localdate(value, self.tz).isoformat()

    def list_url(self, body: Body, list_name: str) -> str:
        return self.absolute(
            reverse("oparl:list", kwargs={"body": body.pk, "list_name": list_name})
        )

    def url(self, path: str | None) -> str | None:
        return self.absolute(path) if path else None


def shown_modified(obj) -> datetime:
    """The `modified` a client sees: computed with the embedded objects' (kinds.py), or set by
    the object this one is embedded in, or else the row's own."""
    return getattr(obj, "oparl_modified", None) or obj.modified


def common(obj, kind: str, type_name: str, ctx: Context) -> dict:
    return {
        "id": ctx.object_url(kind, obj.pk),
        "type": type_url(type_name),
        "created": ctx.datetime(obj.created),
        "modified": ctx.datetime(shown_modified(obj)),
    }


def deleted_stub(obj, kind: str, type_name: str, ctx: Context, extra: dict | None = None) -> dict:
    """A deleted or unpublished object: id, type, timestamps, `deleted: true` and what the
    schema requires (AgendaItem `order`, File `accessUrl`), never any content."""
    return {**common(obj, kind, type_name, ctx), **(extra or {}), "deleted": True}


def embed(child, *parents) -> object:
    """Give an embedded object the latest `modified` of itself and the objects it depends on,
    the same value kinds.py computes for it in the database."""
    child.oparl_modified = max([child.modified, *(p.modified for p in parents if p is not None)])
    return child


def file_url(ctx: Context, name: str, obj) -> str:
    return ctx.path_url(f"oparl:{name}", "pk", obj.pk)


def attachment_file_name(attachment: Attachment | Row) -> str:
    # str(): the name of a model's FieldFile, or the column itself in a Row.
    return str(attachment.file).rsplit("/", 1)[-1]


def serialize_system(ctx: Context, body: Body) -> dict:
    return clean(
        {
            "id": ctx.absolute(reverse("oparl:system")),
            "type": type_url("System"),
            "oparlVersion": OPARL_VERSION,
            # The portal speaks only OParl 1.1: there is no system of another version to name.
            "otherOparlVersions": [],
            "name": "Ratsportal Prävention",
            "body": ctx.absolute(reverse("oparl:bodies")),
            "website": ctx.absolute(reverse("ratsportal:home")),
            "vendor": VENDOR,
            "product": PRODUCT,
            "license": LICENSE,
            "created": iso_datetime(body.created),
            "modified": iso_datetime(shown_modified(body)),
            "web": ctx.absolute(reverse("oparl:help")),
        }
    )


def serialize_body(body: Body, ctx: Context) -> dict:
    seat = ctx.extra.get("body_seat", lambda: None)()
    data = {
        **common(body, "body", "Body", ctx),
        "system": ctx.absolute(reverse("oparl:system")),
        "name": body.name,
        "shortName": body.short_name,
        "website": body.website,
        "license": body.license,
        "ags": body.ags,
        "classification": "Kreisfreie Stadt",
        "equivalent": BODY_EQUIVALENT,
        **BODY_CONTACT,
        "location": serialize_location(seat, ctx) if seat is not None else None,
        "web": ctx.absolute(reverse("ratsportal:home")),
        "legislativeTerm": [
            serialize_legislative_term(term, ctx, embedded=True)
            for term in ctx.extra.get("terms", list)()
        ],
    }
    for list_name in LIST_NAMES:
        data[list_name] = ctx.list_url(body, list_name)
    data.update(ctx.extra.get("body_vendor", {}))
    return clean(data)


def serialize_legislative_term(term: LegislativeTerm, ctx: Context, embedded: bool = False) -> dict:
    return clean(
        {
            **common(term, "legislativeTerm", "LegislativeTerm", ctx),
            "body": None if embedded else ctx.extra.get("body_url"),
            "name": term.name,
            "startDate": iso_date(term.start_date),
            "endDate": iso_date(term.end_date),
        }
    )


ORGANIZATION_TYPES = {
    Organization.Kind.COUNCIL: "Gremium",
    Organization.Kind.COMMITTEE: "Gremium",
    Organization.Kind.FACTION: "Fraktion",
    Organization.Kind.DEPARTMENT: "Verwaltungsbereich",
    Organization.Kind.PREVENTION_COUNCIL: "Gremium",
    Organization.Kind.WORKING_GROUP: "Gremium",
    Organization.Kind.EXTERNAL: "externes Gremium",
}


def serialize_organization(org: Organization, ctx: Context) -> dict:
    return clean(
        {
            **common(org, "organization", "Organization", ctx),
            "body": ctx.extra.get("body_url"),
            "name": org.name,
            "shortName": org.short_name,
            "organizationType": ORGANIZATION_TYPES.get(org.kind, "sonstiges"),
            "classification": str(org.get_kind_display()),
            "subOrganizationOf": ctx.object_url("organization", org.parent_id),
            "startDate": iso_date(org.start_date),
            "endDate": iso_date(org.end_date),
            "website": org.website,
            "web": ctx.extra.get("organization_web", lambda org: None)(org),
        }
    )


def serialize_person(person: Person, ctx: Context) -> dict:
    # Only public office holders are exposed, and only name and role: no contact data.
    # Current and past memberships are embedded (spec 1.1; 1.0 clients read only these).
    return clean(
        {
            **common(person, "person", "Person", ctx),
            "body": ctx.extra.get("body_url"),
            "name": person.name,
            "familyName": person.family_name,
            "givenName": person.given_name,
            "formOfAddress": person.form_of_address,
            "title": [person.title] if person.title else [],
            "web": ctx.extra.get("person_web", lambda person: None)(person),
            "membership": [
                serialize_membership(embed(m, person, m.organization), ctx, embedded=True)
                for m in getattr(person, "live_memberships", [])
            ],
        }
    )


def serialize_membership(membership: Membership, ctx: Context, embedded: bool = False) -> dict:
    return clean(
        {
            **common(membership, "membership", "Membership", ctx),
            "person": None if embedded else ctx.object_url("person", membership.person_id),
            "organization": ctx.object_url("organization", membership.organization_id),
            "role": membership.role_title or str(membership.get_role_display()),
            "votingRight": membership.voting_right,
            "onBehalfOf": ctx.object_url("organization", membership.on_behalf_of_id),
            "startDate": iso_date(membership.start_date),
            "endDate": iso_date(membership.end_date),
        }
    )


def serialize_location(location: Location | Row, ctx: Context) -> dict:
    return clean(
        {
            **common(location, "location", "Location", ctx),
            "description": location.description,
            "streetAddress": location.street_address,
            "postalCode": location.postal_code,
            "locality": location.locality,
            "room": location.room,
            "geojson": location.geojson,
        }
    )


def serialize_file(attachment: Row, ctx: Context, embedded: bool = False) -> dict:
    meetings = getattr(attachment, "all_meetings", [])
    return clean(
        {
            **common(attachment, "file", "File", ctx),
            "name": attachment.name,
            "fileName": attachment_file_name(attachment),
            "mimeType": attachment.mime_type,
            "date": ctx.local_date(attachment.created),
            "size": attachment.size,
            "sha512Checksum": attachment.sha512,
            "text": attachment.text,
            "accessUrl": file_url(ctx, "file_access", attachment),
            "downloadUrl": file_url(ctx, "file_download", attachment),
            "license": LICENSE,
            "meeting": []
            if embedded
            else [ctx.object_url("meeting", m.pk) for m in meetings if m.public and not m.deleted],
        }
    )


def item_consultations(item: Row) -> list:
    """The item's consultations, deleted ones included (loaded in kinds.py)."""
    return getattr(item, "all_consultations", [])


def serialize_agenda_item(item: Row, ctx: Context, embedded: bool = False) -> dict:
    data = {
        **common(item, "agendaItem", "AgendaItem", ctx),
        "meeting": None if embedded else ctx.object_url("meeting", item.meeting_id),
        "number": item.number,
        "order": item.order,
        "public": item.public,
    }
    if item.public:
        shown = [c for c in item_consultations(item) if c.shown]
        data |= {
            "name": item.title,
            "consultation": ctx.object_url("consultation", shown[0].pk) if shown else None,
            "result": item.result,
            "resolutionText": item.resolution_text,
        }
    else:
        # A non-public item only says that a non-public part took place.
        data["name"] = "Nichtöffentlicher Tagesordnungspunkt"
    return clean(data)


MEETING_STATES = {
    Meeting.State.PLANNED: "terminiert",
    Meeting.State.INVITED: "eingeladen",
    Meeting.State.HELD: "durchgeführt",
    Meeting.State.CANCELLED: "abgesagt",
}


def serialize_meeting(meeting: Row, ctx: Context) -> dict:
    data = {
        **common(meeting, "meeting", "Meeting", ctx),
        "name": meeting.name,
        "meetingState": MEETING_STATES.get(meeting.state),
        "cancelled": meeting.state == Meeting.State.CANCELLED or None,
        "start": ctx.datetime(meeting.start),
        "end": ctx.datetime(meeting.end),
        "organization": [ctx.object_url("organization", meeting.organization_id)],
        "web": ctx.extra.get("meeting_web", lambda meeting: None)(meeting),
    }
    # The location is one small object: omit_internal keeps it (only lists are left out).
    if meeting.location is not None and not meeting.location.deleted:
        data["location"] = serialize_location(meeting.location, ctx)
    if not ctx.omit_internal:
        data["agendaItem"] = [
            serialize_agenda_item(
                embed(
                    item,
                    meeting,
                    *item_consultations(item),
                    *(c.motion for c in item_consultations(item)),
                ),
                ctx,
                embedded=True,
            )
            for item in meeting.agenda_items
        ]
        data["auxiliaryFile"] = [
            serialize_file(embed(attachment, *attachment.all_meetings), ctx, embedded=True)
            for attachment in meeting.public_attachments
        ]
    return clean(data)


# Body properties that point to external lists, in the order OParl lists them.
LIST_NAMES = [
    "organization",
    "person",
    "meeting",
    "paper",
    "membership",
    "agendaItem",
    "consultation",
    "file",
    "locationList",
    "legislativeTermList",
]
