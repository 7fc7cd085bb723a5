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
