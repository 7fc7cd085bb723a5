from django import template

from portal import formats
from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render Markdown through the portal's sanitiser: {{ page.body|markdown }}."""
    return render_markdown(text)


# --- formatting (portal/formats.py) -----------------------------------------------------------


@register.filter(name="number")
def number_filter(value, places=0) -> str:
    return formats.number(value, int(places))


@register.filter(name="exact")
def exact_filter(value) -> str:
    return formats.exact(value)


@register.filter(name="count")
def count_filter(value) -> str:
    return formats.count(value)


@register.filter(name="euro")
def euro_filter(amount, places=0) -> str:
    return formats.euro(amount, int(places))


@register.filter(name="bind_units", is_safe=True)
def bind_units_filter(text: str) -> str:
    """No line break between a figure and its unit: {{ answer|markdown|bind_units }}."""
    return formats.bind_units(text)


@register.filter(name="percent")
def percent_filter(value, places=1) -> str:
    return formats.percent(value, int(places))
