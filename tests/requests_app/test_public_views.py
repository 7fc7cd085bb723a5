"""The public motion list and detail: filters, sorting, paging, what stays hidden, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.models import Motion
from requests_app.services import motions as services
from tests.factories import MotionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("requests_app:motion_list")


def detail(motion):
    return reverse("requests_app:motion_detail", kwargs={"slug": motion.public_slug})


def test_list_shows_published_motions_only(client, faction):
    MotionFactory(faction=faction, title="Sichtbar eingereicht", submitted=True)
    MotionFactory(faction=faction, title="Sichtbar registriert", registered=True)
    MotionFactory(faction=faction, title="Geheimer Entwurf")
    MotionFactory(faction=faction, title="Zurückgegeben", status="returned")
    MotionFactory(faction=faction, title="Vertraulich", registered=True, confidential=True)
    html = client.get(LIST).content.decode()
    assert "Sichtbar eingereicht" in html and "Sichtbar registriert" in html
    for hidden in ("Geheimer Entwurf", "Zurückgegeben", "Vertraulich"):
        assert hidden not in html
    assert "2 Anträge" in html


def test_list_filters_by_kind_status_faction_department_and_year(client):
    linke, cdu = OrganizationFactory(kind="faction"), OrganizationFactory(kind="faction")
    dep = OrganizationFactory(kind="department")
    MotionFactory(faction=linke, kind="BA", title="Antrag Linke", registered=True)
    MotionFactory(faction=cdu, kind="RA", title="Anfrage CDU", submitted=True)
    old = MotionFactory(faction=cdu, kind="RA", title="Alte Anfrage", registered=True)
    old.lead_department = dep
    old.submitted_at = timezone.make_aware(datetime.datetime(2020, 6, 1))
    old.save()

    def titles(query):
        html = client.get(LIST, query).content.decode()
        return {t for t in ("Antrag Linke", "Anfrage CDU", "Alte Anfrage") if t in html}

    assert titles({"kind": "BA"}) == {"Antrag Linke"}
    assert titles({"status": "submitted"}) == {"Anfrage CDU"}
    assert titles({"faction": cdu.pk}) == {"Anfrage CDU", "Alte Anfrage"}
    assert titles({"department": dep.pk}) == {"Alte Anfrage"}
    assert titles({"year": "2020"}) == {"Alte Anfrage"}
    assert titles({"kind": "nonsense", "year": "abc"}) == {
        "Antrag Linke",
        "Anfrage CDU",
        "Alte Anfrage",
    }


def test_list_sorts_by_deadline(client, faction):
    today = timezone.localdate()
    MotionFactory(faction=faction, title="Früh", registered=True, due_date=today)
    MotionFactory(
        faction=faction, title="Spät", registered=True, due_date=today.replace(year=today.year + 1)
    )
    html = client.get(LIST, {"sort": "frist"}).content.decode()
    assert html.index("Früh") < html.index("Spät")
    html = client.get(LIST).content.decode()
    assert html.index("Spät") < html.index("Früh")  # newest first by default


def test_list_pages_through_and_keeps_the_filters(client, faction):
    for _ in range(25):
        MotionFactory(faction=faction, kind="IA", submitted=True)
    html = client.get(LIST, {"kind": "IA"}).content.decode()
    assert "Seite 1 von 2" in html
    assert "?kind=IA&amp;seite=2" in html
    html = client.get(LIST, {"kind": "IA", "seite": "2"}).content.decode()
    assert "Seite 2 von 2" in html and html.count("<tr>") == 6  # header + 5 rows


@pytest.mark.parametrize("count", [10, 500])
def test_list_query_count_is_the_same_for_10_and_500_motions(
    client, count, django_assert_num_queries
):
    factions = [OrganizationFactory(kind="faction") for _ in range(3)]
    dep = OrganizationFactory(kind="department")
    Motion.objects.bulk_create(
        Motion(
            kind="RA",
            title=f"Anfrage {n}",
            faction=factions[n % 3],
            status="registered",
            submitted_at=timezone.now(),
            number=n + 1,
            year=2026,
            reference=f"RA-{n + 1:03d}/2026",
            lead_department=dep,
            due_date=timezone.localdate(),
        )
        for n in range(count)
    )
    # session-less anonymous page: years, filter choices (2), count, page rows
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.status_code == 200


def test_detail_shows_text_questions_timeline_and_deadline(client, owner, office, department):
    motion = services.motion_create(
        user=owner,
        faction=owner.organizations.get(),
        kind="IA",
        title="Sicherheit am Bahnhof",
        text="Bitte berichten Sie **ausführlich**.",
        reasoning="Weil es wichtig ist.",
        questions=["Wie viele Streifen?", "Wie viele Anzeigen?"],
    )
    services.motion_submit(motion=motion, user=owner)
    services.motion_register(motion=motion, user=office, lead_department=department)
    motion.refresh_from_db()
    html = client.get(detail(motion)).content.decode()
    assert "<h1>Sicherheit am Bahnhof</h1>" in html
    assert "<strong>ausführlich</strong>" in html
    assert '<li value="1"><p>Wie viele Streifen?</p>' in html
    assert '<li value="2">' in html
    assert "eingereicht" in html and "registriert" in html
    assert "bearbeitet" not in html and "angelegt" not in html  # internal steps stay internal
    days = (motion.due_date - timezone.localdate()).days
    assert 28 <= days <= 32  # 28 days, moved past a weekend or a public holiday
    assert f"noch {days} Tage" in html
    assert motion.reference in html
    assert "Olga Owner" in html
    assert "Eine Antwort der Verwaltung ist noch nicht veröffentlicht." in html


def test_detail_of_an_unregistered_motion_redirects_once_registered(
    client, submitted, office, department
):
    early = detail(submitted)
    assert early == f"/antraege/eingang-{submitted.pk}/"
    assert client.get(early).status_code == 200
    services.motion_register(motion=submitted, user=office, lead_department=department)
    submitted.refresh_from_db()
    response = client.get(early)
    assert response.status_code == 302 and response["Location"] == detail(submitted)


@pytest.mark.parametrize("state", ["draft", "returned", "confidential", "withdrawn_draft"])
@pytest.mark.parametrize("persona", ["anonymous", "owner", "other_faction_member", "office"])
def test_unpublished_motion_has_no_public_page(state, persona, faction, as_persona):
    if state == "draft":
        motion = MotionFactory(faction=faction)
    elif state == "returned":
        motion = MotionFactory(faction=faction, status="returned")
    elif state == "withdrawn_draft":
        motion = MotionFactory(faction=faction, status="withdrawn")
    else:
        motion = MotionFactory(faction=faction, registered=True, confidential=True)
    client = as_persona(persona)
    assert client.get(f"/antraege/eingang-{motion.pk}/").status_code == 404
    if motion.reference:
        assert client.get(detail(motion)).status_code == 404
    assert motion.title not in client.get(LIST).content.decode()


def test_detail_query_count_is_bounded(client, faction, django_assert_max_num_queries):
    motion = MotionFactory(
        faction=faction, registered=True, questions=[f"F{n}?" for n in range(20)]
    )
    # motion (read again once the page is scoped to it, pagecache.scope), and for the part
    # kept per data version: the motion again, events, questions, submitters, reports, council
    # consultations (sessions)
    with django_assert_max_num_queries(8):
        assert client.get(detail(motion)).status_code == 200
    client.cookies["unbekannt"] = "1"  # past the page cache: the view runs again
    with django_assert_max_num_queries(1):  # the motion; the rest is kept
        assert client.get(detail(motion)).status_code == 200


def test_rejected_motion_shows_the_reason_publicly(client, submitted, office):
    services.motion_reject(
        motion=submitted, user=office, reason="Nicht in der Zuständigkeit der Stadt"
    )
    html = client.get(detail(submitted)).content.decode()
    assert "Nicht in der Zuständigkeit der Stadt" in html


def test_returned_reason_is_never_public(client, submitted, office, owner):
    services.motion_return(motion=submitted, user=office, reason="Interner Hinweis XYZ")
    services.motion_submit(motion=submitted, user=owner)
    html = client.get(detail(submitted)).content.decode()
    assert "Interner Hinweis XYZ" not in html
