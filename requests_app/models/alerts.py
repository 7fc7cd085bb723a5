"""A citizen's e-mail alert (requests_app/alerts.py): one motion's answer, or a topic: new answers
or new motions, optionally only of one faction, one lead department, naming one district, or
containing a keyword."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models.motions import Motion


class AlertSubscription(models.Model):
    """Only the address and what it follows are kept.

    `motion` is the motion whose answer is awaited. Without a motion the row follows a topic:
    `scope` (new answers or new motions) narrowed by at most one of faction, department,
    district or keyword; `topic_key` spells the topic out so that one address holds each topic
    once (a database constraint). Nothing is sent to an address before it confirmed;
    unconfirmed rows are deleted after a week (`manage.py purge_alert_subscriptions`), an
    unsubscribe deletes the row.
    """

    class Scope(models.TextChoices):
        ANSWERS = "answers", _("neue Antworten der Verwaltung")
        MOTIONS = "motions", _("neue Anträge und Anfragen")

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
    scope = models.CharField(
        _("Benachrichtigen bei"), max_length=10, choices=Scope.choices, default=Scope.ANSWERS
    )
    faction = models.ForeignKey(
        "portal.Organization",
        verbose_name=_("Fraktion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "portal.Organization",
        verbose_name=_("federführendes Dezernat"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        "prevention.District",
        verbose_name=_("Stadtteil"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    keyword = models.CharField(_("Stichwort"), max_length=60, blank=True)
    topic_key = models.CharField(max_length=120, default="answers", editable=False)
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
                fields=["email", "topic_key"],
                condition=Q(motion__isnull=True),
                name="alertsubscription_unique_topic",
                violation_error_message=_("Diese Benachrichtigung gibt es schon."),
            ),
        ]
        indexes = [models.Index(fields=["motion", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.email} – {self.motion or self.topic_key}"

    def save(self, *args, **kwargs):
        self.topic_key = self.make_topic_key()
        if kwargs.get("update_fields") is not None and "topic_key" not in kwargs["update_fields"]:
            kwargs["update_fields"] = [*kwargs["update_fields"], "topic_key"]
        super().save(*args, **kwargs)

    def make_topic_key(self) -> str:
        """ "answers", "motions;faction=3", "answers;keyword=streife": one spelling per topic."""
        if self.motion_id:
            return ""
        parts = [self.scope]
        for name in ("faction", "department", "district"):
            if getattr(self, f"{name}_id"):
                parts.append(f"{name}={getattr(self, f'{name}_id')}")
        if self.keyword:
            parts.append(f"keyword={self.keyword}")
        return ";".join(parts)
