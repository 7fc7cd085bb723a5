"""CSV downloads that a spreadsheet program opens safely and correctly.

Two variants of every CSV download (issue 19):

- **German** (`?format=de`, the default for visitors reading the portal in German): semicolon
  separator, decimal comma, UTF-8 with a byte order mark. German Excel opens it by double-click
  in columns and with its umlauts intact.
- **International** (`?format=international`, the default in English): comma separator,
  decimal point, UTF-8 without BOM – what scripts and other tools expect.

Text that starts with "=", "+", "-", "@" (or a tab or line break before one) is taken as a
formula by Excel and LibreOffice: an import note like `=HYPERLINK("https://…")` would become a
link or a calculation on the reader's machine. Such cells get a leading apostrophe, the
spreadsheets' own mark for "text"; numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TextIO

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
GERMAN, INTERNATIONAL = "de", "international"
# The query parameter that picks the variant (listed in the apps' page_cache_parameters).
FORMAT_PARAMETER = "format"
BOM = "\ufeff"


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def german_number(value: Any) -> Any:
    """A fractional number with a decimal comma (2.5 -> "2,5"); everything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (float, Decimal)):
        return value
    return str(value).replace(".", ",")


class SafeWriter:
    """csv.writer with every text cell made safe (see the module docstring); with
    `variant=GERMAN` semicolon-separated with decimal commas."""

    def __init__(self, out: TextIO, *, variant: str = INTERNATIONAL) -> None:
        self.german = variant == GERMAN
        self._writer = csv.writer(out, delimiter=";" if self.german else ",")

    def writerow(self, row: Iterable[Any]) -> None:
        values = [cell(value) for value in row]
        if self.german:
            values = [german_number(value) for value in values]
        self._writer.writerow(values)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_variant(request: HttpRequest) -> str:
    """The variant asked for (`?format=`), else German for German visitors."""
    chosen = request.GET.get(FORMAT_PARAMETER, "")
    if chosen in (GERMAN, INTERNATIONAL):
        return chosen
    return GERMAN if (get_language() or "de").startswith("de") else INTERNATIONAL


def csv_response(
    request: HttpRequest, filename: str, write: Callable[[SafeWriter], None]
) -> HttpResponse:
    """A CSV download in the visitor's variant: `write(writer)` writes the rows."""
    variant = csv_variant(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if variant == GERMAN:
        response.write(BOM)
    write(SafeWriter(response, variant=variant))
    return response
