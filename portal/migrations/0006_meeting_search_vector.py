"""A stored search vector for KPR meetings (portal/search.py), PostgreSQL only.

Like requests_app 0007: the GIN index of 0005 on an expression becomes an index on a stored
generated column, so ranking a match reads the vector instead of recomputing it from the minutes.
The ORM does not know the column; SQLite has neither (its search is a simpler fallback).
"""

from django.db import migrations

INDEX = "meeting_search_gin"
EXPRESSION = (
    "setweight(to_tsvector('german'::regconfig, COALESCE(name, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, COALESCE(minutes, '')), 'B')"
)


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        "ALTER TABLE portal_meeting ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON portal_meeting USING gin (search_vector)")
    schema_editor.execute("ANALYZE portal_meeting")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE portal_meeting DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(f"CREATE INDEX {INDEX} ON portal_meeting USING gin (({EXPRESSION}))")


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_alert_subscriptions")]

    operations = [migrations.RunPython(add_column, drop_column)]
