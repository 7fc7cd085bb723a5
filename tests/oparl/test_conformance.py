"""OParl 1.1 conformance, one test per requirement, each naming the specification clause.

Clause numbers follow the OParl 1.1 specification (https://oparl.org/spezifikation/): §2.3
(URLs and ids), §2.5 (embedded objects, omit_internal), §2.7 (lists, filters, paging), §2.8
(`modified` and deleted objects), §2.12 (errors), §3 (the object schemas), §4.1 (compatibility
with 1.0 clients). The sync over all of this is tests/oparl/test_sync.py.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from portal.models import AgendaItem, Attachment, Body, Location, Meeting, Membership
from requests_app.models import Consultation, Motion
from tests.factories import (
    AgendaItemFactory,
    CouncilMeetingFactory,
    MembershipFactory,
    MotionFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
OPARL = "https://schema.oparl.org/1.1/"


@pytest.fixture
def body():
    return Body.objects.create(name="Stadt Chemnitz", ags="14511000")


def path(url: str) -> str:
    return url.removeprefix("http://testserver")


def get(client, url: str, **params) -> dict:
    response = client.get(path(url), params)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def since(when) -> str:
    return when.replace(microsecond=0).isoformat()


def list_of(client, body, name: str, **params) -> list[dict]:
    return get(client, f"/oparl/v1/body/{body.pk}/{name}", **params)["data"]


def by_id(objects: list[dict]) -> dict[str, dict]:
    return {obj["id"]: obj for obj in objects}


def make_file(meeting, name="Einladung", public=True) -> Attachment:
    attachment = Attachment(
        name=name, mime_type="application/pdf", size=8, sha512="b" * 128, public=public
    )
    attachment.file.save(f"{name.lower()}.pdf", ContentFile(b"%PDF-1.4"), save=True)
    meeting.attachments.add(attachment)
    return attachment


def age(obj, **delta) -> None:
    """Move a row's timestamps into the past (auto_now would reset them on save())."""
    past = timezone.now() - timedelta(**(delta or {"hours": 1}))
    type(obj).all_objects.filter(pk=obj.pk).update(created=past, modified=past)
    obj.refresh_from_db()


# --- §2.3 URLs -----------------------------------------------------------------------------


def test_2_3_ids_come_from_the_configured_base_url_not_the_host_header(client, body, settings):
    settings.PORTAL_BASE_URL = "https://rats.example.org/"
    one = client.get("/oparl/v1/system", HTTP_HOST="localhost").json()
    other = client.get("/oparl/v1/system", HTTP_HOST="127.0.0.1").json()
    assert one == other
    assert one["id"] == "https://rats.example.org/oparl/v1/system"
    page = client.get(f"/oparl/v1/body/{body.pk}/organization?limit=1").json()
    assert page["links"]["self"].startswith("https://rats.example.org/oparl/v1/body/")


def test_2_3_a_non_canonical_url_redirects_permanently_to_the_id(client, body):
    motion = MotionFactory(registered=True)
    response = client.get(f"/oparl/v1/paper/0{motion.pk}?omit_internal=true")
    assert response.status_code == 301
    assert response["Location"] == (
        f"http://testserver/oparl/v1/paper/{motion.pk}?omit_internal=true"
    )
    assert client.get(f"/oparl/v1/body/0{body.pk}").status_code == 301


# --- §2.5 embedded objects -------------------------------------------------------------------


def test_2_5_omit_internal_keeps_single_embedded_objects(client, body):
    location = Location.objects.create(description="Ratssaal")
    meeting = CouncilMeetingFactory(location=location)
    item = AgendaItemFactory(meeting=meeting)
    motion = MotionFactory(registered=True)
    Consultation.objects.create(motion=motion, agenda_item=item)
    meeting_data = get(client, f"/oparl/v1/meeting/{meeting.pk}", omit_internal="true")
    assert meeting_data["location"]["id"].endswith(f"/location/{location.pk}")
    assert "agendaItem" not in meeting_data  # a list with its own external list
    paper = get(client, f"/oparl/v1/paper/{motion.pk}", omit_internal="true")
    assert [c["agendaItem"] for c in paper["consultation"]] == [
        f"http://testserver/oparl/v1/agendaItem/{item.pk}"
    ]


