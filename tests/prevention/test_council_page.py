"""The public KPR page: facts, members (persons only when public), working groups, measures
per district, funding per year and source with chart and table."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from prevention.views import council
from tests.factories import (
    CouncilMeetingFactory,
    DistrictFactory,
    FundingFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    PreventionCouncilFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("prevention:council")


@pytest.fixture
def profile():
    return PreventionCouncilFactory()


def test_page_without_any_data_still_answers(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "noch keine Angaben" in response.content.decode()


def test_page_shows_history_chair_role_and_office(client, profile):
    html = client.get(URL).content.decode()
    assert "04.02.1998" in html
    assert "Kriminalpräventiver Rat Chemnitz" in html
    assert "22.08.2019" in html
    assert "Bürgermeister für Recht, Sicherheit und Umweltschutz" in html
    assert "Weißes Haus" in html


def test_members_show_organisations_and_only_public_persons(client, profile):
    kpr = profile.organization
    police = OrganizationFactory(name="Polizeidirektion Chemnitz", kind="external")
    MembershipFactory(
        organization=kpr, person=None, on_behalf_of=police, role_title="Leitung der Polizei"
    )
    MembershipFactory(organization=kpr, person=PersonFactory(family_name="Öffentlich", public=True))
    MembershipFactory(organization=kpr, person=PersonFactory(family_name="Geheimname"))
    html = client.get(URL).content.decode()
    assert "Polizeidirektion Chemnitz" in html and "Leitung der Polizei" in html
    assert "Öffentlich" in html
    assert "Geheimname" not in html


def test_working_groups_of_the_council_are_listed(client, profile):
    OrganizationFactory(name="AG Sucht", kind="working_group", parent=profile.organization)
    OrganizationFactory(name="AG eines anderen Gremiums", kind="working_group")
    html = client.get(URL).content.decode()
    assert "AG Sucht" in html
    assert "AG eines anderen Gremiums" not in html


def test_measures_are_grouped_by_district_and_hidden_when_not_public(client, profile):
    centre = DistrictFactory(name="Zentrum", number="01", slug="zentrum")
    shown = MeasureFactory(title="Präsenzstreifen")
    shown.districts.add(centre)
    MeasureFactory(title="Stadtweite Beratung")
    MeasureFactory(title="Interner Entwurf", public=False)
    html = client.get(URL).content.decode()
    assert "Präsenzstreifen" in html and "Zentrum" in html
    assert "gesamtes Stadtgebiet" in html and "Stadtweite Beratung" in html
    assert "Interner Entwurf" not in html


def test_funding_table_sums_per_year_and_source_with_percent(client, profile):
    FundingFactory(year=2020, requested=9000, granted=9000, own_share=1000)
    FundingFactory(year=2020, requested=5000, granted=4500, own_share=500)
    FundingFactory(year=2021, requested=1000, granted=800, own_share=200)
    FundingFactory(year=2022, measure=MeasureFactory(public=False), granted=900, own_share=100)
    response = client.get(URL)
    rows = response.context["funding_rows"]
    assert [(r["year"], r["granted_sum"], r["own_share_sum"]) for r in rows] == [
        (2020, Decimal("13500.00"), Decimal("1500.00")),
        (2021, Decimal("800.00"), Decimal("200.00")),
    ]
    assert rows[0]["granted_percent"] == Decimal("90.0")
    assert rows[1]["own_share_percent"] == Decimal("20.0")
    html = response.content.decode()
    assert "13.500,00 €" in html and "90,0 %" in html
    assert "<svg" in html and "Förderung des Präventionsrats je Jahr" in html
    assert "2022" not in html.split('id="foerderung"')[1]  # non-public measure's funding


def test_query_count_does_not_grow_with_measures_and_meetings(
    client, profile, django_assert_max_num_queries
):
    from tests.factories import CouncilMeetingFactory

    def add(n):
        district = DistrictFactory()
        partner = OrganizationFactory(kind="external")
        for _ in range(n):
            measure = MeasureFactory()
            measure.districts.add(district)
            measure.partners.add(partner)
            FundingFactory(measure=measure)
            CouncilMeetingFactory(organization=profile.organization)
            MembershipFactory(organization=profile.organization, person=PersonFactory(public=True))

    add(2)
    with django_assert_max_num_queries(10) as small:
        client.get(URL)
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)


def test_next_meetings_follow_the_clock_while_the_rest_is_kept(
    client, profile, monkeypatch, django_assert_num_queries
):
    """Kept per version of the data (issue 20), but a meeting that has begun leaves the list
    of next meetings without any write."""
    client.cookies["unbekannt"] = "1"  # the page cache never answers: the view runs
    start = timezone.now() + datetime.timedelta(hours=1)
    CouncilMeetingFactory(name="Frühjahrssitzung", start=start)
    assert "Frühjahrssitzung" in client.get(URL).text
    monkeypatch.setattr(council.timezone, "now", lambda: start + datetime.timedelta(minutes=1))
    with django_assert_num_queries(0):
        html = client.get(URL).text
    assert "Frühjahrssitzung" not in html
    assert "Kriminalpräventiver Rat Chemnitz" in html
