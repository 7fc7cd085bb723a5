import pytest
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_with_valid_credentials_opens_workspace(client, make_user):
    user = make_user("council_member")
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/arbeitsbereich/"


@pytest.mark.django_db
def test_wrong_password_shows_german_error_summary(client, make_user):
    user = make_user("council_member")
    response = client.post(reverse("login"), {"username": user.username, "password": "falsch"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte korrigieren Sie Ihre Eingaben" in html
    assert "Bitte Benutzername und Passwort eingeben" in html


@pytest.mark.django_db
def test_empty_fields_are_listed_and_linked(client):
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username"' in html
    assert 'href="#id_password"' in html


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_with_german_message(client, make_user, settings):
    user = make_user("council_member")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "falsch"})
    # Even the right password is refused now.
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_does_not_hit_other_accounts(client, make_user, settings):
    victim, other = make_user("council_member"), make_user("council_member")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": victim.username, "password": "falsch"})
    response = client.post(reverse("login"), {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client, make_user):
    client.force_login(make_user("approver"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/arbeitsbereich/").status_code == 302


def _fail(client, username: str, address: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": "falsch"},
        REMOTE_ADDR="127.0.0.1",  # nginx on the same machine
        HTTP_X_FORWARDED_FOR=address,
    )


def _login(client, user, address: str, forwarded_for: str | None = None):
    return client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for or address,
    )


@pytest.mark.django_db
def test_behind_a_proxy_failures_from_one_address_do_not_lock_out_another(
    client, make_user, settings
):
    settings.PROXY_COUNT = 1
    victim = make_user("approver")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, victim.username, "203.0.113.66")
    assert _login(client, victim, "203.0.113.66").status_code == 429
    # The approver at the town hall logs in: another forwarded address.
    assert _login(client, victim, "198.51.100.10").status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, make_user, settings):
    settings.PROXY_COUNT = 1
    victim = make_user("approver")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The attacker writes a new address in front each time; nginx appends the real one.
        _fail(client, victim.username, f"10.0.0.{attempt}, 203.0.113.66")
    response = _login(client, victim, "", forwarded_for="10.9.9.9, 203.0.113.66")
    assert response.status_code == 429


@pytest.mark.django_db
def test_spraying_one_password_over_many_user_names_is_throttled(client, make_user, settings):
    settings.PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        _fail(client, f"kein-konto-{number}", "203.0.113.66")
    sprayed = make_user("council_member")
    response = _login(client, sprayed, "203.0.113.66")
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    # Nobody else is hit: the same account from another address logs in.
    assert _login(client, sprayed, "198.51.100.10").status_code == 302


@pytest.mark.django_db
def test_without_proxies_the_forwarded_header_is_ignored(client, make_user, settings):
    settings.PROXY_COUNT = 0
    victim = make_user("council_member")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, victim.username, f"203.0.113.{attempt}")  # forged: no proxy in front
    assert _login(client, victim, "198.51.100.10").status_code == 429
