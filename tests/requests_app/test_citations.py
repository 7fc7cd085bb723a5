"""Figures cited in answer texts come from the data, are refused when they name nothing, show
in the preview, and are frozen at approval (requests_app/citations.py, issue 16)."""

import pytest
from django.urls import reverse

from prevention.models import District, Indicator, IndicatorValue
from prevention.services import import_file
from requests_app import citations
from requests_app.services import reports as services
from tests.factories import AnswerReportFactory, MotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def values_2019():
    """Counts of pks.890000 for 2019 in every district (the import path staff use)."""
    rows = "".join(
        f"{district.number};pks.890000;2019;{1000 + index * 7};\n"
        for index, district in enumerate(District.objects.order_by("number"))
    )
    plan, _batch = import_file(
        data=("district;indicator;period;value;note\n" + rows).encode(), file_name="2019.csv"
    )
    assert plan.ok


def value(key: str, number: str, year: int) -> IndicatorValue:
    return IndicatorValue.objects.annual().get(
        indicator__key=key, district__number=number, year=year
    )


def test_a_cited_value_is_the_value_the_indicator_page_shows(client):
    stored = value("pks.890000", "01", 2019)
    zentrum = District.objects.get(number="01")
    text = citations.resolve(f"Im Zentrum [[kennzahl:pks.890000:{zentrum.slug}:2019]] Fälle.")
    shown = f"{int(stored.value):,}".replace(",", ".")
    assert text == f"Im Zentrum {shown} Fälle."
    page = client.get(
        reverse("prevention:indicator_detail", kwargs={"key": "pks.890000"}),
        {"jahr": 2019, "darstellung": "anzahl"},
    ).content.decode()
    assert shown in page


def test_the_haeufigkeitszahl_is_cited_per_100000_inhabitants():
    from prevention.models import Population

    zentrum = District.objects.get(number="01")
    Population.objects.update_or_create(
        district=zentrum, year=2019, defaults={"inhabitants": 20_000}
    )
    # 1000 cases among 20,000 inhabitants: 5,000 per 100,000
    assert citations.resolve(f"[[hz:pks.890000:{zentrum.slug}:2019]]") == "5.000"


def test_a_withheld_small_count_is_cited_as_a_dot_like_in_the_tables():
    indicator = Indicator.objects.get(key="pks.890000")
    zentrum = District.objects.get(number="01")
    IndicatorValue.objects.annual().filter(indicator=indicator, district=zentrum, year=2019).update(
        value=indicator.suppression_threshold - 1
    )
    assert citations.resolve(f"[[kennzahl:pks.890000:{zentrum.slug}:2019]]") == "."


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("[[kennzahl:gibt.es.nicht:stadt:2019]]", "Die Kennzahl „gibt.es.nicht“ gibt es nicht."),
        ("[[kennzahl:pks.890000:atlantis:2019]]", "Den Stadtteil „atlantis“ gibt es nicht"),
        ("[[kennzahl:pks.890000:stadt:neunzehn]]", "„neunzehn“ ist kein Jahr."),
        ("[[kennzahl:pks.890000:2019]]", "erwartet werden Kennzahl, Stadtteil und Jahr"),
    ],
)
def test_a_token_that_names_no_figure_is_refused_and_nothing_saved(
    client, make_user, department, token, message
):
    author = make_user("prevention_office", organizations=[department])
    motion = MotionFactory(registered=True, lead_department=department)
    report = AnswerReportFactory(motion=motion, answers=["Alt"])
    answer = report.answers.get()
    client.force_login(author)
    response = client.post(
        reverse("requests_app:report_edit", args=[report.pk]),
        {
            "title": "Antwort",
            "summary": "",
            f"answer_{answer.pk}": f"Es waren {token}.",
            "version": report.version,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    answer.refresh_from_db()
    assert answer.text == "Alt"


def test_the_preview_shows_the_cited_value(client, make_user, department):
    author = make_user("prevention_office", organizations=[department])
    motion = MotionFactory(registered=True, lead_department=department)
    report = AnswerReportFactory(motion=motion, answers=[""])
    answer = report.answers.get()
    client.force_login(author)
    stored = value("pks.890000", "01", 2019)
    slug = District.objects.get(number="01").slug
    response = client.post(
        reverse("requests_app:report_edit", args=[report.pk]),
        {
            "title": "Antwort",
            "summary": "",
            f"answer_{answer.pk}": f"Es waren [[kennzahl:pks.890000:{slug}:2019]] Fälle.",
            "version": report.version,
            "preview": "1",
        },
    )
    page = response.content.decode()
    assert f"Es waren {int(stored.value):,} Fälle.".replace(",", ".") in page


def test_the_figure_is_frozen_at_approval_and_published_as_approved(
    make_user, department, approver
):
    author = make_user("prevention_office", organizations=[department])
    motion = MotionFactory(registered=True, lead_department=department)
    slug = District.objects.get(number="01").slug
    report = AnswerReportFactory(
        motion=motion, answers=[f"Es waren [[kennzahl:pks.890000:{slug}:2019]] Fälle."]
    )
    report = services.report_submit(report=report, user=author)
    report = services.report_approve(report=report, user=approver, version=report.version)
    before = f"{int(value('pks.890000', '01', 2019).value):,}".replace(",", ".")
    plan, _batch = import_file(
        data=b"district;indicator;period;value;note\n01;pks.890000;2019;4711;\n",
        file_name="korrektur.csv",
    )
    assert plan.ok
    report = services.report_publish(report=report, user=approver, version=report.version)
    assert f"Es waren {before} Fälle." in report.published_html
    assert "4.711" not in report.published_html
