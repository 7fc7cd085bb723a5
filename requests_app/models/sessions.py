"""Consultations (Beratungen): a motion treated under an agenda item of a council or committee
session, with the role of that treatment and its result.

A motion's route through the council is the list of its consultations (the Beratungsfolge,
committee first, then the Stadtrat). Every write goes through requests_app.services.sessions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import AgendaItem, CoreModel, CoreQuerySet, Meeting
from requests_app.models.motions import Motion


class ConsultationQuerySet(CoreQuerySet):
    def public(self):
        """What the public may see: a public item of a public meeting, a published motion."""
        return self.filter(
            agenda_item__public=True,
            agenda_item__deleted=False,
            agenda_item__meeting__public=True,
            agenda_item__meeting__deleted=False,
        ).filter(motion__in=Motion.objects.published())

    def for_route(self):
        """The route of a motion: each treatment with its item, meeting and body, in order."""
        return self.select_related(
            "agenda_item__meeting__organization", "agenda_item__meeting__location"
        ).order_by("agenda_item__meeting__start", "pk")


class ConsultationManager(models.Manager.from_queryset(ConsultationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


class Consultation(CoreModel):
    class Role(models.TextChoices):
        PRELIMINARY = "preliminary", _("Vorberatung")
        DECISION = "decision", _("Entscheidung")
        NOTICE = "notice", _("Kenntnisnahme")

    class Result(models.TextChoices):
        OPEN = "", _("noch offen")
        ADOPTED = "adopted", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")
        REFERRED = "referred", _("verwiesen")
        DEFERRED = "deferred", _("vertagt")
        NOTED = "noted", _("zur Kenntnis genommen")

    # Results that end a decision: the motion's own decision follows them.
    DECIDING_RESULTS = (Result.ADOPTED, Result.REJECTED)

    motion = models.ForeignKey(
        Motion, verbose_name=_("Antrag"), on_delete=models.PROTECT, related_name="consultations"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("Tagesordnungspunkt"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    role = models.CharField(
        _("Rolle"), max_length=20, choices=Role.choices, default=Role.PRELIMINARY
    )
    result = models.CharField(
        _("Ergebnis"), max_length=20, choices=Result.choices, blank=True, default=""
    )
    votes_yes = models.PositiveIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    # Optional votes per faction: [{"faction": "CDU", "yes": 8, "no": 0, "abstain": 1}, ...]
    faction_votes = models.JSONField(_("Stimmen nach Fraktionen"), default=list, blank=True)

    objects = ConsultationManager()
    all_objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungen")
        ordering = ["agenda_item__meeting__start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "agenda_item"],
                condition=Q(deleted=False),
                name="consultation_once_per_item",
                violation_error_message=_("Der Antrag steht schon auf diesem Tagesordnungspunkt."),
            ),
            models.CheckConstraint(
                condition=~Q(result="")
                | Q(votes_yes__isnull=True, votes_no__isnull=True, votes_abstain__isnull=True),
                name="consultation_votes_need_result",
                violation_error_message=_("Stimmen gibt es nur zusammen mit einem Ergebnis."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.motion} – {self.get_role_display()} ({self.agenda_item.meeting})"

    @property
    def meeting(self):
        return self.agenda_item.meeting

    @property
    def has_votes(self) -> bool:
        return None not in (self.votes_yes, self.votes_no, self.votes_abstain)


class MeetingEvent(models.Model):
    """The audit log of council and committee sessions: one row per change the office made."""

    class Action(models.TextChoices):
        CREATED = "created", _("Sitzung angelegt")
        EDITED = "edited", _("Sitzung bearbeitet")
        CANCELLED = "cancelled", _("Sitzung abgesagt")
        INVITED = "invited", _("eingeladen")
        AGENDA_CHANGED = "agenda_changed", _("Tagesordnung geändert")
        CONSULTATION_ADDED = "consultation_added", _("Antrag auf die Tagesordnung gesetzt")
        RESULT_RECORDED = "result_recorded", _("Ergebnis erfasst")
        MINUTES_SAVED = "minutes_saved", _("Niederschrift gespeichert")
        MINUTES_PUBLISHED = "minutes_published", _("Niederschrift veröffentlicht")
        ATTACHMENTS_CHANGED = "attachments_changed", _("Anlagen geändert")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), on_delete=models.CASCADE, related_name="events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)
    action = models.CharField(_("Vorgang"), max_length=30, choices=Action.choices)
    comment = models.TextField(_("Bemerkung"), blank=True)

    class Meta:
        verbose_name = _("Sitzungsvorgang")
        verbose_name_plural = _("Sitzungsvorgänge")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_action_display()}"
