import pytest
from django.db import DatabaseError
from django.urls import reverse

from portal.models import SitePage


@pytest.mark.django_db
def test_home_is_german(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert "Ratsportal Prävention" in html


@pytest.mark.django_db
def test_home_in_english_after_language_switch(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
    ],
)
def test_legal_pages_exist_without_demo_data(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_legal_page_shows_operator_text_sanitised(client):
    page = SitePage.objects.get(slug="impressum")
    page.body = (
        "## Kontakt\n\nTelefon 0371 488-0 <script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )
    page.save()
    html = client.get("/impressum/").content.decode()
    assert "<h2>Kontakt</h2>" in html
    assert "Telefon 0371 488-0" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_reports_unreachable_database(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("ratsportal.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_unknown_page_gets_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.django_db
def test_workspace_sends_anonymous_visitors_to_login(client):
    response = client.get("/arbeitsbereich/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/anmelden/?next=/arbeitsbereich/"


@pytest.mark.django_db
def test_workspace_names_the_roles(client_as):
    html = client_as("approver").get("/arbeitsbereich/").content.decode()
    assert "Dezernatsleitung" in html


def test_server_error_page_is_german(rf):
    from ratsportal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Technischer Fehler" in response.content.decode()


@pytest.mark.django_db
def test_responses_carry_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_english_browser_still_gets_german_by_default(client):
    html = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html


@pytest.mark.django_db
def test_workspace_links_the_kpr_office_pages_for_its_staff(client_as):
    html = client_as("prevention_office").get("/arbeitsbereich/").content.decode()
    assert 'href="/arbeitsbereich/praeventionsrat/"' in html
    assert 'href="/arbeitsbereich/kennzahlen/import/"' in html


@pytest.mark.django_db
def test_workspace_hides_the_kpr_office_pages_from_council_members(client_as):
    html = client_as("council_member").get("/arbeitsbereich/").content.decode()
    assert "/arbeitsbereich/praeventionsrat/" not in html


@pytest.mark.django_db
def test_pages_for_a_logged_in_person_are_private_and_not_stored(client, make_user):
    assert "private" not in client.get("/").get("Cache-Control", "")
    client.force_login(make_user("council_member"))
    for url in ("/", "/arbeitsbereich/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
        assert "public" not in cache_control


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/impressum/", "/datenschutz/", "/barrierefreiheit/"])
def test_legal_pages_show_the_public_no_placeholder(client, url):
    html = client.get(url).content.decode()
    assert "einzutragen" not in html and "trägt der Betreiber" not in html


@pytest.mark.django_db
def test_the_privacy_statement_covers_the_alert_addresses(client):
    html = client.get("/datenschutz/").content.decode()
    assert "E-Mail-Benachrichtigungen" in html and "nach einer Woche gelöscht" in html


@pytest.mark.django_db
def test_the_admin_lists_what_the_operator_must_add(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/portal/sitepage/").content.decode()
    assert "Datenschutzbeauftragten" in html
    assert "noch der Starttext" in html


@pytest.mark.django_db
def test_the_deploy_check_names_legal_pages_at_their_starting_text():
    from django.core.checks import run_checks

    warnings = run_checks(include_deployment_checks=True, databases=["default"])
    assert {w.id for w in warnings} >= {"portal.W002"}
    SitePage.objects.filter(slug="impressum").update(body="Stadt Chemnitz, Markt 1, ...")
    named = [w.msg for w in run_checks(include_deployment_checks=True, databases=["default"])]
    assert not any("Impressum" in message for message in named)
