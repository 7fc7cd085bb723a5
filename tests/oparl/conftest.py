import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).parent / "schema"
OPARL = "https://schema.oparl.org/1.1/"


def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema)
        # The schemas refer to each other as "Location.json" relative to their $id.
        resources += [(schema["$id"], resource), (schema["$id"] + ".json", resource)]
    return Registry().with_resources(resources)


FORMATS = FormatChecker()


@FORMATS.checks("url")
def _is_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


@FORMATS.checks("date-time")
def _is_datetime(value) -> bool:
    # OParl: date-times with a UTC offset.
    return (
        isinstance(value, str) and "T" in value and datetime.fromisoformat(value).tzinfo is not None
    )


@FORMATS.checks("date")
def _is_date(value) -> bool:
    return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))


@pytest.fixture(scope="session")
def oparl_validator():
    registry = _registry()

    def validator_for(type_url: str) -> Draft7Validator:
        name = type_url.removeprefix(OPARL)
        schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        return Draft7Validator(schema, registry=registry, format_checker=FORMATS)

    return validator_for


@pytest.fixture(autouse=True)
def oparl_base_url(settings):
    """Ids come from PORTAL_BASE_URL (spec §2.3: one id per object); the tests read them as
    the test client's own host."""
    settings.PORTAL_BASE_URL = "http://testserver"


@pytest.fixture
def demo_data(settings, db, django_capture_on_commit_callbacks):
    """The demo (loaddemo) plus a meeting with a public and a non-public item, a consultation
    and a file."""
    from portal.models import AgendaItem, Attachment, Location, Meeting, Organization
    from requests_app.models import Consultation, Motion

    settings.DEBUG = True
    # The demo report's PDF is rendered by a task enqueued on commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddemo", stdout=io.StringIO())
    kpr = Organization.objects.get(short_name="KPR")
    location = Location.objects.first()
    meeting = Meeting.objects.create(
        organization=kpr,
        name="Crawl-Sitzung",
        start=timezone.now(),
        location=location,
        state=Meeting.State.HELD,
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, number="1", title="Öffentlich")
    motion = Motion.objects.published().order_by("pk").first()
    Consultation.objects.create(motion=motion, agenda_item=item, role=Consultation.Role.NOTICE)
    AgendaItem.objects.create(meeting=meeting, order=2, number="2", title="Geheim", public=False)
    attachment = Attachment(
        name="Einladung", mime_type="application/pdf", size=8, sha512="a" * 128, public=True
    )
    attachment.file.save("einladung.pdf", ContentFile(b"%PDF-1.4"), save=True)
    meeting.attachments.add(attachment)
    return {"meeting": meeting, "item": item, "motion": motion, "attachment": attachment}
