"""Filters, deletions, unpublished content, headers and query counts of the OParl API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Body, Organization
from tests.factories import MeetingFactory, MotionFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    return Body.objects.create(name="Stadt Chemnitz", ags="14511000")


def list_url(body, name, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/oparl/v1/body/{body.pk}/{name}" + (f"?{query}" if query else "")


def ids(page) -> list[str]:
    return [obj["id"].rsplit("/", 1)[-1] for obj in page["data"]]


def stamp(when) -> str:
    return when.isoformat().replace("+", "%2B")


def test_deleted_objects_appear_only_with_modified_since(client, body):
    kept, gone = OrganizationFactory(), OrganizationFactory()
    before = timezone.now() - timedelta(minutes=1)
    gone.soft_delete()
    plain = client.get(list_url(body, "organization")).json()
    assert str(gone.pk) not in ids(plain) and str(kept.pk) in ids(plain)
    changed = client.get(list_url(body, "organization", modified_since=stamp(before))).json()
    stub = next(obj for obj in changed["data"] if obj["id"].endswith(f"/{gone.pk}"))
    assert stub["deleted"] is True and "name" not in stub
    single = client.get(f"/oparl/v1/organization/{gone.pk}").json()
    assert single["deleted"] is True


def test_a_motion_made_confidential_counts_as_deleted(client, body):
    motion = MotionFactory(registered=True, title="Bald vertraulich")
    before = timezone.now() - timedelta(minutes=1)
    assert str(motion.pk) in ids(client.get(list_url(body, "paper")).json())
    motion.confidential = True
    motion.save()
    assert "Bald vertraulich" not in client.get(list_url(body, "paper")).content.decode()
    changed = client.get(list_url(body, "paper", modified_since=stamp(before))).content.decode()
    assert '"deleted":true' in changed and "Bald vertraulich" not in changed


def test_unpublished_content_never_appears(client, body):
    MotionFactory(title="GEHEIMER-ENTWURF")
    MeetingFactory(public=False, name="GEHEIME-SITZUNG")
    PersonFactory(public=False, family_name="Privatperson")
    old = stamp(timezone.now() - timedelta(days=3650))
    for name in ("paper", "meeting", "person", "consultation", "agendaItem", "file"):
        for params in ({}, {"modified_since": old}):
            text = client.get(list_url(body, name, **params)).content.decode()
            for secret in ("GEHEIMER-ENTWURF", "GEHEIME-SITZUNG", "Privatperson"):
                assert secret not in text, (name, params)


def test_created_filters_and_paging_links_carry_the_filters(client, body):
    old = OrganizationFactory()
    Organization.all_objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=30))
    new = [OrganizationFactory() for _ in range(3)]
    since = stamp(timezone.now() - timedelta(days=1))
    page = client.get(list_url(body, "organization", created_since=since, limit=2)).json()
    assert page["pagination"]["totalElements"] == 3
    assert "created_since=" in page["links"]["next"]
    second = client.get(page["links"]["next"].removeprefix("http://testserver")).json()
    assert "next" not in second["links"]
    assert sorted(ids(page) + ids(second)) == sorted(str(o.pk) for o in new)


def test_bad_filter_is_an_oparl_error_with_status_400(client, body):
    response = client.get(list_url(body, "meeting", modified_since="gestern"))
    assert response.status_code == 400
    assert response.json()["type"] == "https://schema.oparl.org/1.1/Error"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_object_is_an_oparl_404(client, body):
    response = client.get("/oparl/v1/meeting/999999")
    assert response.status_code == 404
    assert response.json()["type"] == "https://schema.oparl.org/1.1/Error"


def test_conditional_get_answers_304(client, body):
    first = client.get("/oparl/v1/system")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/oparl/v1/system", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_writing_is_refused(client, body):
    response = client.post("/oparl/v1/system")
    assert response.status_code == 405
    assert response.json()["type"] == "https://schema.oparl.org/1.1/Error"


LIST_NAMES = [
    *("organization", "person", "meeting", "paper", "membership", "agendaItem"),
    *("consultation", "file", "locationList", "legislativeTermList"),
]


def make_list_objects(count: int) -> None:
    """`count` of every kind, each with what it embeds: a meeting with an item, a consultation
    and a file; a motion with a submitter, an answer report with a document."""
    from portal.models import Attachment
    from requests_app.models import Consultation
    from tests.factories import AnswerReportFactory

    for n in range(count):
        meeting = MeetingFactory(public=True)
        item = meeting.agenda_items.create(order=1, title="Punkt")
        person = PersonFactory(public=True)
        person.memberships.create(organization=OrganizationFactory())
        report = AnswerReportFactory(publish=True)
        report.motion.submitters.add(person)
        Consultation.objects.create(motion=report.motion, agenda_item=item, role="notice")
        for target in (meeting.attachments, report.documents):
            target.add(
                Attachment.objects.create(
                    name=f"Anlage {n}",
                    file=f"anlagen/{n}.pdf",
                    mime_type="application/pdf",
                    size=8,
                    sha512="a" * 128,
                    public=True,
                )
            )


@pytest.mark.parametrize("name", LIST_NAMES)
def test_list_query_count_does_not_grow_with_the_list(
    client, body, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_list_objects(2)
    with CaptureQueriesContext(connection) as small:
        client.get(list_url(body, name))
    make_list_objects(12)
    with django_assert_max_num_queries(len(small)):
        page = client.get(list_url(body, name)).json()
    assert page["pagination"]["totalElements"] >= 12 or name in (
        "locationList",
        "legislativeTermList",
    )


@pytest.mark.parametrize("limit", [7, 100])
def test_late_pages_show_every_object_once_in_order(client, body, limit):
    """Pages are read from a mark every hundred objects (no OFFSET over the whole list): every
    page size walks the whole list, deletion stubs included."""
    OrganizationFactory.create_batch(230)
    gone = list(Organization.objects.order_by("pk")[105:108])
    for organization in gone:
        organization.soft_delete()
    expected = [
        str(pk) for pk in Organization.all_objects.order_by("pk").values_list("pk", flat=True)
    ]
    for params, shown in (
        ({}, [pk for pk in expected if pk not in {str(o.pk) for o in gone}]),
        ({"modified_since": "2000-01-01T00:00:00%2B00:00"}, expected),
    ):
        seen, url = [], list_url(body, "organization", limit=limit, **params)
        while url:
            page = client.get(url).json()
            seen += ids(page)
            url = page["links"].get("next", "").removeprefix("http://testserver")
        assert seen == shown


def test_body_links_the_indicators_under_a_vendor_prefix(client, body):
    data = client.get(f"/oparl/v1/body/{body.pk}").json()
    assert data["chemnitz:indicators"] == "http://testserver/kennzahlen/"
    assert client.get("/kennzahlen/").status_code == 200


def test_kpr_and_council_meetings_link_their_public_page(client, body):
    kpr = OrganizationFactory(kind=Organization.Kind.PREVENTION_COUNCIL)
    council = OrganizationFactory(kind=Organization.Kind.COUNCIL)
    kpr_meeting = MeetingFactory(organization=kpr, public=True)
    council_meeting = MeetingFactory(organization=council, public=True)
    data = client.get(f"/oparl/v1/meeting/{kpr_meeting.pk}").json()
    assert data["web"] == f"http://testserver/praeventionsrat/sitzungen/{kpr_meeting.pk}/"
    assert client.get(data["web"].removeprefix("http://testserver")).status_code == 200
    web = client.get(f"/oparl/v1/meeting/{council_meeting.pk}").json()["web"]
    assert web == f"http://testserver/sitzungen/{council_meeting.pk}/"
    assert client.get(web.removeprefix("http://testserver")).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "modified_since=0001-01-01",
        "created_until=9999-12-31T23:59:59-01:00",
        "page=" + "9" * 5000,
        "limit=-1",
    ],
)
def test_dates_and_numbers_beyond_the_range_are_an_oparl_400(client, body, query):
    response = client.get(f"/oparl/v1/body/{body.pk}/paper?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["type"] == "https://schema.oparl.org/1.1/Error"


def test_a_list_page_is_kept_per_data_version_and_never_stale(uncached, body):
    """A client the page cache does not answer gets the page without queries the second time;
    a new paper shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MotionFactory(registered=True, title="Erster Antrag")
    url = list_url(body, "paper")
    first = uncached.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        again = uncached.get(url).json()
    assert again == first
    assert not [q for q in queries.captured_queries if "requests_app_motion" in q["sql"]]
    MotionFactory(registered=True, title="Zweiter Antrag")
    names = [paper["name"] for paper in uncached.get(url).json()["data"]]
    assert "Zweiter Antrag" in names
