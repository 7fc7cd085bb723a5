"""axe-core (bundled by axe-playwright-python, runs offline) against a Playwright page."""

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> str:
    """axe's report of the WCAG 2.1 AA violations on the page; empty when there are none."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return results.generate_report() if results.violations_count else ""


def assert_no_axe_violations(page) -> None:
    report = axe_violations(page)
    assert not report, f"{page.url}\n{report}"
