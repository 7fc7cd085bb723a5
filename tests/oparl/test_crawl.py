"""Crawl the whole API from the System object and hold every object to the OParl 1.1 rules."""

import io
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from portal.models import AgendaItem, Attachment, Location, Meeting, Organization

OPARL = "https://schema.oparl.org/1.1/"
BASE = "http://testserver"
MAX_REQUESTS = 3000


@pytest.fixture
def demo_data(settings, db, django_capture_on_commit_callbacks):
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
    AgendaItem.objects.create(meeting=meeting, order=1, number="1", title="Öffentlich")
    AgendaItem.objects.create(meeting=meeting, order=2, number="2", title="Geheim", public=False)
    attachment = Attachment(
        name="Einladung", mime_type="application/pdf", size=8, sha512="a" * 128, public=True
    )
    attachment.file.save("einladung.pdf", ContentFile(b"%PDF-1.4"), save=True)
    meeting.attachments.add(attachment)


def find_urls(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for inner in value.values():
            find_urls(inner, found)
    elif isinstance(value, list):
        for inner in value:
            find_urls(inner, found)
    elif isinstance(value, str) and value.startswith(f"{BASE}/oparl/v1/"):
        found.add(value)


def check_extra_rules(value, path: str, problems: list[str]) -> None:
    """The rules of the schema README that JSON Schema cannot express."""
    if isinstance(value, dict):
        type_url = value.get("type", "")
        if isinstance(type_url, str) and type_url.startswith(OPARL) and not value.get("deleted"):
            for required in ("created", "modified"):
                if required not in value:
                    problems.append(f"{path}: {type_url} without {required}")
        for key, inner in value.items():
            if inner is None or inner == "" or inner == []:
                problems.append(f"{path}.{key}: empty value sent")
            check_extra_rules(inner, f"{path}.{key}", problems)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            check_extra_rules(inner, f"{path}[{index}]", problems)


def validate_object(obj: dict, where: str, oparl_validator, problems: list[str]) -> None:
    errors = sorted(oparl_validator(obj["type"]).iter_errors(obj), key=str)
    problems += [f"{where}: {error.json_path}: {error.message}" for error in errors]


@pytest.mark.django_db
def test_crawl_whole_api_validates(client, demo_data, oparl_validator):
    queue = deque([f"{BASE}/oparl/v1/system"])
    seen: set[str] = set()
    problems: list[str] = []
    types_seen: set[str] = set()
    paper_types: set[str] = set()
    while queue and len(seen) < MAX_REQUESTS:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        if response.status_code != 200:
            problems.append(f"{url}: status {response.status_code}")
            continue
        if response.get("Access-Control-Allow-Origin") != "*":
            problems.append(f"{url}: no Access-Control-Allow-Origin: *")
        if url.endswith("/download"):
            continue  # a file's content, not JSON
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = response.json()
        if "data" in data:  # a list page
            for key in ("pagination", "links"):
                if key not in data:
                    problems.append(f"{url}: list page without {key}")
            pagination = data["pagination"]
            is_last = pagination["currentPage"] == pagination["totalPages"]
            if is_last == ("next" in data["links"]):
                problems.append(f"{url}: links.next wrong on page {pagination['currentPage']}")
            for index, obj in enumerate(data["data"]):
                validate_object(obj, f"{url} data[{index}]", oparl_validator, problems)
                types_seen.add(obj["type"])
        else:
            validate_object(data, url, oparl_validator, problems)
            types_seen.add(data["type"])
        check_extra_rules(data, url, problems)
        if data.get("type") == OPARL + "Paper":
            paper_types.add(data["paperType"])
            if data["paperType"] == "Antwort":
                main_file = data["mainFile"]
                assert len(main_file["sha512Checksum"]) == 128 and main_file["size"] > 1000
        found: set[str] = set()
        find_urls(data, found)
        queue.extend(sorted(found - seen))
    assert not problems, "\n".join(problems[:50])
    assert len(seen) < MAX_REQUESTS
    expected = {
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "File",
        "Location",
        "LegislativeTerm",
        "Paper",
        "Consultation",
    }
    assert {OPARL + name for name in expected} <= types_seen
    # The demo's BA-044/2020 and its published answer, linked both ways.
    assert {"Beschlussantrag", "Antwort"} <= paper_types


@pytest.mark.django_db
def test_body_links_every_list_the_standard_names(client, demo_data):
    body = client.get("/oparl/v1/bodies").json()["data"][0]
    for name in (
        "organization",
        "person",
        "meeting",
        "paper",
        "agendaItem",
        "consultation",
        "file",
        "membership",
        "locationList",
        "legislativeTermList",
    ):
        assert body[name].startswith(BASE), name
        assert client.get(urlsplit(body[name]).path).status_code == 200, name
    assert body["ags"] == "14511000"
