"""A district number derived from the numbering scheme is not official: the public never sees it."""

import pytest

from prevention.models import District

pytestmark = pytest.mark.django_db


def test_unconfirmed_district_number_is_not_shown_to_the_public(client):
    zentrum = District.objects.get(name="Zentrum")
    assert not zentrum.number_verified  # from prevention/data/chemnitz_stadtteile.csv
    html = client.get(zentrum.get_absolute_url()).content.decode()
    assert "Nummernschema" not in html
    assert "Stadtteilnummer" not in html


def test_confirmed_district_number_is_shown(client):
    district = District.objects.filter(number_verified=True).first()
    html = client.get(district.get_absolute_url()).content.decode()
    assert (
        "Stadtteilnummer" in html
        and f'<dd class="col-sm-8 col-lg-9">{district.number}</dd>' in html
    )
