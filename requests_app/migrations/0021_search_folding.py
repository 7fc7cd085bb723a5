"""Spell-folded search vectors (issue 19): "Strassenkriminalitaet" finds "Straßenkriminalität".

The stored vectors of 0007 are rebuilt from folded text: lower case, "ae"/"oe"/"ue" become
"ä"/"ö"/"ü", "ß" becomes "ss" (ratsportal/search/snippets.py `fold()`, which folds the query the
same way). The German stemmer then drops the umlauts, so "Häuser" still finds "Haus". Only
immutable built-ins (lower, replace): no extension, no function of our own. PostgreSQL only;
SQLite folds in its fallback search.
"""

from django.db import migrations

COLUMN = "search_vector"
FIELDS = {
    "requests_app_motion": (
        "motion_search_gin",
        [("reference", "A"), ("title", "A"), ("text", "B"), ("reasoning", "B")],
    ),
    "requests_app_question": ("question_search_gin", [("text", "B")]),
    "requests_app_answerreport": ("answerreport_search_gin", [("title", "A"), ("summary", "B")]),
    "requests_app_answer": ("answer_search_gin", [("text", "B")]),
}


def fold(sql: str) -> str:
    sql = f"lower({sql})"
    for letters, umlaut in (("ae", "ä"), ("oe", "ö"), ("ue", "ü")):
        sql = f"replace({sql}, '{letters}', '{umlaut}')"
    return f"replace({sql}, 'ß', 'ss')"


def vector(fields, folded: bool) -> str:
    parts = []
    for name, weight in fields:
        text = f"COALESCE({name}, '')"
        parts.append(
            f"setweight(to_tsvector('german'::regconfig, {fold(text) if folded else text}), "
            f"'{weight}')"
        )
    return " || ".join(parts)


def rebuild(folded: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, (index, fields) in FIELDS.items():
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
                f"GENERATED ALWAYS AS ({vector(fields, folded)}) STORED"
            )
            schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({COLUMN})")
            schema_editor.execute(f"ANALYZE {table}")

    return run


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0020_motion_document")]

    operations = [migrations.RunPython(rebuild(folded=True), rebuild(folded=False))]
