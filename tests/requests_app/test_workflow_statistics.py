"""Answer statistics that count what is late (issue 15): open overdue motions lower the share on
time; open, late and percentile figures on the page, in the CSV and the chart."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from requests_app import statistics
from tests.factories import MotionFactory, OrganizationFactory, answered_motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def law():
    return OrganizationFactory(name="Dezernat Recht", kind="department")


@pytest.fixture
def on_time(law):
    return answered_motion(
        department=law,
        registered=date(2024, 1, 1),
        answered=date(2024, 1, 11),
        due=date(2024, 1, 29),
    )


def _total(law):
    _rows, totals = statistics.answer_statistics()
    return next(row for row in totals if row.department == law.name)


def test_an_open_overdue_request_lowers_the_departments_share_on_time(law, on_time):
    assert _total(law).share_within == 100
    today = timezone.localdate()
    overdue = MotionFactory(
        kind="RA", registered=True, lead_department=law, due_date=today - timedelta(days=10)
    )
    total = _total(law)
    assert (total.within, total.overdue, total.share_within) == (1, 1, 50)
    assert total.oldest_overdue == overdue


def test_open_within_the_deadline_does_not_change_the_share(law, on_time):
    MotionFactory(registered=True, lead_department=law)  # due in 20 days
    total = _total(law)
    assert (total.open_within, total.overdue, total.share_within) == (1, 0, 100)


def test_late_answers_and_the_90th_percentile(law):
    for days in range(1, 11):  # 1 … 10 days, the last three after their deadline
        answered_motion(
            department=law,
            registered=date(2024, 5, 1),
            answered=date(2024, 5, 1) + timedelta(days=days),
            due=date(2024, 5, 8),
        )
    [row] = [row for row in statistics.answer_statistics()[0] if row.year == 2024]
    assert (row.answered, row.within, row.late) == (10, 7, 3)
    assert row.p90_days == 9
    assert str(row.median_days) == "5.5"


def test_page_csv_and_chart_show_the_overdue_motion(client, law, on_time):
    today = timezone.localdate()
    overdue = MotionFactory(
        kind="RA", registered=True, lead_department=law, due_date=today - timedelta(days=3)
    )
    page = client.get("/antraege/statistik/").text
    assert overdue.get_absolute_url() in page  # the oldest overdue motion is linked
    assert "50,0" in page and "0 von 1" in page  # all years: 1 of 2; this year: 0 of 1
    assert "offen, überfällig" in page and page.count("<svg") >= 2
    rows = list(
        csv.reader(io.StringIO(client.get("/antraege/statistik.csv?format=international").text))
    )
    header, body = rows[0], rows[1:]
    current = dict(zip(header, next(r for r in body if r[1] == str(today.year)), strict=True))
    assert current["offen_ueberfaellig"] == "1"
    assert current["aeltester_ueberfaelliger"] == overdue.reference
    overall = dict(zip(header, next(r for r in body if r[1] == "2024"), strict=True))
    assert overall["fristgerecht"] == "1" and overall["verspaetet"] == "0"


def test_unpublished_motions_do_not_count(client, law):
    MotionFactory(
        registered=True,
        lead_department=law,
        confidential=True,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    assert "Noch keine registrierten Anträge." in client.get("/antraege/statistik/").text
