"""Indicators, values, revisions, import batches (issue 5).

An Indicator is a figure kept per district and period (PKS case counts, the clearance rate,
Stadtordnungsdienst patrols, the survey's share of people who feel safe at night). Its values
come in through ImportBatch (prevention/importers.py) or the demo. Nothing is silently
overwritten: a changed value leaves its old state in an IndicatorValueRevision. Derived figures
(Häufigkeitszahl, changes, averages, ranks) are computed in prevention/stats.py, never stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from portal.models import CoreModel
from prevention.models.districts import District

SYNTHETIC_NOTICE = _("Beispieldaten – keine amtlichen Zahlen")
# The last full year before ASSKomm started on 06.02.2019: the baseline of every comparison.
BASELINE_YEAR = 2018
KEY_PATTERN = r"[a-z0-9_]+(?:\.[a-z0-9_]+)*"


class Indicator(CoreModel):
    """A figure kept per district and period, e.g. `pks.890000` (all offences)."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Anzahl")
        RATE = "rate", _("Rate")
        PERCENT = "percent", _("Prozent")
        SCORE = "score", _("Punktwert")

    class Source(models.TextChoices):
        PKS = "pks", _("Polizeiliche Kriminalstatistik (Polizeidirektion Chemnitz)")
        SOD = "sod", _("Stadtordnungsdienst")
        SURVEY = "survey", _("Kommunale Bürgerumfrage")
        OTHER = "other", _("andere Quelle")

    key = models.CharField(
        _("Schlüssel"),
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(
                rf"^{KEY_PATTERN}$",
                _("Nur Kleinbuchstaben, Ziffern, Unterstrich und Punkt, z. B. pks.890000."),
            )
        ],
        help_text=_("Steht in der Importdatei und in der Adresse, z. B. pks.890000."),
    )
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Definition (Markdown)"), blank=True)
    unit = models.CharField(_("Einheit"), max_length=40, blank=True)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.COUNT)
    source = models.CharField(_("Quelle"), max_length=10, choices=Source.choices)
    source_note = models.CharField(
        _("Quellenangabe"), max_length=300, blank=True, help_text=_("z. B. Tabelle oder Stand")
    )
    pks_key = models.CharField(_("PKS-Schlüssel"), max_length=10, blank=True)
    per_100k = models.BooleanField(
        _("Häufigkeitszahl berechnen"),
        default=False,
        help_text=_("Fälle je 100.000 Einwohner aus der Einwohnerzahl des Stadtteils."),
    )
    higher_is_better = models.BooleanField(_("höherer Wert ist besser"), default=False)
    suppression_threshold = models.PositiveSmallIntegerField(
        _("Schwelle für Zurückhaltung"),
        default=3,
        help_text=_("Anzahlen unter dieser Schwelle werden öffentlich als „.“ gezeigt (0 = nie)."),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(per_100k=False) | Q(kind="count"),
                name="indicator_rate_only_for_counts",
                violation_error_message=_(
                    "Eine Häufigkeitszahl lässt sich nur aus Anzahlen berechnen."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_label(self) -> str:
        """The unit in the visitor's language: the catalogue's units ("Fälle", "Streifen", …)
        are in the translation catalogue (`CATALOGUE_UNITS`); others show as stored."""
        return gettext(self.unit) if self.unit else ""

    def get_absolute_url(self) -> str:
        return reverse("prevention:indicator_detail", args=[self.key])

    def withholds(self, value: Decimal | None) -> bool:
        """True if a public output must show "." instead of this value (DESIGN §6)."""
        return (
            value is not None
            and self.kind == self.Kind.COUNT
            and value < self.suppression_threshold
        )


class IndicatorValueQuerySet(models.QuerySet):
    def annual(self):
        return self.filter(quarter=0)

    def for_city(self):
        return self.filter(district__isnull=True)

    def synthetic(self):
        """Demo figures, which every page and download showing them must label."""
        return self.filter(synthetic=True)


class IndicatorValue(models.Model):
    """One figure: indicator, district (empty = the whole city), year and quarter (0 = year)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Kennzahl"), on_delete=models.PROTECT, related_name="values"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("Stadtteil"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_values",
        help_text=_("Leer: die ganze Stadt"),
    )
    year = models.PositiveSmallIntegerField(
        _("Jahr"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("Quartal"), default=0, validators=[MaxValueValidator(4)], help_text=_("0: ganzes Jahr")
    )
    value = models.DecimalField(_("Wert"), max_digits=15, decimal_places=3)
    note = models.CharField(_("Anmerkung"), max_length=300, blank=True)
    synthetic = models.BooleanField(
        _("Beispieldaten"), default=False, help_text=_("Erfundene Zahl, keine amtliche Angabe")
    )
    # Survey shares need it for their uncertainty (prevention/effects.py).
    sample_size = models.PositiveIntegerField(
        _("Stichprobengröße"),
        null=True,
        blank=True,
        help_text=_("Bei Umfragewerten: Zahl der Befragten, auf die sich der Anteil bezieht."),
    )
    batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("Import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
        help_text=_("Der Import, aus dem der aktuelle Wert stammt"),
    )
    created = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kennzahlwert")
        verbose_name_plural = _("Kennzahlwerte")
        ordering = ["indicator", "district", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "district", "year", "quarter"],
                condition=Q(district__isnull=False),
                name="indicatorvalue_unique_district_period",
                violation_error_message=_(
                    "Für diese Kennzahl, diesen Stadtteil und diesen Zeitraum gibt es schon "
                    "einen Wert."
                ),
            ),
            # NULL never equals NULL in a unique index: the city needs its own constraint.
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=Q(district__isnull=True),
                name="indicatorvalue_unique_city_period",
                violation_error_message=_(
                    "Für diese Kennzahl und diesen Zeitraum gibt es schon einen Wert der Stadt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0, quarter__lte=4),
                name="indicatorvalue_quarter_0_to_4",
                violation_error_message=_("Das Quartal ist 1 bis 4 (0 für das ganze Jahr)."),
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="indicatorvalue_ind_year")]

    def __str__(self) -> str:
        place = self.district or _("Stadt")
        return f"{self.indicator.key} {place} {self.period_label}: {self.value}"

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.quarter)


def period_label(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}" if quarter else str(year)


class IndicatorValueRevision(models.Model):
    """The state of a value before an import (or an edit) changed it."""

    indicator_value = models.ForeignKey(
        IndicatorValue,
        verbose_name=_("Kennzahlwert"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    value = models.DecimalField(_("alter Wert"), max_digits=15, decimal_places=3)
    note = models.CharField(_("alte Anmerkung"), max_length=300, blank=True)
    synthetic = models.BooleanField(_("Beispieldaten"), default=False)
    batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("Import des alten Werts"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_by = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("ersetzt durch Import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    replaced_at = models.DateTimeField(_("ersetzt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("früherer Kennzahlwert")
        verbose_name_plural = _("frühere Kennzahlwerte")
        ordering = ["indicator_value", "-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator_value_id}: {self.value}"


class ImportBatch(models.Model):
    """One uploaded file: who, when, its content and hash, what it would change or changed."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Vorschau")
        IMPORTED = "imported", _("importiert")
        REFUSED = "refused", _("abgelehnt")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    imported_at = models.DateTimeField(_("importiert am"), null=True, blank=True)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The file as uploaded: confirming re-reads exactly these bytes, never a second upload.
    content = models.BinaryField(_("Inhalt"), editable=False)
    encoding = models.CharField(_("Zeichenkodierung"), max_length=20, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    rows_total = models.PositiveIntegerField(_("Zeilen"), default=0)
    rows_new = models.PositiveIntegerField(_("neu"), default=0)
    rows_changed = models.PositiveIntegerField(_("geändert"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unverändert"), default=0)
    errors = models.JSONField(_("Probleme"), default=list, blank=True)
    plan_sha256 = models.CharField(
        _("Prüfsumme der Vorschau"),
        max_length=64,
        blank=True,
        help_text=_("Ändert sich der Datenbestand nach der Vorschau, wird der Import abgelehnt."),
    )

    class Meta:
        verbose_name = _("Kennzahl-Import")
        verbose_name_plural = _("Kennzahl-Importe")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="importbatch_sha256_hex",
                violation_error_message=_("Die Prüfsumme ist kein SHA-256-Wert."),
            ),
            models.CheckConstraint(
                condition=~Q(status="imported") | Q(imported_at__isnull=False),
                name="importbatch_imported_has_time",
                violation_error_message=_("Ein ausgeführter Import braucht seinen Zeitpunkt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("prevention:indicator_import_preview", args=[self.pk])

    @property
    def awaiting_confirmation(self) -> bool:
        """Previewed and neither imported nor refused: the office may still confirm it."""
        return self.status == self.Status.PREVIEW


# The indicators the portal knows from its first day (reference data, not demo figures): the
# PKS groups of ../shared/data/README.md, the Stadtordnungsdienst and the survey question.
# Migration 0002 creates them; the office adds more in the admin.
_PKS = "pks"
# The units of the catalogue, for the translation catalogue (shown through `unit_label`).
CATALOGUE_UNITS = [gettext_noop("Fälle"), gettext_noop("Streifen"), gettext_noop("Verfahren")]
_HZ = {"kind": "count", "per_100k": True, "unit": "Fälle", "source": _PKS}
CATALOGUE: list[dict] = [
    {
        "key": "pks.890000",
        "name": "Straftaten insgesamt",
        "pks_key": "890000",
        "description": "Alle polizeilich registrierten Straftaten ohne ausländerrechtliche "
        "Verstöße (PKS-Schlüssel 890000), nach dem Tatort im Stadtteil.",
        **_HZ,
    },
    {
        "key": "pks.890000.clearance",
        "name": "Aufklärungsquote Straftaten insgesamt",
        "pks_key": "890000",
        "kind": "percent",
        "unit": "%",
        "source": _PKS,
        "higher_is_better": True,
        "description": "Anteil der aufgeklärten an allen registrierten Fällen (PKS-Schlüssel "
        "890000).",
    },
    {
        "key": "pks.892000",
        "name": "Gewaltkriminalität",
        "pks_key": "892000",
        "description": "Mord, Totschlag, Vergewaltigung, Raub, gefährliche und schwere "
        "Körperverletzung und weitere schwere Gewaltdelikte (PKS-Schlüssel 892000).",
        **_HZ,
    },
    {
        "key": "pks.899000",
        "name": "Straßenkriminalität",
        "pks_key": "899000",
        "description": "Straftaten, die überwiegend im öffentlichen Raum begangen werden, etwa "
        "Taschendiebstahl, Raub auf Straßen, Sachbeschädigung an Kraftfahrzeugen "
        "(PKS-Schlüssel 899000).",
        **_HZ,
    },
    {
        "key": "pks.theft",
        "name": "Diebstahl insgesamt",
        "pks_key": "****00",
        "description": "Einfacher und schwerer Diebstahl zusammen (PKS-Schlüssel ****00).",
        **_HZ,
    },
    {
        "key": "pks.burglary",
        "name": "Wohnungseinbruchdiebstahl",
        "pks_key": "435*00",
        "description": "Einbruch in Wohnungen einschließlich Tageswohnungseinbruch "
        "(PKS-Schlüssel 435*00).",
        **_HZ,
    },
    {
        "key": "pks.220000",
        "name": "Körperverletzung",
        "pks_key": "220000",
        "description": "Vorsätzliche und fahrlässige Körperverletzung (PKS-Schlüssel 220000).",
        **_HZ,
    },
    {
        "key": "pks.674000",
        "name": "Sachbeschädigung",
        "pks_key": "674000",
        "description": "Sachbeschädigung einschließlich Graffiti (PKS-Schlüssel 674000).",
        **_HZ,
    },
    {
        "key": "pks.730000",
        "name": "Rauschgiftdelikte",
        "pks_key": "730000",
        "description": "Straftaten nach dem Betäubungsmittel- und dem Konsumcannabisgesetz "
        "(PKS-Schlüssel 730000).",
        **_HZ,
    },
    {
        "key": "sod.patrols",
        "name": "Streifen des Stadtordnungsdienstes",
        "kind": "count",
        "unit": "Streifen",
        "source": "sod",
        "suppression_threshold": 0,
        "description": "Dokumentierte Fußstreifen des Stadtordnungsdienstes im Stadtteil.",
    },
    {
        "key": "sod.offences",
        "name": "Ordnungswidrigkeiten (Stadtordnungsdienst)",
        "kind": "count",
        "unit": "Verfahren",
        "source": "sod",
        "description": "Vom Stadtordnungsdienst festgestellte und angezeigte "
        "Ordnungswidrigkeiten, etwa nach der Polizeiverordnung der Stadt.",
    },
    {
        "key": "survey.safe_at_night",
        "name": "Sicherheitsgefühl nachts",
        "kind": "percent",
        "unit": "%",
        "source": "survey",
        "higher_is_better": True,
        "description": "Anteil der Befragten, die auf die Frage „Wie sicher fühlen Sie sich "
        "nachts allein in Ihrer Wohngegend?“ mit „sehr sicher“ oder „ziemlich sicher“ "
        "antworten (vierstufige Skala).",
    },
]
SAFETY_KEY = "survey.safe_at_night"
ALL_OFFENCES_KEY = "pks.890000"


def load_catalogue(indicator_model=None) -> int:
    """Create the indicators of CATALOGUE that are missing; returns how many were created."""
    indicator_model = indicator_model or Indicator
    created_count = 0
    for position, entry in enumerate(CATALOGUE, start=1):
        fields = dict(entry)
        key = fields.pop("key")
        _obj, created = indicator_model.objects.get_or_create(
            key=key, defaults={**fields, "position": position * 10}
        )
        created_count += created
    return created_count
