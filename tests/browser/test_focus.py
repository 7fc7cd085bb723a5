"""One clearly visible focus style for everything a keyboard reaches (WCAG 2.4.7, 2.4.11)."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  return {outline: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor,
          offset: style.outlineOffset, shadow: style.boxShadow};
}"""


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_by_keyboard(page, locator) -> dict:
    """Tabs until `locator` has the focus, as a keyboard user would, and returns its focus style."""
    handle = locator.element_handle()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return page.evaluate(FOCUS_STYLE, handle)
    raise AssertionError(f"{locator} never got the focus by Tab")


def test_nav_link_input_and_button_share_one_strong_focus_outline(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    nav_link = page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Anträge"
    )
    search_field = page.get_by_label("Suchen in Anträgen, Antworten und Sitzungen")
    button = page.get_by_role("button", name="Suchen", exact=True)
    styles = {
        "Navigation": focus_by_keyboard(page, nav_link),
        "Eingabefeld": focus_by_keyboard(page, search_field),
        "Schaltfläche": focus_by_keyboard(page, button),
    }
    first = styles["Navigation"]
    for name, style in styles.items():
        assert style == first, (name, style, first)  # one style for all
        assert style["outline"] == "solid", name
        assert style["width"] == "3px", name
        assert style["shadow"] == "none", name  # no pale Bootstrap ring beside it
    navbar_background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    backgrounds = ["rgb(255, 255, 255)", "rgb(248, 249, 250)"]  # page, footer
    if navbar_background != "rgba(0, 0, 0, 0)":
        backgrounds.append(navbar_background)
    for background in backgrounds:
        assert contrast(first["color"], background) >= 3, (first["color"], background)


def test_focus_outline_also_on_a_phone_menu_and_a_select(page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/suche/?q=Test")
    toggler = page.get_by_role("button", name="Navigation ein- oder ausblenden")
    style = focus_by_keyboard(page, toggler)
    assert (style["outline"], style["width"], style["shadow"]) == ("solid", "3px", "none")
    select = page.get_by_label("Sortierung")
    style = focus_by_keyboard(page, select)
    assert (style["outline"], style["width"], style["shadow"]) == ("solid", "3px", "none")
