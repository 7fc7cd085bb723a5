"""The indicator importer with real-world files: good variants, a table of bad files, 20,000 rows,
re-import, revisions, and the management command."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from prevention.importers import Action, plan_import
from prevention.models import ImportBatch, IndicatorValue, IndicatorValueRevision
from prevention.services import import_file

DATA = Path(__file__).parent / "data"
HEADER = "district;indicator;period;value;note\n"

pytestmark = pytest.mark.django_db


def run(text: str | bytes, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return import_file(data=data, file_name="test.csv", **kwargs)


def value_of(key: str, number: str | None, year: int = 2023) -> Decimal:
    values = IndicatorValue.objects.filter(indicator__key=key, year=year)
    if number is None:
        return values.get(district__isnull=True).value
    return values.get(district__number=number).value


# --- files that are fine --------------------------------------------------------------------


def test_excel_export_in_windows_1252_with_german_header_is_imported():
    plan, batch = run((DATA / "excel_windows1252.csv").read_bytes())
    assert plan.ok, plan.problems
    assert plan.encoding == "Windows-1252"
    assert batch.status == ImportBatch.Status.IMPORTED
    assert value_of("pks.890000", "01") == 3912  # "3.912" is a thousands point in a count
    assert value_of("survey.safe_at_night", "02") == Decimal("61.5")  # Schloßchemnitz
    assert value_of("pks.890000.clearance", "12") == Decimal("58.4")  # Glösa-Draisdorf
    city = IndicatorValue.objects.get(indicator__key="pks.890000", district__isnull=True)
    assert city.value == 20744
    assert city.note == "einschließlich Fälle ohne Tatortangabe"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + HEADER.encode() + b"02;pks.890000;2023;12;\n", id="bom"),
        pytest.param(
            ("district,indicator,period,value\nSchloßchemnitz,pks.890000,2023,12\n").encode(),
            id="comma-utf8",
        ),
        pytest.param(
            (b'district,indicator,period,value\n02,survey.safe_at_night,2023,"61,5"\n'),
            id="comma-delimiter-quoted-decimal-comma",
        ),
        pytest.param(
            b"district;indicator;period;value\nschlosschemnitz;PKS.890000;2023;12\n",
            id="name-without-sharp-s-key-upper-case",
        ),
        pytest.param(
            (HEADER + "2;pks.890000;2023-Q1;3\n").encode("utf-16"), id="utf16-quarter-one-digit"
        ),
    ],
)
def test_file_variants_are_accepted(data):
    plan, _batch = run(data)
    assert plan.ok, [str(problem) for problem in plan.problems]
    assert IndicatorValue.objects.filter(district__number="02").count() == 1


# --- files that are refused -----------------------------------------------------------------

BAD_FILES = [
    ("tab-delimiter", "district\tindicator\tperiod\tvalue\n01\tpks.890000\t2023\t5\n",
     ["Zeile 1", "Tabulator"]),
    ("unknown-district", HEADER + "01;pks.890000;2023;5;\nAtlantis;pks.890000;2023;7;\n",
     ["Zeile 3", "Stadtteil „Atlantis“ ist unbekannt"]),
    ("unknown-number", HEADER + "77;pks.890000;2023;5;\n", ["Zeile 2", "„77“"]),
    ("unknown-indicator", HEADER + "01;pks.123456;2023;5;\n",
     ["Zeile 2", "Kennzahl „pks.123456“ ist unbekannt"]),
    ("duplicate-row",
     HEADER + "01;pks.890000;2023;5;\n02;pks.890000;2023;6;\nZentrum;pks.890000;2023;5;\n",
     ["Zeile 4", "doppelte Zeile", "Zeile 2"]),
    ("empty-value", HEADER + "01;pks.890000;2023;;\n", ["Zeile 2", "Wert fehlt"]),
    ("withheld-dot-in-source", HEADER + "01;pks.890000;2023;.;\n", ["Zeile 2", "Wert fehlt"]),
    ("text-in-number-column", HEADER + "01;pks.890000;2023;k.A.;\n",
     ["Zeile 2", "„k.A.“ ist keine Zahl"]),
    ("fraction-in-count", HEADER + "01;pks.890000;2023;12,5;\n",
     ["Zeile 2", "nur ganze Zahlen"]),
    ("negative-count", HEADER + "01;pks.890000;2023;-4;\n", ["Zeile 2", "nur ganze Zahlen"]),
    ("percent-above-100", HEADER + "01;survey.safe_at_night;2023;140;\n",
     ["Zeile 2", "zwischen 0 und 100"]),
    ("bad-period", HEADER + "01;pks.890000;23/24;5;\n", ["Zeile 2", "Zeitraum „23/24“"]),
    ("year-out-of-range", HEADER + "01;pks.890000;1890;5;\n", ["Zeile 2", "1890"]),
    ("unquoted-decimal-comma-with-comma-delimiter",
     "district,indicator,period,value\n01,survey.safe_at_night,2023,61,5\n",
     ["Zeile 2", "5 Felder statt 4", "Anführungszeichen"]),
    ("missing-column", "district;indicator;value\n01;pks.890000;5\n", ["Zeile 1", "period"]),
    ("unknown-column", HEADER.strip() + ";extra\n01;pks.890000;2023;5;;x\n",
     ["Zeile 1", "unbekannte Spalte „extra“"]),
    ("unclosed-quote", HEADER + '01;pks.890000;2023;"5;\n', ["Zeile", "Anführungszeichen"]),
    ("header-only", HEADER, ["keine Datenzeilen"]),
    ("empty-file", "", ["leer"]),
    ("too-many-decimals", HEADER + "01;survey.safe_at_night;2023;61,12345;\n",
     ["Zeile 2", "Nachkommastellen"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in BAD_FILES])
def test_bad_file_is_refused_with_line_numbered_german_message(text, expected):
    before = IndicatorValue.objects.count()
    plan, batch = run(text)
    messages = " ".join(str(problem) for problem in plan.problems)
    assert not plan.ok
    for part in expected:
        assert part in messages, messages
    assert IndicatorValue.objects.count() == before  # nothing half-imported
    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.errors


def test_excel_workbook_is_refused_with_a_hint():
    plan, _batch = run(b"PK\x03\x04" + b"\x00" * 50)
    assert "Excel-Arbeitsmappe" in str(plan.problems[0])


def test_bytes_that_are_no_known_encoding_are_refused():
    plan, _batch = run(HEADER.encode() + b"01;pks.890000;2023;5;\x81\x8d\n")
    assert not plan.ok
    assert "UTF-8" in str(plan.problems[0])


def test_one_bad_line_among_good_ones_imports_nothing():
    good = "".join(f"{n:02d};pks.890000;2023;{n};\n" for n in (1, 2, 11, 12, 13))
    plan, _batch = run(HEADER + good + "14;pks.890000;2023;zwölf;\n")
    assert [problem.line for problem in plan.problems] == [7]
    assert not IndicatorValue.objects.exists()


def test_row_without_trailing_empty_note_is_accepted():
    plan, _batch = run(HEADER + "01;pks.890000;2023;5\n")
    assert plan.ok


def test_every_problem_is_reported_not_only_the_first():
    text = HEADER + "Atlantis;pks.890000;2023;5;\n01;pks.x;2023;5;\n02;pks.890000;2023;x;\n"
    plan, _batch = run(text)
    assert [problem.line for problem in plan.problems] == [2, 3, 4]


# --- large files, re-import, revisions -------------------------------------------------------


def big_file(rows: int = 20_000, bump: int = 0) -> bytes:
    """20,000 distinct rows: 39 districts + city, 10 indicators, 50 years (quarters too)."""
    from prevention.models import District, Indicator

    places = [d.number for d in District.objects.order_by("number")] + ["Stadt"]
    keys = [i.key for i in Indicator.objects.filter(kind="count").order_by("key")]
    lines = [HEADER]
    count = 0
    for year in range(1990, 2026):
        for quarter in ("", "-Q1", "-Q2", "-Q3", "-Q4"):
            for key in keys:
                for place in places:
                    if count == rows:
                        return "".join(lines).encode()
                    lines.append(f"{place};{key};{year}{quarter};{count % 997 + bump};\n")
                    count += 1
    raise AssertionError("not enough combinations")


def test_twenty_thousand_rows_import_and_reimport_is_a_no_op(django_assert_max_num_queries):
    data = big_file()
    plan, batch = run(data)
    assert plan.ok, plan.problems[:3]
    assert batch.rows_new == 20_000
    assert IndicatorValue.objects.count() == 20_000
    snapshot = sorted(IndicatorValue.objects.values_list("pk", "value", "modified", "batch_id"))

    with django_assert_max_num_queries(30):
        plan, second = run(data)
    assert (second.rows_new, second.rows_changed, second.rows_unchanged) == (0, 0, 20_000)
    assert (
        sorted(IndicatorValue.objects.values_list("pk", "value", "modified", "batch_id"))
        == snapshot
    )
    assert not IndicatorValueRevision.objects.exists()


def test_changed_value_keeps_the_old_one_as_revision_with_the_changing_batch():
    first_plan, first = run(
        HEADER + "01;pks.890000;2023;100;erste Lieferung\n02;pks.890000;2023;50;\n"
    )
    assert first_plan.ok
    _plan, second = run(HEADER + "01;pks.890000;2023;120;korrigiert\n02;pks.890000;2023;50;\n")
    assert (second.rows_new, second.rows_changed, second.rows_unchanged) == (0, 1, 1)
    value = IndicatorValue.objects.get(indicator__key="pks.890000", district__number="01")
    assert (value.value, value.note, value.batch) == (120, "korrigiert", second)
    revision = value.revisions.get()
    assert (revision.value, revision.note) == (100, "erste Lieferung")
    assert revision.batch == first  # where the old value came from
    assert revision.replaced_by == second  # the import that changed it
    unchanged = IndicatorValue.objects.get(indicator__key="pks.890000", district__number="02")
    assert unchanged.batch == first and not unchanged.revisions.exists()


def test_file_without_note_column_keeps_stored_notes():
    run(HEADER + "01;pks.890000;2023;100;Hinweis\n")
    _plan, batch = run("district;indicator;period;value\n01;pks.890000;2023;100\n")
    assert batch.rows_unchanged == 1
    assert IndicatorValue.objects.get().note == "Hinweis"


def test_dry_run_writes_nothing():
    plan, batch = run(HEADER + "01;pks.890000;2023;100;\n", dry_run=True)
    assert plan.ok and batch is None
    assert plan.count(Action.NEW) == 1
    assert not IndicatorValue.objects.exists()
    assert not ImportBatch.objects.exists()


def test_plan_import_reads_only(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        plan = plan_import((HEADER + "01;pks.890000;2023;100;\n").encode())
    assert plan.ok


# --- the management command --------------------------------------------------------------


def test_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "pks.csv"
    path.write_text(HEADER + "01;pks.890000;2023;100;\nStadt;pks.890000;2023;900;\n")
    call_command("import_indicators", str(path))
    assert "2 neu, 0 geändert, 0 unverändert" in capsys.readouterr().out
    assert IndicatorValue.objects.count() == 2


def test_command_dry_run_shows_changes_and_saves_nothing(tmp_path, capsys):
    path = tmp_path / "pks.csv"
    path.write_text(HEADER + "01;pks.890000;2023;100;\n")
    call_command("import_indicators", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Zeile 2: pks.890000 Zentrum 2023: 100" in out
    assert "Probelauf, nichts gespeichert" in out
    assert not IndicatorValue.objects.exists()


def test_command_refuses_bad_file_with_line_numbers(tmp_path, capsys):
    path = tmp_path / "pks.csv"
    path.write_text(HEADER + "01;pks.890000;2023;100;\nAtlantis;pks.890000;2023;1;\n")
    with pytest.raises(CommandError, match="nichts wurde geändert"):
        call_command("import_indicators", str(path))
    assert "Zeile 3: Stadtteil „Atlantis“ ist unbekannt." in capsys.readouterr().err
    assert not IndicatorValue.objects.exists()
