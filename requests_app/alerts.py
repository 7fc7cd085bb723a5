"""E-mail alerts for citizens: subscribe, confirm (double opt-in), unsubscribe, notify.

- `alert_subscribe(email=, motion=)` keeps the address unconfirmed and sends (in a task) a mail
  with a signed confirmation link; nothing else is ever sent to an unconfirmed address.
- `alert_confirm(token=)` confirms within a week; `alert_unsubscribe(token=)` deletes the row.
  Tokens are signed with `django.core.signing` (no token table); an unsubscribe token stays
  valid as long as the subscription exists.
- `notify_report_published(motion_pk=, title=, url=)` is what the publication of an answer
  report calls: after the commit, a task mails every confirmed subscriber of `berichte` and of
  that motion, each mail with a one-click unsubscribe link and a `List-Unsubscribe` header.

The tasks decide at the time of sending who gets what; requests_app/mails.py sends each mail.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import throttle
from portal.mail import absolute_url
from requests_app import mails
from requests_app.models import AlertSubscription, Motion

SALT = "portal.alerts"  # kept from the first version: links already mailed stay valid
# The form's values for "every new report" and "this motion's answer" (`antrag:<pk>`).
REPORTS = "berichte"
MOTION_PREFIX = "antrag:"
CONFIRM_MAX_AGE = timedelta(days=7)
UNCONFIRMED_MAX_AGE = timedelta(days=7)
# A second subscribe request for the same address and topic mails again only after this.
RESEND_AFTER = timedelta(hours=1)
# At most this many unconfirmed topics per address: nobody can flood a stranger's mailbox with
# confirmation requests for every motion.
MAX_PENDING_PER_ADDRESS = 5


def motion_topic(motion_pk: int) -> str:
    """The form value that subscribes to one motion's answer."""
    return f"{MOTION_PREFIX}{motion_pk}"


