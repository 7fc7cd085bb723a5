"""Public district and indicator pages, open-data downloads, withholding, query counts."""

import codecs
import csv
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.cache import cache

from prevention.models import District, Indicator, IndicatorValue, Population

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def fill(indicators, years, *, synthetic=False, value=lambda d, y: 100 + int(d.number) * 10):
    """Values for every district and the city, and populations, for the years."""
    districts = list(District.objects.all())
    Population.objects.bulk_create(
        [
            Population(district=d, year=y, inhabitants=10_000 + int(d.number) * 100)
            for d in districts
            for y in years
        ],
        ignore_conflicts=True,
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(indicator=i, district=d, year=y, value=value(d, y), synthetic=synthetic)
            for i in indicators
            for d in districts
            for y in years
        ]
        + [
            IndicatorValue(indicator=i, district=None, year=y, value=50_000, synthetic=synthetic)
            for i in indicators
            for y in years
        ]
    )


@pytest.fixture
def all_offences():
    return Indicator.objects.get(key="pks.890000")


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(match) for match in re.findall(r"<svg.*?</svg>", html, re.S)]


# --- /stadtteile/ --------------------------------------------------------------------------


def test_overview_lists_every_district_with_chart_and_city_average(client, all_offences):
    fill([all_offences], [2018, 2022, 2023])
    html = client.get("/stadtteile/").content.decode()
    assert html.count('href="/stadtteile/') >= 39
    assert "Straftaten insgesamt 2023" in html
    assert "Vergleichswert (Stadt gesamt)" in html
    [bar] = svgs(html)
    assert bar.find(f"{SVG}title").text == "Straftaten insgesamt 2023 nach Stadtteilen"
    # the chart shows the same numbers as the table beside it
    rate = Decimal(110 * 100_000) / Decimal(10_100)
    zentrum_rate = f"{rate:,.0f}".replace(",", ".")
    assert zentrum_rate in [t.text for t in bar.iter(f"{SVG}text")]
    assert f'<td class="text-end">{zentrum_rate}</td>' in html
    assert "Beispieldaten – keine amtlichen Zahlen" not in html


def test_overview_sorts_server_side_with_aria_sort(client, all_offences):
    fill([all_offences], [2023])
    response = client.get("/stadtteile/?kennzahl=pks.890000&jahr=2023&sortierung=wert&richtung=ab")
    html = response.content.decode()
    assert html.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in html
    names = re.findall(r'<th scope="row"><a href="/stadtteile/[^"]+">([^<]+)</a>', html)
    assert names[0] == "Wittgensdorf"  # number 97: the largest value
    assert names[-1] == "Zentrum"


def test_overview_with_unknown_parameters_falls_back(client, all_offences):
    fill([all_offences], [2023])
    response = client.get("/stadtteile/?kennzahl=gibt.es.nicht&jahr=abc&sortierung=x")
    assert response.status_code == 200
    assert "Straftaten insgesamt 2023" in response.content.decode()


def test_overview_without_data_still_lists_districts(client):
    html = client.get("/stadtteile/").content.decode()
    assert "noch keine Werte" in html
    assert "Zentrum" in html


def test_scatter_compares_safety_with_crime(client, all_offences):
    safety = Indicator.objects.get(key="survey.safe_at_night")
    fill([all_offences], [2023])
    fill([safety], [2023], value=lambda d, y: Decimal(90) - Decimal(int(d.number)) / 2)
    html = client.get("/stadtteile/").content.decode()
    _bar, scatter = svgs(html)
    assert "Sicherheitsgefühl" in scatter.find(f"{SVG}title").text
    assert len(list(scatter.iter(f"{SVG}circle"))) == 39
    assert "Korrelation r =" in scatter.find(f"{SVG}desc").text


# --- withholding ---------------------------------------------------------------------------


@pytest.fixture
def withheld(all_offences):
    """Zentrum 2023 has 777 cases; a threshold of 1000 withholds that count."""
    fill([all_offences], [2018, 2022, 2023])
    all_offences.suppression_threshold = 1000
    all_offences.save()
    IndicatorValue.objects.filter(district__number="01", year=2023).update(value=777)
    IndicatorValue.objects.filter(district__isnull=True).update(value=55_555)
    IndicatorValue.objects.exclude(district__number="01").exclude(district__isnull=True).update(
        value=1234
    )
    rate = Decimal(777 * 100_000) / Decimal(10_100)
    return ["777", f"{rate:.1f}", f"{rate:,.0f}".replace(",", "."), f"{rate:.0f}"]