def test_2_5_embedded_objects_leave_out_the_back_reference(client, body):
    meeting = CouncilMeetingFactory()
    AgendaItemFactory(meeting=meeting)
    make_file(meeting)
    data = get(client, f"/oparl/v1/meeting/{meeting.pk}")
    assert "meeting" not in data["agendaItem"][0]
    assert "meeting" not in data["auxiliaryFile"][0]


# --- §2.7 lists ------------------------------------------------------------------------------


def test_2_7_bodies_list_honours_filters_limit_and_has_a_self_link(client, body):
    page = client.get("/oparl/v1/bodies?limit=1").json()
    assert page["pagination"]["elementsPerPage"] == 1
    assert page["links"]["self"] == "http://testserver/oparl/v1/bodies?limit=1&page=1"
    future = client.get("/oparl/v1/bodies", {"modified_since": "2030-01-01T00:00:00+01:00"})
    assert future.json()["data"] == []
    bad = client.get("/oparl/v1/bodies?modified_since=garbage")
    assert bad.status_code == 400 and bad.json()["type"] == OPARL + "Error"


def test_2_7_modified_until_includes_an_object_shown_with_exactly_that_modified(client, body):
    org = OrganizationFactory()
    Organization = type(org)
    Organization.all_objects.filter(pk=org.pk).update(
        modified=timezone.now().replace(microsecond=654321)
    )
    shown = get(client, f"/oparl/v1/organization/{org.pk}")["modified"]
    assert [o["id"] for o in list_of(client, body, "organization", modified_until=shown)] == [
        f"http://testserver/oparl/v1/organization/{org.pk}"
    ]
    assert len(list_of(client, body, "organization", modified_since=shown)) == 1
    assert len(list_of(client, body, "organization", created_until=shown)) == 1


# --- §2.8 modified and deleted objects ----------------------------------------------------------


def test_2_8_a_meeting_is_modified_when_an_agenda_item_changes_or_goes(client, body):
    meeting = CouncilMeetingFactory()
    kept, gone = AgendaItemFactory(meeting=meeting), AgendaItemFactory(meeting=meeting)
    for obj in (meeting, kept, gone):
        age(obj)
    before = get(client, f"/oparl/v1/meeting/{meeting.pk}")["modified"]
    checkpoint = timezone.now()
    gone.soft_delete()
    kept.result = "einstimmig angenommen"
    kept.save()
    after = get(client, f"/oparl/v1/meeting/{meeting.pk}")
    assert after["modified"] > before
    assert [i["id"] for i in after["agendaItem"]] == [
        f"http://testserver/oparl/v1/agendaItem/{kept.pk}"
    ]
    changed = by_id(list_of(client, body, "meeting", modified_since=since(checkpoint)))
    assert f"http://testserver/oparl/v1/meeting/{meeting.pk}" in changed


def test_2_8_a_paper_is_modified_when_it_gets_a_consultation(client, body):
    motion = MotionFactory(registered=True)
    age(motion)
    checkpoint = timezone.now()
    Consultation.objects.create(motion=motion, agenda_item=AgendaItemFactory())
    changed = by_id(list_of(client, body, "paper", modified_since=since(checkpoint)))
    paper = changed[f"http://testserver/oparl/v1/paper/{motion.pk}"]
    assert len(paper["consultation"]) == 1


