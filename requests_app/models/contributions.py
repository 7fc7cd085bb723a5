"""Contributions (Zuarbeit) and co-signing (Mitzeichnung) of answer reports.

The author of a draft report asks another department or an external partner for a contribution
to some of its questions (`ContributionRequest`: the request and, once handed in, the
contribution itself), and asks other departments to co-sign the draft (`CoSignRequest`). None of
it is ever public. Changes go through `requests_app.services.contributions`; who may see and do
what is answered in `requests_app.contribution_access`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Attachment, Organization
from portal.roles import APPROVER, CONTRIBUTOR
from portal.validators import MAX_TEXT_LENGTH, TEXT_VALIDATORS
from requests_app.models.motions import Question
from requests_app.models.reports import AnswerReport


def _organizations_of(user, *roles: str):
    """The organizations `user` acts for with one of `roles` (none for anybody else)."""
    if not user.is_authenticated or not any(user.has_role(role) for role in roles):
        return Organization.objects.none()
    return user.organizations.filter(deleted=False)


class ContributionRequestQuerySet(models.QuerySet):
    def for_contributor(self, user):
        """Requests sent to the organizations of a contributor (every request for a superuser)."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        return self.filter(organization__in=_organizations_of(user, CONTRIBUTOR))

    def open(self):
        return self.filter(state=ContributionRequest.State.REQUESTED)

    def overdue(self, today: date | None = None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def needing_reminder(self, today: date | None = None):
        """Overdue requests whose organization has not been reminded yet."""
        return self.overdue(today).filter(reminded_at__isnull=True)

    def for_list(self):
        return self.select_related("report__motion", "organization").order_by("due_date", "pk")


class ContributionRequest(models.Model):
    """A request for a contribution to questions of a report, and the contribution handed in."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("angefordert")
        HANDED_IN = "handed_in", _("eingegangen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    report = models.ForeignKey(
        AnswerReport,
        verbose_name=_("Bericht"),
        on_delete=models.CASCADE,
        related_name="contribution_requests",
    )
    questions = models.ManyToManyField(Question, verbose_name=_("Fragen"), related_name="+")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("angefragte Organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("Zuarbeit erbeten bis"))
    message = models.TextField(
        _("Nachricht (Markdown)"),
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
    )
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The contribution itself.
    text = models.TextField(
        _("Zuarbeit (Markdown)"), blank=True, max_length=MAX_TEXT_LENGTH, validators=TEXT_VALIDATORS
    )
    attachments = models.ManyToManyField(
        Attachment, verbose_name=_("Anlagen"), blank=True, related_name="+"
    )
    handed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingereicht von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handed_in_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("angelegt"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("geändert"), auto_now=True)
    # Lost-update protection: every change increments it (portal.concurrency).
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)

    objects = ContributionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zuarbeit")
        verbose_name_plural = _("Zuarbeiten")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="handed_in") | Q(handed_in_at__isnull=False) & ~Q(text=""),
                name="contributionrequest_handed_in_has_text",
                violation_error_message=_("Eine eingereichte Zuarbeit braucht einen Text."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.report.motion.reference}"

    def get_absolute_url(self) -> str:
        """The contributor's page (the author sees the request on the report's page)."""
        return reverse("requests_app:contribution_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.REQUESTED

    @property
    def is_handed_in(self) -> bool:
        return self.state == self.State.HANDED_IN

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class CoSignRequestQuerySet(models.QuerySet):
    def for_signer(self, user):
        """Requests sent to the departments a user signs for (every one for a superuser)."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        return self.filter(organization__in=_organizations_of(user, APPROVER, CONTRIBUTOR))

    def open(self):
        return self.filter(state=CoSignRequest.State.REQUESTED)

    def latest_per_organization(self):
        """Only the newest request per report and organization (a new one replaces the old)."""
        newer = CoSignRequest.objects.filter(
            report=models.OuterRef("report"),
            organization=models.OuterRef("organization"),
            pk__gt=models.OuterRef("pk"),
        )
        return self.filter(~models.Exists(newer))

    def for_list(self):
        return self.select_related("report__motion", "organization", "decided_by").order_by("pk")


class CoSignRequest(models.Model):
    """A department's co-signature (Mitzeichnung) of a draft report: signed or objected to."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("erbeten")
        SIGNED = "signed", _("mitgezeichnet")
        OBJECTED = "objected", _("Einwand erhoben")

    report = models.ForeignKey(
        AnswerReport,
        verbose_name=_("Bericht"),
        on_delete=models.CASCADE,
        related_name="cosign_requests",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("mitzeichnendes Dezernat / Amt"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    comment = models.TextField(
        _("Bemerkung"), blank=True, max_length=MAX_TEXT_LENGTH, validators=TEXT_VALIDATORS
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erbeten von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    created = models.DateTimeField(_("angelegt"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("geändert"), auto_now=True)
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)

    objects = CoSignRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Mitzeichnung")
        verbose_name_plural = _("Mitzeichnungen")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "organization"],
                condition=Q(state="requested"),
                name="cosignrequest_one_open_per_organization",
                violation_error_message=_(
                    "Um diese Mitzeichnung wurde schon gebeten; sie steht noch aus."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="objected") | ~Q(comment=""),
                name="cosignrequest_objection_has_comment",
                violation_error_message=_("Ein Einwand braucht eine Begründung."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} – {self.report.motion.reference}"

    def get_absolute_url(self) -> str:
        return reverse("requests_app:cosign_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.REQUESTED
