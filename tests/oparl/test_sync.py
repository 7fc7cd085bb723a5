"""§2.7 and §2.8: a client that mirrors the API and then syncs only with modified_since ends
with exactly the objects a fresh full crawl finds, after edits, deletions, unpublishing, a new
agenda result, a replaced file and a person leaving a body."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

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
from requests_app.models import AnswerReport, Consultation, Motion

BASE = "http://testserver"
LISTS = (
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
)


class Mirror:
    """A minimal OParl client: full crawl, then incremental syncs."""

    def __init__(self, client):
        self.client = client
        self.objects: dict[str, dict] = {}
        self.requests = 0

    def get(self, url: str, **params) -> dict:
        response = self.client.get(url.removeprefix(BASE), params)
        self.requests += 1
        assert response.status_code == 200, (url, response.content[:300])
        return response.json()

    def pages(self, url: str, **params):
        page = self.get(url, **params)
        while True:
            yield from page["data"]
            if "next" not in page["links"]:
                return
            page = self.get(page["links"]["next"])

    def list_urls(self, params: dict) -> list[str]:
        system = self.get(f"{BASE}/oparl/v1/system")
        urls = [system["body"]]
        for body in self.pages(system["body"], **params):
            if not body.get("deleted"):
                urls += [body[name] for name in LISTS]
        return urls

    def crawl(self) -> dict[str, dict]:
        self.objects = {}
        for url in self.list_urls({"limit": 7}):
            for obj in self.pages(url, limit=7):
                assert not obj.get("deleted"), "a deleted object without modified_since"
                self.objects[obj["id"]] = obj
        return self.objects

    def sync(self, since: str) -> set[str]:
        """Apply every change since `since`; returns the ids it touched."""
        touched = set()
        params = {"modified_since": since, "limit": 7}
        system = self.get(f"{BASE}/oparl/v1/system")
        for body in self.pages(system["body"], **params):
            self._apply(body, touched)
        bodies = [obj for obj in self.objects.values() if obj["type"].endswith("/Body")]
        for body in bodies:
            for name in LISTS:
                for obj in self.pages(body[name], **params):
                    self._apply(obj, touched)
        return touched

    def _apply(self, obj: dict, touched: set[str]) -> None:
        touched.add(obj["id"])
        if obj.get("deleted"):
            self.objects.pop(obj["id"], None)
        else:
            self.objects[obj["id"]] = obj


def make_file(meeting: Meeting, name: str) -> Attachment:
    attachment = Attachment(
        name=name, mime_type="application/pdf", size=9, sha512="c" * 128, public=True
    )
    attachment.file.save(f"{name.lower()}.pdf", ContentFile(b"%PDF-1.4 "), save=True)
    meeting.attachments.add(attachment)
    return attachment


def scripted_changes(demo: dict) -> None:
    """What happens in a council's week, each through a normal save (auto_now `modified`)."""
    meeting, item, attachment = demo["meeting"], demo["item"], demo["attachment"]
    # edits
    faction = Organization.objects.filter(kind=Organization.Kind.FACTION).order_by("pk").first()
    faction.name += " (umbenannt)"
    faction.save()
    location = meeting.location
    location.room = "Saal 2"
    location.save()
    # a new agenda result
    item.result = "zur Kenntnis genommen"
    item.save()
    # deletions
    AgendaItem.objects.get(meeting=meeting, number="2").soft_delete()
    Membership.objects.filter(person__public=True).order_by("-pk").first().soft_delete()
    # a file replaced by a new one
    attachment.soft_delete()
    make_file(meeting, "Einladung-neu")
    # a motion returned to its faction (unpublished)
    returned = Motion.objects.published().filter(reports__isnull=True).order_by("pk").first()
    returned.status = Motion.Status.RETURNED
    returned.save()
    # a person leaves a body; another is no longer public
    leaving = Membership.objects.filter(person__public=True, end_date__isnull=True).first()
    leaving.end_date = timezone.localdate()
    leaving.save()
    hidden = Person.objects.filter(public=True).exclude(pk=leaving.person_id).last()
    hidden.public = False
    hidden.save()
    # another meeting made non-public; a new consultation for a motion
    other = Meeting.objects.public().exclude(pk=meeting.pk).filter(agenda_items__isnull=False)
    other = other.order_by("pk").first()
    other.public = False
    other.save()
    new_item = AgendaItem.objects.create(meeting=meeting, order=3, number="3", title="Neu")
    motion = Motion.objects.published().order_by("-pk").first()
    Consultation.objects.create(motion=motion, agenda_item=new_item)
    # a location no meeting needs any more is deleted
    Location.objects.create(description="Ausweichquartier").soft_delete()


def age_everything() -> None:
    """Every row last changed an hour ago: only what the script changes is newer than the
    checkpoint, so a change that does not reach its parents' `modified` is missed."""
    past = timezone.now() - timedelta(hours=1)
    for model in (
        *(Organization, Person, Membership, Meeting, AgendaItem, Attachment, Location),
        *(LegislativeTerm, Body, Motion, AnswerReport, Consultation),
    ):
        model.all_objects.update(modified=past)


@pytest.mark.django_db
def test_2_8_incremental_sync_ends_with_exactly_what_a_full_crawl_finds(client, demo_data):
    age_everything()
    mirror = Mirror(client)
    before = dict(mirror.crawl())
    assert len(before) > 50
    checkpoint = timezone.now().replace(microsecond=0)

    scripted_changes(demo_data)

    touched = mirror.sync(checkpoint.isoformat())
    fresh = Mirror(client).crawl()
    assert mirror.objects.keys() == fresh.keys()
    differing = [key for key in fresh if fresh[key] != mirror.objects[key]]
    assert not differing, differing[:10]
    # The sync did work: it removed and changed objects, and it did not re-read everything.
    assert before.keys() - fresh.keys(), "nothing was deleted"
    assert any(before[key] != fresh[key] for key in before.keys() & fresh.keys())
    assert len(touched) < len(fresh)


@pytest.mark.django_db
def test_2_8_a_sync_with_nothing_changed_is_empty(client, demo_data):
    age_everything()
    mirror = Mirror(client)
    mirror.crawl()
    later = (timezone.now() + timedelta(seconds=2)).replace(microsecond=0)
    assert mirror.sync(later.isoformat()) == set()
