"""Stored search vectors for the German full-text search (portal/search.py), PostgreSQL only.

0005 indexed expressions: the index finds the matches, but ranking them (ts_rank) and every
condition the planner evaluates on the rows recomputes `to_tsvector` from the text, row by row,
which made a search on a large database take seconds. A stored generated column holds the vector
once, written by PostgreSQL itself on every insert and update, and the GIN index (same names as
before) is built on the column. The ORM does not know the column: portal/search.py reads it by
name. SQLite has neither; its search is a simpler fallback.
"""

from django.db import migrations

COLUMN = "search_vector"

# table: (index name, vector expression) – the same expressions 0005 indexed.
VECTORS = {
    "requests_app_motion": (
        "motion_search_gin",
        "setweight(to_tsvector('german'::regconfig, COALESCE(reference, '')), 'A') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(title, '')), 'A') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(text, '')), 'B') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(reasoning, '')), 'B')",
    ),
    "requests_app_question": (
        "question_search_gin",
        "setweight(to_tsvector('german'::regconfig, COALESCE(text, '')), 'B')",
    ),
    "requests_app_answerreport": (
        "answerreport_search_gin",
        "setweight(to_tsvector('german'::regconfig, COALESCE(title, '')), 'A') || "
        "setweight(to_tsvector('german'::regconfig, COALESCE(summary, '')), 'B')",
    ),
    "requests_app_answer": (
        "answer_search_gin",
        "setweight(to_tsvector('german'::regconfig, COALESCE(text, '')), 'B')",
    ),
}


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (index, expression) in VECTORS.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({COLUMN})")
        schema_editor.execute(f"ANALYZE {table}")


def drop_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (index, expression) in VECTORS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}"
        )  # its index too
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (({expression}))")


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0006_pdf_sha512")]

    operations = [migrations.RunPython(add_columns, drop_columns)]
