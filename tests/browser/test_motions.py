"""The motion journey in a real Chromium: file, submit, register, follow; axe on every page type."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal import roles
from requests_app.models import Motion
from tests.axe import assert_no_axe_violations
from tests.conftest import browser_login, browser_logout
from tests.factories import MotionFactory, OrganizationFactory, PersonFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(make_user):
    faction = OrganizationFactory(name="Fraktion Browser", short_name="Browser", kind="faction")
    department = OrganizationFactory(name="Dezernat Browser", kind="department")
    rat = make_user(
        roles.COUNCIL_MEMBER,
        organizations=[faction],
        person=PersonFactory(given_name="Rita", family_name="Rat", public=True),
    )
    office = make_user(roles.COUNCIL_OFFICE)
    return {"rat": rat, "office": office, "faction": faction, "department": department}


def test_file_submit_register_and_follow(page, people):
    rat, office = people["rat"], people["office"]
    browser_login(page, rat)
    assert_no_axe_violations(page)  # dashboard with "Meine Anträge"
    page.get_by_role("link", name="Neuen Antrag anlegen").click()
    assert_no_axe_violations(page)  # empty motion form

    # an empty title: the error summary links to the field
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_title"

    page.get_by_label("Art").select_option("RA")
    page.get_by_label("Titel").fill("Beleuchtung am Schlossteich")
    page.get_by_label("Antragstext").fill("Wir fragen **dringend**:")
    page.get_by_label("Frage 1", exact=True).fill("Wie viele Leuchten sind defekt?")
    page.get_by_role("button", name="weitere Frage").click()  # no JavaScript needed
    page.get_by_label("Frage 2", exact=True).fill("Bis wann werden sie repariert?")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.locator(".markdown-preview strong")).to_have_text("dringend")
    assert_no_axe_violations(page)  # form with preview
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Der Entwurf wurde gespeichert.")).to_be_visible()
    assert_no_axe_violations(page)  # workspace detail of a draft

    page.get_by_label("Ja, einreichen").check()  # nothing is published unconfirmed
    page.get_by_role("button", name="Anfrage einreichen").click()  # a Ratsanfrage
    expect(page.get_by_text("Die Anfrage wurde eingereicht.")).to_be_visible()
    motion = Motion.objects.get(title="Beleuchtung am Schlossteich")
    assert motion.status == "submitted"
    assert [q.number for q in motion.questions.all()] == [1, 2]
    browser_logout(page)

    browser_login(page, office)
    inbox = page.get_by_role("region", name="Posteingang des Ratsbüros")
    assert_no_axe_violations(page)  # dashboard with the inbox
    inbox.get_by_role("link", name="Beleuchtung am Schlossteich").click()
    assert_no_axe_violations(page)  # office view with the action forms
    page.get_by_label("federführendes Dezernat").select_option(label="Dezernat Browser")
    page.get_by_role("button", name="Registrieren", exact=True).click()
    expect(page.get_by_text("Die Anfrage wurde registriert.")).to_be_visible()
    motion.refresh_from_db()
    browser_logout(page)

    browser_login(page, rat)
    mine = page.get_by_role("region", name="Meine Anträge")
    expect(mine).to_contain_text(motion.reference)
    expect(mine).to_contain_text(motion.due_date.strftime("%d.%m.%Y"))
    days = (motion.due_date - timezone.localdate()).days  # 28, or the next working day
    expect(mine).to_contain_text(f"noch {days} Tage")
    mine.get_by_role("link", name="Beleuchtung am Schlossteich").click()
    expect(page.locator(".motion-facts")).to_contain_text(motion.reference)
    expect(page.locator(".motion-facts")).to_contain_text("Dezernat Browser")


def test_public_list_and_detail_have_no_axe_violations(page, people):
    faction = people["faction"]
    MotionFactory(faction=faction, submitted=True, title="Eingereichte Anfrage")
    motion = MotionFactory(
        faction=faction, registered=True, kind="BA", title="Registrierter Antrag"
    )
    page.goto("/antraege/")
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)
    page.get_by_label("Art").select_option("BA")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("table")).to_contain_text("Registrierter Antrag")
    expect(page.get_by_role("table")).not_to_contain_text("Eingereichte Anfrage")
    page.get_by_role("link", name="Registrierter Antrag").click()
    page.wait_for_url(f"**{motion.get_absolute_url()}")
    assert_no_axe_violations(page)


def test_office_return_form_error_has_no_axe_violations(page, people):
    motion = MotionFactory(faction=people["faction"], submitted=True, title="Zurückzugeben")
    browser_login(page, people["office"])
    page.goto(motion.get_workspace_url())
    page.get_by_role("button", name="Zurückgeben").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)


def test_motion_form_by_keyboard_alone(page, people):
    browser_login(page, people["rat"])
    page.goto("/arbeitsbereich/antraege/neu/")
    page.get_by_label("Titel").focus()
    page.keyboard.type("Per Tastatur")
    page.get_by_label("Frage 1", exact=True).focus()
    page.keyboard.type("Geht das ohne Maus?")
    page.get_by_role("button", name="Entwurf speichern").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Per Tastatur")
    page.get_by_label("Ja, einreichen").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Anfrage einreichen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Motion.objects.get(title="Per Tastatur").status == "submitted"


def test_a_returned_motion_keeps_its_address_with_a_notice(page, people):
    from requests_app.services import motions as services

    motion = MotionFactory(faction=people["faction"], title="Bald zurückgegeben")
    services.motion_submit(motion=motion, user=people["rat"])
    services.motion_return(motion=motion, user=people["office"], reason="Bitte genauer.")
    response = page.goto(motion.get_absolute_url())
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrag nicht mehr öffentlich")
    assert_no_axe_violations(page)  # the 410 page of a motion that was public
