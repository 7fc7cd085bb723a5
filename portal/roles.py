"""The portal's roles (Django groups, DESIGN §1) and the model permissions each holds.

Role names live here, nothing else: each app lists the permissions on its own models in its
AppConfig (`role_permissions`, see portal/registry.py), and its data migration calls
`grant_role_permissions(apps, "<app_label>")` so the groups always match that table.
"""

from django.utils.translation import gettext_lazy as _

from portal import registry

COUNCIL_MEMBER = "council_member"
COUNCIL_OFFICE = "council_office"
PREVENTION_OFFICE = "prevention_office"
APPROVER = "approver"
# People of another department or an external partner (Polizeidirektion, Stadtordnungsdienst)
# who answer the contribution requests sent to their organization, and nothing else.
CONTRIBUTOR = "contributor"

ROLES = {
    COUNCIL_MEMBER: _("Ratsmitglied"),
    COUNCIL_OFFICE: _("Ratsbüro"),
    PREVENTION_OFFICE: _("Geschäftsstelle KPR"),
    APPROVER: _("Dezernatsleitung"),
    CONTRIBUTOR: _("Zuarbeit"),
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
    for role, codenames in registry.role_permissions(app_label).items():
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

    for app_label in registry.apps_with_roles():
        grant_role_permissions(apps, app_label)
