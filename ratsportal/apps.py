from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatsportalConfig(AppConfig):
    """The top floor (DESIGN §2): settings, URLs and the site-wide pages that read every app.

    It has no models. Home, work area, search, sitemap, OParl and the operator's commands live
    here, so the apps below never name each other upwards.
    """

    name = "ratsportal"
    verbose_name = _("Ratsportal (seitenweit)")
    # Query parameters its public pages read (search, sitemap pages, OParl lists): the page
    # cache drops every other one (portal/pagecache.py).
    page_cache_parameters = (
        *("q", "typ", "jahr", "sortierung", "seite", "p"),
        *("page", "limit", "omit_internal"),
        *("created_since", "created_until", "modified_since", "modified_until"),
    )
