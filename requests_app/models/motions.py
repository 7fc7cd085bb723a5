"""Motions (Ratsanfrage, Informationsanfrage, Beschlussantrag), their questions, audit log,
numbering and deadline reminders.

Every state change goes through `requests_app.services.motions`, which records a `MotionEvent`
(`MotionEvent.objects.record(...)`). Reads go through `Motion.objects` (`published()`,
`visible_to(user)`, ...): views never filter by status.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import AgendaItem, CoreModel, CoreQuerySet, Meeting, Organization, Person
from portal.roles import COUNCIL_MEMBER, COUNCIL_OFFICE
from portal.validators import MAX_TEXT_LENGTH, TEXT_VALIDATORS, validate_single_line

SLUG_RE = re.compile(r"^(?P<kind>ra|ia|ba)-(?P<number>\d{1,4})-(?P<year>\d{4})$")
# A submitted motion has no reference yet: its public address is `eingang-<pk>` until then.
# At most 18 digits: a longer number is no motion (and would overflow the database's integer).
INTAKE_PREFIX = "eingang-"
INTAKE_SLUG_RE = re.compile(rf"^{INTAKE_PREFIX}(?P<pk>\d{{1,18}})$")
AMBER_DAYS = 7  # DESIGN §4: amber when 7 days or fewer are left


class MotionQuerySet(CoreQuerySet):
    def published(self):
        """Motions the public may see: submitted (or later) and not confidential."""
        return self.filter(_published_q())

    def of_factions(self, user):
        return self.filter(faction__in=user_factions(user))

    def of_departments(self, user):
        return self.filter(lead_department__in=user_departments(user))

    def visible_to(self, user):
        """Everything `user` may read: published motions plus their own area's motions."""
        if not user.is_authenticated:
            return self.published()
        if _sees_every_motion(user):
            return self.all()
        condition = _published_q() | Q(faction__in=user_factions(user))
        condition |= Q(lead_department__in=user_departments(user))
        return self.filter(condition)

    def workspace_for(self, user):
        """Motions `user` works on: their factions', their departments', all for the office."""
        if _sees_every_motion(user):
            return self.all()
        return self.filter(
            Q(faction__in=user_factions(user)) | Q(lead_department__in=user_departments(user))
        )

    def for_list(self):
        """What the list and dashboard tables show, with the related rows in the same query."""
        return self.select_related("faction", "lead_department")

    def for_table(self):
        """Only the columns the work area's motion tables show (_motion_table.html; number and
        year for the public address)."""
        return self.select_related("faction").only(
            *("reference", "number", "year", "title", "kind", "status", "confidential"),
            *("due_date", "faction", "faction__name", "faction__short_name"),
        )

    def dashboard_own(self, user):
        """'Meine Anträge': every motion of the user's factions (drafts first)."""
        editable_first = Case(
            When(status__in=Motion.EDITABLE_STATUSES, then=0),
            default=1,
            output_field=IntegerField(),
        )
        return self.of_factions(user).for_table().order_by(editable_first, "-modified")

    def office_inbox(self):
        return self.filter(status=Motion.Status.SUBMITTED).for_table().order_by("submitted_at")

    def office_open(self):
        """Registered motions still waiting for their answer, earliest deadline first."""
        return (
            self.filter(status=Motion.Status.REGISTERED)
            .for_table()
            .order_by(F("due_date").asc(nulls_last=True), "pk")
        )

    def department_open(self, departments):
        """Registered motions led by `departments` (organizations or their pks), earliest
        deadline first."""
        return (
            self.filter(status=Motion.Status.REGISTERED, lead_department__in=departments)
            .for_table()
            .order_by(F("due_date").asc(nulls_last=True), "pk")
        )

    def awaiting_answer(self):
        """Submitted or registered: the answer is still to come (the home page's open motions)."""
        return self.filter(status__in=[Motion.Status.SUBMITTED, Motion.Status.REGISTERED])

    def answer_may_come(self):
        """Not rejected or withdrawn: an answer (or its correction) may still be published."""
        return self.exclude(status__in=[Motion.Status.REJECTED, Motion.Status.WITHDRAWN])

    def answered(self):
        """Answered motions with both their registration and answer times (answer statistics)."""
        return self.filter(
            status=Motion.Status.ANSWERED, registered_at__isnull=False, answered_at__isnull=False
        )

    def for_answer_statistics(self):
        """Published motions registered for an answer, answered or still open (statistics)."""
        return self.published().filter(
            status__in=[Motion.Status.REGISTERED, Motion.Status.ANSWERED],
            registered_at__isnull=False,
        )

    def needing_reminder(self, today: date):
        """Registered motions due within AMBER_DAYS or overdue (amber or red)."""
        return self.filter(
            status=Motion.Status.REGISTERED,
            due_date__isnull=False,
            due_date__lte=today + timedelta(days=AMBER_DAYS),
            lead_department__isnull=False,
        )

    def formerly_public(self):
        """Motions that were public once and are not now (returned, or withdrawn after being
        returned): their address answers 410 Gone instead of pretending they never existed.
        Confidential motions stay unknown."""
        events = self.model._meta.get_field("events").related_model  # MotionEvent
        was_submitted = events.objects.filter(motion=OuterRef("pk"), action=events.Action.SUBMITTED)
        return self.exclude(_published_q()).filter(Exists(was_submitted), confidential=False)

    def get_by_slug(self, slug: str) -> Motion:
        """Find a motion by its public slug: its reference (`ba-044-2020`) or, before
        registration, `eingang-<pk>`; DoesNotExist otherwise."""
        intake = INTAKE_SLUG_RE.match(slug)
        if intake:
            return self.get(pk=int(intake["pk"]))
        match = SLUG_RE.match(slug)
        if not match:
            raise Motion.DoesNotExist
        return self.get(
            kind=match["kind"].upper(), number=int(match["number"]), year=int(match["year"])
        )


