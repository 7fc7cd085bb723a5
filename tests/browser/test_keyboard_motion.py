"""Filing a motion by keyboard alone (issue 19): Tab, typing, Space and Enter, never a click.

A council member logs in, files a Beschlussantrag with three questions ("weitere Frage" puts the
focus on the new field), previews it (the page goes to the preview), saves, confirms and submits
it; the motion is public afterwards. Also: after an error the focus is on the error summary and
the page title says "Fehler:"."""

import pytest
from playwright.sync_api import expect

from portal import roles
from requests_app.models import Motion
from tests.axe import assert_no_axe_violations
from tests.factories import PASSWORD, OrganizationFactory, PersonFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_TABS = 120


@pytest.fixture
def rat(make_user):
    faction = OrganizationFactory(name="Fraktion Tastatur", short_name="Tast", kind="faction")
    return make_user(
        roles.COUNCIL_MEMBER,
        organizations=[faction],
        person=PersonFactory(given_name="Tara", family_name="Taste", public=True),
    )


def active(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str) -> int:
    """Press Tab until the focused element matches `selector`; how many presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if active(page, selector):
            return presses
    raise AssertionError(f"{selector} not reached with {MAX_TABS} Tab presses")


def enter(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.top >= 0 && r.top < window.innerHeight; }""",
        selector,
    )


def keyboard_login(page, user) -> None:
    page.goto("/konto/anmelden/")
    tab_to(page, "#id_username")
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert active(page, "#id_password")
    page.keyboard.type(PASSWORD)
    enter(page)
    page.wait_for_url("**/arbeitsbereich/")


def test_file_a_motion_with_three_questions_by_keyboard_alone(page, rat):
    keyboard_login(page, rat)
    tab_to(page, "a[href='/arbeitsbereich/antraege/neu/']")
    enter(page)

    tab_to(page, "#id_kind")
    page.keyboard.type("Beschluss")  # a focused select picks the option typed
    assert page.eval_on_selector("#id_kind", "el => el.value") == "BA"
    tab_to(page, "#id_title")
    page.keyboard.type("Sichere Schulwege per Tastatur")
    tab_to(page, "#id_text")
    page.keyboard.type("Der Stadtrat möge **beschließen**:")
    tab_to(page, "#id_fragen-0-text")
    page.keyboard.type("Welche Schulwege gelten als unsicher?")

    for number in (1, 2):  # "weitere Frage" twice: the focus lands on the new field each time
        tab_to(page, "button[name='add_question']")
        enter(page)
        assert active(page, f"#id_fragen-{number}-text")
        page.keyboard.type(["", "Was kostet eine Schülerlotsen-Ampel?", "Bis wann?"][number])

    tab_to(page, "button[name='preview']")
    enter(page)
    assert active(page, "#vorschau-bereich")  # "Vorschau" visibly does something
    assert in_viewport(page, "#vorschau-bereich")
    preview = page.locator("#vorschau-bereich")
    expect(preview.locator(".preview-title")).to_have_text("Sichere Schulwege per Tastatur")
    expect(preview.locator("strong")).to_have_text("beschließen")
    expect(preview.locator("ol.motion-questions > li")).to_have_count(3)
    expect(preview).to_contain_text("Bis wann?")
    assert_no_axe_violations(page)

    tab_to(page, "button[name='save']")
    enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sichere Schulwege per Tastatur")
    motion = Motion.objects.get(title="Sichere Schulwege per Tastatur")
    assert motion.status == "draft" and motion.questions.count() == 3

    # submitting without the confirmation publishes nothing and focuses the error summary
    tab_to(page, "form[action$='/submit/'] button[type='submit']")
    enter(page)
    assert active(page, ".error-summary")
    assert page.title().startswith("Fehler: ")
    motion.refresh_from_db()
    assert motion.status == "draft"
    assert_no_axe_violations(page)

    tab_to(page, "#id_submit-confirm")
    page.keyboard.press("Space")
    assert page.is_checked("#id_submit-confirm")
    tab_to(page, "form[action$='/submit/'] button[type='submit']")
    enter(page)
    expect(
        page.get_by_text("Der Antrag wurde eingereicht. Er ist jetzt öffentlich.")
    ).to_be_visible()

    motion.refresh_from_db()
    assert motion.status == "submitted" and motion.is_public
    assert Motion.objects.published().filter(pk=motion.pk).exists()
    assert [q.number for q in motion.questions.all()] == [1, 2, 3]
    response = page.goto(motion.get_absolute_url())
    assert response.status == 200
    expect(page.locator(".motion-questions li")).to_have_count(3)


def test_an_error_focuses_the_summary_and_the_title_says_so(page, rat):
    keyboard_login(page, rat)
    page.goto("/arbeitsbereich/antraege/neu/")
    tab_to(page, "button[name='save']")
    enter(page)  # no title
    assert active(page, "#fehler")
    assert page.title().startswith("Fehler: ")
    assert in_viewport(page, "#fehler")
    page.keyboard.press("Tab")  # the first error link, then Enter goes to the field
    assert active(page, "#fehler a")
    page.keyboard.press("Enter")
    assert active(page, "#id_title")