PUBLIC_URLS = [
    "/stadtteile/",
    "/stadtteile/?kennzahl=pks.890000&jahr=2023&sortierung=wert&richtung=auf",
    "/stadtteile/zentrum/",
    "/kennzahlen/pks.890000/",
    "/kennzahlen/pks.890000/?darstellung=anzahl",
    "/kennzahlen/pks.890000.csv",
    "/kennzahlen/pks.890000.json",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_withheld_value_appears_nowhere_in_public_output(client, withheld, url):
    content = client.get(url).content.decode()
    for number in withheld:
        assert number not in content, (url, number)


@pytest.mark.parametrize("url", PUBLIC_URLS[:5])
def test_withheld_value_is_shown_as_dot_with_footnote(client, withheld, url):
    html = client.get(url).content.decode()
    assert '<span aria-hidden="true">.</span>' in html
    assert 'id="fussnote-zurueckgehalten"' in html


def test_withheld_value_in_downloads_is_a_dot_or_null(client, withheld):
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/kennzahlen/pks.890000.csv?format=international").content.decode()
            )
        )
    )
    zentrum = next(r for r in rows if r["district_number"] == "01" and r["year"] == "2023")
    assert (zentrum["value"], zentrum["haeufigkeitszahl"]) == (".", ".")
    assert "zurückgehalten" in zentrum["remarks"]
    data = client.get("/kennzahlen/pks.890000.json").json()
    value = next(
        v
        for v in data["values"]
        if v["district"] and v["district"]["number"] == "01" and v["year"] == 2023
    )
    assert value["value"] is None and value["withheld"] is True
    assert "zurückgehalten" in data["footnotes"]["withheld"]


def test_prevention_office_sees_withheld_value_marked(client_as, withheld):
    client = client_as("prevention_office")
    html = client.get("/stadtteile/zentrum/").content.decode()
    assert "777" in html
    assert "öffentlich „.“" in html


@pytest.mark.parametrize("role", ["council_member", "approver"])
def test_other_roles_do_not_see_withheld_value(client_as, withheld, role):
    html = client_as(role).get("/stadtteile/zentrum/").content.decode()
    assert "777" not in html


# --- synthetic data ------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_demo_figures_are_labelled_everywhere(client, all_offences, url):
    fill([all_offences], [2018, 2023], synthetic=True)
    assert "Beispieldaten – keine amtlichen Zahlen" in client.get(url).content.decode()


# --- district profile ----------------------------------------------------------------------


def test_district_page_shows_trend_with_marker_change_and_rank(client, all_offences):
    fill([all_offences], [2017, 2018, 2019, 2020])
    IndicatorValue.objects.filter(district__number="01", year=2020).update(value=55)
    html = client.get("/stadtteile/zentrum/").content.decode()
    assert "<h1>Zentrum</h1>" in html
    [line] = [svg for svg in svgs(html) if "Straftaten insgesamt" in svg.find(f"{SVG}title").text]
    assert "ASSKomm-Start 06.02.2019" in [t.text for t in line.iter(f"{SVG}text")]
    assert "−50,0\u00a0%" in html  # 55 against 110 in 2018
    assert "39 von 39" in html  # the lowest value now
    assert "Einwohner mit Hauptwohnsitz" in html


def test_unknown_district_and_indicator_are_404(client):
    assert client.get("/stadtteile/atlantis/").status_code == 404
    assert client.get("/kennzahlen/pks.1/").status_code == 404
    assert client.get("/kennzahlen/pks.1.csv").status_code == 404


# --- indicator page and downloads ----------------------------------------------------------


def test_indicator_page_has_definition_source_licence_and_downloads(client, all_offences):
    fill([all_offences], [2022, 2023])
    html = client.get("/kennzahlen/pks.890000/").content.decode()
    assert "PKS-Schlüssel" in html and "890000" in html
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert 'href="/kennzahlen/pks.890000.csv"' in html
    assert 'href="/kennzahlen/pks.890000.json"' in html
    assert len(svgs(html)) == 1


def test_indicator_list_links_every_indicator(client):
    html = client.get("/kennzahlen/").content.decode()
    for indicator in Indicator.objects.all():
        assert indicator.get_absolute_url() in html


