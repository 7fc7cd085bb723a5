"""What the home page shows: open motions, next KPR meetings, key city figures.

A fixed number of queries whatever the amount of data (tests/portal/test_home.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
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
# Meetings of today kept beyond NEXT_MEETINGS, for those that begin in the course of the day.
SPARE_MEETINGS = 5
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


def next_meetings(now: datetime):
    return (
        public_council_meetings()
        .upcoming(now)
        .select_related("organization", "location")
        .order_by("start", "pk")
    )


def upcoming_meetings(candidates: list) -> list:
    """The next meetings from now on, out of `candidates`: those from the start of today on
    (remembered with the page's sections). Meetings that have begun since are dropped here;
    if too few remain, the database answers."""
    now = timezone.now()
    upcoming = [meeting for meeting in candidates if meeting.start >= now]
    if len(upcoming) < NEXT_MEETINGS and len(candidates) == NEXT_MEETINGS + SPARE_MEETINGS:
        return list(next_meetings(now)[:NEXT_MEETINGS])
    return upcoming[:NEXT_MEETINGS]


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
    """What the home page shows. The sections drawn from the data are rendered once per version
    of the tables they read (portal.pagecache.remember), shared by all processes, apart per
    language and day (the deadline lights count days); only the next meetings depend on the
    clock, and of them only the choice is made per request."""
    key = f"home:sections:{get_language()}:{timezone.localdate()}"
    news, figures, meetings = pagecache.remember(key, _sections)
    return {"news": news, "figures": figures, "next_meetings": upcoming_meetings(meetings)}


def _sections() -> tuple[str, str, list]:
    """The newest reports and open motions, the key figures (HTML: home.html's partials) and
    the meetings from the start of today on."""
    # The figures cost most and change least: kept apart, across days.
    figures = pagecache.remember(f"home:key_figures:{get_language()}", key_figures)
    context = {
        "reports": list(latest_reports()),
        "open_motions": list(open_motions()),
        "key_figures": figures,
        "synthetic": any(figure.synthetic for figure in figures),
    }
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        render_to_string("ratsportal/home.html#news", context),
        render_to_string("ratsportal/home.html#figures", context),
        list(next_meetings(start_of_day)[: NEXT_MEETINGS + SPARE_MEETINGS]),
    )
