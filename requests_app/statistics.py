"""Answer statistics (`/antraege/statistik/`): how quickly the administration answers.

Per lead department and year of the answer: how many motions were answered, the median days
from registration to the answer, and the share answered by the deadline. Only published,
answered motions count; one query whatever the number of motions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import formats
from prevention import charts
from requests_app.models import Motion

NO_DEPARTMENT = _("ohne federführendes Dezernat")


@dataclass
class Row:
    department: str
    year: int | None  # None: all years
    days: list[int] = field(default_factory=list)
    within: int = 0
    with_deadline: int = 0

    @property
    def answered(self) -> int:
        return len(self.days)

    @property
    def median_days(self) -> Decimal | None:
        if not self.days:
            return None
        return Decimal(str(median(self.days))).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def share_within(self) -> Decimal | None:
        """Percent answered by the deadline, of those that had a deadline."""
        if not self.with_deadline:
            return None
        return (Decimal(self.within * 100) / self.with_deadline).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    def add(self, days: int, within: bool | None) -> None:
        self.days.append(days)
        if within is not None:
            self.with_deadline += 1
            self.within += int(within)


def answered_motions():
    return (
        Motion.objects.published()
        .answered()
        .values_list("lead_department__name", "registered_at", "answered_at", "due_date")
    )


def answer_statistics() -> tuple[list[Row], list[Row]]:
    """(rows per department and year, rows per department over all years), sorted."""
    by_year: dict[tuple[str, int], Row] = {}
    totals: dict[str, Row] = {}
    for department, registered_at, answered_at, due_date in answered_motions():
        name = department or str(NO_DEPARTMENT)
        answered_on = timezone.localdate(answered_at)
        days = max((answered_on - timezone.localdate(registered_at)).days, 0)
        within = None if due_date is None else answered_on <= due_date
        key = (name, answered_on.year)
        by_year.setdefault(key, Row(name, answered_on.year)).add(days, within)
        totals.setdefault(name, Row(name, None)).add(days, within)
    rows = sorted(by_year.values(), key=lambda row: (row.department, -row.year))
    return rows, sorted(totals.values(), key=lambda row: row.department)


def chart(totals: list[Row]):
    """Bars: the share answered by the deadline per department (all years)."""
    bars = tuple(
        charts.Bar(
            label=row.department[:28],
            value=float(row.share_within) if row.share_within is not None else None,
            display=(
                f"{formats.number(row.share_within, 1)} %"
                if row.share_within is not None
                else gettext("keine Frist")
            ),
        )
        for row in totals
    )
    return charts.bar_chart(
        chart_id="statistik-fristen",
        title=gettext("Anteil fristgerecht beantworteter Anträge je Dezernat"),
        desc=summary(totals),
        bars=bars,
        axis_label=gettext("Prozent der Anträge mit Frist"),
    )


def summary(totals: list[Row]) -> str:
    parts = [
        gettext("%(department)s: %(share)s fristgerecht bei %(count)s Antworten")
        % {
            "department": row.department,
            "share": (
                f"{formats.number(row.share_within, 1)} %"
                if row.share_within is not None
                else gettext("keine Frist")
            ),
            "count": row.answered,
        }
        for row in totals
    ]
    return "; ".join(parts) + "." if parts else gettext("Noch keine beantworteten Anträge.")


CSV_HEADER = [
    "dezernat",
    "jahr",
    "beantwortet",
    "median_tage",
    "mit_frist",
    "fristgerecht",
    "anteil_fristgerecht_prozent",
]


def csv_rows(rows: list[Row]) -> list[list]:
    return [
        [
            row.department,
            row.year,
            row.answered,
            "" if row.median_days is None else row.median_days,
            row.with_deadline,
            row.within,
            "" if row.share_within is None else row.share_within,
        ]
        for row in rows
    ]