def test_csv_download(client, all_offences):
    fill([all_offences], [2023])
    response = client.get("/kennzahlen/pks.890000.csv?format=international")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "pks.890000.csv" in response["Content-Disposition"]
    assert "dl-de/by-2-0" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 40
    zentrum = next(r for r in rows if r["district_number"] == "01")
    assert (zentrum["value"], zentrum["inhabitants"]) == ("110", "10100")
    assert zentrum["haeufigkeitszahl"] == "1089.1"


def test_json_download(client, all_offences):
    fill([all_offences], [2023])
    data = client.get("/kennzahlen/pks.890000.json").json()
    assert data["license"]["url"] == "https://www.govdata.de/dl-de/by-2-0"
    assert data["indicator"]["key"] == "pks.890000"
    assert data["synthetic"] is False and data["notice"] is None
    city = next(v for v in data["values"] if v["district"] is None)
    assert city["value"] == 50_000


# --- query counts --------------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit):
    cache.clear()
    with django_assert_max_num_queries(limit) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/stadtteile/", "/stadtteile/zentrum/", "/kennzahlen/pks.890000/"])
def test_query_count_does_not_grow_with_years_or_indicators(
    client, django_assert_max_num_queries, url, all_offences
):
    safety = Indicator.objects.get(key="survey.safe_at_night")
    fill([all_offences, safety], [2022, 2023])
    small = _count_queries(client, url, django_assert_max_num_queries, 12)
    more = [
        Indicator.objects.create(key=f"test.k{n}", name=f"K{n}", source="pks") for n in range(6)
    ]
    IndicatorValue.objects.all().delete()
    fill([all_offences, safety, *more], range(2012, 2024))
    large = _count_queries(client, url, django_assert_max_num_queries, 12)
    assert large == small


@pytest.mark.parametrize(
    "note", ['=HYPERLINK("https://example.org/x";"Quelle")', "@SUM(1+1)", "+1+1", "-2+3"]
)
def test_csv_notes_cannot_become_spreadsheet_formulas(client, all_offences, note):
    fill([all_offences], [2023])
    IndicatorValue.objects.filter(indicator=all_offences, district__number="01").update(note=note)
    response = client.get("/kennzahlen/pks.890000.csv?format=international")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    zentrum = next(r for r in rows if r["district_number"] == "01")
    assert zentrum["note"] == "'" + note  # the spreadsheets' mark for text
    assert zentrum["value"] == "110"  # numbers stay numbers


# --- CSV for German Excel and the international one (issue 19) ------------------------------


def test_csv_for_german_excel_is_the_default_in_german(client, all_offences):
    fill([all_offences], [2023])
    response = client.get("/kennzahlen/pks.890000.csv")
    body = response.content
    assert body.startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 only with its mark
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "district_number;district;indicator;year;value;" + (
        "haeufigkeitszahl;inhabitants;note;remarks"
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    zentrum = next(r for r in rows if r["district_number"] == "01")
    assert (zentrum["value"], zentrum["inhabitants"]) == ("110", "10100")
    assert zentrum["haeufigkeitszahl"] == "1089,1"  # decimal comma
    assert {"Glösa-Draisdorf", "Schloßchemnitz"} <= {r["district"] for r in rows}  # umlauts
    assert client.get("/kennzahlen/pks.890000.csv?format=de").content == body


def test_international_csv_beside_it_and_the_default_in_english(client, all_offences, settings):
    fill([all_offences], [2023])
    german = client.get("/kennzahlen/pks.890000.csv").content
    international = client.get("/kennzahlen/pks.890000.csv?format=international").content
    assert international != german  # not one variant from the page cache for both
    assert not international.startswith(codecs.BOM_UTF8)
    assert international.decode().splitlines()[0].startswith("district_number,district,")
    assert ",1089.1," in international.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/kennzahlen/pks.890000.csv").content
    assert english == client.get("/kennzahlen/pks.890000.csv?format=international").content
    assert not english.startswith(codecs.BOM_UTF8) and ",1089.1," in english.decode()


def test_both_csv_variants_are_linked(client, all_offences, settings):
    fill([all_offences], [2023])
    for url in ["/kennzahlen/pks.890000/", "/kennzahlen/"]:
        html = client.get(url).content.decode()
        assert 'href="/kennzahlen/pks.890000.csv"' in html
        assert 'href="/kennzahlen/pks.890000.csv?format=international"' in html
        assert "CSV international (Komma, Dezimalpunkt)" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/kennzahlen/pks.890000/").content.decode()
    assert 'href="/kennzahlen/pks.890000.csv?format=de"' in html
