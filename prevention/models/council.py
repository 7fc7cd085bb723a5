"""The Kommunaler Präventionsrat: profile, measures, funding, attendance (issue 4).

The council itself, its members, working groups and meetings are core objects (portal.models:
Organization of kind prevention_council, Membership, Organization of kind working_group with the
KPR as parent, Meeting, AgendaItem, Attachment). This module adds what the core does not have.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import CoreModel, Meeting, Membership, Organization
from prevention.models.districts import District

RL_KOMMPRAEV = "Freistaat Sachsen – RL KommPräv / ASSKomm"
# RL KommPräv of 12.06.2018: grant at most 90 %, own share at least 10 % of the eligible cost.
MAX_GRANT_PERCENT = 90
FUNDING_RATIO = MAX_GRANT_PERCENT // (100 - MAX_GRANT_PERCENT)  # grant <= 9 x own share


class PreventionCouncilQuerySet(models.QuerySet):
    def current(self) -> PreventionCouncil | None:
        """The portal's council (one city, one KPR): the first living profile."""
        return (
            self.filter(deleted=False)
            .select_related("organization", "office")
            .order_by("pk")
            .first()
        )


class PreventionCouncil(CoreModel):
    """Profile of the KPR Organization: history, chair, office, mission, ASSKomm."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="prevention_council",
        limit_choices_to={"kind": Organization.Kind.PREVENTION_COUNCIL},
    )
    former_name = models.CharField(_("früherer Name"), max_length=200, blank=True)
    founded_on = models.DateField(_("gegründet am"), null=True, blank=True)
    founding_note = models.CharField(
        _("Gründung"),
        max_length=300,
        blank=True,
        help_text=_("z. B. „auf Initiative des Stadtrats“"),
    )
    reconstituted_on = models.DateField(_("neu konstituiert am"), null=True, blank=True)
    chair_title = models.CharField(
        _("Vorsitz (Amt)"),
        max_length=200,
        blank=True,
        help_text=_("Die Funktion, nicht der Name: „Bürgermeister für Recht, Sicherheit …“"),
    )
    office = models.ForeignKey(
        Organization,
        verbose_name=_("Geschäftsstelle bei"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office_building = models.CharField(_("Sitz der Geschäftsstelle"), max_length=200, blank=True)
    mission = models.TextField(_("Auftrag (Markdown)"), blank=True)
    history = models.TextField(_("Geschichte (Markdown)"), blank=True)
    asskomm_agreement_on = models.DateField(
        _("ASSKomm-Kooperationsvereinbarung vom"), null=True, blank=True
    )
    security_analysis_on = models.DateField(_("Sicherheitsanalyse vom"), null=True, blank=True)
    demo_note = models.CharField(
        _("Hinweis auf Beispieldaten"),
        max_length=300,
        blank=True,
        help_text=_("Wird auf allen Seiten des Präventionsrats angezeigt, solange er gesetzt ist."),
    )

    objects = PreventionCouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("Präventionsrat (Profil)")
        verbose_name_plural = _("Präventionsrat (Profile)")
        constraints = [
            models.CheckConstraint(
                condition=Q(reconstituted_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(reconstituted_on__gte=F("founded_on")),
                name="preventioncouncil_reconstituted_after_founding",
                violation_error_message=_(
                    "Die Neukonstituierung kann nicht vor der Gründung liegen."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def get_absolute_url(self) -> str:
        return reverse("prevention:council")


def council_organizations_q(prefix: str = "") -> Q:
    """Organizations of the KPR: the council itself and its working groups."""
    kind = Organization.Kind.PREVENTION_COUNCIL
    return Q(**{f"{prefix}kind": kind}) | Q(**{f"{prefix}parent__kind": kind})


def council_meetings():
    """Meetings of the KPR and its working groups (core Meeting rows, soft-deleted ones hidden)."""
    return Meeting.objects.filter(council_organizations_q("organization__"))


def public_council_meetings():
    return council_meetings().public().filter(organization__deleted=False)


def working_groups():
    return Organization.objects.filter(
        kind=Organization.Kind.WORKING_GROUP,
        parent__kind=Organization.Kind.PREVENTION_COUNCIL,
    )


class Attendance(models.Model):
    """Who of the council's members attended a meeting (the core Meeting has no attendance)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("anwesend")
        EXCUSED = "excused", _("entschuldigt")
        ABSENT = "absent", _("abwesend")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), on_delete=models.CASCADE, related_name="attendance"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("Mitgliedschaft"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("Anwesenheit"), max_length=10, choices=Status.choices)
    # The attendance form's version (portal.concurrency.rows_version) is built from this.
    modified = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["meeting", "membership"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                name="attendance_unique_meeting_membership",
                violation_error_message=_("Die Anwesenheit ist für dieses Mitglied schon erfasst."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.get_status_display()}"


class MeasureQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public=True, deleted=False)

    def for_listing(self):
        return (
            self.select_related("working_group")
            .prefetch_related("districts", "partners")
            .order_by("-start_date", "title", "pk")
        )


