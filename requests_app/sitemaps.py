"""requests_app's sections of sitemap.xml: published motions, their PDFs (Drucksachen), answer
reports, and the public pages of council sessions, bodies, factions and persons.

Each section reads through the same published querysets as its pages, so nothing a visitor
would get a 404 for is listed.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.models import Meeting, Organization, Person
from requests_app.models import AnswerReport, Motion
from requests_app.services.sessions import SESSION_KINDS
from requests_app.views.sessions_public import BODY_KINDS, organization_slug


class MotionSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Motion.objects.published().order_by("-submitted_at", "pk")

    def lastmod(self, item: Motion):
        return item.modified


class MotionDocumentSitemap(Sitemap):
    """The motions' PDFs: only stored ones of published motions."""

    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Motion.objects.published()
            .exclude(document_sha256="")
            .only("pk", "kind", "number", "year", "reference", "document_created")
            .order_by("-submitted_at", "pk")
        )

    def location(self, item: Motion) -> str:
        return reverse("requests_app:motion_document", kwargs={"slug": item.public_slug})

    def lastmod(self, item: Motion):
        return item.document_created


class ReportSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return AnswerReport.objects.published().order_by("-published_at", "pk")

    def lastmod(self, item: AnswerReport):
        return item.published_at


class SessionSitemap(Sitemap):
    """Public council and committee sessions (the KPR's meetings are prevention's section)."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Meeting.objects.public()
            .filter(organization__kind__in=SESSION_KINDS, organization__deleted=False)
            .order_by("-start", "pk")
        )

    def location(self, item: Meeting) -> str:
        return reverse("sessions:meeting_detail", kwargs={"pk": item.pk})

    def lastmod(self, item: Meeting):
        return item.modified


class OrganizationSitemap(Sitemap):
    """Bodies (/gremien/<slug>/) and factions (/fraktionen/<slug>/)."""

    changefreq = "weekly"

    def items(self):
        kinds = (*BODY_KINDS, Organization.Kind.FACTION)
        return Organization.objects.filter(kind__in=kinds).order_by("kind", "name", "pk")

    def location(self, item: Organization) -> str:
        name = (
            "sessions:faction_detail"
            if item.kind == Organization.Kind.FACTION
            else "sessions:body_detail"
        )
        return reverse(name, args=[organization_slug(item)])

    def lastmod(self, item: Organization):
        return item.modified


class PersonSitemap(Sitemap):
    """Public persons only (never their contact data: the page shows none)."""

    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Person.objects.public().order_by("pk")

    def location(self, item: Person) -> str:
        return reverse("sessions:person_detail", kwargs={"pk": item.pk})

    def lastmod(self, item: Person):
        return item.modified


SITEMAPS = {
    "berichte": ReportSitemap,
    "antraege": MotionSitemap,
    "drucksachen": MotionDocumentSitemap,
    "ratssitzungen": SessionSitemap,
    "gremien": OrganizationSitemap,
    "personen": PersonSitemap,
}
