from django.db import models
from django.db.models import Q
from django.urls import reverse
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
