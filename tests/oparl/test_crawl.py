"""Crawl the whole API from the System object and hold every object to the OParl 1.1 rules."""

from collections import deque
from urllib.parse import urlsplit

import pytest

OPARL = "https://schema.oparl.org/1.1/"
BASE = "http://testserver"
MAX_REQUESTS = 3000


def find_urls(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for inner in value.values():
            find_urls(inner, found)
    elif isinstance(value, list):
        for inner in value:
            find_urls(inner, found)
    elif isinstance(value, str) and value.startswith(f"{BASE}/oparl/v1/"):
        found.add(value)


def collect_file_urls(value, found: set[str]) -> None:
    if isinstance(value, dict):
        if value.get("type") == OPARL + "File":
            found.update(value[key] for key in ("accessUrl", "downloadUrl") if key in value)
        for inner in value.values():
            collect_file_urls(inner, found)
    elif isinstance(value, list):
        for inner in value:
            collect_file_urls(inner, found)


def check_extra_rules(value, path: str, problems: list[str]) -> None:
    """The rules of the schema README that JSON Schema cannot express."""
    if isinstance(value, dict):
        type_url = value.get("type", "")
        if isinstance(type_url, str) and type_url.startswith(OPARL) and not value.get("deleted"):
            for required in ("created", "modified"):
                if required not in value:
                    problems.append(f"{path}: {type_url} without {required}")
        for key, inner in value.items():
            if (inner is None or inner == "" or inner == []) and key != "data":
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
    file_urls: set[str] = set()
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
        if url in file_urls:
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
        collect_file_urls(data, file_urls)
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


@pytest.mark.django_db
def test_every_deleted_stub_validates_against_its_schema(client, demo_data, oparl_validator):
    """§2.8 and §3: a stub of every kind passes the official schema (AgendaItem needs `order`,
    File `accessUrl`) and says nothing but id, type, dates and `deleted`."""
    from portal.models import LegislativeTerm, Location, Membership, Organization, Person
    from requests_app.models import Consultation, Motion

    demo_data["item"].soft_delete()
    demo_data["attachment"].soft_delete()
    demo_data["meeting"].public = False
    demo_data["meeting"].save()
    Organization.objects.create(name="Kurzlebig", kind="external").soft_delete()
    Location.objects.create(description="Ausweichquartier").soft_delete()
    LegislativeTerm.objects.create(name="Probe", start_date="1990-01-01").soft_delete()
    Membership.objects.filter(person__public=True).first().soft_delete()
    Person.objects.filter(public=True).update(public=False)
    Consultation.objects.first().soft_delete()
    motion = Motion.objects.published().filter(reports__isnull=True).first()
    motion.status = Motion.Status.RETURNED
    motion.save()

    body = client.get("/oparl/v1/bodies").json()["data"][0]
    stub_types, problems = set(), []
    for name in (
        *("organization", "person", "meeting", "paper", "membership", "agendaItem"),
        *("consultation", "file", "locationList", "legislativeTermList"),
    ):
        url = urlsplit(body[name]).path + "?modified_since=2000-01-01T00:00:00%2B00:00"
        while url:
            page = client.get(url).json()
            for obj in page["data"]:
                validate_object(obj, url, oparl_validator, problems)
                if obj.get("deleted"):
                    stub_types.add(obj["type"].removeprefix(OPARL))
                    extra = obj.keys() - {"id", "type", "created", "modified", "deleted"}
                    assert extra <= {"order", "accessUrl"}, obj
            url = page["links"].get("next", "").removeprefix(BASE)
    assert not problems, "\n".join(problems[:20])
    assert stub_types >= {
        *("Organization", "Person", "Meeting", "Paper", "Membership", "AgendaItem"),
        *("Consultation", "File", "Location", "LegislativeTerm"),
    }
