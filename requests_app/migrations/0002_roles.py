from django.db import migrations


def grant(apps, schema_editor):
    """Nothing here any more: `grant_role_permissions` grants the app's whole current table, which
    names models created later (0003), so the grant runs once all of them exist (0004)."""


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0001_initial"),
        ("portal", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
