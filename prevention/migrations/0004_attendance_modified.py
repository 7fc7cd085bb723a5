import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Attendance rows get a modification time: the attendance form's version is built from it
    (portal.concurrency.rows_version), so two people recording attendance cannot overwrite
    each other unnoticed."""

    dependencies = [("prevention", "0003_council")]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="modified",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="geändert"
            ),
            preserve_default=False,
        ),
    ]
