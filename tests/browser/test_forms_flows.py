"""What a person sees of the forms and flows of issue 19, in a real Chromium: a stale save shows
the other person's change beside one's own and saves on top on purpose; the returned notice;
the password reset pages. axe on each."""

import pytest
from playwright.sync_api import expect

from portal import roles
from requests_app.models import Motion
from requests_app.services import motions as services
from tests.axe import assert_no_axe_violations
from tests.conftest import browser_login
from tests.factories import MotionFactory, OrganizationFactory, PersonFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(make_user):
    faction = OrganizationFactory(name="Fraktion Fluss", short_name="Fluss", kind="faction")
    rat = make_user(
        roles.COUNCIL_MEMBER,
        organizations=[faction],
        person=PersonFactory(given_name="Fina", family_name="Fluss", public=True),
        email="fina.fluss@example.org",
    )
    colleague = make_user(roles.COUNCIL_MEMBER, organizations=[faction])
    return {"rat": rat, "colleague": colleague, "faction": faction}


def test_a_stale_save_shows_both_versions_and_saves_on_top(page, people):
    motion = MotionFactory(faction=people["faction"], title="Alter Titel")
    browser_login(page, people["rat"])
    page.goto(f"/arbeitsbereich/antraege/{motion.pk}/bearbeiten/")
    page.get_by_label("Titel").fill("Mein Titel")
    # meanwhile the colleague saves
    services.motion_update(
        motion=motion,
        user=people["colleague"],
        version=motion.version,
        kind="RA",
        title="Titel der Kollegin",
        text=motion.text,
        questions=["Eine Frage?"],
    )
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".error-summary")).to_contain_text("Jemand anderes hat diesen Eintrag")
    table = page.get_by_role("table", name="Jetzt gespeichert und Ihre Eingabe")
    expect(table).to_contain_text("Titel der Kollegin")
    expect(table).to_contain_text("Mein Titel")
    expect(page.get_by_label("Titel")).to_have_value("Mein Titel")  # nothing to type again
    assert page.title().startswith("Fehler: ")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Trotzdem speichern").click()
    expect(page.get_by_text("Der Entwurf wurde gespeichert.")).to_be_visible()
    assert Motion.objects.get(pk=motion.pk).title == "Mein Titel"


def test_the_submitters_see_the_return_reason_and_can_delete_a_draft(page, people, make_user):
    office = make_user(roles.COUNCIL_OFFICE)
    returned = MotionFactory(faction=people["faction"], title="Zurück an uns")
    services.motion_submit(motion=returned, user=people["rat"])
    services.motion_return(motion=returned, user=office, reason="Frage 2 ist unklar.")
    draft = MotionFactory(faction=people["faction"], title="Nur ein Versuch")
    browser_login(page, people["rat"])

    page.goto(returned.get_workspace_url())
    notice = page.get_by_role("note").filter(has_text="Vom Ratsbüro zurückgegeben")
    expect(notice).to_contain_text("Frage 2 ist unklar.")
    expect(page.get_by_role("button", name="Zurückziehen")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(draft.get_workspace_url())
    expect(page.get_by_role("button", name="Zurückziehen")).to_have_count(0)
    page.get_by_role("button", name="Entwurf löschen").click()  # unconfirmed: refused
    expect(page.locator(".error-summary")).to_be_visible()
    assert Motion.objects.filter(pk=draft.pk).exists()
    page.get_by_label("endgültig löschen").check()
    page.get_by_role("button", name="Entwurf löschen").click()
    expect(page.get_by_text("Der Entwurf wurde gelöscht.")).to_be_visible()
    assert not Motion.all_objects.filter(pk=draft.pk).exists()


def test_password_reset_pages(page, people):
    page.goto("/konto/anmelden/")
    page.get_by_role("link", name="Passwort vergessen?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort vergessen")
    assert_no_axe_violations(page)
    page.get_by_label("E-Mail").fill("unbekannt@example.org")
    page.get_by_role("button", name="Link zum Zurücksetzen senden").click()
    expect(page.get_by_text("Wenn zu dieser Adresse ein Konto gehört")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/konto/passwort-neu/MQ/falsch-falsch/")
    expect(page.get_by_text("ungültig oder abgelaufen")).to_be_visible()
    assert_no_axe_violations(page)
