"""The audit log of motions and their reports (`MotionEvent`, froide's FoiEvent idea) and the
deadline reminders already sent (`DeadlineReminder`).

Every service that changes a motion or report records one event:
`MotionEvent.objects.record(...)`; the public timeline shows only `PUBLIC_ACTIONS`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models.motions import Motion


class MotionEventQuerySet(models.QuerySet):
    def record(
        self,
        *,
        user,
        action: str,
        motion: Motion | None = None,
        report=None,
        from_status: str = "",
        to_status: str = "",
        comment: str = "",
        created: datetime | None = None,
        expected_date: date | None = None,
    ) -> MotionEvent:
        """Write one row of the audit log: the one way an event is recorded.

        A step of an answer report names its `report` (the motion is the report's); `created`
        is for imported history (the demo), otherwise now. A missing or anonymous user is
        stored as nobody.
        """
        return self.create(
            motion=motion if motion is not None else report.motion,
            report=report,
            user=user if user is not None and user.is_authenticated else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            created=created or timezone.now(),
            expected_date=expected_date,
        )

    def public(self):
        """The steps the public timeline shows."""
        return self.filter(action__in=MotionEvent.PUBLIC_ACTIONS)

    def without_report_work(self):
        """Without the administration's internal steps on answer reports (drafting, review,
        send-back comments and who did them); the publication stays."""
        return self.exclude(
            Q(report__isnull=False) & ~Q(action=MotionEvent.Action.REPORT_PUBLISHED)
        )


class MotionEvent(models.Model):
    """The audit log: one row per state change, recorded by the service that made it."""

    class Action(models.TextChoices):
        CREATED = "created", _("angelegt")
        EDITED = "edited", _("bearbeitet")
        SUBMITTED = "submitted", _("eingereicht")
        RETURNED = "returned", _("zurückgegeben")
        REJECTED = "rejected", _("als unzulässig zurückgewiesen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        REGISTERED = "registered", _("registriert")
        TREATED = "treated", _("beraten")
        ANSWERED = "answered", _("beantwortet")
        DEADLINE_EXTENDED = "deadline_extended", _("Frist verlängert")
        LEAD_CHANGED = "lead_changed", _("Federführung geändert")
        INTERIM_REPLY = "interim_reply", _("Zwischennachricht")
        # Steps of the answer report (AnswerReport); `report` says which one.
        REPORT_STARTED = "report_started", _("Antwortbericht angelegt")
        REPORT_EDITED = "report_edited", _("Antwortbericht bearbeitet")
        REPORT_SUBMITTED = "report_submitted", _("Antwortbericht zur Prüfung vorgelegt")
        REPORT_RETURNED = "report_returned", _("Antwortbericht zur Überarbeitung zurückgegeben")
        REPORT_RECALLED = "report_recalled", _("Antwortbericht aus der Prüfung zurückgenommen")
        REPORT_APPROVED = "report_approved", _("Antwortbericht freigegeben")
        REPORT_PUBLISHED = "report_published", _("Antwortbericht veröffentlicht")
        DISCLOSED = "disclosed", _("Vertraulichkeit mit der Antwort aufgehoben")
        # Contributions (Zuarbeit) and co-signing (Mitzeichnung) of the report.
        CONTRIBUTION_ASKED = "contribution_asked", _("Zuarbeit angefordert")
        CONTRIBUTION_PULLED = "contribution_pulled", _("Anfrage um Zuarbeit zurückgezogen")
        CONTRIBUTION_IN = "contribution_in", _("Zuarbeit eingegangen")
        CONTRIBUTION_USED = "contribution_used", _("Zuarbeit übernommen")
        COSIGN_ASKED = "cosign_asked", _("Mitzeichnung erbeten")
        COSIGN_SIGNED = "cosign_signed", _("mitgezeichnet")
        COSIGN_OBJECTED = "cosign_objected", _("Einwand gegen die Mitzeichnung")

    # Shown in the public timeline (the others are internal work steps).
    PUBLIC_ACTIONS = (
        Action.SUBMITTED,
        Action.REJECTED,
        Action.WITHDRAWN,
        Action.REGISTERED,
        Action.TREATED,
        Action.ANSWERED,
        Action.DEADLINE_EXTENDED,
        Action.LEAD_CHANGED,
        Action.INTERIM_REPLY,
    )

    motion = models.ForeignKey(
        Motion, verbose_name=_("Antrag"), on_delete=models.CASCADE, related_name="events"
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
    action = models.CharField(_("Vorgang"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("vorher"), max_length=20, choices=Motion.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("nachher"), max_length=20, choices=Motion.Status.choices, blank=True
    )
    comment = models.TextField(_("Bemerkung"), blank=True)
    # An interim reply's new expected answer date; an extension's new due date.
    expected_date = models.DateField(_("Antwort erwartet bis"), null=True, blank=True)
    report = models.ForeignKey(
        "AnswerReport",
        verbose_name=_("Antwortbericht"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )

    objects = MotionEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Vorgänge")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.motion}: {self.get_action_display()}"

    @property
    def is_public(self) -> bool:
        return self.action in self.PUBLIC_ACTIONS

    @property
    def public_note(self) -> str:
        """The comment the public timeline shows: where it was treated, who leads, the interim
        reply; other comments (reasons for returning or extending) stay internal."""
        public = (self.Action.TREATED, self.Action.REGISTERED, self.Action.INTERIM_REPLY)
        return self.comment if self.action in public else ""


class DeadlineReminder(models.Model):
    """A reminder mail sent to the lead department: at most one per motion, light and due date."""

    motion = models.ForeignKey(
        Motion, verbose_name=_("Antrag"), on_delete=models.CASCADE, related_name="reminders"
    )
    light = models.CharField(_("Ampel"), max_length=10)
    due_date = models.DateField(_("Frist"))
    sent_at = models.DateTimeField(_("gesendet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Fristerinnerung")
        verbose_name_plural = _("Fristerinnerungen")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "light", "due_date"], name="deadlinereminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.motion} ({self.light})"
