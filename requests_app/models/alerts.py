"""A citizen's e-mail alert (requests_app/alerts.py): every new answer report, or one motion's."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models.motions import Motion


class AlertSubscription(models.Model):
    """Only the address and what it follows are kept.

    `motion` is the motion whose answer is awaited; empty means every new answer report. Nothing
    is sent to an address before it confirmed; unconfirmed rows are deleted after a week
    (`manage.py purge_alert_subscriptions`), an unsubscribe deletes the row.
    """

    email = models.EmailField(_("E-Mail-Adresse"), max_length=254)
    motion = models.ForeignKey(
        Motion,
        verbose_name=_("Antrag"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
        help_text=_("Leer: jeder neue Antwortbericht."),
    )
    created = models.DateTimeField(_("angelegt"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    # The last confirmation mail: a resend waits an hour and never prolongs the week in which
    # an unconfirmed row is purged (`created` stays).
    mailed_at = models.DateTimeField(_("zuletzt angeschrieben"), null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail-Benachrichtigung")
        verbose_name_plural = _("E-Mail-Benachrichtigungen")
        ordering = ["-created", "pk"]
        constraints = [
            # Two partial constraints: NULL (all reports) is one topic, too, on every database.
            models.UniqueConstraint(
                fields=["email", "motion"],
                condition=Q(motion__isnull=False),
                name="alertsubscription_unique_motion",
                violation_error_message=_("Diese Benachrichtigung gibt es schon."),
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(motion__isnull=True),
                name="alertsubscription_unique_reports",
                violation_error_message=_("Diese Benachrichtigung gibt es schon."),
            ),
        ]
        indexes = [models.Index(fields=["motion", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.email} – {self.motion or _('alle Antwortberichte')}"
