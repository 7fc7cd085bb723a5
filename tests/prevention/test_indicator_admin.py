"""The admin of indicator values: an edit keeps the old value as a revision."""

import pytest

from prevention.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def test_admin_edit_keeps_old_value_as_revision(client, superuser):
    client.force_login(superuser)
    value = IndicatorValue.objects.create(
        indicator=Indicator.objects.get(key="pks.890000"), district=None, year=2023, value=100
    )
    url = f"/admin/prevention/indicatorvalue/{value.pk}/change/"
    form = {
        "indicator": value.indicator_id,
        "district": "",
        "year": 2023,
        "quarter": 0,
        "value": "120",
        "note": "korrigiert",
        "batch": "",
        "revisions-TOTAL_FORMS": 0,
        "revisions-INITIAL_FORMS": 0,
        "revisions-MIN_NUM_FORMS": 0,
        "revisions-MAX_NUM_FORMS": 1000,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    value.refresh_from_db()
    assert value.value == 120
    revision = value.revisions.get()
    assert (revision.value, revision.note) == (100, "")


def test_admin_lists_render(client, superuser):
    client.force_login(superuser)
    for model in ("district", "population", "indicator", "indicatorvalue", "importbatch"):
        assert client.get(f"/admin/prevention/{model}/").status_code == 200
