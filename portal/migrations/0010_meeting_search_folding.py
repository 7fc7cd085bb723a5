"""Spell-folded search vector of KPR meetings (issue 19), like requests_app 0021: the stored
vector of 0006 is rebuilt from folded text (lower case, "ae"/"oe"/"ue" -> "ä"/"ö"/"ü",
"ß" -> "ss"; ratsportal/search/snippets.py `fold()`). PostgreSQL only."""

from django.db import migrations

INDEX = "meeting_search_gin"
FIELDS = [("name", "A"), ("minutes", "B")]


def fold(sql: str) -> str:
    sql = f"lower({sql})"
    for letters, umlaut in (("ae", "ä"), ("oe", "ö"), ("ue", "ü")):
        sql = f"replace({sql}, '{letters}', '{umlaut}')"
    return f"replace({sql}, 'ß', 'ss')"


def rebuild(folded: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        parts = []
        for name, weight in FIELDS:
            text = f"COALESCE({name}, '')"
            parts.append(
                f"setweight(to_tsvector('german'::regconfig, {fold(text) if folded else text}), "
                f"'{weight}')"
            )
        schema_editor.execute("ALTER TABLE portal_meeting DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            "ALTER TABLE portal_meeting ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({' || '.join(parts)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX} ON portal_meeting USING gin (search_vector)")
        schema_editor.execute("ANALYZE portal_meeting")

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0009_sessions")]

    operations = [migrations.RunPython(rebuild(folded=True), rebuild(folded=False))]
