"""Public discovery in a real Chromium: search and open a report, axe on every new page type."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prevention.models import Indicator
from prevention.models.indicators import load_catalogue
from requests_app import alerts
from requests_app.demo import BA044_QUESTIONS, BA044_TITLE
from requests_app.models import Motion
from tests.axe import assert_no_axe_violations
from tests.factories import (
    AlertSubscriptionFactory,
    CouncilMeetingFactory,
    IndicatorValueFactory,
    MotionFactory,
    OrganizationFactory,
    answered_motion,
    discovery_report,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANSWER = (
    "Seit der Neukonstituierung bestreifen Stadtordnungsdienst und Polizeivollzugsdienst die "
    "Innenstadt gemeinsam; die Sicherheitspartnerschaft wurde verstetigt."
)


@pytest.fixture
def ba044():
    """BA-044/2020 with a published answer report (fictitious answer text)."""
    motion = MotionFactory(
        registered=True,
        kind=Motion.Kind.BA,
        title=BA044_TITLE,
        year=2020,
        number=44,
        reference="BA-044/2020",
        questions=BA044_QUESTIONS,
        status=Motion.Status.ANSWERED,
    )
    return discovery_report(
        motion=motion, title=f"Antwort zu BA-044/2020: {BA044_TITLE}", answer=ANSWER
    )


@pytest.fixture
def content(ba044):
    MotionFactory(registered=True, title="Beleuchtung am Schlossteich")
    CouncilMeetingFactory(
        name="Sitzung des Präventionsrats", start=timezone.now() + datetime.timedelta(days=10)
    )
    load_catalogue()  # an earlier transactional test may have flushed the migration's rows
    indicator = Indicator.objects.get(key="survey.safe_at_night")
    IndicatorValueFactory(indicator=indicator, district=None, year=2022, value=Decimal(60))
    IndicatorValueFactory(indicator=indicator, district=None, year=2023, value=Decimal(58))
    law = OrganizationFactory(name="Dezernat Recht, Sicherheit und Umweltschutz", kind="department")
    answered_motion(
        department=law,
        registered=datetime.date(2024, 1, 1),
        answered=datetime.date(2024, 1, 20),
        due=datetime.date(2024, 1, 29),
    )


def test_search_for_a_word_of_the_ba044_answer_and_open_the_report(page, content, ba044):
    page.goto("/")
    page.get_by_label("Suchen in Anträgen, Antworten und Sitzungen").fill(
        "Sicherheitspartnerschaft"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/suche/?q=Sicherheitspartnerschaft*")
    expect(page.locator(".search-hit mark").first).to_have_text("Sicherheitspartnerschaft")
    page.get_by_role("link", name="Antwort zu BA-044/2020").first.click()
    page.wait_for_url(f"**{ba044.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Antwort zu BA-044/2020")


def test_search_filters_by_keyboard_alone(page, content):
    page.goto("/suche/?q=Beleuchtung")
    page.get_by_label("Art").focus()
    page.keyboard.press("ArrowDown")  # "Anträge und Anfragen"
    page.get_by_label("Sortierung").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**typ=antraege*")
    expect(page.get_by_role("link", name="Beleuchtung am Schlossteich")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/suche/",
        "/suche/?q=Sicherheitspartnerschaft",
        "/suche/?q=Xylophon&jahr=2020",
        "/antraege/statistik/",
        "/benachrichtigungen/?antrag=ba-044-2020",
    ],
)
def test_discovery_pages_have_no_axe_violations(page, content, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)


def test_home_page_fits_a_phone_screen(page, content):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(page)


def test_alert_pages_have_no_axe_violations(page, make_user):
    page.goto("/benachrichtigungen/")
    page.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Benachrichtigung bestellen").click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)
    subscription = AlertSubscriptionFactory(confirmed_at=None)
    page.goto(f"/benachrichtigungen/bestaetigen/{alerts.make_token(subscription, 'confirm')}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ja, Benachrichtigung bestätigen").click()
    page.wait_for_url("**/")
    expect(page.locator(".alert-success, .alert").first).to_contain_text("bestätigt")
    page.goto(f"/benachrichtigungen/abbestellen/{alerts.make_token(subscription, 'unsubscribe')}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benachrichtigung abbestellt")
    assert_no_axe_violations(page)
