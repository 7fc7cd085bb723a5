"""`make demo PORT=8123`: the demo's mail and calendar links point to port 8123, not 8000."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*args: str) -> list[str]:
    # No skip without make: the README's two commands are make targets, so make is always there.
    result = subprocess.run(
        ["make", "-n", "demo", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def test_make_demo_passes_its_port_into_the_links():
    lines = dry_run("PORT=8123")
    runserver = next(line for line in lines if "runserver" in line)
    assert runserver.startswith("PORTAL_BASE_URL=http://127.0.0.1:8123 ")
    assert runserver.endswith("runserver 127.0.0.1:8123")
    assert any(
        "PORTAL_BASE_URL=http://127.0.0.1:8123 " in line for line in lines if "loaddemo" in line
    )


def test_make_demo_keeps_an_explicit_base_url():
    lines = dry_run("PORT=8123", "PORTAL_BASE_URL=https://ratsportal.example.de")
    runserver = next(line for line in lines if "runserver" in line)
    assert runserver.startswith("PORTAL_BASE_URL=https://ratsportal.example.de ")


@pytest.mark.django_db
def test_calendar_links_use_the_base_url(demo, client, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8123"
    ics = client.get("/praeventionsrat/sitzungen.ics").content.decode()
    assert "http://127.0.0.1:8123/praeventionsrat/sitzungen/" in ics
    assert ":8000" not in ics
