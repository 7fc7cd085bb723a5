"""BA-044/2020's path through the administration in a real Chromium (issue 15, "Done when"):
registration → contributions requested from the Polizeidirektion and the Stadtordnungsdienst →
the police hand in → co-signing → interim reply and extension → review with a per-question
comment → send back (mail to the author) → fix → approve → publish; then what the public sees:
the interim reply, "beantwortet am" with on time or not, the statistics counting an open overdue
request, and the shown checksum equal to the download's SHA-256."""

import csv
import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal import roles
from requests_app.models import AnswerReport, Motion
from tests.conftest import browser_login, browser_logout
from tests.factories import MotionFactory, OrganizationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUESTIONS = [
    "Welche Maßnahmen der Allianz Sichere Sächsische Kommunen wurden umgesetzt?",
    "Wie oft war der Stadtordnungsdienst im Zentrum unterwegs?",
]


@pytest.fixture
def cast(make_user):
    """The people of the path: faction, council office, KPR office, police, Ordnungsdienst,
    a co-signing department and the approving department head."""
    faction = OrganizationFactory(name="Fraktion Weg", short_name="Weg", kind="faction")
    lead = OrganizationFactory(name="Dezernat Recht und Sicherheit", kind="department")
    finance = OrganizationFactory(name="Dezernat Finanzen", kind="department")
    police = OrganizationFactory(name="Polizeidirektion Chemnitz", kind="external")
    order = OrganizationFactory(name="Stadtordnungsdienst", kind="external")
    motion = MotionFactory(
        submitted=True,
        kind=Motion.Kind.BA,
        title="Bilanz der Allianz Sichere Sächsische Kommunen",
        faction=faction,
        questions=QUESTIONS,
    )
    # An older request of the same department whose deadline has passed: the statistics must
    # count it as open and overdue.
    MotionFactory(
        registered=True,
        lead_department=lead,
        due_date=timezone.localdate() - timedelta(days=10),
        title="Überfällige Anfrage",
    )
    return {
        "motion": motion,
        "office": make_user(roles.COUNCIL_OFFICE),
        "kpr": make_user(roles.PREVENTION_OFFICE, organizations=[lead], email="kpr@example.org"),
        "head": make_user(roles.APPROVER, organizations=[lead]),
        "finance": make_user(roles.APPROVER, organizations=[finance]),
        "police": make_user(roles.CONTRIBUTOR, organizations=[police]),
        "order": make_user(roles.CONTRIBUTOR, organizations=[order]),
    }


