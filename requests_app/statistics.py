"""Answer statistics (`/antraege/statistik/`): how quickly the administration answers, and what
is late.

Per lead department and year: answered on time, answered late, open within the deadline, open
and overdue (with the oldest overdue motion), median and 90th percentile of the days from
registration to the answer, interim replies given. An answered motion counts in the year of its
answer, an open one in the current year (it is open now). The share on time counts every motion
whose deadline is decided: answered ones with a deadline and open ones past it, so an overdue
motion lowers the share instead of vanishing. Only published motions count; one query whatever
their number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import formats
from prevention import charts
from requests_app.models import Motion, MotionEvent

NO_DEPARTMENT = _("ohne federführendes Dezernat")


def _one_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Row:
    department: str
    year: int | None  # None: all years
    days: list[int] = field(default_factory=list)
    within: int = 0  # answered on time
    late: int = 0  # answered after the deadline
    open_within: int = 0  # open, deadline not passed (or none)
    overdue: int = 0  # open, deadline passed
    oldest_overdue: Motion | None = None
    interim_replies: int = 0

    @property
    def answered(self) -> int:
        return len(self.days)

    @property
    def with_deadline(self) -> int:
        """Answered motions that had a deadline."""
        return self.within + self.late

    @property
    def decided(self) -> int:
        """Motions whose deadline is decided: answered with a deadline, or open past it."""
        return self.within + self.late + self.overdue

    @property
    def median_days(self) -> Decimal | None:
        return _one_decimal(median(self.days)) if self.days else None

    @property
    def p90_days(self) -> int | None:
        """90th percentile of the days to the answer (nearest rank)."""
        if not self.days:
            return None
        ordered = sorted(self.days)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]

    @property
    def share_within(self) -> Decimal | None:
        """Percent answered by the deadline, of all whose deadline is decided."""
        if not self.decided:
            return None
        return _one_decimal(Decimal(self.within * 100) / self.decided)

    def add_answer(self, days: int, within: bool | None) -> None:
        self.days.append(days)
        if within is True:
            self.within += 1
        elif within is False:
            self.late += 1

    def add_open(self, motion: Motion, today: date) -> None:
        if motion.due_date is not None and motion.due_date < today:
            self.overdue += 1
            oldest = self.oldest_overdue
            if oldest is None or (motion.due_date, motion.pk) < (oldest.due_date, oldest.pk):
                self.oldest_overdue = motion
        else:
            self.open_within += 1


def counted_motions():
    return (
        Motion.objects.for_answer_statistics()
        .select_related("lead_department")
        .annotate(
            interim_count=Count("events", filter=Q(events__action=MotionEvent.Action.INTERIM_REPLY))
        )
        .only(
            "kind",
            "number",
            "year",
            "reference",
            "title",
            "status",
            "registered_at",
            "answered_at",
            "due_date",
            "lead_department__name",
        )
    )


def answer_statistics(today: date | None = None) -> tuple[list[Row], list[Row]]:
    """(rows per department and year, rows per department over all years), sorted."""
    today = today or timezone.localdate()
    by_year: dict[tuple[str, int], Row] = {}
    totals: dict[str, Row] = {}
    for motion in counted_motions():
        name = motion.lead_department.name if motion.lead_department else str(NO_DEPARTMENT)
        total = totals.setdefault(name, Row(name, None))
        if motion.status == Motion.Status.ANSWERED and motion.answered_at is not None:
            answered_on = timezone.localdate(motion.answered_at)
            days = max((answered_on - timezone.localdate(motion.registered_at)).days, 0)
            within = None if motion.due_date is None else answered_on <= motion.due_date
            row = by_year.setdefault((name, answered_on.year), Row(name, answered_on.year))
            row.add_answer(days, within)
            total.add_answer(days, within)
        elif motion.status == Motion.Status.REGISTERED:
            row = by_year.setdefault((name, today.year), Row(name, today.year))
            row.add_open(motion, today)
            total.add_open(motion, today)
        else:
            continue
        row.interim_replies += motion.interim_count
        total.interim_replies += motion.interim_count
    rows = sorted(by_year.values(), key=lambda row: (row.department, -row.year))
    return rows, sorted(totals.values(), key=lambda row: row.department)


def _share_text(row: Row) -> str:
    if row.share_within is None:
        return gettext("keine Frist abgelaufen")
    return f"{formats.number(row.share_within, 1)} %"


def chart(totals: list[Row]):
    """Bars: the share answered by the deadline per department (all years, overdue included)."""
    bars = tuple(
        charts.Bar(
            label=row.department,  # the chart wraps long names, never cuts them
            value=float(row.share_within) if row.share_within is not None else None,
            display=_share_text(row),
        )
        for row in totals
    )
    return charts.bar_chart(
        chart_id="statistik-fristen",
        title=gettext("Anteil fristgerecht beantworteter Anträge je Dezernat"),
        desc=summary(totals),
        bars=bars,
        axis_label=gettext("Prozent der Anträge mit abgelaufener Frist"),
    )


SERIES = (
    _("fristgerecht beantwortet"),
    _("verspätet beantwortet"),
    _("offen, Frist läuft"),
    _("offen, überfällig"),
)


def counts_chart(totals: list[Row]):
    """Columns per department: answered on time, late, open within the deadline, overdue."""
    groups = tuple(
        charts.Group(
            label=row.department,
            values=(row.within, row.late, row.open_within, row.overdue),
            displays=tuple(
                formats.number(value, 0)
                for value in (row.within, row.late, row.open_within, row.overdue)
            ),
        )
        for row in totals
    )
    return charts.column_chart(
        chart_id="statistik-stand",
        title=gettext("Anträge je Dezernat nach Stand der Frist"),
        desc=counts_summary(totals),
        series=tuple(str(label) for label in SERIES),
        groups=groups,
        axis_label=gettext("Anzahl"),
    )


def summary(totals: list[Row]) -> str:
    parts = [
        gettext(
            "%(department)s: %(share)s fristgerecht bei %(count)s Antworten und "
            "%(overdue)s überfälligen Anträgen"
        )
        % {
            "department": row.department,
            "share": _share_text(row),
            "count": row.answered,
            "overdue": row.overdue,
        }
        for row in totals
    ]
    return "; ".join(parts) + "." if parts else gettext("Noch keine registrierten Anträge.")


def counts_summary(totals: list[Row]) -> str:
    parts = [
        gettext(
            "%(department)s: %(within)s fristgerecht, %(late)s verspätet beantwortet, "
            "%(open)s offen mit laufender Frist, %(overdue)s offen und überfällig"
        )
        % {
            "department": row.department,
            "within": row.within,
            "late": row.late,
            "open": row.open_within,
            "overdue": row.overdue,
        }
        for row in totals
    ]
    return "; ".join(parts) + "."


CSV_HEADER = [
    "dezernat",
    "jahr",
    "beantwortet",
    "median_tage",
    "mit_frist",
    "fristgerecht",
    "anteil_fristgerecht_prozent",
    "verspaetet",
    "offen_in_frist",
    "offen_ueberfaellig",
    "p90_tage",
    "aeltester_ueberfaelliger",
    "zwischennachrichten",
]


def csv_rows(rows: list[Row]) -> list[list]:
    return [
        [
            row.department,
            row.year,
            row.answered,
            "" if row.median_days is None else row.median_days,
            row.decided,
            row.within,
            "" if row.share_within is None else row.share_within,
            row.late,
            row.open_within,
            row.overdue,
            "" if row.p90_days is None else row.p90_days,
            row.oldest_overdue.reference if row.oldest_overdue else "",
            row.interim_replies,
        ]
        for row in rows
    ]
