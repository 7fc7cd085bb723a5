"""Answer reports: the administration's answer to a motion, its answers per question and their
exhibits (charts, tables, lists frozen at publication). Changes go through
`requests_app.services.reports`; the frozen form is made by `requests_app.snapshots`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import CoreModel, CoreQuerySet
from portal.roles import APPROVER, PREVENTION_OFFICE
from portal.validators import MAX_TEXT_LENGTH, TEXT_VALIDATORS, validate_single_line
from requests_app.models.motions import Motion, Question, user_departments


class AnswerReportQuerySet(CoreQuerySet):
    def published(self):
        """Reports the public may read: published (corrected ones stay readable)."""
        return self.filter(status=AnswerReport.Status.PUBLISHED, motion__deleted=False)

    def current(self):
        """Published reports that no published correction has replaced (a correction still
        being drafted or reviewed replaces nothing yet)."""
        corrections = AnswerReport.objects.filter(
            supersedes=OuterRef("pk"), status=AnswerReport.Status.PUBLISHED, deleted=False
        )
        return self.published().filter(~Exists(corrections))

    def open(self):
        """Reports still being written, reviewed or waiting for publication."""
        return self.filter(status__in=AnswerReport.OPEN_STATUSES)

    def workspace_for(self, user):
        """Reports of motions led by the user's departments (KPR office and approvers)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # Row scoping of reads; every yes/no permission is answered in requests_app/access.py.
        if not (user.has_role(PREVENTION_OFFICE) or user.has_role(APPROVER)):
            return self.none()
        return self.filter(motion__lead_department__in=user_departments(user))

    def for_list(self):
        return self.select_related("motion", "motion__faction", "motion__lead_department")

    def for_table(self):
        """Only the columns the work area's report tables show (_report_table.html)."""
        return self.select_related("motion").only(
            *("title", "status", "review_baseline", "motion__reference", "motion__status"),
            "motion__due_date",
        )

    def in_review_for(self, user):
        if not user.has_role(APPROVER):
            return self.none()
        return self.workspace_for(user).filter(status__in=AnswerReport.REVIEW_STATUSES).for_table()

    def drafts_for(self, user):
        if not user.has_role(PREVENTION_OFFICE):
            return self.none()
        return self.workspace_for(user).filter(status=AnswerReport.Status.DRAFT).for_table()


