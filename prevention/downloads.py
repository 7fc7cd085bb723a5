"""The open-data downloads of an indicator (CSV and JSON): always the figures as the public sees
them, with the licence, the withheld values as "." and demo figures labelled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from portal.opendata import SafeWriter
from prevention import stats
from prevention.models import District, Indicator
from prevention.models.indicators import SYNTHETIC_NOTICE

LICENSE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENSE_URL = "https://www.govdata.de/dl-de/by-2-0"
CSV_COLUMNS = [
    "district_number",
    "district",
    "indicator",
    "year",
    "value",
    "haeufigkeitszahl",
    "inhabitants",
    "note",
    "remarks",
]


def download_rows(indicator: Indicator) -> tuple[list[dict], bool]:
    """The open-data rows of an indicator and whether any of them holds demo figures."""
    districts = sorted(District.objects.all(), key=lambda d: d.number)
    dataset = stats.load_dataset([indicator], reveal=False)
    rows, synthetic = [], False
    incomplete = set(dataset.incomplete_years(indicator, districts))
    for year in dataset.years(indicator):
        for district in [None, *districts]:
            figure = dataset.figure(indicator, district, year, districts=districts)
            if figure.value is None and not figure.withheld:
                continue
            synthetic |= figure.synthetic
            remarks = []
            if figure.withheld:
                remarks.append(withheld_text(indicator))
            if figure.synthetic:
                remarks.append(str(SYNTHETIC_NOTICE))
            if year in incomplete:
                remarks.append(incomplete_text())
            rows.append(
                {
                    "district_number": district.number if district else None,
                    "district": district.name if district else _("Stadt Chemnitz gesamt"),
                    "year": year,
                    "value": figure.value,
                    "haeufigkeitszahl": figure.rate,
                    "inhabitants": figure.population,
                    "withheld": figure.withheld,
                    "synthetic": figure.synthetic,
                    "incomplete": year in incomplete,
                    "note": figure.note,
                    "remarks": "; ".join(remarks),
                }
            )
    return rows, synthetic


def incomplete_text() -> str:
    return _("Jahr unvollständig: nicht alle Stadtteile haben einen Wert")


def withheld_text(indicator: Indicator) -> str:
    return _(
        "Zahlenwert zurückgehalten: Anzahl unter %(threshold)s (Schutz einzelner Personen)"
    ) % {"threshold": indicator.suppression_threshold}


def _plain(number: Decimal | None):
    """A JSON/CSV number: whole numbers without decimals, others as floats."""
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def write_csv(writer: SafeWriter, indicator: Indicator) -> None:
    """The rows into `writer` (German or international: portal/opendata.py)."""
    rows, _synthetic = download_rows(indicator)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        hidden = row["withheld"] and row["value"] is None
        writer.writerow(
            [
                row["district_number"] or "",
                row["district"],
                indicator.key,
                row["year"],
                "." if hidden else _plain(row["value"]),
                "." if hidden and indicator.per_100k else _plain(row["haeufigkeitszahl"]) or "",
                row["inhabitants"] or "",
                row["note"],
                row["remarks"],
            ]
        )


def json_data(indicator: Indicator, *, url: str) -> dict[str, Any]:
    """The JSON download; `url` is the absolute address of the indicator's page."""
    rows, synthetic = download_rows(indicator)
    return {
        "indicator": {
            "key": indicator.key,
            "name": indicator.name,
            "description": indicator.description,
            "unit": indicator.unit,
            "kind": indicator.kind,
            "source": indicator.get_source_display(),
            "pks_key": indicator.pks_key or None,
            "haeufigkeitszahl": indicator.per_100k,
            "higher_is_better": indicator.higher_is_better,
            "suppression_threshold": indicator.suppression_threshold,
            "url": url,
        },
        "license": {"name": LICENSE_NAME, "url": LICENSE_URL},
        "attribution": _("Stadt Chemnitz, Kommunaler Präventionsrat"),
        "synthetic": synthetic,
        "notice": str(SYNTHETIC_NOTICE) if synthetic else None,
        "footnotes": {"withheld": withheld_text(indicator)},
        "values": [
            {
                "district": (
                    {"number": row["district_number"], "name": row["district"]}
                    if row["district_number"]
                    else None
                ),
                "year": row["year"],
                "value": _plain(row["value"]),
                "haeufigkeitszahl": _plain(row["haeufigkeitszahl"]),
                "inhabitants": row["inhabitants"],
                "withheld": row["withheld"],
                "synthetic": row["synthetic"],
                "incomplete_year": row["incomplete"],
                "note": row["note"],
            }
            for row in rows
        ],
    }
