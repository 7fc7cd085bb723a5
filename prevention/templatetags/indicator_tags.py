"""Formatting of indicator figures: withheld values, missing values, changes. Plain numbers use
the portal's filters (`{% load portal_tags %}`: number, count, euro, percent)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal import formats
from prevention.figures import measure_places

register = template.Library()

WITHHELD_FOOTNOTE_ID = "fussnote-zurueckgehalten"


def _withheld() -> str:
    return format_html(
        '<span aria-hidden="true">.</span><span class="visually-hidden">{}</span>'
        '<sup><a href="#{}" class="footnote-ref" title="{}">1</a></sup>',
        _("zurückgehalten"),
        WITHHELD_FOOTNOTE_ID,
        _("kleine Fallzahl, zurückgehalten"),
    )


def _missing() -> str:
    return format_html(
        '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
        _("keine Angabe"),
    )


def _staff_marker(text: str) -> str:
    return format_html(
        '{} <span class="badge text-bg-warning">{}</span>', text, _("öffentlich „.“")
    )


def _show(figure, number, places: int) -> str:
    if figure is None:
        return _missing()
    if number is None:
        return _withheld() if figure.withheld else _missing()
    text = formats.number(number, places)
    return _staff_marker(text) if figure.withheld else text


def _value_places(figure) -> int:
    # A Häufigkeitszahl belongs to counts only, so a value has its measure's decimal places.
    return measure_places(figure.indicator) if figure is not None else 0


@register.filter
def figure_value(figure) -> str:
    """The value as the reader may see it: a number, "." (withheld) or "–" (no value)."""
    return _show(figure, figure.value if figure else None, _value_places(figure))


@register.filter
def figure_rate(figure) -> str:
    """The Häufigkeitszahl of a figure, withheld together with its count."""
    return _show(figure, figure.rate if figure else None, 0)


@register.filter
def figure_measure(figure) -> str:
    if figure is not None and figure.indicator.per_100k:
        return figure_rate(figure)
    return figure_value(figure)


@register.filter
def change_display(change, indicator=None) -> str:
    """+5,3 % (or +2,1 Prozentpunkte for percentages); "–" when there is nothing to compare."""
    if change is None:
        return _missing()
    if indicator is not None and indicator.kind == indicator.Kind.PERCENT:
        number, unit = change.absolute, _("Pp.")
        places = 1
    elif change.percent is None:
        return _missing()
    else:
        number, unit, places = change.percent, "%", 1
    sign = "+" if number > 0 else "−" if number < 0 else "±"
    return format_html("{}{}\u00a0{}", sign, formats.number(abs(number), places), unit)


@register.simple_tag
def withheld_footnote_id() -> str:
    return WITHHELD_FOOTNOTE_ID
