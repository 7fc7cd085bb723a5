"""Every German text users read has an English translation (the language switch offers English).

Extracts the messages from a copy of the sources with `makemessages` (needs GNU gettext, which
CI installs) and compares them with the committed catalogue: a new or changed German string
without translation fails here, with the list of missing ones."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "ratsportal" / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCES = ["portal", "prevention", "requests_app", "ratsportal", "templates", "manage.py"]


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def test_every_message_has_an_english_translation(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "locale")
            )
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1"},
    )
    extracted = polib.pofile(
        str(tmp_path / "ratsportal" / "locale" / "en" / "LC_MESSAGES" / "django.po")
    )
    committed = {_key(entry): entry for entry in polib.pofile(str(CATALOGUE))}

    missing = []
    for entry in (e for e in extracted if not e.obsolete):
        translated = committed.get(_key(entry))
        if (
            translated is None
            or translated.obsolete
            or "fuzzy" in translated.flags
            or not (translated.msgstr or all(translated.msgstr_plural.values()))
        ):
            missing.append(entry.msgid)
    assert not missing, f"{len(missing)} ohne englische Übersetzung: {missing[:20]}"


def test_the_compiled_catalogue_is_current():
    mo = CATALOGUE.with_suffix(".mo")
    compiled = {_key(e): e.msgstr for e in polib.mofile(str(mo))}
    source = {_key(e): e.msgstr for e in polib.pofile(str(CATALOGUE)).translated_entries()}
    assert {k: v for k, v in source.items() if k[1]} == {k: v for k, v in compiled.items() if k[1]}
