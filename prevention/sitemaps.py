"""prevention's sections of sitemap.xml: public KPR meetings, districts, indicators."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from prevention.models import District, Indicator
from prevention.models.council import public_council_meetings


class MeetingSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_council_meetings().order_by("-start", "pk")

    def location(self, item) -> str:
        return reverse("prevention:meeting_detail", kwargs={"pk": item.pk})

    def lastmod(self, item):
        return item.modified


class DistrictSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return District.objects.order_by("number")

    def location(self, item) -> str:
        return reverse("prevention:district_detail", kwargs={"slug": item.slug})


class IndicatorSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Indicator.objects.order_by("position", "key")


SITEMAPS = {
    "sitzungen": MeetingSitemap,
    "stadtteile": DistrictSitemap,
    "kennzahlen": IndicatorSitemap,
}
