"""What the apps hand the site-wide layer (DESIGN §2), without anything below naming an app above.

Each app declares its contributions on its AppConfig:

- ``contributes``: kind -> dotted path of what it hands over. Kinds read by ``ratsportal``:
  ``"workspace"`` (a function ``request -> HTML or ""``: the app's sections of the work area),
  ``"sitemaps"`` (a dict name -> Sitemap class), ``"search_sources"`` (a list of
  ``portal.search.Source``), ``"search_groups"`` (a dict: type filter key -> label).
- ``page_cache``: True when public pages show the app's tables, so a write to them invalidates
  the page cache (``portal.pagecache``); ``page_cache_ignored`` names models of the app that no
  public page shows; ``page_cache_parameters`` the query parameters its public pages read (the
  page cache drops all others from anonymous requests, so they neither bypass it nor end up in
  a cached page); ``page_cache_rows`` families of models whose rows belong to one object (name
  -> model names), for pages scoped to one object (``pagecache.scope``).
- ``role_permissions``: role -> codenames of the app's model permissions (``portal.roles``).
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


def contributions(kind: str) -> list[Any]:
    """What the installed apps contribute of one kind, in INSTALLED_APPS order."""
    return [
        import_string(config.contributes[kind])
        for config in apps.get_app_configs()
        if kind in getattr(config, "contributes", {})
    ]


def page_cache_configs() -> list[AppConfig]:
    return [config for config in apps.get_app_configs() if getattr(config, "page_cache", False)]


def role_permissions(app_label: str) -> dict[str, list[str]]:
    return getattr(apps.get_app_config(app_label), "role_permissions", {})


def apps_with_roles() -> list[str]:
    return [
        config.label
        for config in apps.get_app_configs()
        if getattr(config, "role_permissions", None)
    ]
