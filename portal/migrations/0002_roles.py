from django.db import migrations

from portal.roles import grant_role_permissions


def create_roles(apps, schema_editor):
    grant_role_permissions(apps, "portal")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
