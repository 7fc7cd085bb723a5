"""Background work of the portal (django.tasks): the mails of the e-mail alerts.

The request only stores the subscription; these tasks build and send the mails, so a slow
mail server never slows a page down.
"""

from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from portal import alerts
from portal.models import AlertSubscription


def _send(subscription: AlertSubscription, subject: str, template: str, context: dict) -> int:
    unsubscribe = alerts.unsubscribe_url(subscription)
    body = render_to_string(template, {**context, "unsubscribe_url": unsubscribe})
    message = EmailMessage(
        subject,
        body,
        None,
        [subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    return message.send()


@task
def send_confirmation(*, subscription_pk: int) -> int:
    """The double opt-in mail: the only mail an unconfirmed address ever gets."""
    subscription = AlertSubscription.objects.filter(
        pk=subscription_pk, confirmed_at__isnull=True
    ).first()
    if subscription is None:
        return 0
    with translation.override("de"):
        return _send(
            subscription,
            _("Bitte bestätigen Sie Ihre Benachrichtigung"),
            "portal/alerts/mail_confirm.txt",
            {
                "topic": alerts.topic_label(subscription.topic),
                "confirm_url": alerts.confirm_url(subscription),
                "days": alerts.CONFIRM_MAX_AGE.days,
            },
        )


@task
def send_report_alerts(*, motion_pk: int, title: str, url: str) -> int:
    """Mail a newly published answer report to its confirmed subscribers; returns the count."""
    sent = 0
    with translation.override("de"):
        for subscription in alerts.recipients(motion_pk):
            sent += _send(
                subscription,
                _("Neue Antwort: %(title)s") % {"title": title},
                "portal/alerts/mail_report.txt",
                {
                    "title": title,
                    "url": alerts.absolute_url(url),
                    "topic": alerts.topic_label(subscription.topic),
                },
            )
    return sent
