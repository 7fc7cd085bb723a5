from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.roles import APPROVER, COUNCIL_MEMBER, COUNCIL_OFFICE, PREVENTION_OFFICE


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Ratsportal")
    # What the app hands the site-wide layer: see portal/registry.py.
    page_cache = True
    role_permissions = {
        COUNCIL_MEMBER: [],
        COUNCIL_OFFICE: [
            "view_organization",
            "view_person",
            "view_membership",
            "add_meeting",
            "change_meeting",
            "view_meeting",
            "add_agendaitem",
            "change_agendaitem",
            "delete_agendaitem",
            "view_agendaitem",
            "add_location",
            "change_location",
            "view_location",
            "add_attachment",
            "view_attachment",
        ],
        PREVENTION_OFFICE: [
            "add_organization",
            "change_organization",
            "view_organization",
            "add_person",
            "change_person",
            "view_person",
            "add_membership",
            "change_membership",
            "delete_membership",
            "view_membership",
            "add_meeting",
            "change_meeting",
            "view_meeting",
            "add_agendaitem",
            "change_agendaitem",
            "delete_agendaitem",
            "view_agendaitem",
            "add_location",
            "change_location",
            "view_location",
            "add_attachment",
            "change_attachment",
            "view_attachment",
        ],
        APPROVER: ["view_organization", "view_person", "view_membership", "view_meeting"],
    }

    def ready(self):
        from portal import pagecache

        pagecache.connect_signals()
