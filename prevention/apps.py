from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "prevention"
    verbose_name = _("Prävention")
    # What the app hands the site-wide layer: see portal/registry.py.
    contributes = {
        "workspace": "prevention.workspace.section",
        "sitemaps": "prevention.sitemaps.SITEMAPS",
        "search_groups": "prevention.search.GROUPS",
        "search_sources": "prevention.search.SOURCES",
    }
    page_cache = True
    # Query parameters its public pages read (indicator and year choice, sorting, the pager,
    # the effect analysis' reference date and year counts).
    page_cache_parameters = (
        "kennzahl",
        "jahr",
        "sortierung",
        "richtung",
        "darstellung",
        "seite",
        "stichtag",
        "vorher",
        "nachher",
        "format",  # the CSV variant (German or international, portal/opendata.py)
    )
