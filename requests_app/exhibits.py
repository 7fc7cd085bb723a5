"""The data of a report's exhibits (Abbildungen und Tabellen), as plain JSON-ready dicts.

`build(exhibits)` turns Exhibit rows into dicts holding everything the page and the PDF show:
title, caption, the SVG chart (drawn by prevention.charts), a text summary, the data table and
notes. Drafts call it on every view (the exhibits are live); publication stores the dicts in
the report's snapshot, so later imports change nothing in a published report.

Figures come from prevention.stats with `reveal=False`: a report is written for the public, so
small counts are withheld (".") in the draft already, exactly as they will be published.
The number of queries does not depend on the number of exhibits.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import formats
from prevention import effect_outputs, effects, stats
from prevention.figures import (
    comparison_scatter,
    comparison_summary,
    format_measure,
    in_district,
    measure_label,
    table_bar_chart,
    table_summary,
    trend_line_chart,
    trend_summary,
)
from prevention.models import District, Funding, Indicator, Measure
from prevention.models.council import public_council_meetings
from prevention.models.indicators import ALL_OFFENCES_KEY, SAFETY_KEY, SYNTHETIC_NOTICE
from requests_app.models import Exhibit

Kind = Exhibit.Kind
WITHHELD_NOTE = gettext_lazy(
    "„.“: Zahl zurückgehalten, weil sie unter der Veröffentlichungsschwelle liegt "
    "(Schutz einzelner Personen)."
)


def build(exhibits: Sequence[Exhibit]) -> dict[int, dict]:
    """exhibit pk -> its data; `exhibits` must have `districts` prefetched."""
    if not exhibits:
        return {}
    context = _Context(exhibits)
    builders = {
        Kind.INDICATOR_CHART: context.indicator_chart,
        Kind.INDICATOR_TABLE: context.indicator_table,
        Kind.SAFETY_COMPARISON: context.safety_comparison,
        Kind.MEETINGS: context.meetings,
        Kind.MEASURES: context.measures,
    }
    # "Wirkungsanalyse" (issue 16): active once Exhibit.Kind has the choice EFFECT
    if hasattr(Kind, "EFFECT"):
        builders[Kind.EFFECT] = context.effect
    result = {}
    for exhibit in exhibits:
        data = builders[exhibit.kind](exhibit)
        data.setdefault("svg", "")
        data.setdefault("summary", "")
        data.setdefault("notes", [])
        data.setdefault("table", None)
        data.update(kind=exhibit.kind, caption=exhibit.caption, id=f"abb-{exhibit.pk}")
        data["synthetic"] = str(SYNTHETIC_NOTICE) in data["notes"]
        if data["table"]:
            _align(data["table"])
        result[exhibit.pk] = data
    return result


_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2}")
_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f%€()<>≤≥]|bis|to")
_NUMBER = re.compile(r"[+\-−–]?\d[\d.,]*(?:[\-−–][\d.,]+)?")
PLACEHOLDERS = {"", ".", "–", "-"}


def is_number(text: str) -> bool:
    """Does a formatted cell show a figure ("1.234", "12,5 %", "54.000,00 €", "0,89 bis 0,95")?"""
    text = str(text).strip()
    if _DATE.fullmatch(text):
        return False
    return bool(_NUMBER.fullmatch(_NUMBER_NOISE.sub("", text)))


def _align(table: dict) -> None:
    """Adds what the template shows: `columns` (header and alignment) and `body` (the rows as
    cells that know their alignment); `head` and `rows` stay the plain data."""
    numeric = numeric_columns(table)
    table["columns"] = [
        {"head": head, "numeric": flag} for head, flag in zip(table["head"], numeric, strict=True)
    ]
    table["body"] = [
        [
            {"text": cell, "numeric": index < len(numeric) and numeric[index]}
            for index, cell in enumerate(row)
        ]
        for row in table["rows"]
    ]


def numeric_columns(table: dict) -> list[bool]:
    """Per column: does it hold figures? Such columns (and their headers) align right, so a
    reader finds the value under its header. The first column names the row and never does."""
    flags = []
    for index in range(len(table["head"])):
        cells = [str(row[index]) for row in table["rows"] if index < len(row)]
        shown = [cell for cell in cells if cell.strip() not in PLACEHOLDERS]
        numbers = sum(is_number(cell) for cell in shown)
        flags.append(index > 0 and bool(shown) and numbers * 2 > len(shown))
    return flags


def _cell(value, indicator, figure=None) -> str:
    if figure is not None and figure.withheld and figure.value is None:
        return "."
    if value is None:
        return "–"
    return format_measure(value, indicator)


class _Context:
    """Everything the exhibits need, loaded once (a fixed number of queries)."""

    def __init__(self, exhibits: Sequence[Exhibit]) -> None:
        kinds = {exhibit.kind for exhibit in exhibits}
        self.districts = list(District.objects.all())
        self.indicators = {indicator.pk: indicator for indicator in Indicator.objects.all()}
        by_key = {indicator.key: indicator for indicator in self.indicators.values()}
        self.crime, self.safety = by_key.get(ALL_OFFENCES_KEY), by_key.get(SAFETY_KEY)
        wanted = {exhibit.indicator_id for exhibit in exhibits if exhibit.indicator_id}
        if Kind.SAFETY_COMPARISON in kinds:
            wanted |= {each.pk for each in (self.crime, self.safety) if each}
        self.dataset = stats.load_dataset([self.indicators[pk] for pk in wanted if pk])
        self.analyses: dict[tuple, object] = {}  # (indicator pk, last year) -> effect analysis
        self.meeting_rows = []
        if Kind.MEETINGS in kinds:
            self.meeting_rows = list(
                public_council_meetings().select_related("organization").order_by("start", "pk")
            )
        self.measure_rows = []
        if Kind.MEASURES in kinds:
            fundings = Funding.objects.filter(deleted=False).order_by("year", "source")
            self.measure_rows = list(
                Measure.objects.public()
                .order_by("start_date", "title", "pk")
                .prefetch_related("districts", Prefetch("fundings", queryset=fundings))
            )

    # --- helpers ----------------------------------------------------------------------------

    def _chosen(self, exhibit: Exhibit) -> list[District]:
        chosen = {district.pk for district in exhibit.districts.all()}
        if not chosen:
            return self.districts
        return [district for district in self.districts if district.pk in chosen]

    def _years(self, exhibit: Exhibit, indicator: Indicator) -> list[int]:
        years = self.dataset.years(indicator)
        return [
            year
            for year in years
            if (exhibit.year_from is None or year >= exhibit.year_from)
            and (exhibit.year_to is None or year <= exhibit.year_to)
        ]

    def _notes(self, synthetic: bool, withheld: bool, source: str = "") -> list[str]:
        notes = []
        if source:
            notes.append(_("Quelle: %(source)s") % {"source": source})
        if withheld:
            notes.append(str(WITHHELD_NOTE))
        if synthetic:
            notes.append(str(SYNTHETIC_NOTICE))
        return notes

    def _empty(self, title: str) -> dict:
        return {"title": title, "summary": _("Für diese Auswahl liegen keine Werte vor.")}

    # --- kinds ------------------------------------------------------------------------------

    def indicator_chart(self, exhibit: Exhibit) -> dict:
        indicator = self.indicators[exhibit.indicator_id]
        years = self._years(exhibit, indicator)
        if not years:
            return self._empty(indicator.name)
        chosen = self._chosen(exhibit)
        if len(chosen) == 1 and len(years) > 1:
            return self._trend(exhibit, indicator, chosen[0], years)
        table = stats.district_table(self.dataset, indicator, years[-1], self.districts)
        if len(chosen) < len(self.districts):  # ranks and the city stay those of all districts
            keep = {district.pk for district in chosen}
            rows = [row for row in table.rows if row.district.pk in keep]
            table = dataclasses.replace(table, rows=rows)
        rows = [
            [
                row.district.name,
                _cell(row.figure.value, indicator, row.figure)
                if not indicator.per_100k
                else formats.number(row.figure.value),
                _cell(row.figure.measure, indicator, row.figure),
            ]
            for row in table.rows
        ]
        head = [_("Stadtteil"), indicator.unit or _("Wert"), measure_label(indicator)]
        if not indicator.per_100k:
            head, rows = head[:2], [row[:1] + row[2:] for row in rows]
        return {
            "title": _("%(indicator)s %(year)s nach Stadtteilen")
            % {"indicator": indicator.name, "year": table.year},
            "svg": str(table_bar_chart(table, chart_id=f"abb-{exhibit.pk}-svg")),
            "summary": table_summary(table),
            "table": {"caption": _("Werte zur Abbildung"), "head": head, "rows": rows},
            "notes": self._notes(table.synthetic, table.withheld, indicator.get_source_display()),
        }

    def _trend(self, exhibit, indicator, district, years) -> dict:
        own = [self.dataset.figure(indicator, district, year) for year in years]
        city = [
            self.dataset.figure(indicator, None, year, districts=self.districts) for year in years
        ]
        trend = stats.Trend(
            indicator,
            district,
            own,
            city,
            own[-1],
            self.dataset.change(indicator, district, years[-1], years[-1] - 1),
            self.dataset.change(indicator, district, years[-1], stats.BASELINE_YEAR)
            if years[-1] != stats.BASELINE_YEAR
            else None,
            None,
            0,
        )
        rows = [
            [str(year), _cell(mine.measure, indicator, mine), _cell(whole.measure, indicator)]
            for year, mine, whole in zip(years, own, city, strict=True)
        ]
        synthetic = any(figure.synthetic for figure in (*own, *city))
        withheld = any(figure.withheld for figure in own)
        return {
            "title": _("%(indicator)s %(in_district)s %(first)s–%(last)s")
            % {
                "indicator": indicator.name,
                "in_district": in_district(district.name),
                "first": years[0],
                "last": years[-1],
            },
            "svg": str(trend_line_chart(trend, chart_id=f"abb-{exhibit.pk}-svg")),
            "summary": trend_summary(trend),
            "table": {
                "caption": _("Werte zur Abbildung (%(measure)s)")
                % {"measure": measure_label(indicator)},
                "head": [_("Jahr"), district.name, _("Stadt gesamt")],
                "rows": rows,
            },
            "notes": self._notes(synthetic, withheld, indicator.get_source_display()),
        }

    def indicator_table(self, exhibit: Exhibit) -> dict:
        indicator = self.indicators[exhibit.indicator_id]
        years = self._years(exhibit, indicator)
        title = _("%(indicator)s nach Stadtteilen und Jahren") % {"indicator": indicator.name}
        if not years:
            return self._empty(title)
        rows, synthetic, withheld = [], False, False
        for district in self._chosen(exhibit):
            figures = [self.dataset.figure(indicator, district, year) for year in years]
            synthetic |= any(figure.synthetic for figure in figures)
            withheld |= any(figure.withheld for figure in figures)
            rows.append([district.name, *(_cell(f.measure, indicator, f) for f in figures)])
        city = [self.dataset.figure(indicator, None, y, districts=self.districts) for y in years]
        rows.append([_("Stadt gesamt"), *(_cell(f.measure, indicator, f) for f in city)])
        return {
            "title": title,
            "summary": _("%(measure)s, %(first)s bis %(last)s.")
            % {"measure": measure_label(indicator), "first": years[0], "last": years[-1]},
            "table": {
                # not the title again: the figure's caption already says it
                "caption": _("Werte zur Abbildung (%(measure)s)")
                % {"measure": measure_label(indicator)},
                "head": [_("Stadtteil"), *(str(year) for year in years)],
                "rows": rows,
            },
            "notes": self._notes(synthetic, withheld, indicator.get_source_display()),
        }

    def safety_comparison(self, exhibit: Exhibit) -> dict:
        title = _("Sicherheitsgefühl und registrierte Straftaten")
        if not (self.crime and self.safety):
            return self._empty(title)
        common = set(self.dataset.years(self.crime)) & set(self.dataset.years(self.safety))
        if exhibit.year_to is not None:
            common = {year for year in common if year <= exhibit.year_to}
        if not common:
            return self._empty(title)
        year = max(common)
        comparison = stats.safety_comparison(
            self.dataset, self.crime, self.safety, year, self._chosen(exhibit)
        )
        rows = [
            [
                point.district.name,
                format_measure(point.crime.measure, self.crime),
                format_measure(point.safety.measure, self.safety),
            ]
            for point in comparison.points
        ]
        return {
            "title": _("Sicherheitsgefühl und registrierte Straftaten %(year)s") % {"year": year},
            "svg": str(comparison_scatter(comparison, chart_id=f"abb-{exhibit.pk}-svg"))
            if comparison.points
            else "",
            "summary": comparison_summary(comparison),
            "table": {
                "caption": _("Werte zur Abbildung"),
                "head": [_("Stadtteil"), _("Häufigkeitszahl"), _("„nachts sicher“ in %")],
                "rows": rows,
            },
            "notes": self._notes(comparison.synthetic, False),
        }

    def _in_period(self, exhibit: Exhibit, first: int | None, last: int | None) -> bool:
        """Does [first, last] (None: open) overlap the exhibit's years?"""
        if exhibit.year_to is not None and first is not None and first > exhibit.year_to:
            return False
        return not (exhibit.year_from is not None and last is not None and last < exhibit.year_from)

    def meetings(self, exhibit: Exhibit) -> dict:
        chosen = [
            meeting
            for meeting in self.meeting_rows
            if self._in_period(exhibit, meeting.start.year, meeting.start.year)
        ]
        rows = [
            [
                formats.date(meeting.start, "SHORT_DATE_FORMAT"),
                meeting.organization.name,
                meeting.name,
                meeting.get_state_display(),
            ]
            for meeting in chosen
        ]
        return {
            "title": _("Sitzungen des Kommunalen Präventionsrates %(period)s")
            % {"period": self._period(exhibit)},
            "summary": _("%(count)s öffentliche Sitzungen im Zeitraum.") % {"count": len(rows)},
            "table": {
                "caption": _("Sitzungen"),
                "head": [_("Datum"), _("Gremium"), _("Sitzung"), _("Stand")],
                "rows": rows,
            },
        }

    def measures(self, exhibit: Exhibit) -> dict:
        chosen_districts = {district.pk for district in exhibit.districts.all()}
        rows, total_granted, total_own = [], Decimal(0), Decimal(0)
        for measure in self.measure_rows:
            first = measure.start_date.year if measure.start_date else None
            last = measure.end_date.year if measure.end_date else None
            if not self._in_period(exhibit, first, last):
                continue
            districts = list(measure.districts.all())
            if chosen_districts and not chosen_districts & {d.pk for d in districts}:
                continue
            fundings = [
                funding
                for funding in measure.fundings.all()
                if self._in_period(exhibit, funding.year, funding.year)
            ]
            granted = sum((funding.granted for funding in fundings), Decimal(0))
            own = sum((funding.own_share for funding in fundings), Decimal(0))
            total_granted += granted
            total_own += own
            # a measure without funding in the period says so instead of "0,00 €"
            none = _("keine Förderung im Zeitraum")
            rows.append(
                [
                    measure.title,
                    ", ".join(d.name for d in districts) or _("gesamtes Stadtgebiet"),
                    measure.get_status_display(),
                    formats.euro(granted, 2) if fundings else none,
                    formats.euro(own, 2) if fundings else "–",
                ]
            )
        rows.append(
            [_("Summe"), "", "", formats.euro(total_granted, 2), formats.euro(total_own, 2)]
        )
        return {
            "title": _("Maßnahmen und Förderung %(period)s") % {"period": self._period(exhibit)},
            "summary": _(
                "%(count)s Maßnahmen; Förderung insgesamt %(granted)s, Eigenanteil %(own)s."
            )
            % {
                "count": len(rows) - 1,
                "granted": formats.euro(total_granted, 2),
                "own": formats.euro(total_own, 2),
            },
            "table": {
                "caption": _("Maßnahmen mit Förderung im Zeitraum"),
                "head": [
                    _("Maßnahme"),
                    _("Stadtteile"),
                    _("Stand"),
                    _("Förderung"),
                    _("Eigenanteil"),
                ],
                "rows": rows,
            },
        }

    def effect(self, exhibit: Exhibit) -> dict:
        """The effect analysis of the exhibit's indicator up to its "bis Jahr"; "von Jahr" is
        the first year after the reference date (1 January of it; default 06.02.2019). All
        districts are analysed; chosen districts only narrow the table."""
        title = _("Wirkungsanalyse")
        if not exhibit.indicator_id:
            return self._empty(title)
        indicator = self.indicators[exhibit.indicator_id]
        title = _("Wirkungsanalyse: %(indicator)s") % {"indicator": indicator.name}
        key = (indicator.pk, exhibit.year_from, exhibit.year_to)
        if key not in self.analyses:
            reference = (
                datetime.date(exhibit.year_from, 1, 1)
                if exhibit.year_from
                else effects.DEFAULT_REFERENCE
            )
            try:
                self.analyses[key] = effects.analyse(
                    indicator, reference=reference, until=exhibit.year_to
                )
            except effects.EffectError as error:
                self.analyses[key] = error
        analysis = self.analyses[key]
        if isinstance(analysis, effects.EffectError):
            return {"title": title, "summary": analysis.message}
        chosen = {district.pk for district in exhibit.districts.all()}
        names = {d.name for d in self.districts if not chosen or d.pk in chosen}
        rows = [
            [row["name"], _("ja") if row["measure"] else _("nein"), *row["cells"], row["verdict"]]
            for row in effect_outputs.html_rows(analysis)
            if row["city"] or row["name"] in names
        ]
        head = [
            _("Stadtteil"),
            _("Maßnahmen"),
            *effect_outputs.html_headers(analysis),
            _("Bewertung"),
        ]
        method = _(
            "Methode und Grenzen: Methodenhinweis zur Wirkungsanalyse (/wirkung/methode/). "
            "Ein Zusammenhang ist kein Beweis einer Wirkung; kleine Stadtteile haben breite "
            "Intervalle."
        )
        notes = [method, *self._notes(analysis.synthetic, False, indicator.get_source_display())]
        return {
            "title": title,
            "svg": str(effect_outputs.forest(analysis, chart_id=f"abb-{exhibit.pk}-svg")),
            "summary": " ".join(effect_outputs.summary(analysis)),
            "table": {"caption": _("Werte zur Abbildung"), "head": head, "rows": rows},
            "notes": notes,
        }

    def _period(self, exhibit: Exhibit) -> str:
        first, last = exhibit.year_from, exhibit.year_to
        if first and last:
            return str(first) if first == last else f"{first}–{last}"
        if first:
            return _("seit %(year)s") % {"year": first}
        if last:
            return _("bis %(year)s") % {"year": last}
        return ""
