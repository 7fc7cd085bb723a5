"""requests_app's sections of sitemap.xml: published motions and answer reports."""

from django.contrib.sitemaps import Sitemap

from requests_app.models import AnswerReport, Motion


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


SITEMAPS = {"berichte": ReportSitemap, "antraege": MotionSitemap}
