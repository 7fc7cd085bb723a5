"""The KPR in a real Chromium: the office records a meeting, citizens read its public part.
Every page type of the council is scanned with axe."""

import datetime

import pytest

from portal.models import Meeting
from tests.axe import assert_no_axe_violations
from tests.factories import (
    AgendaItemFactory,
    CouncilMeetingFactory,
    FundingFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    PreventionCouncilFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def council():
    profile = PreventionCouncilFactory(demo_note="Sitzungen und Beträge sind Beispieldaten.")
    kpr = profile.organization
    police = OrganizationFactory(name="Polizeidirektion Chemnitz", kind="external")
    MembershipFactory(
        organization=kpr, person=None, on_behalf_of=police, role_title="Leitung der Polizei"
    )
    OrganizationFactory(name="AG Sucht", kind="working_group", parent=kpr)
    measure = MeasureFactory(title="Präsenzstreifen", demo_content=True)
    measure.partners.add(police)
    FundingFactory(measure=measure, year=2020)
    FundingFactory(measure=measure, year=2021, requested=5000, granted=4000, own_share=1000)
    return profile


@pytest.fixture
def anonymous(chromium, live_server):
    context = chromium.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_office_records_meeting_and_public_sees_only_public_part(
    page, anonymous, login_page, council
):
    login_page("prevention_office")
    page.goto("/arbeitsbereich/praeventionsrat/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Neue Sitzung anlegen").click()
    assert_no_axe_violations(page)
    page.get_by_label("Bezeichnung").fill("Frühjahrssitzung")
    page.locator("#id_start").fill("2025-03-12T16:00")
    page.locator("#id_end").fill("2025-03-12T18:00")
    page.locator("#id_top-0-title").fill("Bericht der Polizeidirektion")
    page.locator("#id_top-1-title").fill("Vertrauliche Personalangelegenheit")
    page.locator("#id_top-1-public").uncheck()
    page.get_by_role("button", name="Sitzung speichern").click()
    page.wait_for_selector("text=Die Sitzung wurde gespeichert.")
    meeting = Meeting.objects.get(name="Frühjahrssitzung")

    page.get_by_role("link", name="Niederschrift").first.click()
    page.get_by_label("Niederschrift (Markdown)").fill(
        "## Ergebnisse\n\nDie **Präsenzstreifen** werden fortgesetzt."
    )
    # Keyboard: from the text area, Tab reaches "Vorschau" and Enter submits.
    page.get_by_label("Niederschrift (Markdown)").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".markdown-preview strong").inner_text() == "Präsenzstreifen"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Niederschrift speichern").click()
    page.wait_for_selector("text=Die Niederschrift wurde gespeichert.")

    anonymous.goto(f"/praeventionsrat/sitzungen/{meeting.pk}/")
    main = anonymous.locator("main").inner_text()
    assert "Bericht der Polizeidirektion" in main
    assert "Präsenzstreifen werden fortgesetzt" in main
    assert "Nichtöffentlicher Teil" in main
    assert "Vertrauliche Personalangelegenheit" not in anonymous.content()
    assert anonymous.locator("h1").count() == 1
    assert_no_axe_violations(anonymous)


def test_public_council_pages_have_no_axe_violations(page, council):
    meeting = CouncilMeetingFactory(organization=council.organization, minutes="**Text**")
    AgendaItemFactory(meeting=meeting, title="Bericht")
    AgendaItemFactory(meeting=meeting, title="Geheim", public=False)
    CouncilMeetingFactory(
        organization=council.organization,
        start=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=20),
    )
    for path in ("/praeventionsrat/", "/praeventionsrat/sitzungen/"):
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(page)
    page.goto("/praeventionsrat/")
    assert page.locator("svg[role=img] title").first.text_content().startswith("Förderung")
    assert "Präsenzstreifen" in page.locator("main").inner_text()


def test_staff_subpages_and_error_states_have_no_axe_violations(page, login_page, council):
    meeting = CouncilMeetingFactory(organization=council.organization)
    MembershipFactory(organization=council.organization)
    login_page("prevention_office")
    for path in (
        f"/arbeitsbereich/praeventionsrat/sitzungen/{meeting.pk}/anwesenheit/",
        "/arbeitsbereich/praeventionsrat/profil/",
        "/arbeitsbereich/praeventionsrat/mitglieder/",
        "/arbeitsbereich/praeventionsrat/arbeitsgruppen/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(page)
    page.goto(f"/arbeitsbereich/praeventionsrat/sitzungen/{meeting.pk}/anlagen/")
    page.locator("#id_file").set_input_files(
        {"name": "bericht.pdf", "mimeType": "application/pdf", "buffer": b"<html>x</html>"}
    )
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_selector(".error-summary")
    assert "Dieser Dateityp ist nicht erlaubt" in page.locator(".error-summary").inner_text()
    assert_no_axe_violations(page)
    page.goto(f"/arbeitsbereich/praeventionsrat/sitzungen/{meeting.pk}/")
    page.get_by_label("Bezeichnung").fill("")
    page.get_by_role("button", name="Sitzung speichern").click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)
    page.goto("/arbeitsbereich/praeventionsrat/massnahmen/neu/")
    assert_no_axe_violations(page)
    page.get_by_label("Titel").fill("Neue Maßnahme")
    page.locator("#id_foerderung-0-year").fill("2024")
    page.locator("#id_foerderung-0-requested").fill("10.000,00")
    page.locator("#id_foerderung-0-granted").fill("9.500,00")
    page.locator("#id_foerderung-0-own_share").fill("500,00")
    page.get_by_role("button", name="Maßnahme speichern").click()
    page.wait_for_selector(".error-summary")
    assert "höchstens 90 %" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
