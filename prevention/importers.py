"""The indicator importer (DESIGN §6): one CSV file in, all of it or nothing.

Format: a header `district,indicator,period,value[,note]` (German names `Stadtteil, Kennzahl,
Zeitraum, Wert, Anmerkung` are understood too), `;` or `,` as delimiter, decimal comma or point,
UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252 (what German spreadsheets export).
District by number (`01`, `1`), by name (`Schloßchemnitz`, `Schlosschemnitz`) or both
(`01 Zentrum`); the whole city as `Stadt`, `Chemnitz`, `Gesamtstadt` or `00`. Period `2019` or
`2019-Q1`.

Any problem refuses the whole file with German messages that name the line. This module only
reads: `plan_import()` parses a file and decides per row what it would do. The writes are
services (prevention/services.py): `import_batch_preview()` records the upload with its preview,
`import_batch_confirm()` re-reads the stored bytes and applies exactly the previewed plan.
`manage.py import_indicators` and the staff upload page both go through them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from prevention.models import District, Indicator, IndicatorValue
from prevention.models.districts import GERMAN_LETTERS
from prevention.models.indicators import period_label

MAX_FILE_BYTES = 10 * 1024 * 1024
DECIMAL_PLACES = 3
CITY_NAMES = {"stadt", "chemnitz", "stadtchemnitz", "gesamtstadt", "gesamt", "00", "0"}
COLUMNS = {
    "district": "district",
    "stadtteil": "district",
    "indicator": "indicator",
    "kennzahl": "indicator",
    "period": "period",
    "zeitraum": "period",
    "jahr": "period",
    "value": "value",
    "wert": "value",
    "note": "note",
    "anmerkung": "note",
}
REQUIRED = ["district", "indicator", "period", "value"]
PERIOD_RE = re.compile(r"^(\d{4})(?:\s*[-/ ]\s*Q([1-4]))?$", re.IGNORECASE)
QUARTER_FIRST_RE = re.compile(r"^Q([1-4])\s*[-/ ]\s*(\d{4})$", re.IGNORECASE)
NUMBER_RE = re.compile(r"^[+-]?\d[\d.,]*$")
THOUSANDS_ONLY_RE = re.compile(r"^\d{1,3}(\.\d{3})+$")


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Zeile %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class PlannedRow:
    line: int
    indicator: Indicator
    district: District | None
    year: int
    quarter: int
    value: Decimal
    note: str | None  # None: the file has no note column, keep the stored note
    action: str = Action.NEW
    existing: IndicatorValue | None = None

    @property
    def period(self) -> str:
        return period_label(self.year, self.quarter)

    @property
    def place(self) -> str:
        return str(self.district) if self.district else _("Stadt (gesamt)")

    @property
    def old_value(self) -> Decimal | None:
        return self.existing.value if self.existing else None


@dataclass
class ImportPlan:
    """What a file would do: its rows with their action, or the problems that refuse it."""

    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def changes(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action != Action.UNCHANGED]

    def digest(self) -> str:
        """Fingerprint of the planned changes: a confirm refuses when it no longer matches."""
        parts = sorted(
            f"{row.indicator.pk}|{row.district.pk if row.district else ''}|{row.year}|"
            f"{row.quarter}|{row.action}|{row.old_value}|{row.value}|{row.note}"
            for row in self.rows
        )
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- reading -------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name). Raises ValidationError with a German message."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            _(
                "Das ist keine CSV-Datei, sondern vermutlich eine Excel-Arbeitsmappe. Bitte in "
                "der Tabellenkalkulation „Speichern unter … CSV“ wählen."
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_as(data[3:], "utf-8", "UTF-8 (BOM)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_as(data, "utf-16", "UTF-16")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return _decode_as(data, "cp1252", "Windows-1252")


def _decode_as(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        return data.decode(codec), label
    except UnicodeDecodeError as error:
        raise ValidationError(
            _(
                "Die Datei ist weder UTF-8 noch Windows-1252 (unlesbares Zeichen an Byte "
                "%(position)s). Bitte als „CSV UTF-8“ speichern."
            )
            % {"position": error.start + 1}
        ) from error


def _detect_delimiter(header: str) -> str | None:
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def normalize_name(text: str) -> str:
    """Compare names the way people type them: case, ß/ss, ä/ae, spaces and hyphens ignored."""
    text = text.casefold().translate(GERMAN_LETTERS)
    return re.sub(r"[\s\-–.]+", "", text)


def parse_number(raw: str, *, integer_grouping: bool) -> Decimal:
    """German or English notation -> Decimal; ValueError with a German message otherwise.

    `1.234,5` and `1,234.5` are unambiguous (the last separator is the decimal mark). A lone
    comma is a decimal comma. A lone point is a decimal point, except that `27.000` counts as
    27000 where the column holds whole numbers (integer_grouping).
    """
    text = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace("'", "")
    if not NUMBER_RE.match(text):
        raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": raw.strip()})
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        integer_part, _sep, fraction = text.rpartition(decimal_mark)
        if not re.fullmatch(rf"[+-]?\d{{1,3}}(\{grouping}\d{{3}})*", integer_part):
            raise ValueError(_("„%(value)s“ ist keine gültige Zahl.") % {"value": raw.strip()})
        text = integer_part.replace(grouping, "") + "." + fraction
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(_("„%(value)s“ ist keine gültige Zahl.") % {"value": raw.strip()})
        text = text.replace(",", ".")
    elif text.count(".") > 1 or (integer_grouping and THOUSANDS_ONLY_RE.match(text.lstrip("+-"))):
        if not THOUSANDS_ONLY_RE.match(text.lstrip("+-")):
            raise ValueError(_("„%(value)s“ ist keine gültige Zahl.") % {"value": raw.strip()})
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": raw.strip()}) from error
    if not number.is_finite():
        raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": raw.strip()})
    return number


class _Lookups:
    """Districts and indicators, loaded once per file."""

    def __init__(self) -> None:
        districts = list(District.objects.all())
        self.by_number = {district.number: district for district in districts}
        self.by_name = {normalize_name(district.name): district for district in districts}
        self.indicators = {indicator.key: indicator for indicator in Indicator.objects.all()}

    def district(self, raw: str) -> tuple[bool, District | None]:
        """(found, district); district None means the whole city."""
        text = raw.strip()
        key = normalize_name(text)
        if key in CITY_NAMES:
            return True, None
        if text.isdigit() and len(text) <= 2:
            district = self.by_number.get(text.zfill(2))
            return district is not None, district
        if district := self.by_name.get(key):
            return True, district
        match = re.match(r"^(\d{1,2})\s+(.+)$", text)
        if match:
            district = self.by_number.get(match.group(1).zfill(2))
            if district and normalize_name(district.name) == normalize_name(match.group(2)):
                return True, district
        return False, None


def parse(text: str, lookups: _Lookups | None = None) -> ImportPlan:
    """Read the CSV text into planned rows (actions not yet decided) and problems."""
    plan = ImportPlan()
    lines = text.splitlines()
    header_number = next((i + 1 for i, line in enumerate(lines) if line.strip()), None)
    if header_number is None:
        plan.problems.append(Problem(None, _("Die Datei ist leer.")))
        return plan
    header_line = lines[header_number - 1]
    delimiter = _detect_delimiter(header_line)
    if delimiter is None:
        message = _(
            "Kopfzeile nicht erkannt. Erwartet wird „district;indicator;period;value;note“ "
            "(Anmerkung optional), getrennt durch Semikolon oder Komma."
        )
        if "\t" in header_line:
            message += " " + _("Gefunden wurde der Tabulator als Trennzeichen.")
        plan.problems.append(Problem(header_number, message))
        return plan
    plan.delimiter = delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    columns: dict[str, str] = {}
    lookups = lookups or _Lookups()
    seen: dict[tuple, int] = {}
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            plan.problems.append(Problem(reader.line_num, _csv_error(error)))
            break
        if not any(value.strip() for value in fields):
            continue  # blank line or a spreadsheet's empty row ";;;"
        line = reader.line_num
        if header is None:
            header = fields
            columns = _columns(header, line, plan)
            if columns is None:
                return plan
            continue
        if len(fields) == len(header) - 1 and columns.get("note") == header[-1]:
            fields.append("")  # a trailing empty note without its delimiter
        if len(fields) != len(header):
            plan.problems.append(Problem(line, _width_message(len(fields), len(header), delimiter)))
            continue
        row = _row(dict(zip(header, fields, strict=True)), columns, line, lookups, plan)
        if row is None:
            continue
        identity = (
            row.indicator.pk,
            row.district.pk if row.district else None,
            row.year,
            row.quarter,
        )
        if identity in seen:
            plan.problems.append(Problem(line, _duplicate_message(row, seen[identity])))
            continue
        seen[identity] = line
        plan.rows.append(row)
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(None, _("Die Datei enthält keine Datenzeilen.")))
    return plan


def _duplicate_message(row: PlannedRow, first_line: int) -> str:
    return _(
        "doppelte Zeile: %(indicator)s, %(place)s, %(period)s steht schon in Zeile %(first)s."
    ) % {
        "indicator": row.indicator.key,
        "place": row.place,
        "period": row.period,
        "first": first_line,
    }


def _csv_error(error: csv.Error) -> str:
    return _(
        "Die Zeile ist kein gültiges CSV (%(error)s), etwa ein nicht geschlossenes "
        "Anführungszeichen."
    ) % {"error": error}


def _width_message(found: int, expected: int, delimiter: str) -> str:
    message = _("%(found)s Felder statt %(expected)s.") % {"found": found, "expected": expected}
    if delimiter == "," and found > expected:
        message += " " + _(
            "Steht in einem Wert ein Komma als Dezimalzeichen? Dann den Wert in "
            "Anführungszeichen setzen oder Semikolon als Trennzeichen verwenden."
        )
    return message


def _columns(header: list[str], line: int, plan: ImportPlan) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for name in header:
        canonical = COLUMNS.get(name.strip().casefold())
        if canonical is None:
            plan.problems.append(
                Problem(line, _("unbekannte Spalte „%(name)s“.") % {"name": name.strip()})
            )
        elif canonical in mapping.values():
            plan.problems.append(
                Problem(line, _("Spalte „%(name)s“ kommt doppelt vor.") % {"name": name.strip()})
            )
        else:
            mapping[name] = canonical
    missing = [column for column in REQUIRED if column not in mapping.values()]
    if missing:
        plan.problems.append(
            Problem(
                line,
                _(
                    "Spalten fehlen: %(columns)s. Erwartet: district, indicator, period, value, "
                    "note (optional)."
                )
                % {"columns": ", ".join(missing)},
            )
        )
    return None if plan.problems else {canonical: name for name, canonical in mapping.items()}


def _row(
    raw: dict[str, str], columns: dict[str, str], line: int, lookups: _Lookups, plan: ImportPlan
) -> PlannedRow | None:
    problems: list[str] = []
    district_text = raw[columns["district"]].strip()
    found, district = lookups.district(district_text) if district_text else (False, None)
    if not district_text:
        problems.append(_("Stadtteil fehlt (für die ganze Stadt „Stadt“ eintragen)."))
    elif not found:
        problems.append(_("Stadtteil „%(value)s“ ist unbekannt.") % {"value": district_text})

    key = raw[columns["indicator"]].strip()
    indicator = lookups.indicators.get(key.casefold())
    if not key:
        problems.append(_("Kennzahl fehlt."))
    elif indicator is None:
        problems.append(
            _("Kennzahl „%(value)s“ ist unbekannt (bekannt sind z. B. %(known)s).")
            % {"value": key, "known": ", ".join(sorted(lookups.indicators)[:5])}
        )

    year = quarter = None
    period_text = raw[columns["period"]].strip()
    if match := PERIOD_RE.match(period_text):
        year, quarter = int(match.group(1)), int(match.group(2) or 0)
    elif match := QUARTER_FIRST_RE.match(period_text):
        year, quarter = int(match.group(2)), int(match.group(1))
    if year is None:
        problems.append(
            _("Zeitraum „%(value)s“ ist kein Jahr (2019) und kein Quartal (2019-Q1).")
            % {"value": period_text}
        )
    elif not 1990 <= year <= timezone.now().year + 1:
        problems.append(_("Das Jahr %(year)s liegt außerhalb von 1990 bis heute.") % {"year": year})

    value = _value(raw[columns["value"]], indicator, problems)
    note = raw[columns["note"]].strip() if "note" in columns else None
    if note and len(note) > 300:
        problems.append(_("Die Anmerkung ist länger als 300 Zeichen."))

    if problems:
        plan.problems.extend(Problem(line, message) for message in problems)
        return None
    return PlannedRow(line, indicator, district, year, quarter, value, note)


def _value(raw: str, indicator: Indicator | None, problems: list[str]) -> Decimal | None:
    text = raw.strip()
    if text in {"", ".", "-", "–", "x", "X"}:
        problems.append(
            _(
                "Wert fehlt. Bitte die Zahl eintragen, auch wenn sie klein ist: das Portal "
                "hält kleine Fallzahlen in allen öffentlichen Ausgaben selbst zurück."
            )
        )
        return None
    is_count = indicator is not None and indicator.kind == Indicator.Kind.COUNT
    try:
        value = parse_number(text, integer_grouping=is_count)
    except ValueError as error:
        problems.append(str(error))
        return None
    if -value.as_tuple().exponent > DECIMAL_PLACES:
        problems.append(
            _("„%(value)s“ hat mehr als %(places)s Nachkommastellen.")
            % {"value": text, "places": DECIMAL_PLACES}
        )
    elif abs(value) >= Decimal(10) ** 12:
        problems.append(_("„%(value)s“ ist zu groß.") % {"value": text})
    elif indicator is None:
        pass
    elif is_count and (value < 0 or value != value.to_integral_value()):
        problems.append(
            _("„%(value)s“: %(indicator)s ist eine Anzahl, erlaubt sind nur ganze Zahlen ab 0.")
            % {"value": text, "indicator": indicator.key}
        )
    elif indicator.kind == Indicator.Kind.PERCENT and not 0 <= value <= 100:
        problems.append(
            _("„%(value)s“: %(indicator)s ist ein Prozentwert zwischen 0 und 100.")
            % {"value": text, "indicator": indicator.key}
        )
    return value


def _decide(plan: ImportPlan) -> None:
    """Compare every row with the stored value: new, changed or unchanged."""
    indicator_ids = {row.indicator.pk for row in plan.rows}
    years = {row.year for row in plan.rows}
    existing = {
        (value.indicator_id, value.district_id, value.year, value.quarter): value
        for value in IndicatorValue.objects.filter(indicator_id__in=indicator_ids, year__in=years)
    }
    for row in plan.rows:
        key = (row.indicator.pk, row.district.pk if row.district else None, row.year, row.quarter)
        row.existing = existing.get(key)
        if row.existing is None:
            row.action = Action.NEW
        elif (
            row.existing.value == row.value
            and (row.note is None or row.note == row.existing.note)
            and not row.existing.synthetic
        ):
            row.action = Action.UNCHANGED
        else:
            row.action = Action.CHANGED


def plan_import(data: bytes) -> ImportPlan:
    """Read a file and decide what it would do, without writing anything."""
    if len(data) > MAX_FILE_BYTES:
        return ImportPlan(
            problems=[
                Problem(
                    None, _("Die Datei ist größer als %(mb)s MB.") % {"mb": MAX_FILE_BYTES // 2**20}
                )
            ]
        )
    try:
        text, encoding = decode(data)
    except ValidationError as error:
        return ImportPlan(problems=[Problem(None, message) for message in error.messages])
    if "\x00" in text:
        return ImportPlan(
            problems=[Problem(None, _("Die Datei enthält Binärdaten und ist keine CSV-Datei."))],
            encoding=encoding,
        )
    plan = parse(text)
    plan.encoding = encoding
    if plan.ok:
        _decide(plan)
    return plan
