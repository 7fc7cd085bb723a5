from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.roles import APPROVER, COUNCIL_MEMBER, COUNCIL_OFFICE, PREVENTION_OFFICE

READ_PEOPLE = ["view_organization", "view_person", "view_membership"]
# Meetings with their agenda items and locations: the council office and the KPR office.
KEEP_MEETINGS = [
    *(f"{verb}_meeting" for verb in ("add", "change", "view")),
    *(f"{verb}_agendaitem" for verb in ("add", "change", "delete", "view")),
    *(f"{verb}_location" for verb in ("add", "change", "view")),
]


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Ratsportal")
    # What the app hands the site-wide layer: see portal/registry.py.
    page_cache = True
    role_permissions = {
        COUNCIL_MEMBER: [],
        COUNCIL_OFFICE: [*READ_PEOPLE, *KEEP_MEETINGS, "add_attachment", "view_attachment"],
        PREVENTION_OFFICE: [
            *(f"{verb}_organization" for verb in ("add", "change", "view")),
            *(f"{verb}_person" for verb in ("add", "change", "view")),
            *(f"{verb}_membership" for verb in ("add", "change", "delete", "view")),
            *KEEP_MEETINGS,
            *(f"{verb}_attachment" for verb in ("add", "change", "view")),
        ],
        APPROVER: [*READ_PEOPLE, "view_meeting"],
    }

    def ready(self):
        from portal import legal_texts, pagecache, throttle

        pagecache.connect_signals()
        _ = throttle, legal_texts  # the failed-login counter; the legal pages' deploy check