@pytest.mark.parametrize("what", ["returned", "withdrawn_file", "meeting", "person", "deleted"])
def test_2_8_unpublished_objects_reach_clients_as_deleted_stubs(client, body, what):
    meeting = CouncilMeetingFactory(name="SITZUNG-GEHEIM")
    attachment = make_file(meeting, name="Anlage")
    person = PersonFactory(public=True, family_name="NAME-GEHEIM")
    motion = MotionFactory(registered=True, title="ANTRAG-GEHEIM")
    for obj in (meeting, attachment, person, motion):
        age(obj)
    checkpoint = timezone.now()
    if what == "returned":
        motion.status = Motion.Status.RETURNED
        motion.save()
        kind, obj, name = "paper", motion, "paper"
    elif what == "withdrawn_file":
        attachment.public = False
        attachment.save()
        kind, obj, name = "file", attachment, "file"
    elif what == "meeting":
        meeting.public = False
        meeting.save()
        kind, obj, name = "meeting", meeting, "meeting"
    elif what == "person":
        person.public = False
        person.save()
        kind, obj, name = "person", person, "person"
    else:
        meeting.soft_delete()
        kind, obj, name = "meeting", meeting, "meeting"
    url = f"http://testserver/oparl/v1/{kind}/{obj.pk}"
    assert url not in by_id(list_of(client, body, name))
    stub = by_id(list_of(client, body, name, modified_since=since(checkpoint)))[url]
    assert stub["deleted"] is True and stub["type"] == OPARL + obj.__class__.__name__.replace(
        "Attachment", "File"
    ).replace("Motion", "Paper")
    assert {"created", "modified"} <= stub.keys()
    assert "GEHEIM" not in str(stub) and "name" not in stub
    assert get(client, url) == stub  # the object's own URL answers with the same stub


def test_2_8_an_agenda_item_stub_carries_its_order_and_validates(client, body, oparl_validator):
    item = AgendaItemFactory(order=7)
    item.soft_delete()
    stub = get(client, f"/oparl/v1/agendaItem/{item.pk}")
    assert stub["deleted"] is True and stub["order"] == 7
    assert not list(oparl_validator(OPARL + "AgendaItem").iter_errors(stub))


def test_2_8_a_deleted_file_answers_410_and_its_stub_validates(client, body, oparl_validator):
    attachment = make_file(CouncilMeetingFactory())
    attachment.soft_delete()
    stub = get(client, f"/oparl/v1/file/{attachment.pk}")
    assert not list(oparl_validator(OPARL + "File").iter_errors(stub))
    response = client.get(path(stub["accessUrl"]))
    assert response.status_code == 410 and response.json()["type"] == OPARL + "Error"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_2_8_memberships_of_a_deleted_person_are_deleted_too(client, body):
    membership = MembershipFactory(person=PersonFactory(public=True))
    membership.person.soft_delete()
    data = get(client, f"/oparl/v1/membership/{membership.pk}")
    assert data["deleted"] is True and "person" not in data


# --- §3 objects ----------------------------------------------------------------------------------


def test_3_person_embeds_current_and_past_memberships_for_1_0_clients_4_1(client, body):
    """§3 Person.membership; §4.1: a 1.0 client reads memberships only from here."""
    person = PersonFactory(public=True)
    current = MembershipFactory(person=person)
    past = MembershipFactory(person=person, end_date="2020-01-01", start_date="2019-01-01")
    data = get(client, f"/oparl/v1/person/{person.pk}")
    assert [m["id"].rsplit("/", 1)[-1] for m in data["membership"]] == [
        str(current.pk),
        str(past.pk),
    ]
    assert data["membership"][1]["endDate"] == "2020-01-01"
    assert "person" not in data["membership"][0]  # embedded: no back-reference


def test_3_every_published_membership_names_its_person(client, body):
    kpr = OrganizationFactory()
    delegation = Membership.objects.create(organization=kpr, on_behalf_of=OrganizationFactory())
    MembershipFactory(person=PersonFactory(public=True), organization=kpr)
    memberships = list_of(client, body, "membership")
    assert memberships and all("person" in m for m in memberships)
    assert get(client, f"/oparl/v1/membership/{delegation.pk}")["deleted"] is True


def test_3_consultation_names_the_treating_body_and_the_agenda_item_links_back(client, body):
    meeting = CouncilMeetingFactory()
    item = AgendaItemFactory(meeting=meeting)
    motion = MotionFactory(registered=True)
    consultation = Consultation.objects.create(
        motion=motion, agenda_item=item, role=Consultation.Role.DECISION
    )
    data = get(client, f"/oparl/v1/consultation/{consultation.pk}")
    assert data["organization"] == [
        f"http://testserver/oparl/v1/organization/{meeting.organization_id}"
    ]
    assert data["authoritative"] is True and data["role"] == "Entscheidung"
    item_data = get(client, f"/oparl/v1/agendaItem/{item.pk}")
    assert item_data["consultation"] == data["id"]


