"""The work area's entry page asks each app for its sections (``contributes["workspace"]``)."""

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from portal.registry import contributions


def sections(request: HttpRequest) -> list[SafeString]:
    """The rendered sections of every app, in INSTALLED_APPS order; empty ones are left out."""
    rendered = (section(request) for section in contributions("workspace"))
    return [mark_safe(html) for html in rendered if html.strip()]
