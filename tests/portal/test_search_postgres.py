"""German full-text search on PostgreSQL: stemming, ranking, highlighted snippets, the index."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ratsportal.search import engine as search
from tests.factories import CouncilMeetingFactory, MotionFactory, discovery_report

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

GIN_INDEXES = [
    "motion_search_gin",
    "question_search_gin",
    "answerreport_search_gin",
    "answer_search_gin",
    "meeting_search_gin",
]


def titles(query, **filters):
    results = search.Results(query, per_page=50, **filters)
    return [hit.title for hit in search.hits(results[0:50], query)]


def test_stemming_finds_other_forms_of_a_word():
    MotionFactory(submitted=True, title="Leerstand", text="Das Haus an der Ecke steht leer.")
    MotionFactory(submitted=True, title="Quartiere", text="Sicherheit im Stadtteil Sonnenberg.")
    assert any("Leerstand" in title for title in titles("Häuser"))
    assert any("Quartiere" in title for title in titles("Stadtteilen"))


def test_a_match_in_the_title_ranks_above_a_match_in_the_text():
    MotionFactory(submitted=True, title="Allgemeines", text="Auch die Videoüberwachung kommt vor.")
    MotionFactory(submitted=True, title="Videoüberwachung am Markt", text="Kameras.")
    found = titles("Videoüberwachung")
    assert "Videoüberwachung am Markt" in found[0]


def test_snippets_highlight_the_stemmed_word():
    MotionFactory(submitted=True, title="Wohnen", text="Einbrüche in Häusern nehmen zu.")
    [hit] = search.hits(search.Results("Haus")[0:10], "Haus")
    assert "<mark>Häusern</mark>" in hit.snippet


def test_websearch_syntax_excludes_words():
    MotionFactory(submitted=True, title="Parks und Spielplätze", text="Parks")
    MotionFactory(submitted=True, title="Parks und Alkohol", text="Parks Alkohol")
    found = titles("Parks -Alkohol")
    assert len(found) == 1 and "Spielplätze" in found[0]


def test_an_edited_text_is_found_by_its_new_words():
    # The vector is a stored generated column: PostgreSQL rewrites it with the row.
    motion = MotionFactory(submitted=True, title="Spielplatz", text="Der Zaun ist kaputt.")
    motion.text = "Die Rutsche ist kaputt."
    motion.save()
    assert titles("Rutsche") == [str(motion)]
    assert titles("Zaun") == []


def test_every_source_is_answered_from_its_gin_index_and_its_stored_vector():
    # Enough rows that an index is worth it, and their statistics (ANALYZE works inside the
    # test's transaction). On a handful of rows the planner rightly reads the whole table or
    # prefers another index, so sequential scans are also switched off for this transaction:
    # the plan then shows whether the search's conditions can be answered from the GIN
    # indexes at all – which they cannot if the query stops matching the indexed column.
    call_command("seed_scale", motions=600, reports=60, meetings=200, years=2, force=True)
    motion = MotionFactory(registered=True, title="Xylophon", questions=["Wo ist das Xylophon?"])
    discovery_report(motion=motion, title="Bericht zum Xylophon", answer="Das Xylophon steht hier.")
    CouncilMeetingFactory(name="Sitzung", minutes="Über das Xylophon gesprochen.")
    with connection.cursor() as cursor:
        for table in ["requests_app_motion", "requests_app_question", "requests_app_answerreport"]:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE requests_app_answer")
        cursor.execute("ANALYZE portal_meeting")
        for index in GIN_INDEXES:
            # New rows wait in the index's pending list until a VACUUM; scanning it is slow.
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as queries:
        results = search.Results("Xylophon")
        assert len(results) == 5
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in GIN_INDEXES:
        assert index in plan
    assert "to_tsvector" not in plan  # ranked from the stored vectors, not recomputed
