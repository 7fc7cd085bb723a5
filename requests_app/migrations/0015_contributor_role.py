from django.db import migrations

from portal.roles import grant_role_permissions


def grant(apps, schema_editor):
    """Create the new `contributor` group (portal.roles.ROLES) with the app's current table."""
    grant_role_permissions(apps, "requests_app")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0014_contributions"),
        ("portal", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
