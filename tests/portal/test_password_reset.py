"""Password reset by e-mail for every account: the link on the login page, one mail through the
portal's mail path, the same answer for unknown addresses, a working link, a limit on floods."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from portal import accounts, roles

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")


@pytest.fixture(autouse=True)
def _empty_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(make_user):
    return make_user(roles.COUNCIL_MEMBER, email="rita.rat@example.org")


def ask(client, email, commit):
    with commit():
        return client.post(RESET, {"email": email})


def test_the_login_page_links_to_the_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{RESET}"' in html and "Passwort vergessen?" in html
    assert client.get(RESET).status_code == 200


def test_a_failed_login_focuses_the_error_summary_only(client, member):
    html = client.post(reverse("login"), {"username": member.username, "password": "falsch"})
    html = html.content.decode()
    assert html.count("autofocus") == 1
    assert re.search(r'<div[^>]*id="fehler"[^>]*autofocus', html)
    assert "autofocus" in client.get(reverse("login")).content.decode()  # the user name field


def test_a_known_address_gets_one_mail_with_a_working_link(client, member, mailoutbox, commit):
    response = ask(client, "Rita.Rat@example.org", commit)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [mail] = mailoutbox
    assert mail.to == ["rita.rat@example.org"]
    assert "Passwort zurücksetzen" in mail.subject
    assert member.username in mail.body
    link = re.search(r"https?://\S+/konto/passwort-neu/\S+/", mail.body)[0]
    path = "/" + link.split("/", 3)[3]

    form = client.get(path, follow=True)  # Django swaps the token for a session entry
    assert "Neues Passwort festlegen" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "Ein-neues-Passwort-2026", "new_password2": "Ein-neues-Passwort-2026"},
        follow=True,
    )
    assert "Ihr neues Passwort ist gespeichert." in done.content.decode()
    member.refresh_from_db()
    assert member.check_password("Ein-neues-Passwort-2026")
    # the link works once
    assert "ungültig oder abgelaufen" in client.get(path, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox, commit):
    known_answer = ask(client, "niemand@example.org", commit)
    assert known_answer.status_code == 302
    assert known_answer["Location"] == reverse("password_reset_done")
    assert mailoutbox == []
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "Wenn zu dieser Adresse ein Konto gehört" in page


def test_a_mismatched_repeat_shows_an_error_title(client, member, mailoutbox, commit):
    ask(client, member.email, commit)
    link = re.search(r"/konto/passwort-neu/\S+/", mailoutbox[0].body)[0]
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    html = client.post(
        set_url, {"new_password1": "Ein-neues-Passwort-2026", "new_password2": "anders"}
    ).content.decode()
    assert re.search(r"<title>\s*Fehler: ", html)
    assert "error-summary" in html


def test_a_flood_for_one_address_is_dropped_with_the_same_answer(
    client, member, mailoutbox, commit
):
    answers = {ask(client, member.email, commit)["Location"] for _ in range(6)}
    assert answers == {reverse("password_reset_done")}
    assert len(mailoutbox) == accounts.PER_EMAIL


def test_every_kind_of_account_may_reset(client, make_user, mailoutbox, commit):
    for role in (roles.COUNCIL_OFFICE, roles.APPROVER, None):
        user = make_user(role, email=f"{role or 'plain'}@example.org")
        ask(client, user.email, commit)
    assert len(mailoutbox) == 3
    assert get_user_model().objects.count() == 3
