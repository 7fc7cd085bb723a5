"""GIN indexes for the German full-text search (portal/search.py), on PostgreSQL only.

The expressions must stay identical to the vectors built in portal/search.py, or PostgreSQL
will not use them. SQLite has no such index; its search is a simpler fallback.
"""

from django.db import migrations

INDEXES = {
    "motion_search_gin": (
        "requests_app_motion",
        "setweight(to_tsvector('german'::regconfig, COALESCE(reference, '')), 'A') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(title, '')), 'A') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(text, '')), 'B') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(reasoning, '')), 'B')",
    ),
    "question_search_gin": (
        "requests_app_question",
        "setweight(to_tsvector('german'::regconfig, COALESCE(text, '')), 'B')",
    ),
    "answerreport_search_gin": (
        "requests_app_answerreport",
        "setweight(to_tsvector('german'::regconfig, COALESCE(title, '')), 'A') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(summary, '')), 'B')",
    ),
    "answer_search_gin": (
        "requests_app_answer",
        "setweight(to_tsvector('german'::regconfig, COALESCE(text, '')), 'B')",
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0004_report_roles")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
