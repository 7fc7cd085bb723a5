"""Numbers, amounts and dates as people read them: the one formatting module.

Locale-aware through Django's l10n: German pages show 27.012,5 and 1.300.000 €, English pages
27,012.5 and €1,300,000. Templates use the filters of the same names (`{% load portal_tags %}`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation
from django.utils.formats import number_format

Number = Decimal | float | int
# A space between a figure and its unit, as authors type it: "108.000 €", "90 %", "1,3 Mio. Euro"
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:€|%|‰|Euro\b|EUR\b|Mio\.|Mrd\.))")
_HYPHEN_PERCENT = re.compile(r"(?<=\d)-%")


def number(value: Number | None, places: int = 0) -> str:
    """A number with grouping and `places` decimals; None gives an empty string."""
    if value is None:
        return ""
    # Django's number_format cuts surplus decimals off (66.66 -> "66,6"): round half up first.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def exact(value: Number | None) -> str:
    """A figure with just the decimals it has: 270.000 from the database is "270", 12.50 is
    "12,5" – never "270,000", which a reader takes for 270 thousand."""
    if value is None:
        return ""
    normalized = Decimal(str(value)).normalize()
    return number(normalized, max(0, -normalized.as_tuple().exponent))


def count(value: int | None) -> str:
    """A count: grouped, never with decimals (a Decimal 270.000 from the database is 270)."""
    return number(None if value is None else int(value), 0)


def euro(amount: Number | None, places: int = 0) -> str:
    """An amount of money: "1.300.000 €" in German, "€1,300,000" in English."""
    if amount is None:
        return ""
    text = number(amount, places)
    if translation.get_language() and translation.get_language().startswith("en"):
        return f"€{text}" if not text.startswith("-") else f"-€{text[1:]}"
    return f"{text}\u00a0€"


def percent(value: Number | None, places: int = 1) -> str:
    if value is None:
        return ""
    text = number(value, places)
    if translation.get_language() and translation.get_language().startswith("en"):
        return f"{text}%"
    return f"{text}\u00a0%"


def date(value, format_name: str = "DATE_FORMAT") -> str:
    """A date (or datetime) in the current language's format."""
    return formats.date_format(value, format_name) if value else ""


def bind_units(text: str) -> str:
    """A no-break space between a figure and its unit, so that "€" or "%" never starts a line
    on its own (text the authors typed; figures formatted here carry one already); "95-%-"
    keeps its "%" too (a word joiner after the hyphen)."""
    return _HYPHEN_PERCENT.sub("-\u2060%", _UNIT_SPACE.sub("\u00a0", text))
