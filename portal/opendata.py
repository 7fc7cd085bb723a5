"""CSV downloads that a spreadsheet program opens safely.

Text that starts with "=", "+", "-", "@" (or a tab or line break before one) is taken as a
formula by Excel and LibreOffice: an import note like `=HYPERLINK("https://…")` would become a
link or a calculation on the reader's machine. Such cells get a leading apostrophe, the
spreadsheets' own mark for "text"; numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer with every text cell made safe (see the module docstring)."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