class MotionManager(models.Manager.from_queryset(MotionQuerySet)):
    """Hides soft-deleted motions, like the core's AliveManager."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


def _sees_every_motion(user) -> bool:
    # Row scoping of reads; every yes/no permission is answered in requests_app/access.py.
    return user.is_superuser or user.has_role(COUNCIL_OFFICE)


def _published_q() -> Q:
    return Q(status__in=Motion.PUBLIC_STATUSES, submitted_at__isnull=False, confidential=False)


def user_factions(user):
    if not user.is_authenticated:
        return Organization.objects.none()
    return user.organizations.filter(kind=Organization.Kind.FACTION, deleted=False)


def faction_colleagues(faction):
    """The persons who may co-submit a motion of `faction` (or of any of a queryset of
    factions): the council members among its accounts."""
    factions = faction if isinstance(faction, models.QuerySet) else [faction]
    return Person.objects.filter(
        user__organizations__in=factions,
        user__groups__name=COUNCIL_MEMBER,
        user__is_active=True,
    ).distinct()


def user_departments(user):
    if not user.is_authenticated:
        return Organization.objects.none()
    return user.organizations.filter(kind=Organization.Kind.DEPARTMENT, deleted=False)


class Motion(CoreModel):
    class Kind(models.TextChoices):
        RA = "RA", _("Ratsanfrage")
        IA = "IA", _("Informationsanfrage")
        BA = "BA", _("Beschlussantrag")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        REGISTERED = "registered", _("in Bearbeitung")
        ANSWERED = "answered", _("beantwortet")
        RETURNED = "returned", _("zurückgegeben")
        REJECTED = "rejected", _("zurückgewiesen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    class Decision(models.TextChoices):
        NONE = "", _("kein Beschluss")
        ADOPTED = "adopted", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")

    # Statuses in which the faction may still edit the text.
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    # Statuses in which a motion that was submitted stays public (returned goes back to draft).
    PUBLIC_STATUSES = (
        Status.SUBMITTED,
        Status.REGISTERED,
        Status.ANSWERED,
        Status.REJECTED,
        Status.WITHDRAWN,
    )
    CLOSED_STATUSES = (Status.ANSWERED, Status.REJECTED, Status.WITHDRAWN)

    kind = models.CharField(_("Art"), max_length=2, choices=Kind.choices)
    title = models.CharField(_("Titel"), max_length=300, validators=[validate_single_line])
    text = models.TextField(
        _("Antragstext (Markdown)"),
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
    )
    reasoning = models.TextField(
        _("Begründung (Markdown)"),
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
    )
    faction = models.ForeignKey(
        Organization,
        verbose_name=_("Fraktion"),
        on_delete=models.PROTECT,
        related_name="motions",
        limit_choices_to={"kind": Organization.Kind.FACTION},
    )
    submitters = models.ManyToManyField(
        Person, verbose_name=_("Einreichende"), blank=True, related_name="motions"
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Reference number, assigned at registration: RA-017/2026 = kind, number, year.
    number = models.PositiveIntegerField(_("laufende Nummer"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    reference = models.CharField(_("Drucksachennummer"), max_length=20, blank=True)
    lead_department = models.ForeignKey(
        Organization,
        verbose_name=_("federführendes Dezernat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_motions",
        limit_choices_to={"kind": Organization.Kind.DEPARTMENT},
    )
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registriert am"), null=True, blank=True)
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    # The due date set at registration; due_date is the current one (after extensions).
    original_due_date = models.DateField(_("ursprüngliche Frist"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    confidential = models.BooleanField(
        _("vertraulich"),
        default=False,
        help_text=_("Vertrauliche Anträge erscheinen nicht auf den öffentlichen Seiten."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("behandelt in Sitzung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("Tagesordnungspunkt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions",
    )
    decision = models.CharField(
        _("Beschluss"), max_length=20, choices=Decision.choices, blank=True, default=""
    )
    votes_yes = models.PositiveIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    # The motion as a document (Drucksache): a PDF rendered by a task (requests_app/motion_pdf.py)
    # from the submitted text; `document_source` is the hash of what it was rendered from, so a
    # new rendering happens only when that changes (resubmission, registration's reference).
    document_file = models.FileField(_("Drucksache (PDF)"), upload_to="drucksachen/", blank=True)
    document_sha256 = models.CharField(_("SHA-256 der Drucksache"), max_length=64, blank=True)
    document_sha512 = models.CharField(_("SHA-512 der Drucksache"), max_length=128, blank=True)
    document_size = models.PositiveIntegerField(
        _("Größe der Drucksache in Bytes"), null=True, blank=True
    )
    document_text = models.TextField(_("Text der Drucksache"), blank=True, editable=False)
    document_source = models.CharField(
        _("Prüfsumme der Vorlage der Drucksache"), max_length=64, blank=True, editable=False
    )
    document_created = models.DateTimeField(
        _("Drucksache erstellt am"), null=True, blank=True, editable=False
    )
    # Lost-update protection: every service that changes the motion increments it.
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MotionManager()
    all_objects = MotionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Antrag / Anfrage")
        verbose_name_plural = _("Anträge und Anfragen")
        ordering = ["-created", "-pk"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The public list and the home page read the newest public motions first: with these
            # the database stops after a page instead of sorting 20,000 rows.
            models.Index(
                F("submitted_at").desc(),
                F("id").desc(),
                name="motion_public_newest",
                condition=Q(deleted=False, confidential=False, submitted_at__isnull=False),
            ),
            models.Index(
                F("due_date").asc(),  # PostgreSQL sorts NULLs last in ascending order
                F("submitted_at").desc(),
                F("id").desc(),
                name="motion_public_open_by_due",
                condition=Q(
                    deleted=False, confidential=False, status__in=["submitted", "registered"]
                ),
            ),
            # The work area's lists (requests_app/workspace.py): the office's inbox, oldest
            # first, and a department's open motions, earliest deadline first; each read (and
            # counted) from its index instead of sorting all submitted or registered motions.
            models.Index(
                fields=["submitted_at"],
                name="motion_office_inbox",
                condition=Q(deleted=False, status="submitted"),
            ),
            models.Index(
                fields=["lead_department", "due_date", "id"],
                name="motion_department_open",
                condition=Q(deleted=False, status="registered"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"],
                name="motion_unique_number_per_kind_and_year",
                violation_error_message=_("Diese Drucksachennummer ist schon vergeben."),
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="motion_unique_reference",
                violation_error_message=_("Diese Drucksachennummer ist schon vergeben."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(number__isnull=True, year__isnull=True, reference="")
                    | Q(number__isnull=False, year__isnull=False) & ~Q(reference="")
                ),
                name="motion_reference_complete",
                violation_error_message=_("Nummer, Jahr und Drucksachennummer gehören zusammen."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(kind="BA"),
                name="motion_decision_only_for_ba",
                violation_error_message=_("Nur über einen Beschlussantrag wird abgestimmt."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["registered", "answered"]) | ~Q(reference=""),
                name="motion_registered_has_reference",
                violation_error_message=_("Ein registrierter Antrag braucht eine Nummer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        """The public page (only meaningful for published motions)."""
        return reverse("requests_app:motion_detail", kwargs={"slug": self.public_slug})

    def get_workspace_url(self) -> str:
        return reverse("requests_app:workspace_motion", kwargs={"pk": self.pk})

    @property
    def public_slug(self) -> str:
        if self.reference:
            return f"{self.kind.lower()}-{self.number:03d}-{self.year}"
        return f"{INTAKE_PREFIX}{self.pk}"

    @property
    def is_request(self) -> bool:
        """A Ratsanfrage or Informationsanfrage asks ("Anfrage"); a Beschlussantrag moves."""
        return self.kind != self.Kind.BA

    @property
    def kind_noun(self) -> str:
        """The word for this motion in headings, buttons and messages: Anfrage or Antrag."""
        return _("Anfrage") if self.is_request else _("Antrag")

    def by_kind(self, motion_text, request_text):
        """`request_text` for an Anfrage, `motion_text` for an Antrag (whole sentences, so the
        grammar fits: "Die Anfrage wurde …" / "Der Antrag wurde …")."""
        return request_text if self.is_request else motion_text

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_public(self) -> bool:
        return (
            self.status in self.PUBLIC_STATUSES
            and self.submitted_at is not None
            and not self.confidential
        )

    @property
    def answered_on_time(self) -> bool | None:
        """Whether the answer came within the deadline (None: not answered or no deadline)."""
        if self.answered_at is None or self.due_date is None:
            return None
        return timezone.localdate(self.answered_at) <= self.due_date

    def deadline(self, today: date | None = None) -> tuple[str, int | None]:
        """The deadline light: (colour, days) with colour green, amber, red, grey or none."""
        if self.status in self.CLOSED_STATUSES:
            return "grey", None
        if self.status != self.Status.REGISTERED or self.due_date is None:
            return "none", None
        days = (self.due_date - (today or timezone.localdate())).days
        if days < 0:
            return "red", -days
        return ("amber" if days <= AMBER_DAYS else "green"), days


class ReferenceCounter(models.Model):
    """The last reference number handed out per kind and year (locked while numbering)."""

    kind = models.CharField(_("Art"), max_length=2, choices=Motion.Kind.choices)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    last_number = models.PositiveIntegerField(_("letzte Nummer"), default=0)

    class Meta:
        verbose_name = _("Nummernkreis")
        verbose_name_plural = _("Nummernkreise")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="referencecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Question(models.Model):
    motion = models.ForeignKey(
        Motion, verbose_name=_("Antrag"), on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    text = models.TextField(_("Frage"), max_length=MAX_TEXT_LENGTH, validators=TEXT_VALIDATORS)

    class Meta:
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        ordering = ["motion", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "number"],
                name="question_unique_number",
                violation_error_message=_("Diese Fragennummer gibt es in dem Antrag schon."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="question_number_positive",
                violation_error_message=_("Fragen werden ab 1 nummeriert."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"
