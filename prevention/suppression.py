"""Complementary (secondary) suppression of small counts (issue 16, docs/statistics.md).

A count below the indicator's threshold t is withheld ("." in every public output, primary
suppression). The city total is published beside the districts, so a single withheld
district would be city − sum of the others, and several withheld districts would at least be
narrowed down. Therefore, in every (indicator, year) with a withheld district and a published
city total, further district values are withheld too:

- the smallest public value s with s ≥ 2t − 1 (then even an attacker who knows which "." is
  the secondary one and that it is at least t cannot bound a withheld value below t − 1);
- if there is none, the smallest public values in ascending order until their excess over t
  adds up to t − 1;
- if even all of them do not suffice, the city total is withheld instead.

The withheld set is then: city − (public districts) = (withheld districts), and for every
withheld small value the values from 0 to t − 1 stay possible. Staff still see every value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

Cell = tuple[int, int | None, int]  # indicator pk, district pk (None: the city), year


def secondary_cells(
    threshold: int, districts: dict[int, Decimal], city: Decimal | None
) -> set[int | None]:
    """The cells of one column (district pks, None for the city) to withhold besides the
    primary ones (values below `threshold`)."""
    if threshold <= 0 or city is None or city < threshold:
        return set()  # nothing withheld, or no published total to subtract from
    primary = {pk for pk, value in districts.items() if value < threshold}
    if not primary:
        return set()
    candidates = sorted(
        ((value, pk) for pk, value in districts.items() if pk not in primary),
        key=lambda item: (item[0], item[1]),
    )
    need = threshold - 1
    for value, pk in candidates:
        if value - threshold >= need:
            return {pk}
    chosen: set[int | None] = set()
    slack = Decimal(0)
    for value, pk in candidates:
        chosen.add(pk)
        slack += value - threshold
        if slack >= need:
            return chosen
    return {None}


def secondary_for(indicators: Sequence, rows: Iterable[tuple]) -> set[Cell]:
    """Every secondary cell of the indicators, from (indicator pk, district pk, year, value)
    rows holding whole columns (every district and the city of a year)."""
    thresholds = {
        indicator.pk: indicator.suppression_threshold
        for indicator in indicators
        if indicator.kind == "count" and indicator.suppression_threshold
    }
    columns: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    cities: dict[tuple[int, int], Decimal] = {}
    for indicator_pk, district_pk, year, value in rows:
        if indicator_pk not in thresholds or value is None:
            continue
        if district_pk is None:
            cities[(indicator_pk, year)] = value
        else:
            columns[(indicator_pk, year)][district_pk] = value
    cells: set[Cell] = set()
    for (indicator_pk, year), districts in columns.items():
        for pk in secondary_cells(
            thresholds[indicator_pk], districts, cities.get((indicator_pk, year))
        ):
            cells.add((indicator_pk, pk, year))
    return cells
