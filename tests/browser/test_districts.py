"""District and indicator pages in a real Chromium: axe scans, keyboard use, print layout."""

import io

import pytest

from prevention.demo import load_districts_and_indicators
from prevention.models.districts import load_districts
from prevention.models.indicators import load_catalogue
from tests.axe import assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def reference_data():
    """The districts and indicators of migration 0002. Transactional tests flush the tables and
    the serialized restore does not always bring them back (cf. ensure_roles in conftest)."""
    load_districts()
    load_catalogue()


@pytest.fixture
def demo_figures():
    load_districts_and_indicators(stdout=io.StringIO())


@pytest.mark.parametrize(
    "path",
    [
        "/stadtteile/",
        "/stadtteile/?kennzahl=pks.burglary&jahr=2020&sortierung=hz&richtung=ab",
        "/stadtteile/zentrum/",
        "/stadtteile/euba/",
        "/kennzahlen/",
        "/kennzahlen/pks.890000/",
        "/kennzahlen/survey.safe_at_night/",
    ],
)
def test_public_indicator_pages_have_no_axe_violations(page, demo_figures, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert page.get_by_text("Beispieldaten – keine amtlichen Zahlen").first.is_visible()
    assert_no_axe_violations(page)


@pytest.fixture
def demo_measures(demo_figures):
    from prevention.demo import load_prevention_council

    load_prevention_council(stdout=io.StringIO())


@pytest.mark.parametrize(
    "path",
    [
        "/wirkung/",
        "/wirkung/methode/",
        "/kennzahlen/pks.899000/wirkung/",
        "/kennzahlen/survey.safe_at_night/wirkung/",
        "/kennzahlen/pks.899000/wirkung/?stichtag=1.1.1990",
    ],
)
def test_effect_pages_have_no_axe_violations(page, demo_measures, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    if path != "/wirkung/methode/":  # every output links the methods note
        assert page.locator('a[href="/wirkung/methode/"]').count() >= 1
    assert_no_axe_violations(page)


def test_pages_without_data_have_no_axe_violations(page):
    for path in ["/stadtteile/", "/stadtteile/zentrum/", "/kennzahlen/pks.890000/"]:
        page.goto(path)
        assert_no_axe_violations(page)


def test_chart_is_an_image_with_its_title_as_name(page, demo_figures):
    page.goto("/stadtteile/")
    chart = page.get_by_role("img", name="Straftaten insgesamt 2025 nach Stadtteilen")
    assert chart.count() == 1
    page.emulate_media(media="print")
    assert chart.is_visible()
    assert page.locator("form[aria-label]").is_hidden()  # the chooser is not printed


def test_choose_indicator_and_year_and_sort_by_keyboard(page, demo_figures):
    page.goto("/stadtteile/")
    page.get_by_label("Kennzahl", exact=True).focus()
    page.keyboard.press("End")  # the last indicator: the feeling of safety
    page.get_by_label("Jahr", exact=True).select_option("2019")
    page.get_by_role("button", name="Anzeigen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=2, name="Sicherheitsgefühl nachts 2019").count() == 1
    page.get_by_role("link", name="Rang").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    header = page.locator("th[aria-sort]")
    assert header.count() == 1 and "Rang" in header.inner_text()
    assert_no_axe_violations(page)


def test_import_pages_have_no_axe_violations(page, login_page, tmp_path):
    login_page("prevention_office")
    page.goto("/arbeitsbereich/kennzahlen/import/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)

    bad = tmp_path / "fehler.csv"
    bad.write_text("district;indicator;period;value\nAtlantis;pks.890000;2023;1\n")
    page.get_by_label("CSV-Datei").set_input_files(str(bad))
    page.get_by_role("button", name="Datei prüfen").click()
    page.get_by_text("Zeile 2: Stadtteil „Atlantis“ ist unbekannt.").wait_for()
    assert_no_axe_violations(page)

    good = tmp_path / "pks.csv"
    good.write_text("district;indicator;period;value\n01;pks.890000;2023;3900\n")
    page.goto("/arbeitsbereich/kennzahlen/import/")
    page.get_by_label("CSV-Datei").set_input_files(str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Datei prüfen").click()
    assert page.locator(".import-status").inner_text() == "Vorschau", page.content()
    page.get_by_role("button", name="Import ausführen").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Import ausführen").click()
    page.get_by_text("Import ausgeführt").wait_for()
    assert_no_axe_violations(page)
