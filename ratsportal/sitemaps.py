"""sitemap.xml: the public pages and every published object (django.contrib.sitemaps).

Only published content: each app's sections (``contributes["sitemaps"]``) read through its
published querysets.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.registry import contributions


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "ratsportal:home",
            "requests_app:motion_list",
            "requests_app:report_list",
            "requests_app:answer_statistics",
            "sessions:meeting_list",
            "sessions:body_list",
            "prevention:council",
            "prevention:meeting_list",
            "prevention:district_list",
            "prevention:indicator_list",
            "ratsportal:impressum",
            "ratsportal:datenschutz",
            "ratsportal:barrierefreiheit",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


def sitemaps() -> dict[str, type[Sitemap]]:
    """The site's own pages first, then each app's sections."""
    sections: dict[str, type[Sitemap]] = {"seiten": StaticSitemap}
    for contributed in contributions("sitemaps"):
        sections.update(contributed)
    return sections
