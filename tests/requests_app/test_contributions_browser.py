"""Contributions and co-signing in a real Chromium: the author asks the police and another
department, the police hands in by keyboard, the author quotes it, the department objects;
axe on every page type."""

import pytest
from playwright.sync_api import expect

from portal import roles
from requests_app.models import AnswerReport, ContributionRequest
from requests_app.services import reports as report_services
from tests.axe import assert_no_axe_violations
from tests.conftest import browser_login, browser_logout
from tests.factories import MotionFactory, OrganizationFactory
from tests.requests_app.contributions_fixtures import in_days

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(make_user):
    department = OrganizationFactory(name="Dezernat Sicherheit", kind="department")
    police = OrganizationFactory(name="Polizeidirektion Beispiel", kind="external")
    social = OrganizationFactory(name="Dezernat Soziales", kind="department")
    kpr = make_user(roles.PREVENTION_OFFICE, organizations=[department])
    motion = MotionFactory(
        registered=True,
        lead_department=department,
        title="Streifen im Zentrum",
        questions=["Wie oft streift die Polizei?", "Was kostet das?"],
    )
    report = report_services.report_create(motion=motion, user=kpr)
    return {
        "kpr": kpr,
        "polizei": make_user(roles.CONTRIBUTOR, organizations=[police]),
        "soziales": make_user(roles.APPROVER, organizations=[social]),
        "report": report,
    }


def test_contribution_and_cosign_journey(page, people):
    report: AnswerReport = people["report"]
    browser_login(page, people["kpr"])
    page.goto(f"/arbeitsbereich/berichte/{report.pk}/zuarbeit/")
    assert_no_axe_violations(page)
    page.locator("#id_zuarbeit-organization").select_option(label="Polizeidirektion Beispiel")
    page.get_by_label("Frage 1").check()
    page.get_by_label("Zuarbeit erbeten bis").fill(in_days(7).isoformat())
    page.get_by_role("button", name="Zuarbeit anfordern").last.click()
    expect(page.get_by_text("Die Zuarbeit wurde angefordert.")).to_be_visible()
    page.get_by_label("Dezernat oder Amt").select_option(label="Dezernat Soziales")
    page.get_by_role("button", name="Um Mitzeichnung bitten").last.click()
    expect(page.get_by_text("Um die Mitzeichnung wurde gebeten.")).to_be_visible()
    browser_logout(page)

    # the police: from the work area to the request, written and handed in by keyboard
    browser_login(page, people["polizei"])
    page.get_by_role("link", name=report.motion.reference).click()
    expect(page.get_by_text("Wie oft streift die Polizei?")).to_be_visible()
    expect(page.get_by_text("Was kostet das?")).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_label("Ihre Zuarbeit").fill("Die Polizei streift **zweimal** je Nacht.")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.locator(".markdown-preview strong")).to_have_text("zweimal")
    page.get_by_role("button", name="Zuarbeit einreichen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Vielen Dank, Ihre Zuarbeit ist eingereicht.")).to_be_visible()
    assert_no_axe_violations(page)
    browser_logout(page)

    # the other department objects with a reason
    browser_login(page, people["soziales"])
    page.get_by_role("link", name=report.title).click()
    assert_no_axe_violations(page)
    page.get_by_label("Einwand erheben").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.locator("#fehler")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Bemerkung").fill("Die Kosten fehlen.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_text("Ihre Entscheidung zur Mitzeichnung ist gespeichert.")).to_be_visible()
    browser_logout(page)

    # the author quotes the contribution and sees the objection
    browser_login(page, people["kpr"])
    page.goto(f"/arbeitsbereich/berichte/{report.pk}/zuarbeit/")
    expect(page.get_by_text("Die Kosten fehlen.")).to_be_visible()
    page.get_by_role("button", name="zitieren in der Antwort zu Frage 1").click()
    expect(page.get_by_text("Die Zuarbeit steht jetzt in der Antwort zu Frage 1.")).to_be_visible()
    assert_no_axe_violations(page)
    answer = report.answers.get(question__number=1)
    assert answer.text.startswith("Polizeidirektion Beispiel teilt mit:")
    assert ContributionRequest.objects.get().is_handed_in