def _fingerprint(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def make_token(subscription: AlertSubscription, action: str) -> str:
    payload = {"s": subscription.pk, "a": action, "e": _fingerprint(subscription.email)}
    return signing.dumps(payload, salt=SALT, compress=True)


def _from_token(token: str, action: str, max_age: timedelta | None) -> AlertSubscription:
    invalid = ValidationError(
        _("Dieser Link ist ungültig oder abgelaufen. Bitte melden Sie sich neu an.")
    )
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        raise invalid from None
    if not isinstance(payload, dict) or payload.get("a") != action:
        raise invalid
    subscription = AlertSubscription.objects.filter(pk=payload.get("s")).first()
    if subscription is None or _fingerprint(subscription.email) != payload.get("e"):
        raise invalid
    return subscription


def confirm_url(subscription: AlertSubscription) -> str:
    token = make_token(subscription, "confirm")
    return absolute_url(reverse("requests_app:alert_confirm", kwargs={"token": token}))


def unsubscribe_url(subscription: AlertSubscription) -> str:
    token = make_token(subscription, "unsubscribe")
    return absolute_url(reverse("requests_app:alert_unsubscribe", kwargs={"token": token}))


@transaction.atomic
def alert_subscribe(
    *, email: str, motion: Motion | None, client: str = ""
) -> AlertSubscription | None:
    """Keep an unconfirmed subscription and mail the confirmation link (after the commit).

    `motion` None follows every new answer report; `client` is the requesting address
    (portal.throttle.client_address). Returns None when nothing was sent (already confirmed,
    mailed less than an hour ago, too many pending requests for the mailbox, too many mails
    asked for by this client); the page says the same in every case, so it reveals nothing
    about an address and gives nobody a way to flood a stranger's mailbox.
    """
    email = email.strip().lower()
    validate_email(email)
    if motion is not None and not Motion.objects.published().filter(pk=motion.pk).exists():
        raise ValidationError(_("Unbekanntes Thema der Benachrichtigung."))
    subscription = (
        AlertSubscription.objects.select_for_update().filter(email=email, motion=motion).first()
    )
    now = timezone.now()
    if subscription is not None:
        if subscription.confirmed_at or (subscription.mailed_at or now) > now - RESEND_AFTER:
            return None
    elif _pending_for_mailbox(email) >= MAX_PENDING_PER_ADDRESS:
        return None
    if not throttle.allow(
        f"alert-mails:{client}", limit=settings.ALERT_MAILS_PER_CLIENT_PER_HOUR, seconds=3600
    ):
        return None
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = AlertSubscription.objects.create(email=email, motion=motion)
        except IntegrityError:  # the same request twice at once: the first one mails
            return None
    subscription.mailed_at = now
    subscription.save(update_fields=["mailed_at"])
    pk = subscription.pk
    transaction.on_commit(lambda: send_confirmation.enqueue(subscription_pk=pk))
    return subscription


def mailbox(email: str) -> str:
    """The mailbox behind an address: `name+anything@host` reaches `name@host`."""
    local, _at, domain = email.lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def _pending_for_mailbox(email: str) -> int:
    box = mailbox(email)
    local, _at, domain = box.rpartition("@")
    candidates = AlertSubscription.objects.filter(
        confirmed_at__isnull=True, email__istartswith=local, email__iendswith=f"@{domain}"
    ).values_list("email", flat=True)
    return sum(1 for address in candidates if mailbox(address) == box)


@transaction.atomic
def alert_confirm(*, token: str) -> AlertSubscription:
    subscription = _from_token(token, "confirm", CONFIRM_MAX_AGE)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


@transaction.atomic
def alert_unsubscribe(*, token: str) -> None:
    """Delete the subscription: nothing about the address is kept."""
    _from_token(token, "unsubscribe", None).delete()


def notify_report_published(*, motion_pk: int, title: str, url: str) -> None:
    """Called by the publication of an answer report: alert subscribers after the commit.

    `title` and `url` must be the published report's (the mails show nothing else); `url` may
    be a path, it is made absolute with PORTAL_BASE_URL.
    """
    transaction.on_commit(
        lambda: send_report_alerts.enqueue(motion_pk=motion_pk, title=title, url=url)
    )


def recipients(motion_pk: int) -> list[AlertSubscription]:
    """One confirmed subscription per address for a report on that motion (the motion's own
    subscription first, so its unsubscribe link is the one in the mail)."""
    rows = AlertSubscription.objects.filter(
        Q(motion__isnull=True) | Q(motion_id=motion_pk), confirmed_at__isnull=False
    ).order_by("email", "pk")
    chosen: dict[str, AlertSubscription] = {}
    for row in rows:
        current = chosen.get(row.email)
        if current is None or (current.motion_id is None and row.motion_id):
            chosen[row.email] = row
    return list(chosen.values())


def purge_unconfirmed(now=None) -> int:
    """Delete subscriptions left unconfirmed for more than a week; returns how many."""
    limit = (now or timezone.now()) - UNCONFIRMED_MAX_AGE
    deleted, _rows = AlertSubscription.objects.filter(
        confirmed_at__isnull=True, created__lt=limit
    ).delete()
    return deleted


def topic_label(subscription: AlertSubscription) -> str:
    """What a subscription follows, for pages and mails (only published motions are named)."""
    if subscription.motion_id is None:
        return _("neue Antwortberichte der Verwaltung")
    motion = Motion.objects.published().filter(pk=subscription.motion_id).first()
    if motion is None:
        return _("die Antwort auf einen Antrag")
    return _("die Antwort auf %(motion)s") % {"motion": motion}


# --- the mails (django.tasks: a slow mail server never slows a page down) ------------------


@task
def send_confirmation(*, subscription_pk: int) -> int:
    """The double opt-in mail: the only mail an unconfirmed address ever gets."""
    subscription = AlertSubscription.objects.filter(
        pk=subscription_pk, confirmed_at__isnull=True
    ).first()
    if subscription is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        topic = topic_label(subscription)
    return mails.alert_confirmation(
        address=subscription.email,
        topic=topic,
        confirm_url=confirm_url(subscription),
        unsubscribe_url=unsubscribe_url(subscription),
        days=CONFIRM_MAX_AGE.days,
    )


@task
def send_report_alerts(*, motion_pk: int, title: str, url: str) -> int:
    """Mail a newly published answer report to its confirmed subscribers; returns the count."""
    sent, topics = 0, {}
    for subscription in recipients(motion_pk):
        if subscription.motion_id not in topics:  # two labels at most: one query each
            with translation.override(settings.LANGUAGE_CODE):
                topics[subscription.motion_id] = topic_label(subscription)
        topic = topics[subscription.motion_id]
        sent += mails.report_alert(
            address=subscription.email,
            title=title,
            url=url,
            topic=topic,
            unsubscribe_url=unsubscribe_url(subscription),
        )
    return sent
