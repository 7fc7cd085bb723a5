"""E-mail alerts for citizens: subscribe, confirm (double opt-in), unsubscribe, notify.

- `alert_subscribe(email=, motion=, topic=)` keeps the address unconfirmed and sends (in a task)
  a mail with a signed confirmation link; nothing else is ever sent to an unconfirmed address.
  Without a motion, `topic` (a `Topic`) says what to follow: new answers or new motions, of
  one faction, one lead department, naming one district, or containing a keyword.
- `alert_confirm(token=)` confirms within a week; `alert_unsubscribe(token=)` deletes the row.
  Tokens are signed with `django.core.signing` (no token table); an unsubscribe token stays
  valid as long as the subscription exists.
- `notify_report_published(motion_pk=, title=, url=)` is what the publication of an answer
  report calls: after the commit, a task mails every confirmed subscriber of `berichte` and of
  that motion, each mail with a one-click unsubscribe link and a `List-Unsubscribe` header.
- `notify_motion_submitted(motion_pk=)` is what the submission of a motion calls: the topic
  subscribers of new motions get it, if the motion is public when the task runs.

Districts and keywords are matched in the folded text (`portal.search.fold`, the
search's own folding: "Strasse" finds "Straße") of the motion (title, text, reasoning,
questions) and, for answers, of the published report (title, summary, answers).

The tasks decide at the time of sending who gets what; requests_app/mails.py sends each mail.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
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
from portal.models import Organization
from portal.search import fold
from prevention.models import District
from requests_app import mails
from requests_app.models import AlertSubscription, AnswerReport, Motion

Scope = AlertSubscription.Scope

SALT = "portal.alerts"  # kept from the first version: links already mailed stay valid
# The form's values for "every new report" and "this motion's answer" (`antrag:<pk>`).
REPORTS = "berichte"
MOTIONS = "antraege"  # new motions (of a topic)
MOTION_PREFIX = "antrag:"
CONFIRM_MAX_AGE = timedelta(days=7)
UNCONFIRMED_MAX_AGE = timedelta(days=7)
# A second subscribe request for the same address and topic mails again only after this.
RESEND_AFTER = timedelta(hours=1)
# At most this many unconfirmed topics per address: nobody can flood a stranger's mailbox with
# confirmation requests for every motion.
MAX_PENDING_PER_ADDRESS = 5


@dataclass(frozen=True)
class Topic:
    """What a subscription without a motion follows (at most one narrowing)."""

    scope: str = Scope.ANSWERS
    faction: Organization | None = None
    department: Organization | None = None
    district: District | None = None
    keyword: str = ""

    def fields(self) -> dict:
        keyword = " ".join(self.keyword.split()).lower()
        return {
            "scope": self.scope,
            "faction": self.faction,
            "department": self.department,
            "district": self.district,
            "keyword": keyword,
        }


def validate_topic(topic: Topic) -> None:
    """German messages for a topic nobody could ever be alerted about."""
    narrowings = [topic.faction, topic.department, topic.district, topic.keyword.strip()]
    if sum(1 for value in narrowings if value) > 1:
        raise ValidationError(
            _(
                "Bitte wählen Sie höchstens eine Einschränkung: Fraktion, Dezernat, Stadtteil "
                "oder Stichwort."
            )
        )
    if topic.scope not in Scope.values:
        raise ValidationError(_("Unbekanntes Thema der Benachrichtigung."))
    if topic.department is not None and topic.scope == Scope.MOTIONS:
        raise ValidationError(
            _(
                "Das federführende Dezernat steht erst nach der Registrierung fest: eine "
                "Benachrichtigung nach Dezernat gibt es nur für Antworten."
            )
        )
    if topic.keyword and len(fold(topic.keyword).strip()) < 3:
        raise ValidationError(_("Das Stichwort muss mindestens drei Zeichen haben."))
    if topic.faction is not None and topic.faction.kind != Organization.Kind.FACTION:
        raise ValidationError(_("Unbekanntes Thema der Benachrichtigung."))
    if topic.department is not None and topic.department.kind != Organization.Kind.DEPARTMENT:
        raise ValidationError(_("Unbekanntes Thema der Benachrichtigung."))


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
    *, email: str, motion: Motion | None, topic: Topic | None = None, client: str = ""
) -> AlertSubscription | None:
    """Keep an unconfirmed subscription and mail the confirmation link (after the commit).

    `motion` None follows `topic` (by default every new answer); `client` is the requesting address
    (portal.throttle.client_address). Returns None when nothing was sent (already confirmed,
    mailed less than an hour ago, too many pending requests for the mailbox, too many mails
    asked for by this client); the page says the same in every case, so it reveals nothing
    about an address and gives nobody a way to flood a stranger's mailbox.
    """
    email = email.strip().lower()
    validate_email(email)
    if motion is not None and not Motion.objects.published().filter(pk=motion.pk).exists():
        raise ValidationError(_("Unbekanntes Thema der Benachrichtigung."))
    wanted = AlertSubscription(email=email, motion=motion)
    if motion is None:
        topic = topic or Topic()
        validate_topic(topic)
        wanted = AlertSubscription(email=email, **topic.fields())
    rows = AlertSubscription.objects.select_for_update().filter(email=email)
    if motion is not None:
        subscription = rows.filter(motion=motion).first()
    else:
        subscription = rows.filter(motion=None, topic_key=wanted.make_topic_key()).first()
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
                wanted.save()
                subscription = wanted
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


def notify_motion_submitted(*, motion_pk: int) -> None:
    """Called by the submission of a motion: alert topic subscribers after the commit."""
    transaction.on_commit(lambda: send_motion_alerts.enqueue(motion_pk=motion_pk))


def _motion_text(motion: Motion) -> str:
    questions = " ".join(motion.questions.values_list("text", flat=True))
    return " ".join([motion.reference, motion.title, motion.text, motion.reasoning, questions])


def _report_text(motion: Motion) -> str:
    report = AnswerReport.objects.published().filter(motion=motion).first()
    if report is None:
        return ""
    answers = " ".join(report.answers.values_list("text", flat=True))
    return " ".join([report.title, report.summary, answers])


def _contains(folded_text: str, phrase: str) -> bool:
    """The folded phrase as a word start: "Zentrum" matches "Zentrums", not "Stadtzentrum"."""
    return re.search(rf"(?<!\w){re.escape(fold(phrase))}", folded_text) is not None


def matches(subscription: AlertSubscription, motion: Motion, folded_text: str) -> bool:
    """Does a topic subscription want this motion (or its answer)?"""
    if subscription.faction_id and subscription.faction_id != motion.faction_id:
        return False
    if subscription.department_id and subscription.department_id != motion.lead_department_id:
        return False
    if subscription.district_id and not _contains(folded_text, subscription.district.name):
        return False
    return not subscription.keyword or _contains(folded_text, subscription.keyword)


def recipients(motion_pk: int, scope: str = Scope.ANSWERS) -> list[AlertSubscription]:
    """One confirmed subscription per address for news of that motion: its answer (`answers`:
    the motion's own subscription first, so its unsubscribe link is the one in the mail) or its
    submission (`motions`). Only a published motion has recipients."""
    motion = Motion.objects.published().filter(pk=motion_pk).first()
    if motion is None:
        return []
    rows = AlertSubscription.objects.filter(confirmed_at__isnull=False).select_related("district")
    if scope == Scope.ANSWERS:
        rows = rows.filter(Q(motion_id=motion_pk) | Q(motion__isnull=True, scope=scope))
    else:
        rows = rows.filter(motion__isnull=True, scope=scope)
    rows = list(rows.order_by("email", "pk"))
    folded = ""
    if any(row.district_id or row.keyword for row in rows):
        text = _motion_text(motion)
        if scope == Scope.ANSWERS:
            text = f"{text} {_report_text(motion)}"
        folded = fold(text)
    chosen: dict[str, AlertSubscription] = {}
    for row in rows:
        if row.motion_id is None and not matches(row, motion, folded):
            continue
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
        if subscription.scope == Scope.MOTIONS:
            label = _("neue Anträge und Anfragen")
        else:
            label = _("neue Antwortberichte der Verwaltung")
        if subscription.faction_id:
            return _("%(topic)s der Fraktion %(name)s") % {
                "topic": label,
                "name": subscription.faction.name,
            }
        if subscription.department_id:
            return _("%(topic)s, federführend: %(name)s") % {
                "topic": label,
                "name": subscription.department.name,
            }
        if subscription.district_id:
            return _("%(topic)s, die den Stadtteil %(name)s nennen") % {
                "topic": label,
                "name": subscription.district.name,
            }
        if subscription.keyword:
            return _("%(topic)s mit dem Stichwort „%(keyword)s“") % {
                "topic": label,
                "keyword": subscription.keyword,
            }
        return label
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
        key = (subscription.motion_id, subscription.topic_key)
        if key not in topics:  # one label per topic
            with translation.override(settings.LANGUAGE_CODE):
                topics[key] = topic_label(subscription)
        topic = topics[key]
        sent += mails.report_alert(
            address=subscription.email,
            title=title,
            url=url,
            topic=topic,
            unsubscribe_url=unsubscribe_url(subscription),
        )
    return sent


@task
def send_motion_alerts(*, motion_pk: int) -> int:
    """Mail a newly submitted public motion to its topics' subscribers; returns the count."""
    subscriptions = recipients(motion_pk, Scope.MOTIONS)
    if not subscriptions:
        return 0
    motion = Motion.objects.get(pk=motion_pk)
    sent, topics = 0, {}
    for subscription in subscriptions:
        if subscription.topic_key not in topics:
            with translation.override(settings.LANGUAGE_CODE):
                topics[subscription.topic_key] = topic_label(subscription)
        sent += mails.motion_alert(
            address=subscription.email,
            title=f"{motion.reference} {motion.title}".strip(),
            url=motion.get_absolute_url(),
            topic=topics[subscription.topic_key],
            unsubscribe_url=unsubscribe_url(subscription),
        )
    return sent
