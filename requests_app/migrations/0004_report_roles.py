from django.db import migrations

from portal.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "requests_app")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0003_answer_reports"),
        ("portal", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