def test_3_bodies_factions_persons_and_meetings_link_their_web_pages(client, body):
    """`web`: the HTML page of the object, where the portal has one – and it opens."""
    council = OrganizationFactory(kind="council", name="Stadtrat Chemnitz", short_name="Stadtrat")
    faction = OrganizationFactory(kind="faction", name="Fraktion Beispiel", short_name="FB")
    department = OrganizationFactory(kind="department", name="Dezernat Beispiel")
    person = PersonFactory(public=True, family_name="Musterfrau")
    MembershipFactory(person=person, organization=council)
    session = Meeting.objects.create(
        organization=council, name="Ratssitzung", start=timezone.now(), public=True
    )
    pages = {
        get(client, f"/oparl/v1/organization/{council.pk}").get("web"): "Stadtrat",
        get(client, f"/oparl/v1/organization/{faction.pk}").get("web"): "Fraktion Beispiel",
        get(client, f"/oparl/v1/person/{person.pk}").get("web"): "Musterfrau",
        get(client, f"/oparl/v1/meeting/{session.pk}").get("web"): "Ratssitzung",
    }
    assert None not in pages
    for url, text in pages.items():
        response = client.get(path(url))
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    assert "web" not in get(client, f"/oparl/v1/organization/{department.pk}")


def test_3_file_access_and_download_urls_differ_and_name_the_file(client, body):
    attachment = make_file(CouncilMeetingFactory())
    data = get(client, f"/oparl/v1/file/{attachment.pk}")
    assert data["accessUrl"] != data["downloadUrl"]
    shown = client.get(path(data["accessUrl"]))
    saved = client.get(path(data["downloadUrl"]))
    assert shown["Content-Disposition"].startswith("inline")
    assert saved["Content-Disposition"].startswith("attachment")
    for response in (shown, saved):
        assert f'filename="{data["fileName"]}"' in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"


def test_3_body_and_system_tell_client_developers_who_and_where(client, body):
    Location.objects.create(description="Rathaus", street_address="Markt 1", postal_code="09111")
    system = get(client, "/oparl/v1/system")
    assert system["vendor"] != system["product"]
    data = get(client, f"/oparl/v1/body/{body.pk}")
    assert "https://www.wikidata.org/wiki/Q2795" in data["equivalent"]
    assert data["location"]["streetAddress"] == "Markt 1"
    assert data["contactName"]


# --- §2.12 errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/oparl/v1/system/", "/oparl/v1/paper/abc", "/oparl/v2/system", "/oparl/v1/nix/1"]
)
def test_2_12_every_error_under_oparl_is_an_error_object(client, body, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["type"] == OPARL + "Error" and data["message"]
    assert "debug" not in data


def test_2_12_error_objects_carry_debug_information_only_with_debug(client, body):
    with override_settings(DEBUG=True):
        data = client.get("/oparl/v1/meeting/999999").json()
    assert data["debug"]["path"] == "/oparl/v1/meeting/999999"
    assert "debug" not in client.get("/oparl/v1/meeting/999999").json()


def test_2_12_unpublished_meeting_is_never_shown_in_full(client, body):
    meeting = CouncilMeetingFactory(public=False, name="NICHT-OEFFENTLICH")
    AgendaItem.objects.create(meeting=meeting, order=1, title="GEHEIMER-PUNKT")
    for name in ("meeting", "agendaItem"):
        text = str(list_of(client, body, name, modified_since="2000-01-01T00:00:00+00:00"))
        assert "GEHEIM" not in text and "NICHT-OEFFENTLICH" not in text
    assert Meeting.all_objects.filter(pk=meeting.pk).exists()


def test_help_page_says_what_the_api_offers_and_how_to_sync(client, body):
    page = client.get("/oparl/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "http://testserver/oparl/v1/system" in text
    for phrase in ("modified_since", "deleted: true", "Datenlizenz Deutschland", "Änderungsrate"):
        assert phrase in text, phrase