class Measure(CoreModel):
    """A prevention measure or project of the KPR, in some districts or city-wide."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        RUNNING = "running", _("laufend")
        COMPLETED = "completed", _("abgeschlossen")
        CANCELLED = "cancelled", _("abgebrochen")

    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung (Markdown)"), blank=True)
    districts = models.ManyToManyField(
        District,
        verbose_name=_("Stadtteile"),
        blank=True,
        related_name="measures",
        help_text=_("Leer lassen, wenn die Maßnahme im gesamten Stadtgebiet wirkt."),
    )
    working_group = models.ForeignKey(
        Organization,
        verbose_name=_("Arbeitsgruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        limit_choices_to={"kind": Organization.Kind.WORKING_GROUP},
    )
    partners = models.ManyToManyField(
        Organization,
        verbose_name=_("Partner"),
        blank=True,
        related_name="partner_measures",
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    public = models.BooleanField(_("öffentlich"), default=True)
    demo_content = models.BooleanField(
        _("Beispieldaten"), default=False, help_text=_("Erfundener Inhalt der Demo")
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["-start_date", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="measure_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            )
        ]

    def __str__(self) -> str:
        return self.title


def _money(expression):
    return Coalesce(
        Sum(expression),
        Value(Decimal("0.00")),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


class FundingQuerySet(models.QuerySet):
    def public(self):
        return self.filter(measure__public=True, measure__deleted=False, deleted=False)

    def by_year_and_source(self) -> list[dict]:
        """Sums per (year, source) with the grant's and own share's percent of the total."""
        rows = list(
            self.values("year", "source")
            .annotate(
                requested_sum=_money("requested"),
                granted_sum=_money("granted"),
                own_share_sum=_money("own_share"),
            )
            .order_by("year", "source")
        )
        for row in rows:
            total = row["granted_sum"] + row["own_share_sum"]
            row["total"] = total
            row["granted_percent"] = _percent(row["granted_sum"], total)
            row["own_share_percent"] = _percent(row["own_share_sum"], total)
        return rows


def funding_totals(rows: list[dict]) -> dict:
    """The sum line under `by_year_and_source()` rows, with the same percentages."""
    totals = {
        key: sum((row[key] for row in rows), Decimal("0"))
        for key in ("requested_sum", "granted_sum", "own_share_sum", "total")
    }
    totals["granted_percent"] = _percent(totals["granted_sum"], totals["total"])
    totals["own_share_percent"] = _percent(totals["own_share_sum"], totals["total"])
    return totals


def _percent(part: Decimal, total: Decimal) -> Decimal | None:
    if not total:
        return None
    return (part * 100 / total).quantize(Decimal("0.1"))


class Funding(CoreModel):
    """One funding row of a measure: a source's grant in a year against the city's own share."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="fundings"
    )
    source = models.CharField(_("Förderquelle"), max_length=200, default=RL_KOMMPRAEV)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    requested = models.DecimalField(
        _("beantragt (Euro)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    granted = models.DecimalField(
        _("bewilligt (Euro)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    own_share = models.DecimalField(
        _("Eigenanteil (Euro)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )

    objects = FundingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Förderung")
        verbose_name_plural = _("Förderungen")
        ordering = ["measure", "year", "source"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested__gte=0) & Q(granted__gte=0) & Q(own_share__gte=0),
                name="funding_amounts_not_negative",
                violation_error_message=_("Beträge dürfen nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(granted__lte=F("requested")),
                name="funding_granted_not_above_requested",
                violation_error_message=_(
                    "Es kann nicht mehr bewilligt werden, als beantragt wurde."
                ),
            ),
            # grant <= 90 % of (grant + own share)  <=>  grant <= 9 x own share
            models.CheckConstraint(
                condition=Q(granted__lte=F("own_share") * FUNDING_RATIO),
                name="funding_grant_at_most_90_percent",
                violation_error_message=_(
                    "Die Förderung darf höchstens 90 %% der Kosten betragen; "
                    "der Eigenanteil muss mindestens 10 %% sein."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100),
                name="funding_plausible_year",
                violation_error_message=_("Bitte ein Jahr zwischen 1990 und 2100 angeben."),
            ),
            models.UniqueConstraint(
                fields=["measure", "source", "year"],
                condition=Q(deleted=False),
                name="funding_unique_measure_source_year",
                violation_error_message=_(
                    "Für diese Maßnahme gibt es aus dieser Quelle schon eine Zeile für dieses Jahr."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} – {self.source} {self.year}"

    @property
    def total(self) -> Decimal:
        return self.granted + self.own_share

    @property
    def granted_percent(self) -> Decimal | None:
        return _percent(self.granted, self.total)

    @property
    def own_share_percent(self) -> Decimal | None:
        return _percent(self.own_share, self.total)
