"""What the home page shows: open motions, next KPR meetings, key city figures.

A fixed number of queries whatever the amount of data (tests/portal/test_home.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import get_language, gettext

from portal import formats, pagecache
from prevention import stats
from prevention.figures import format_measure, measure_places
from prevention.models import District, Indicator
from prevention.models.council import public_council_meetings
from requests_app.models import AnswerReport, Motion

LATEST_REPORTS = 5
OPEN_MOTIONS = 6
NEXT_MEETINGS = 3
# The city figures on the home page, in this order (the indicator catalogue's keys).
KEY_FIGURES = ("pks.890000", "pks.899000", "pks.890000.clearance", "survey.safe_at_night")


@dataclass(frozen=True)
class KeyFigure:
    indicator: Indicator
    year: int
    display: str
    previous_year: int | None
    change: stats.Change | None
    synthetic: bool = False

    @property
    def change_display(self) -> str:
        if self.change is None:
            return ""
        if self.change.percent is not None and self.indicator.per_100k:
            sign = "+" if self.change.percent > 0 else ""
            return f"{sign}{formats.number(self.change.percent, 1)} %"
        sign = "+" if self.change.absolute > 0 else ""
        places = measure_places(self.indicator)
        number = f"{sign}{formats.number(self.change.absolute, places)}"
        if self.indicator.kind == Indicator.Kind.PERCENT:
            return gettext("%(number)s Prozentpunkte") % {"number": number}
        return number


def latest_reports():
    """The newest published answer reports (corrected editions replaced by their correction).

    Only the columns the page shows: a report row carries its frozen body, snapshot and PDF
    text, which the home page never needs."""
    return (
        AnswerReport.objects.current()
        .select_related("motion")
        .only("slug", "title", "published_at", "motion__reference")
        .order_by("-published_at", "-pk")[:LATEST_REPORTS]
    )


def open_motions():
    """Published motions still waiting for their answer, earliest deadline first."""
    return (
        Motion.objects.published()
        .awaiting_answer()
        .for_list()
        .order_by(F("due_date").asc(nulls_last=True), "-submitted_at", "-pk")[:OPEN_MOTIONS]
    )


def next_meetings():
    return (
        public_council_meetings()
        .upcoming()
        .select_related("organization", "location")
        .order_by("start", "pk")[:NEXT_MEETINGS]
    )


def key_figures() -> list[KeyFigure]:
    """The city's latest public figure of each key indicator and its change to the year before."""
    indicators = sorted(
        Indicator.objects.filter(key__in=KEY_FIGURES), key=lambda i: KEY_FIGURES.index(i.key)
    )
    if not indicators:
        return []
    districts = list(District.objects.all())
    dataset = stats.load_dataset(indicators)
    figures = []
    for indicator in indicators:
        years = [
            year
            for year in dataset.years(indicator)
            if dataset.figure(indicator, None, year, districts=districts).measure is not None
        ]
        if not years:
            continue
        year = years[-1]
        figure = dataset.figure(indicator, None, year, districts=districts)
        previous = years[-2] if len(years) > 1 else None
        change = (
            dataset.change(indicator, None, year, previous, districts=districts)
            if previous
            else None
        )
        figures.append(
            KeyFigure(
                indicator=indicator,
                year=year,
                display=format_measure(figure.measure, indicator),
                previous_year=previous,
                change=change,
                synthetic=figure.synthetic,
            )
        )
    return figures


def home_context() -> dict:
    # The figures and the newest reports depend on the data only, not on the clock: computed
    # once per version of the tables they read (portal.pagecache.remember), shared by all
    # processes. Open motions and next meetings depend on today and stay per request.
    # The figures are formatted for the visitor's language: one entry per language.
    figures = pagecache.remember(f"home:key_figures:{get_language()}", key_figures)
    return {
        "open_motions": list(open_motions()),
        "next_meetings": list(next_meetings()),
        "key_figures": figures,
        "synthetic": any(figure.synthetic for figure in figures),
        "reports": pagecache.remember("home:latest_reports", lambda: list(latest_reports())),
    }
