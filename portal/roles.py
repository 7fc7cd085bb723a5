"""The portal's roles (Django groups, DESIGN §1) and the model permissions each holds.

Each app lists the permissions on its own models here under its label; its data migration
calls `grant_role_permissions(apps, "<app_label>")` so the groups always match this table.
"""

from django.utils.translation import gettext_lazy as _

COUNCIL_MEMBER = "council_member"
COUNCIL_OFFICE = "council_office"
PREVENTION_OFFICE = "prevention_office"
APPROVER = "approver"

ROLES = {
    COUNCIL_MEMBER: _("Ratsmitglied"),
    COUNCIL_OFFICE: _("Ratsbüro"),
    PREVENTION_OFFICE: _("Geschäftsstelle KPR"),
    APPROVER: _("Dezernatsleitung"),
}

# app label -> role -> codenames of that app's model permissions
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "portal": {
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
    },
    # Motions are drafted and moved through their workflow on the portal's own pages (services
    # check faction and role there); these are the admin permissions on top.
    "requests_app": {
        COUNCIL_MEMBER: [],
        COUNCIL_OFFICE: [
            "view_motion",
            "change_motion",
            "view_question",
            "view_motionevent",
            "view_referencecounter",
            "view_deadlinereminder",
        ],
        PREVENTION_OFFICE: [
            "view_motion",
            "view_question",
            "view_motionevent",
            # answer reports are written on the work area's pages; the admin only shows them
            "view_answerreport",
            "view_answer",
            "view_exhibit",
        ],
        APPROVER: [
            "view_motion",
            "view_question",
            "view_motionevent",
            "view_answerreport",
            "view_answer",
            "view_exhibit",
        ],
    },
}


def grant_role_permissions(apps, app_label: str) -> None:
    """Create the role groups if missing and give them the table's permissions for one app."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after `migrate`; data migrations need them earlier.
    app_config = apps.get_app_config(app_label)
    stub = getattr(app_config, "models_module", None) is None  # a migration AppConfigStub
    if stub:
        app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    if stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.get(app_label, {}).items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(wanted.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*wanted)
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def ensure_roles() -> None:
    """Recreate the role groups and their permissions outside migrations (tests, repairs)."""
    from django.apps import apps

    for app_label in ROLE_PERMISSIONS:
        grant_role_permissions(apps, app_label)
