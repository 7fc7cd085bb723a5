"""The answer report journey in a real Chromium, from a council member filing a motion to an
anonymous visitor downloading the PDF; axe on every new page type; keyboard use."""

import hashlib
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal import roles
from prevention.models import District, Indicator
from prevention.models.districts import load_districts
from prevention.models.indicators import load_catalogue
from requests_app.models import AnswerReport, Motion
from tests.axe import assert_no_axe_violations
from tests.conftest import browser_login, browser_logout
from tests.factories import (
    CouncilMeetingFactory,
    IndicatorValueFactory,
    OrganizationFactory,
    PersonFactory,
    PopulationFactory,
)
from tests.requests_app.test_pdf_task import pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(make_user):
    faction = OrganizationFactory(name="Fraktion Bericht", short_name="Bericht", kind="faction")
    department = OrganizationFactory(name="Dezernat Sicherheit", kind="department")
    rat = make_user(
        roles.COUNCIL_MEMBER,
        organizations=[faction],
        person=PersonFactory(given_name="Rita", family_name="Rat", public=True),
    )
    return {
        "rat": rat,
        "office": make_user(roles.COUNCIL_OFFICE),
        "kpr": make_user(roles.PREVENTION_OFFICE, organizations=[department]),
        "dezernat": make_user(roles.APPROVER, organizations=[department]),
    }


@pytest.fixture
def data():
    """Something for the exhibits to show: KPR meetings and one indicator for three districts."""
    load_districts()  # an earlier transactional test may have flushed the migrations' rows
    load_catalogue()
    CouncilMeetingFactory(name="Sitzung des Präventionsrates im Frühjahr")
    indicator = Indicator.objects.get(key="pks.890000")
    for district, value in zip(
        District.objects.order_by("number")[:3], (900, 450, 120), strict=True
    ):
        PopulationFactory(district=district, year=2023, inhabitants=20_000)
        IndicatorValueFactory(
            indicator=indicator, district=district, year=2023, value=Decimal(value)
        )


QUESTIONS = ["Wie viele Streifen gab es?", "Was hat der Präventionsrat beraten?"]
ANSWERS = ["Es gab **zwölf** Streifen je Woche.", "Er beriet über das Sicherheitsaudit."]


