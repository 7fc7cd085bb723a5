from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.translation import get_language

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


# --- the page frame: rendered once per process -------------------------------------------------

# Bumped when a test overrides settings (URLs, static files, the city's name change the output).
_settings_generation = [0]


@receiver(setting_changed)
def _forget_rendered_once(**kwargs) -> None:
    _settings_generation[0] += 1


class RenderOnceNode(template.Node):
    """Output that depends only on the code, the settings, the language and the values named
    (never on the data or the visitor): rendered once per process and reused."""

    MAX_ENTRIES = 256  # the values named are few (e.g. the view's name): a bound, not a limit
    # Not searched for blocks (`{% extends %}` does on every page): none may be inside.
    child_nodelists = ()

    def __init__(self, nodelist, vary_on):
        self.nodelist = nodelist
        self.vary_on = vary_on
        self.rendered = {}

    def render(self, context):
        key = (
            get_language(),
            get_script_prefix(),
            _settings_generation[0],
            *(str(value.resolve(context)) for value in self.vary_on),
        )
        html = self.rendered.get(key)
        if html is None:
            if len(self.rendered) >= self.MAX_ENTRIES:
                self.rendered.clear()
            html = self.rendered[key] = self.nodelist.render(context)
        return html


@register.tag
def render_once(parser, token):
    """{% render_once request.resolver_match.view_name %}…{% endrender_once %}: for the parts of
    the page frame that are the same on every page (links, navigation, footer). Nothing inside
    may show data or depend on the visitor; what differs must be named after the tag."""
    vary_on = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endrender_once",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% render_once %} may hold no {% block %}.")
    return RenderOnceNode(nodelist, vary_on)