def _request_contribution(page, organization: str, question: int) -> None:
    form = page.locator("form").filter(has=page.get_by_role("button", name="Zuarbeit anfordern"))
    form.locator("select[name=zuarbeit-organization]").select_option(label=organization)
    form.get_by_label(f"Frage {question}").check()
    due = timezone.localdate() + timedelta(days=7)
    form.get_by_label("Zuarbeit erbeten bis").fill(due.isoformat())
    page.get_by_role("button", name="Zuarbeit anfordern").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_ba044_path_from_registration_to_the_public_answer(page, cast):
    motion = cast["motion"]

    # registration by the council office
    browser_login(page, cast["office"])
    page.goto(motion.get_workspace_url())
    page.get_by_label("federführendes Dezernat").select_option(
        label="Dezernat Recht und Sicherheit"
    )
    page.get_by_label("Frist", exact=True).fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Registrieren", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("registriert")
    browser_logout(page)
    motion.refresh_from_db()
    original_due = motion.due_date

    # the KPR office starts the answer and asks for contributions and a co-signature
    browser_login(page, cast["kpr"])
    page.goto(motion.get_workspace_url())
    page.get_by_role("button", name="Antwortbericht anlegen").click()
    page.get_by_label("Antwort auf Frage 1").fill("Entwurf zu Frage 1.")
    page.get_by_label("Antwort auf Frage 2").fill("Der Stadtordnungsdienst war täglich im Zentrum.")
    page.get_by_role("button", name="Bericht speichern").click()
    page.get_by_role("link", name="Zuarbeit und Mitzeichnung verwalten").click()
    _request_contribution(page, "Polizeidirektion Chemnitz", 1)
    _request_contribution(page, "Stadtordnungsdienst", 2)
    page.locator("select[name=mitzeichnung-organization]").select_option(label="Dezernat Finanzen")
    page.get_by_role("button", name="Um Mitzeichnung bitten").click()
    expect(page.locator(".alert-success")).to_be_visible()
    browser_logout(page)

    # the police see only their request and hand in
    browser_login(page, cast["police"])
    requests = page.get_by_role("region", name="Anfragen um Zuarbeit")
    expect(requests.get_by_role("row")).to_have_count(2)  # header and the one request
    requests.get_by_role("link", name=motion.reference).click()
    expect(page.get_by_text(QUESTIONS[0])).to_be_visible()
    expect(page.get_by_text(QUESTIONS[1])).to_have_count(0)
    page.get_by_label("Ihre Zuarbeit").fill("Die Polizeidirektion führte 48 Kontrollen durch.")
    page.get_by_role("button", name="Zuarbeit einreichen").click()
    expect(page.locator(".alert-success")).to_be_visible()
    browser_logout(page)

    # the author takes the contribution over into the answer to question 1
    browser_login(page, cast["kpr"])
    report = AnswerReport.objects.get(motion=motion)
    page.goto(report.get_workspace_url())
    page.get_by_role("link", name="Zuarbeit und Mitzeichnung verwalten").click()
    page.get_by_role("button", name="übernehmen in die Antwort zu Frage 1").click()
    expect(page.locator(".alert-success")).to_be_visible()
    # review cannot start before the co-signature
    page.goto(report.get_workspace_url())
    page.get_by_role("button", name="Zur Prüfung vorlegen").click()
    expect(page.locator(".alert-danger")).to_contain_text("Die Mitzeichnung steht noch aus")
    browser_logout(page)

    # the finance department co-signs
    browser_login(page, cast["finance"])
    page.get_by_role("region", name="Bitten um Mitzeichnung").get_by_role("link").first.click()
    page.get_by_label("mitzeichnen").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.locator(".alert-success")).to_be_visible()
    browser_logout(page)

    # the lead department gives an interim reply; the office extends the deadline
    browser_login(page, cast["kpr"])
    page.goto(motion.get_workspace_url())
    expected = motion.due_date + timedelta(days=21)
    page.get_by_label("Zwischennachricht (wird veröffentlicht)").fill(
        "Die Zuarbeit des Stadtordnungsdienstes steht noch aus."
    )
    page.get_by_label("Antwort voraussichtlich bis").fill(expected.isoformat())
    page.get_by_role("button", name="Zwischennachricht veröffentlichen").click()
    expect(page.locator(".alert-success")).to_contain_text("Zwischennachricht")
    browser_logout(page)
    browser_login(page, cast["office"])
    page.goto(motion.get_workspace_url())
    extend = page.locator("form").filter(has=page.get_by_role("button", name="Frist verlängern"))
    extend.get_by_label("neue Frist").fill(expected.isoformat())
    extend.get_by_label("Begründung").fill("Zuarbeit des Stadtordnungsdienstes ausstehend.")
    extend.get_by_role("button", name="Frist verlängern").click()
    expect(page.locator(".alert-success")).to_contain_text("verlängert")
    browser_logout(page)
    motion.refresh_from_db()
    assert motion.due_date >= expected > original_due

    # the author hands the report in for review
    browser_login(page, cast["kpr"])
    page.goto(report.get_workspace_url())
    page.get_by_role("button", name="Zur Prüfung vorlegen").click()
    expect(page.get_by_text("Der Bericht liegt zur Prüfung vor.")).to_be_visible()
    browser_logout(page)

    # the department head comments on question 1 and sends the report back
    mail.outbox.clear()
    browser_login(page, cast["head"])
    page.goto(report.get_workspace_url())
    page.get_by_label("Anmerkung zu Frage 1").fill("Bitte die Zahl der Kontrollen belegen.")
    page.get_by_label("Was ist zu ändern?").fill("Siehe Anmerkung zu Frage 1.")
    page.get_by_role("button", name="Zurückgeben").click()
    expect(page.locator(".alert-success")).to_be_visible()
    browser_logout(page)
    to_author = [m for m in mail.outbox if "kpr@example.org" in m.to]
    assert to_author, [m.to for m in mail.outbox]
    assert "Bitte die Zahl der Kontrollen belegen." in to_author[0].body

    # the author sees the comment on the edit form, fixes and hands in again
    browser_login(page, cast["kpr"])
    page.goto(report.get_workspace_url())
    page.get_by_role("link", name="Texte bearbeiten").click()
    expect(page.get_by_text("Bitte die Zahl der Kontrollen belegen.")).to_be_visible()
    page.get_by_label("Antwort auf Frage 1").fill(
        "Die Polizeidirektion führte 48 Kontrollen durch (Lagebild der Polizeidirektion)."
    )
    page.get_by_role("button", name="Bericht speichern").click()
    page.get_by_role("button", name="Zur Prüfung vorlegen").click()
    expect(page.get_by_text("Der Bericht liegt zur Prüfung vor.")).to_be_visible()
    browser_logout(page)

    # approve and publish
    browser_login(page, cast["head"])
    page.goto(report.get_workspace_url())
    page.get_by_role("button", name="Bericht freigeben").click()
    expect(page.get_by_text("Der Bericht ist freigegeben.")).to_be_visible()
    page.get_by_role("button", name="Bericht veröffentlichen").click()
    expect(page.get_by_text("Der Bericht ist veröffentlicht.")).to_be_visible()
    browser_logout(page)

    # what the public sees
    page.goto(motion.get_absolute_url())
    expect(
        page.get_by_text("Die Zuarbeit des Stadtordnungsdienstes steht noch aus.")
    ).to_be_visible()
    facts = page.locator("dl").first
    expect(facts).to_contain_text("beantwortet am")
    expect(facts).to_contain_text("fristgerecht")
    page.get_by_role("region", name="Antwort der Verwaltung").get_by_role("link").first.click()
    expect(page.locator(".report-body")).to_contain_text("48 Kontrollen")
    link = page.get_by_role("link", name="Bericht als PDF herunterladen")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    shown = page.locator(".report-meta code").inner_text()
    assert hashlib.sha256(response.body()).hexdigest() == shown

    # the statistics count the other request of the department as open and overdue
    page.goto("/antraege/statistik/")
    row = page.get_by_role("row").filter(has_text="Dezernat Recht und Sicherheit")
    cells = row.get_by_role("cell")
    # columns: year, answered, late, open within, open overdue, …
    expect(cells.nth(1)).to_have_text("1")
    expect(cells.nth(4)).to_have_text(re.compile(r"^1 \(am längsten: RA-\d+/\d{4}\)$"))
    body = page.request.get("/antraege/statistik.csv").body().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(body.splitlines()[0], delimiters=",;")
    rows = list(csv.reader(io.StringIO(body), dialect))
    header, data = rows[0], [r for r in rows[1:] if r[0] == "Dezernat Recht und Sicherheit"]
    assert len(data) == 1
    overdue_column = header.index("offen_ueberfaellig")
    assert data[0][overdue_column] == "1"