def test_from_filing_to_the_anonymous_pdf_download(page, people, data):
    # the council member files the motion, the office registers it
    browser_login(page, people["rat"])
    page.goto("/arbeitsbereich/antraege/neu/")
    page.get_by_label("Titel").fill("Streifen im Zentrum")
    page.get_by_label("Frage 1", exact=True).fill(QUESTIONS[0])
    page.get_by_role("button", name="weitere Frage").click()
    page.get_by_label("Frage 2", exact=True).fill(QUESTIONS[1])
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_label("Ja, einreichen").check()  # submitting publishes: confirmed first
    page.get_by_role("button", name="Anfrage einreichen").click()  # a Ratsanfrage
    expect(page.get_by_text("Die Anfrage wurde eingereicht.")).to_be_visible()
    browser_logout(page)
    browser_login(page, people["office"])
    motion = Motion.objects.get(title="Streifen im Zentrum")
    page.goto(motion.get_workspace_url())
    page.get_by_label("federführendes Dezernat").select_option(label="Dezernat Sicherheit")
    page.get_by_role("button", name="Registrieren", exact=True).click()
    expect(page.get_by_text("Die Anfrage wurde registriert.")).to_be_visible()
    browser_logout(page)

    # the KPR office writes the answer
    browser_login(page, people["kpr"])
    page.goto(motion.get_workspace_url())
    page.get_by_role("button", name="Antwortbericht anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bericht bearbeiten")
    assert_no_axe_violations(page)  # report form
    page.get_by_label("Antwort auf Frage 1").fill(ANSWERS[0])
    page.get_by_role("button", name="Vorschau").click()
    expect(page.locator(".markdown-preview strong")).to_have_text("zwölf")
    assert_no_axe_violations(page)  # report form with preview
    page.get_by_role("button", name="Bericht speichern").click()
    expect(page.get_by_text("Der Bericht wurde gespeichert.")).to_be_visible()
    assert_no_axe_violations(page)  # work-area report page (draft, live preview)

    # not complete yet: the second question has no answer
    page.get_by_role("button", name="Zur Prüfung vorlegen").click()
    expect(page.get_by_text("Noch offen: Frage 2.")).to_be_visible()

    page.get_by_role("link", name="Anlage hinzufügen").click()
    page.get_by_label("Art der Anlage").select_option("indicator_chart")
    page.get_by_role("button", name="Anlage speichern").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)  # exhibit form with an error
    page.get_by_label("Kennzahl", exact=True).select_option(label="Straftaten insgesamt")
    page.get_by_label("Bildunterschrift").fill("Ausgangslage")
    page.get_by_role("button", name="Anlage speichern").click()
    expect(page.locator(".report-chart svg")).to_have_count(1)
    page.get_by_role("link", name="Anlage hinzufügen").click()
    page.get_by_label("zu Frage").select_option(label="Frage 2")
    page.get_by_label("Art der Anlage").select_option("meetings")
    page.get_by_role("button", name="Anlage speichern").click()
    expect(page.locator(".report-preview")).to_contain_text("Sitzung des Präventionsrates")
    assert_no_axe_violations(page)  # report with a chart and a table

    page.get_by_role("link", name="Texte bearbeiten").click()
    page.get_by_label("Antwort auf Frage 2").fill(ANSWERS[1])
    page.get_by_role("button", name="Bericht speichern").click()
    page.get_by_role("button", name="Zur Prüfung vorlegen").click()
    expect(page.get_by_text("Der Bericht liegt zur Prüfung vor.")).to_be_visible()
    browser_logout(page)

    # the approver reviews, approves and publishes
    browser_login(page, people["dezernat"])
    review = page.get_by_role("region", name="Berichte in Prüfung")
    assert_no_axe_violations(page)  # dashboard with the report sections
    review.get_by_role("link").first.click()
    assert_no_axe_violations(page)  # report in review with the send-back form
    page.get_by_role("button", name="Zurückgeben").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)  # send-back form with an error
    page.get_by_role("button", name="Bericht freigeben").click()
    expect(page.get_by_text("Der Bericht ist freigegeben.")).to_be_visible()
    page.get_by_role("button", name="Bericht veröffentlichen").click()
    expect(page.get_by_text("Der Bericht ist veröffentlicht.")).to_be_visible()
    expect(page.locator(".report-pdf-status")).to_contain_text("PDF erstellt")
    browser_logout(page)

    # an anonymous visitor finds the report and downloads the PDF
    report = AnswerReport.objects.get(motion=motion)
    page.goto("/")
    page.get_by_role("link", name="Berichte", exact=True).click()
    assert_no_axe_violations(page)  # public report list
    page.get_by_role("link", name=report.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    expect(page.locator(".report-body")).to_contain_text("Es gab zwölf Streifen je Woche.")
    assert_no_axe_violations(page)  # public report page
    link = page.get_by_role("link", name="Bericht als PDF herunterladen")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["etag"] == f'"{report.pdf_sha256}"'
    shown = page.locator(".report-meta code").inner_text()  # "Prüfsumme (SHA-256)"
    assert hashlib.sha256(response.body()).hexdigest() == shown
    text = pdf_text(response.body())
    for expected in [*QUESTIONS, "Es gab zwölf Streifen je Woche.", ANSWERS[1]]:
        assert expected in text
    page.goto(motion.get_absolute_url())
    expect(page.get_by_role("region", name="Antwort der Verwaltung")).to_contain_text(report.title)


def test_the_report_form_works_by_keyboard_alone(page, people):
    from requests_app.services.reports import report_create
    from tests.factories import MotionFactory

    department = people["kpr"].organizations.first()
    motion = MotionFactory(registered=True, lead_department=department, questions=QUESTIONS)
    report = report_create(motion=motion, user=people["kpr"])
    browser_login(page, people["kpr"])
    page.goto(f"/arbeitsbereich/berichte/{report.pk}/bearbeiten/")
    page.get_by_label("Antwort auf Frage 1").focus()
    page.keyboard.type("Per Tastatur beantwortet.")
    page.get_by_label("Antwort auf Frage 2").focus()
    page.keyboard.type("Auch die zweite Frage.")
    page.get_by_role("button", name="Bericht speichern").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("button", name="Zur Prüfung vorlegen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    report.refresh_from_db()
    assert report.status == "in_review"
