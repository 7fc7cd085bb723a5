"""The demo's answer reports: BA-044/2020 published with exhibits and PDF, one in review, one
draft; loading twice changes nothing."""

import pytest
from django.core.management import call_command

from requests_app.models import AnswerReport, Exhibit

pytestmark = pytest.mark.django_db


def test_ba_044_2020_is_answered_by_a_published_report_with_exhibits(demo, client):
    report = AnswerReport.objects.get(slug="ba-044-2020")
    assert report.status == AnswerReport.Status.PUBLISHED
    assert report.motion.status == "answered"
    assert [bool(a.text) for a in report.answers.all()] == [True] * 6
    kinds = set(Exhibit.objects.filter(answer__report=report).values_list("kind", flat=True))
    # Q1 the meetings, Q2 measures and funding, Q3/Q4 charts, Q5 the effect analysis over all
    # districts, Q6 the survey against crime
    assert {"meetings", "measures", "indicator_chart", "effect", "safety_comparison"} <= kinds
    assert report.published_html.count("<svg") >= 3
    assert "Beispieldaten" in report.published_html
    # The answer of 29.09.2020 lists the KPR meetings of 2019 and 2020 held by then.
    assert "14.09.2020" in report.published_html and "12.10.2020" not in report.published_html
    assert report.pdf_status == AnswerReport.PdfStatus.DONE
    page = client.get("/berichte/ba-044-2020/")
    assert page.status_code == 200 and "Abbildung 6" in page.text
    assert client.get("/berichte/ba-044-2020.pdf").status_code == 200
    assert "/berichte/ba-044-2020/" in client.get("/antraege/ba-044-2020/").text


def test_other_demo_reports_are_published_in_review_and_in_draft(demo):
    statuses = set(
        AnswerReport.objects.exclude(slug="ba-044-2020").values_list("status", flat=True)
    )
    assert statuses == {"published", "in_review", "draft"}


def test_loading_the_demo_twice_changes_nothing(demo):
    before = sorted(AnswerReport.objects.values_list("pk", "modified", "content_sha256"))
    exhibits = Exhibit.objects.count()
    call_command("loaddemo")
    assert sorted(AnswerReport.objects.values_list("pk", "modified", "content_sha256")) == before
    assert Exhibit.objects.count() == exhibits
