"""E-mail alerts: subscribe, confirm (double opt-in), receive, unsubscribe, purge."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from requests_app import alerts
from requests_app.models import AlertSubscription
from tests.factories import AlertSubscriptionFactory, MotionFactory

pytestmark = pytest.mark.django_db


def link(mail, path):
    match = re.search(rf"https?://\S+({path}\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def subscribe(client, email, topic, query="", commit=None):
    with commit(execute=True):
        return client.post(f"/benachrichtigungen/{query}", {"email": email, "topic": topic})


def test_full_alert_flow_for_one_motion(client, mailoutbox, django_capture_on_commit_callbacks):
    motion = MotionFactory(registered=True, title="Alkoholverbot Stadthallenpark")
    form = client.get(f"/benachrichtigungen/?antrag={motion.public_slug}").content.decode()
    assert "Alkoholverbot Stadthallenpark" in form

    response = subscribe(
        client,
        "Buerger@Example.org",
        f"antrag:{motion.pk}",
        f"?antrag={motion.public_slug}",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    [confirmation] = mailoutbox
    assert confirmation.to == ["buerger@example.org"]
    assert "Alkoholverbot Stadthallenpark" in confirmation.body
    assert confirmation.extra_headers["List-Unsubscribe"].startswith("<http")

    # nothing is sent before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        alerts.notify_report_published(motion_pk=motion.pk, title="Antwort 1", url="/x/")
    assert len(mailoutbox) == 1

    confirm = link(confirmation, "/benachrichtigungen/bestaetigen/")
    assert "bestätigen" in client.get(confirm).content.decode()  # GET only shows the button
    assert AlertSubscription.objects.get().confirmed_at is None
    client.post(confirm)
    assert AlertSubscription.objects.get().confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        alerts.notify_report_published(
            motion_pk=motion.pk, title="Antwort zum Alkoholverbot", url="/berichte/antwort/"
        )
    report_mail = mailoutbox[-1]
    assert report_mail.subject == "Neue Antwort: Antwort zum Alkoholverbot"
    assert f"{settings.PORTAL_BASE_URL}/berichte/antwort/" in report_mail.body
    unsubscribe = link(report_mail, "/benachrichtigungen/abbestellen/")
    assert report_mail.extra_headers["List-Unsubscribe"] == (
        f"<{settings.PORTAL_BASE_URL}{unsubscribe}>"
    )
    assert report_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page = client.get(unsubscribe).content.decode()  # one click
    assert "Ihre Adresse haben wir gelöscht" in page
    assert not AlertSubscription.objects.exists()


def test_report_alerts_go_to_confirmed_subscribers_of_reports_and_of_that_motion_only(
    mailoutbox, django_capture_on_commit_callbacks
):
    motion, other = MotionFactory(registered=True), MotionFactory(registered=True)
    AlertSubscriptionFactory(email="alle@example.org")
    AlertSubscriptionFactory(email="dieser@example.org", motion=motion)
    AlertSubscriptionFactory(email="anderer@example.org", motion=other)
    AlertSubscriptionFactory(email="unbestaetigt@example.org", confirmed_at=None)
    # both topics: one mail, whose link unsubscribes the motion's subscription
    AlertSubscriptionFactory(email="beides@example.org")
    AlertSubscriptionFactory(email="beides@example.org", motion=motion)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.notify_report_published(motion_pk=motion.pk, title="Bericht", url="/b/")
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "alle@example.org",
        "beides@example.org",
        "dieser@example.org",
    ]


def test_the_one_click_post_of_a_mail_program_unsubscribes_without_a_csrf_token(client):
    from django.test import Client

    subscription = AlertSubscriptionFactory()
    token = alerts.make_token(subscription, "unsubscribe")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/benachrichtigungen/abbestellen/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not AlertSubscription.objects.exists()


def test_a_forged_or_expired_confirmation_link_changes_nothing(client):
    subscription = AlertSubscriptionFactory(confirmed_at=None)
    unsubscribe_token = alerts.make_token(subscription, "unsubscribe")
    for token in ("kaputt", unsubscribe_token):
        response = client.post(f"/benachrichtigungen/bestaetigen/{token}/")
        assert response.status_code == 400
        assert "ungültig oder abgelaufen" in response.content.decode()
    token = alerts.make_token(subscription, "confirm")
    later = timezone.now() + datetime.timedelta(days=8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: later.timestamp())
        assert client.post(f"/benachrichtigungen/bestaetigen/{token}/").status_code == 400
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_subscribing_again_reveals_nothing_and_does_not_mail_again(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    AlertSubscriptionFactory(email="schon@example.org")
    response = subscribe(
        client, "schon@example.org", "berichte", "", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert mailoutbox == []
    subscribe(client, "neu@example.org", "berichte", "", django_capture_on_commit_callbacks)
    subscribe(client, "neu@example.org", "berichte", "", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_bad_input_gets_a_german_message_and_stores_nothing(client):
    response = client.post("/benachrichtigungen/", {"email": "keine-adresse", "topic": "berichte"})
    page = response.content.decode()
    assert "Bitte korrigieren Sie Ihre Eingaben" in page
    assert "gültige E-Mail-Adresse" in page
    forged = client.post("/benachrichtigungen/", {"email": "a@example.org", "topic": "antrag:1"})
    assert "Bitte korrigieren Sie Ihre Eingaben" in forged.content.decode()
    assert not AlertSubscription.objects.exists()


def test_an_unpublished_motion_cannot_be_subscribed_to_and_is_not_named(client):
    draft = MotionFactory(title="Geheimer Entwurf")
    page = client.get(f"/benachrichtigungen/?antrag=eingang-{draft.pk}").content.decode()
    assert "Geheimer Entwurf" not in page
    assert "nicht öffentlich" in page
    assert f"antrag:{draft.pk}" not in page


def test_purge_deletes_unconfirmed_subscriptions_older_than_a_week():
    old = AlertSubscriptionFactory(confirmed_at=None)
    old.created = timezone.now() - datetime.timedelta(days=8)
    old.save()
    fresh = AlertSubscriptionFactory(confirmed_at=None)
    confirmed = AlertSubscriptionFactory()
    confirmed.created = timezone.now() - datetime.timedelta(days=30)
    confirmed.save()
    call_command("purge_alert_subscriptions")
    assert set(AlertSubscription.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}


def test_nobody_can_flood_an_address_with_confirmation_requests(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    motions = MotionFactory.create_batch(alerts.MAX_PENDING_PER_ADDRESS + 2, registered=True)
    for motion in motions:
        subscribe(
            client,
            "opfer@example.org",
            f"antrag:{motion.pk}",
            f"?antrag={motion.public_slug}",
            django_capture_on_commit_callbacks,
        )
    assert len(mailoutbox) == alerts.MAX_PENDING_PER_ADDRESS


def test_an_unanswered_motion_page_offers_the_alert(client):
    motion = MotionFactory(registered=True)
    html = client.get(motion.get_absolute_url()).content.decode()
    assert f"/benachrichtigungen/?antrag={motion.public_slug}" in html


def test_plus_addresses_count_as_one_mailbox(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    motions = MotionFactory.create_batch(alerts.MAX_PENDING_PER_ADDRESS + 2, registered=True)
    for number, motion in enumerate(motions):
        subscribe(
            client,
            f"opfer+{number}@example.org",
            f"antrag:{motion.pk}",
            f"?antrag={motion.public_slug}",
            django_capture_on_commit_callbacks,
        )
    assert len(mailoutbox) == alerts.MAX_PENDING_PER_ADDRESS


def test_asking_again_does_not_keep_an_unconfirmed_address_alive(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, "spaet@example.org", "berichte", commit=django_capture_on_commit_callbacks)
    subscription = AlertSubscription.objects.get()
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    AlertSubscription.objects.filter(pk=subscription.pk).update(
        created=eight_days_ago, mailed_at=eight_days_ago
    )
    subscribe(client, "spaet@example.org", "berichte", commit=django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2  # the link was mailed again ...
    call_command("purge_alert_subscriptions")
    assert not AlertSubscription.objects.exists()  # ... but the week counts from the first


def test_one_client_cannot_mail_many_strangers(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ALERT_MAILS_PER_CLIENT_PER_HOUR = 3
    for number in range(6):
        subscribe(
            client,
            f"fremd{number}@example.org",
            "berichte",
            commit=django_capture_on_commit_callbacks,
        )
    assert len(mailoutbox) == 3
