"""Prevention council profile, measures, funding (issue 4)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("prevention", "0002_indicators")]

    operations = []
