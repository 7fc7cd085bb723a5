import csv
from pathlib import Path

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.models import CoreModel


class District(CoreModel):
    """A Stadtteil of Chemnitz (39 of them, prevention/data/chemnitz_stadtteile.csv)."""

    number = models.CharField(_("Stadtteilnummer"), max_length=2, unique=True)
    number_verified = models.BooleanField(
        _("Nummer amtlich bestätigt"),
        default=True,
        help_text=_("Nicht bestätigte Nummern wurden aus dem Nummernschema abgeleitet."),
    )
    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzadresse"), max_length=100, unique=True)
    ortschaft = models.BooleanField(
        _("Ortschaft"), default=False, help_text=_("Eingemeindeter Ort mit eigenem Ortschaftsrat")
    )
    boundary = models.JSONField(_("Grenze (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{2}$"),
                name="district_number_two_digits",
                violation_error_message=_("Die Stadtteilnummer hat genau zwei Ziffern."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("prevention:district_detail", args=[self.slug])


class Population(models.Model):
    """Main-residence population of a district on 31 December of a year (for rates)."""

    district = models.ForeignKey(
        District, verbose_name=_("Stadtteil"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    inhabitants = models.PositiveIntegerField(_("Einwohner mit Hauptwohnsitz"))
    synthetic = models.BooleanField(
        _("Beispieldaten"), default=False, help_text=_("Erfundene Zahl, keine amtliche Angabe")
    )

    class Meta:
        verbose_name = _("Einwohnerzahl")
        verbose_name_plural = _("Einwohnerzahlen")
        ordering = ["district", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="population_unique_district_year",
                violation_error_message=_(
                    "Für diesen Stadtteil und dieses Jahr gibt es schon eine Zahl."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}: {self.inhabitants}"


GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def german_slug(name: str) -> str:
    """`Schloßchemnitz` -> `schlosschemnitz`, `Glösa-Draisdorf` -> `gloesa-draisdorf`."""
    return slugify(name.lower().translate(GERMAN_LETTERS))


DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "data" / "chemnitz_stadtteile.csv"
POPULATION_CSV_YEAR = 2018


def load_districts(district_model=None, population_model=None) -> int:
    """Create the 39 districts of prevention/data/chemnitz_stadtteile.csv and their published
    2018 populations; existing rows are left alone. Called by migration 0002 (with the
    historical models) and safe to call again. Returns the number of districts created."""
    district_model = district_model or District
    population_model = population_model or Population
    created_count = 0
    with DISTRICTS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            district, created = district_model.objects.get_or_create(
                number=row["number"],
                defaults={
                    "name": row["name"],
                    "slug": german_slug(row["name"]),
                    "ortschaft": row["ortschaft"] == "yes",
                    "number_verified": row["number_verified"] == "yes",
                },
            )
            created_count += created
            if row["population_2018"]:
                population_model.objects.get_or_create(
                    district=district,
                    year=POPULATION_CSV_YEAR,
                    defaults={"inhabitants": int(row["population_2018"]), "synthetic": False},
                )
    return created_count
