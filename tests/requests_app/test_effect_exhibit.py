"""The exhibit kind "Wirkungsanalyse" (requests_app/exhibits.py, issue 16). The choice itself
lives in requests_app/models/reports.py; until it is there, the builder is tested directly."""

import pytest

from requests_app import exhibits
from requests_app.models import Exhibit
from tests.factories import ExhibitFactory
from tests.prevention.test_effects import city  # noqa: F401  (fixture)


@pytest.fixture
def exhibit(city):  # noqa: F811 (`city` is the imported fixture, used as a parameter)
    return ExhibitFactory(kind=Exhibit.Kind.INDICATOR_TABLE, indicator=city)


def test_effect_exhibit_shows_chart_table_summary_and_method(exhibit):
    context = exhibits._Context([exhibit])
    data = context.effect(exhibit)
    assert data["title"] == "Wirkungsanalyse: Testfälle"
    assert data["svg"].startswith("<svg")
    assert len(data["table"]["rows"]) == 39
    assert "Holm" in data["summary"]
    assert any("/wirkung/methode/" in note for note in data["notes"])


def test_effect_exhibit_limits_the_table_to_chosen_districts_and_years(exhibit):
    from prevention.models import District

    exhibit.districts.add(District.objects.get(number="01"))
    exhibit.year_to = 2021
    data = exhibits._Context([exhibit]).effect(exhibit)
    assert [row[0] for row in data["table"]["rows"]] == ["Zentrum"]
    assert "2020–2021" in data["summary"]


def test_effect_exhibit_explains_instead_of_inventing(exhibit):
    exhibit.year_to = 2019  # no year after the start yet
    data = exhibits._Context([exhibit]).effect(exhibit)
    assert "Zu wenige vollständige Jahre" in data["summary"]
    assert not data.get("svg")
