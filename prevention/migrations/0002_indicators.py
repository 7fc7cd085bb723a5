"""Indicators, values, revisions, import batches (issue 5)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]

    operations = []
