"""sitemap.xml: the public pages and every published object (django.contrib.sitemaps).

Only published content: each section reads through the published querysets.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from prevention.models import District, Indicator
from prevention.models.council import public_council_meetings
from requests_app.models import AnswerReport, Motion


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "portal:home",
            "requests_app:motion_list",
            "requests_app:report_list",
            "portal:answer_statistics",
            "prevention:council",
            "prevention:meeting_list",
            "prevention:district_list",
            "prevention:indicator_list",
            "portal:impressum",
            "portal:datenschutz",
            "portal:barrierefreiheit",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class MotionSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Motion.objects.published().order_by("-submitted_at", "pk")

    def lastmod(self, item: Motion):
        return item.modified


class ReportSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return AnswerReport.objects.published().order_by("-published_at", "pk")

    def lastmod(self, item: AnswerReport):
        return item.published_at


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
    "seiten": StaticSitemap,
    "berichte": ReportSitemap,
    "antraege": MotionSitemap,
    "sitzungen": MeetingSitemap,
    "stadtteile": DistrictSitemap,
    "kennzahlen": IndicatorSitemap,
}
