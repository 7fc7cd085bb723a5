"""Models of the prevention app, split by topic (CONVENTIONS: split a module past ~600 lines).

- districts: District, Population (shared by both topics)
- indicators: indicators, their values and revisions, import batches
- council: the Kommunaler Präventionsrat profile, measures, funding
"""

from prevention.models.council import Attendance, Funding, Measure, PreventionCouncil
from prevention.models.districts import District, Population
from prevention.models.indicators import (
    ImportBatch,
    Indicator,
    IndicatorValue,
    IndicatorValueRevision,
)

__all__ = [
    "Attendance",
    "District",
    "Funding",
    "ImportBatch",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueRevision",
    "Measure",
    "Population",
    "PreventionCouncil",
]
