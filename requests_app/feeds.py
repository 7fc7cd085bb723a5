"""Atom feeds of published content (DESIGN §5): `/feeds/berichte/` and `/feeds/antraege/`.

Only published rows: every feed reads through the models' `published()` querysets.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal import formats
from portal.markdown import render_markdown
from portal.validators import printable
from requests_app.models import AnswerReport, Motion, MotionEvent

FEED_ITEMS = 30


class PortalFeed(Feed):
    feed_type = Atom1Feed

    def feed_copyright(self) -> str:
        return settings.PORTAL_CITY_NAME

    def author_name(self) -> str:
        return settings.PORTAL_CITY_NAME


class MotionFeed(PortalFeed):
    title = _("Neue Anträge und Anfragen – Ratsportal Prävention")
    subtitle = _(
        "Anfragen und Anträge des Stadtrats zur Kriminalprävention, sobald sie eingereicht sind."
    )
    link = reverse_lazy("requests_app:motion_list")

    def items(self):
        interim = MotionEvent.objects.filter(action=MotionEvent.Action.INTERIM_REPLY)
        return (
            Motion.objects.published()
            .select_related("faction")
            .prefetch_related(
                Prefetch("events", queryset=interim.order_by("-created"), to_attr="interim")
            )
            .order_by("-submitted_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item: Motion) -> str:
        return printable(str(item))  # rows saved before the validators may hold control chars

    def item_description(self, item: Motion) -> str:
        text = Truncator(strip_tags(render_markdown(printable(item.text)))).words(80)
        if item.interim:  # the latest interim reply of the lead department, published with it
            reply = item.interim[0]
            note = _("Zwischennachricht vom %(date)s: %(text)s (Antwort erwartet bis %(expected)s)")
            text = (
                note
                % {
                    "date": formats.date(timezone.localdate(reply.created), "SHORT_DATE_FORMAT"),
                    "text": printable(reply.comment),
                    "expected": formats.date(reply.expected_date, "SHORT_DATE_FORMAT"),
                }
                + "\n\n"
                + text
            )
        return text

    def item_link(self, item: Motion) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Motion) -> str:
        # Stable across registration (the public URL changes from eingang-<pk> to the reference).
        return f"tag:ratsportal,{item.created:%Y-%m-%d}:antrag/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Motion):
        return item.submitted_at

    def item_updateddate(self, item: Motion):
        if item.interim:
            return max(item.modified, item.interim[0].created)
        return item.modified

    def item_author_name(self, item: Motion) -> str:
        return item.faction.name

    def item_categories(self, item: Motion):
        return [item.get_kind_display()]


class ReportFeed(PortalFeed):
    title = _("Neue Antworten der Verwaltung – Ratsportal Prävention")
    subtitle = _("Veröffentlichte Antwortberichte auf Anfragen und Anträge des Stadtrats.")
    link = reverse_lazy("requests_app:report_list")

    def items(self):
        return (
            AnswerReport.objects.published()
            .select_related("motion")
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item: AnswerReport) -> str:
        return printable(item.title)

    def item_description(self, item: AnswerReport) -> str:
        text = strip_tags(render_markdown(item.summary)) or strip_tags(item.published_html)
        return Truncator(printable(text)).words(80)

    def item_link(self, item: AnswerReport) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: AnswerReport):
        return item.published_at

    def item_updateddate(self, item: AnswerReport):
        return item.published_at

    def item_categories(self, item: AnswerReport):
        return [item.motion.reference] if item.motion.reference else []
