from django import template

from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render Markdown through the portal's sanitiser: {{ page.body|markdown }}."""
    return render_markdown(text)
