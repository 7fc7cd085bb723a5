"""Funding rows: the RL KommPräv bounds (grant at most 90 %, own share at least 10 %), sums per
year and source, and the staff form for measures with their funding rows."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.concurrency import version_of
from prevention.forms import FundingForm
from prevention.models import Funding, Measure
from tests.factories import DistrictFactory, FundingFactory, MeasureFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def funding_form(**values) -> FundingForm:
    data = {"source": "RL KommPräv", "year": "2020", "requested": "9000", "granted": "9000"}
    data.update(own_share="1000")
    data.update(values)
    return FundingForm(data, instance=Funding(measure=MeasureFactory()))


def test_exactly_ninety_percent_is_allowed():
    assert funding_form().is_valid()


def test_grant_above_ninety_percent_is_refused_with_german_message():
    form = funding_form(own_share="999,99")
    assert not form.is_valid()
    message = form.errors["granted"][0]
    assert "höchstens 90 %" in message
    assert "8.999,91" in message  # the largest possible grant for this own share


def test_grant_without_own_share_is_refused():
    form = funding_form(requested="100", granted="100", own_share="0")
    assert not form.is_valid()


def test_grant_above_request_is_refused():
    form = funding_form(requested="5000", granted="6000")
    assert "mehr bewilligt" in form.errors["granted"][0]


def test_negative_amount_is_refused():
    form = funding_form(requested="-1", granted="0")
    assert not form.is_valid()


def test_database_refuses_grant_above_ninety_percent():
    funding = FundingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Funding.objects.filter(pk=funding.pk).update(own_share=Decimal("999"))


def test_sums_per_year_and_source():
    FundingFactory(year=2021, source="A", requested=100, granted=90, own_share=10)
    FundingFactory(year=2021, source="A", requested=200, granted=180, own_share=70)
    FundingFactory(year=2021, source="B", requested=50, granted=0, own_share=50)
    rows = Funding.objects.by_year_and_source()
    assert [
        (r["year"], r["source"], r["requested_sum"], r["granted_sum"], r["own_share_sum"])
        for r in rows
    ] == [(2021, "A", 300, 270, 80), (2021, "B", 50, 0, 50)]
    assert rows[0]["granted_percent"] == Decimal("77.1")
    assert rows[0]["own_share_percent"] == Decimal("22.9")
    assert rows[1]["granted_percent"] == Decimal("0.0")


@pytest.fixture
def office(client, prevention_office):
    client.force_login(prevention_office)
    return client


def measure_data(rows, *, measure=None, **overrides) -> dict:
    existing = list(measure.fundings.order_by("year")) if measure else []
    data = {
        "title": "Präsenzstreifen",
        "description": "Gemeinsame Streifen",
        "status": "running",
        "start_date": "2020-01-01",
        "public": "on",
        "version": version_of(measure) if measure else "",
        "foerderung-TOTAL_FORMS": str(len(rows)),
        "foerderung-INITIAL_FORMS": str(len(existing)),
        "foerderung-MIN_NUM_FORMS": "0",
        "foerderung-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(rows):
        if index < len(existing):
            data[f"foerderung-{index}-id"] = existing[index].pk
        for key, value in values.items():
            data[f"foerderung-{index}-{key}"] = value
    data.update(overrides)
    return data


def row(year, requested, granted, own_share, source="Freistaat Sachsen – RL KommPräv / ASSKomm"):
    return {
        "source": source,
        "year": str(year),
        "requested": requested,
        "granted": granted,
        "own_share": own_share,
    }


def test_office_creates_measure_with_districts_partners_and_funding(office):
    centre = DistrictFactory(name="Zentrum")
    police = OrganizationFactory(name="Polizeidirektion Chemnitz", kind="external")
    data = measure_data(
        [row(2020, "10.000,00", "9.000,00", "1.000,00"), row(2021, "5000", "4000", "1000")],
        districts=[centre.pk],
        partners=[police.pk],
    )
    response = office.post(reverse("prevention:office_measure_create"), data)
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert list(measure.districts.all()) == [centre]
    assert list(measure.partners.all()) == [police]
    assert [(f.year, f.granted, f.own_share) for f in measure.fundings.order_by("year")] == [
        (2020, Decimal("9000.00"), Decimal("1000.00")),
        (2021, Decimal("4000.00"), Decimal("1000.00")),
    ]


def test_funding_row_over_ninety_percent_saves_nothing(office):
    data = measure_data([row(2020, "10000", "9500", "500")])
    response = office.post(reverse("prevention:office_measure_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte korrigieren Sie die Zeilen" in html
    assert "höchstens 90 %" in html
    assert not Measure.objects.exists()
    assert not Funding.objects.exists()


def test_duplicate_source_and_year_is_refused(office):
    data = measure_data([row(2020, "100", "90", "10"), row(2020, "200", "180", "20")])
    response = office.post(reverse("prevention:office_measure_create"), data)
    assert "nur einmal vorkommen" in response.content.decode()
    assert not Measure.objects.exists()


def test_stale_measure_form_is_refused(office):
    measure = MeasureFactory(title="Original")
    url = reverse("prevention:office_measure_edit", args=[measure.pk])
    first = measure_data([], measure=measure, title="Erste Fassung")
    second = measure_data([], measure=measure, title="Zweite Fassung")
    assert office.post(url, first).status_code == 302
    response = office.post(url, second)
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Erste Fassung"


def test_funding_row_can_be_deleted(office):
    measure = MeasureFactory()
    FundingFactory(measure=measure, year=2020)
    data = measure_data([dict(row(2020, "9000", "9000", "1000"), DELETE="on")], measure=measure)
    office.post(reverse("prevention:office_measure_edit", args=[measure.pk]), data)
    assert not measure.fundings.exists()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("12.500,00", "12500"), ("12500,5", "12500.5"), ("12 500 €", "12500"), ("900", "900")],
)
def test_amounts_are_read_the_german_way(typed, amount):
    form = funding_form(requested=typed, granted="0", own_share="0")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["requested"] == Decimal(amount)