class AnswerReportManager(models.Manager.from_queryset(AnswerReportQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


class AnswerReport(CoreModel):
    """The administration's answer to a motion (Antwort / Informationsvorlage).

    Drafted by the KPR office, reviewed and approved by the department's head (four-eyes),
    then published: `published_html`, `snapshot` and `content_sha256` freeze what was published.
    A correction is a new edition whose `supersedes` points at the old one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        IN_REVIEW = "in_review", _("in Prüfung")
        APPROVED = "approved", _("freigegeben")
        PUBLISHED = "published", _("veröffentlicht")

    class PdfStatus(models.TextChoices):
        NONE = "", _("noch nicht erstellt")
        PENDING = "pending", _("PDF wird erstellt")
        DONE = "done", _("PDF erstellt")
        FAILED = "failed", _("PDF-Erstellung fehlgeschlagen")

    OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)
    REVIEW_STATUSES = (Status.IN_REVIEW, Status.APPROVED)

    motion = models.ForeignKey(
        Motion, verbose_name=_("Antrag"), on_delete=models.PROTECT, related_name="reports"
    )
    edition = models.PositiveSmallIntegerField(_("Fassung"), default=1)
    slug = models.SlugField(_("Kurzadresse"), max_length=60, unique=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("Titel"), max_length=300, validators=[validate_single_line])
    summary = models.TextField(
        _("Zusammenfassung (Markdown)"),
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("ersetzt Fassung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("freigegeben von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("zur Prüfung vorgelegt am"), null=True, blank=True)
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    # Who signs the answer, e.g. "Bürgermeister für Recht, Sicherheit und Umweltschutz".
    signatory_name = models.CharField(
        _("unterzeichnet von"), max_length=200, blank=True, validators=[validate_single_line]
    )
    signatory_function = models.CharField(
        _("Funktion der unterzeichnenden Person"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
    )
    # The version the approver approved: publication refuses any other (issue 15).
    approved_version = models.PositiveIntegerField(_("freigegebene Version"), null=True, blank=True)
    # What the approver saw when they last sent it back: "changes since the last review".
    review_baseline = models.JSONField(_("Stand der letzten Prüfung"), null=True, blank=True)
    # `snapshot` is frozen at approval (the data the approver saw) and published as it is;
    # `published_html` and `content_sha256` at publication.
    published_html = models.TextField(_("veröffentlichter Inhalt (HTML)"), blank=True)
    snapshot = models.JSONField(_("Datenstand bei Freigabe"), null=True, blank=True)
    content_sha256 = models.CharField(_("Prüfsumme des Inhalts"), max_length=64, blank=True)
    pdf_status = models.CharField(
        _("PDF"), max_length=10, choices=PdfStatus.choices, blank=True, default=PdfStatus.NONE
    )
    pdf_file = models.FileField(_("PDF-Datei"), upload_to="berichte/", blank=True)
    pdf_sha256 = models.CharField(_("Prüfsumme der PDF-Datei"), max_length=64, blank=True)
    # OParl's File object names the SHA-512 and the size; kept so the API never reads the file.
    pdf_sha512 = models.CharField(_("SHA-512 der PDF-Datei"), max_length=128, blank=True)
    pdf_size = models.PositiveIntegerField(_("Größe der PDF-Datei in Bytes"), null=True, blank=True)
    pdf_error = models.TextField(_("Fehler bei der PDF-Erstellung"), blank=True)
    # The PDF's text, extracted when it is stored (OParl File.text).
    pdf_text = models.TextField(_("Text der PDF-Datei"), blank=True, editable=False)
    # The rendering task's claim (requests_app/tasks.py): the token of the task run that renders
    # now and until when its claim holds; a claim past that time belongs to a dead worker.
    pdf_claim = models.CharField(
        _("Kennung der laufenden PDF-Erstellung"), max_length=32, blank=True, editable=False
    )
    pdf_lease_until = models.DateTimeField(
        _("PDF-Erstellung reserviert bis"), null=True, blank=True, editable=False
    )
    pdf_attempts = models.PositiveSmallIntegerField(
        _("Versuche der PDF-Erstellung"), default=0, editable=False
    )
    # Lost-update protection, as for motions: every change increments it.
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)
    # PDF documents answered with the report (e.g. a letter of the Polizeidirektion): public
    # with it, listed as Anlagen, OParl auxiliaryFile of its Paper. Only a draft changes them.
    documents = models.ManyToManyField(
        "portal.Attachment",
        verbose_name=_("Dokumente"),
        related_name="answer_reports",
        blank=True,
    )

    objects = AnswerReportManager()
    all_objects = AnswerReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Antwortbericht")
        verbose_name_plural = _("Antwortberichte")
        ordering = ["-published_at", "-created", "-pk"]
        base_manager_name = "all_objects"
        indexes = [
            # Newest published reports (home page, list, feed) without sorting them all.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="report_published_newest",
                condition=Q(status="published", deleted=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "edition"],
                name="answerreport_unique_edition",
                violation_error_message=_("Diese Fassung gibt es schon."),
            ),
            models.UniqueConstraint(
                fields=["motion"],
                condition=Q(status__in=["draft", "in_review", "approved"], deleted=False),
                name="answerreport_one_open_per_motion",
                violation_error_message=_("Zu diesem Antrag ist schon ein Bericht in Arbeit."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(content_sha256=""),
                name="answerreport_published_is_frozen",
                violation_error_message=_("Ein veröffentlichter Bericht braucht seinen Inhalt."),
            ),
            models.CheckConstraint(
                condition=Q(edition__gte=1),
                name="answerreport_edition_positive",
                violation_error_message=_("Fassungen werden ab 1 gezählt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("requests_app:report_detail", kwargs={"slug": self.slug})

    def get_pdf_url(self) -> str:
        return reverse("requests_app:report_pdf", kwargs={"slug": self.slug})

    def get_workspace_url(self) -> str:
        return reverse("requests_app:workspace_report", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_returned(self) -> bool:
        """A draft the approver sent back with comments (not yet submitted again)."""
        return self.status == self.Status.DRAFT and bool(self.review_baseline)

    @property
    def state_label(self) -> str:
        """The status as the work area shows it: a returned draft says so."""
        if self.is_returned:
            return str(_("zurückgegeben mit Anmerkungen"))
        return str(self.get_status_display())

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_pdf(self) -> bool:
        """The PDF is stored and may be downloaded."""
        return self.pdf_status == self.PdfStatus.DONE


class Answer(models.Model):
    report = models.ForeignKey(
        AnswerReport, verbose_name=_("Bericht"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("Frage"), on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(
        _("Antwort (Markdown)"), blank=True, max_length=MAX_TEXT_LENGTH, validators=TEXT_VALIDATORS
    )
    # The reviewer's note on this answer when sending the report back (never public).
    review_comment = models.TextField(
        _("Anmerkung der Prüfung"),
        blank=True,
        max_length=MAX_TEXT_LENGTH,
        validators=TEXT_VALIDATORS,
    )

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        ordering = ["report", "question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "question"],
                name="answer_unique_question",
                violation_error_message=_("Diese Frage ist in dem Bericht schon beantwortet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.question.number}"


class Exhibit(models.Model):
    """A figure or table under an answer; drawn live while drafting, frozen at publication."""

    class Kind(models.TextChoices):
        INDICATOR_CHART = "indicator_chart", _("Kennzahl als Diagramm")
        INDICATOR_TABLE = "indicator_table", _("Kennzahl als Tabelle")
        SAFETY_COMPARISON = "safety_comparison", _("Sicherheitsgefühl und Straftaten")
        MEETINGS = "meetings", _("Sitzungen des Präventionsrates")
        MEASURES = "measures", _("Maßnahmen und Förderung")
        EFFECT = "effect", _("Wirkungsanalyse")

    INDICATOR_KINDS = (Kind.INDICATOR_CHART, Kind.INDICATOR_TABLE)

    answer = models.ForeignKey(
        Answer, verbose_name=_("Antwort"), on_delete=models.CASCADE, related_name="exhibits"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    indicator = models.ForeignKey(
        "prevention.Indicator",
        verbose_name=_("Kennzahl"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    districts = models.ManyToManyField(
        "prevention.District",
        verbose_name=_("Stadtteile"),
        blank=True,
        related_name="+",
        help_text=_("Leer lassen für alle Stadtteile."),
    )
    year_from = models.PositiveSmallIntegerField(_("von Jahr"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("bis Jahr"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=1)
    caption = models.CharField(_("Bildunterschrift"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["answer", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["indicator_chart", "indicator_table"])
                | Q(indicator__isnull=False),
                name="exhibit_indicator_needs_indicator",
                violation_error_message=_("Bitte wählen Sie eine Kennzahl."),
            ),
            models.CheckConstraint(
                condition=Q(year_from__isnull=True)
                | Q(year_to__isnull=True)
                | Q(year_to__gte=F("year_from")),
                name="exhibit_years_in_order",
                violation_error_message=_("„bis Jahr“ darf nicht vor „von Jahr“ liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.caption or self.pk})"
