"""The base layout in a real Chromium: accessibility scan and keyboard use."""

import pytest

from tests.axe import assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PUBLIC_PAGES = [
    "/",
    "/konto/anmelden/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/oparl/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, path):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)


def test_error_pages_have_no_axe_violations(page):
    response = page.goto("/gibt-es-nicht/")
    assert response.status == 404
    assert_no_axe_violations(page)


def test_login_error_summary_has_no_axe_violations(page):
    page.goto("/konto/anmelden/")
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)


def test_workspace_has_no_axe_violations(page, login_page):
    login_page("prevention_office")
    assert page.get_by_role("heading", level=1).inner_text() == "Arbeitsbereich"
    assert_no_axe_violations(page)


def test_skip_link_is_first_and_moves_focus_to_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_login_by_keyboard_alone(page, make_user):
    user = make_user("council_member")
    page.goto("/konto/anmelden/")
    page.get_by_label("Benutzername").focus()
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("test-passwort")
    page.keyboard.press("Enter")
    page.wait_for_url("**/arbeitsbereich/")
    assert "Ratsmitglied" in page.content()


def test_language_switch_by_keyboard(page):
    page.goto("/impressum/")
    page.get_by_role("button", name="English").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Imprint"  # English text
    assert page.get_by_role("link", name="Skip to content").count() == 1
