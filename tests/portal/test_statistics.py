"""Answer statistics per department and year: counts, median days, share within the deadline."""

import codecs
import csv
import io
from datetime import date

import pytest

from tests.factories import OrganizationFactory, answered_motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def law():
    return OrganizationFactory(name="Dezernat Recht", kind="department")


@pytest.fixture
def answered(law):
    # 10, 20 and 40 days; deadlines: kept, kept, missed
    answered_motion(
        department=law,
        registered=date(2024, 1, 1),
        answered=date(2024, 1, 11),
        due=date(2024, 1, 29),
    )
    answered_motion(
        department=law,
        registered=date(2024, 2, 1),
        answered=date(2024, 2, 21),
        due=date(2024, 2, 29),
    )
    answered_motion(
        department=law,
        registered=date(2024, 3, 1),
        answered=date(2024, 4, 10),
        due=date(2024, 3, 29),
    )
    answered_motion(department=law, registered=date(2025, 3, 1), answered=date(2025, 3, 5))


def _row(page: str, year: int) -> str:
    return page[page.index(f'<td class="text-end">{year}</td>') :][:400]


def test_statistics_show_count_median_and_share_within_deadline(client, answered):
    page = client.get("/antraege/statistik/").content.decode()
    assert "<h1>Wie schnell antwortet die Verwaltung?</h1>" in page
    assert "<svg" in page and "Dezernat Recht" in page
    row = _row(page, 2024)
    assert '<td class="text-end">3</td>' in row  # answered
    assert '<td class="text-end">20,0</td>' in row  # German decimals on the German page
    assert "66,7\u00a0%" in row
    assert "2 von 3" in row


def test_the_english_page_shows_english_decimals(client, answered, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/antraege/statistik/").content.decode()
    row = _row(page, 2024)
    assert '<td class="text-end">20.0</td>' in row
    assert "66.7%" in row
    assert "20,0" not in row and "66,7" not in row


def test_unpublished_motions_do_not_count(client, law):
    confidential = answered_motion(
        department=law, registered=date(2024, 1, 1), answered=date(2024, 1, 2)
    )
    confidential.confidential = True
    confidential.save()
    page = client.get("/antraege/statistik/").content.decode()
    assert "Noch keine registrierten Anträge." in page


def test_statistics_as_csv(client, answered):
    response = client.get("/antraege/statistik.csv?format=international")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["dezernat", "jahr", "beantwortet", "median_tage"]
    assert ["Dezernat Recht", "2024", "3", "20.0", "3", "2", "66.7"] in [r[:7] for r in rows]
    assert ["Dezernat Recht", "2025", "1", "4.0", "0", "0", ""] in [r[:7] for r in rows]


def test_statistics_url_is_not_taken_for_a_motion(client):
    assert client.get("/antraege/statistik/").status_code == 200


def test_statistics_csv_for_german_excel(client, answered):
    response = client.get("/antraege/statistik.csv")
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["dezernat", "jahr", "beantwortet", "median_tage"]
    assert ["Dezernat Recht", "2024", "3", "20,0", "3", "2", "66,7"] in [r[:7] for r in rows]
    html = client.get("/antraege/statistik/").content.decode()
    assert 'href="/antraege/statistik.csv?format=international"' in html
