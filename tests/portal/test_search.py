"""Search (/suche/): published content only, filters, sorting, paging, snippets, query count,
the cap on counted matches.

These tests hold on SQLite (the fallback) and on PostgreSQL (full-text search); stemming and
ranking are in test_search_postgres.py.
"""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratsportal.search import engine as search
from tests.factories import CouncilMeetingFactory, MotionFactory, discovery_report

pytestmark = pytest.mark.django_db


def get_marked(client, **params):
    return client.get("/suche/", params).content.decode()


def get(client, **params):
    """The results page with the highlighting of matches removed (titles read as stored)."""
    return re.sub(r"</?mark>", "", get_marked(client, **params))


def test_finds_a_published_motion_by_a_word_of_its_text(client):
    MotionFactory(
        submitted=True,
        title="Streifen im Park",
        text="Wie oft patrouilliert der Stadtordnungsdienst?",
    )
    page = get(client, q="Stadtordnungsdienst")
    assert "Streifen im Park" in page
    assert "1 Treffer" in page


def test_finds_motions_by_their_questions_and_links_to_the_motion(client):
    motion = MotionFactory(registered=True, title="Beleuchtung", questions=["Wo fehlen Laternen?"])
    page = get(client, q="Laternen")
    assert "Frage 1" in page
    assert f"{motion.get_absolute_url()}#fragen" in page


def test_finds_public_kpr_meetings_by_their_minutes_but_not_private_ones(client):
    CouncilMeetingFactory(name="Sitzung März", minutes="Bericht zur Waffenverbotszone.")
    CouncilMeetingFactory(name="Geheime Sitzung", minutes="Waffenverbotszone intern.", public=False)
    page = get(client, q="Waffenverbotszone")
    assert "Sitzung März" in page
    assert "Geheime Sitzung" not in page


def test_never_finds_drafts_returned_or_confidential_motions(client):
    MotionFactory(title="Entwurf Drohnen", text="Drohnenabwehr")
    MotionFactory(registered=True, title="Vertraulich Drohnen", confidential=True)
    MotionFactory(submitted=True, title="Eingereicht Drohnen", text="Drohnenabwehr")
    page = get(client, q="Drohnen")
    assert "Eingereicht Drohnen" in page
    assert "Entwurf Drohnen" not in page
    assert "Vertraulich Drohnen" not in page


def test_filters_by_type_and_year_and_sorts_by_date(client):
    old = MotionFactory(submitted=True, title="Graffiti alt")
    old.submitted_at = datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC)
    old.save()
    MotionFactory(submitted=True, title="Graffiti neu")
    CouncilMeetingFactory(name="Sitzung Graffiti")
    assert "Sitzung Graffiti" not in get(client, q="Graffiti", typ="antraege")
    by_year = get(client, q="Graffiti", jahr="2020")
    assert "Graffiti alt" in by_year and "Graffiti neu" not in by_year
    by_date = get(client, q="Graffiti", typ="antraege", sortierung="datum")
    assert by_date.index("Graffiti neu") < by_date.index("Graffiti alt")


def test_pages_through_many_hits(client):
    for number in range(12):
        MotionFactory(submitted=True, title=f"Sperrmüll {number:02d}")
    first, second = get(client, q="Sperrmüll"), get(client, q="Sperrmüll", seite="2")
    assert "12 Treffer" in first
    assert "Seite 1 von 2" in first and "Seite 2 von 2" in second
    assert first.count('class="search-hit"') == 10 and second.count('class="search-hit"') == 2


def test_an_empty_result_says_so_and_suggests_what_to_try(client):
    page = get(client, q="Xylophonunterricht", jahr="2021")
    assert "haben wir nichts gefunden" in page
    assert "Ohne Filter nach Art und Jahr suchen" in page
    assert "weniger oder allgemeinere Wörter" in page


def test_a_bad_year_is_refused_with_a_german_message(client):
    MotionFactory(submitted=True, title="Müll")
    page = get(client, q="Müll", jahr="abc")
    assert "Bitte korrigieren Sie Ihre Eingaben" in page


def test_hostile_text_in_a_motion_never_becomes_markup_in_the_snippet(client):
    MotionFactory(
        submitted=True,
        title="Harmlos",
        text='Alarm <script>alert("x")</script> <img src=x onerror=alert(1)> Alarmanlage &lt;b&gt;',
    )
    page = get_marked(client, q="Alarm")
    assert "<script>alert" not in page
    assert not re.search(r"<img[^>]*onerror", page)
    assert "onerror=alert(1)&gt;" in page  # shown as text
    assert "<mark>Alarm</mark>" in page  # the match is highlighted


def test_snippets_escape_then_highlight():
    html = search.safe_snippet(f'<b>bold</b> {search.START}Treffer{search.STOP} "x" {search.START}')
    assert html.startswith("&lt;b&gt;bold&lt;/b&gt; <mark>Treffer</mark>")
    assert html.count("<mark>") == html.count("</mark>")


def test_the_query_count_does_not_grow_with_the_matches(client):
    def queries_for_a_search(expected):
        with CaptureQueriesContext(connection) as queries:
            assert expected in get(client, q="Fahrradwache")
        return len(queries)

    MotionFactory.create_batch(5, submitted=True, title="Fahrradwache", questions=[])
    few = queries_for_a_search("5 Treffer")
    MotionFactory.create_batch(45, submitted=True, title="Fahrradwache", questions=[])
    assert queries_for_a_search("50 Treffer") == few
    # One query counts the matches and finds the page, one per source shown loads its rows.
    assert few <= 1 + len(search.sources())


def test_beyond_the_counted_matches_the_page_says_more_than(client, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    MotionFactory.create_batch(5, submitted=True, title="Laubbläser", questions=[])
    page = get(client, q="Laubbläser")
    assert "mehr als 3 Treffer" in page
    assert "Anträge und Anfragen: mehr als 3" in page
    assert page.count('class="search-hit"') == 3
    year = timezone.localdate().year
    assert f">{year}</option>" in page  # a year to choose, but no number that would be wrong


def test_a_year_finds_its_matches_even_beyond_the_counted_ones(client, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 2)
    MotionFactory.create_batch(3, submitted=True, title="Laubbläser neu", questions=[])
    old = MotionFactory(submitted=True, title="Laubbläser alt", questions=[])
    old.submitted_at = datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC)
    old.save()
    page = get(client, q="Laubbläser", jahr="2020")
    assert "1 Treffer" in page and "Laubbläser alt" in page


def test_sorting_by_date_shows_the_newest_even_beyond_the_counted_matches(client, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 2)
    for year in (2019, 2020, 2021):
        motion = MotionFactory(submitted=True, title=f"Laubbläser {year}", questions=[])
        motion.submitted_at = datetime.datetime(year, 5, 1, tzinfo=datetime.UTC)
        motion.save()
    MotionFactory(submitted=True, title="Laubbläser heute", questions=[])
    page = get(client, q="Laubbläser", sortierung="datum")
    assert page.index("Laubbläser heute") < page.index("Laubbläser 2021")


def test_the_search_form_is_linked_in_the_navigation(client):
    assert 'href="/suche/"' in client.get("/").content.decode()


def test_finds_published_reports_and_their_answers_but_not_reports_in_review(client):
    published = discovery_report(title="Bilanz Waffenverbot", answer="Die Quote stieg deutlich.")
    discovery_report(title="Entwurf Waffenverbot", answer="Quote intern", status="in_review")
    page = get(client, q="Waffenverbot")
    assert "Bilanz Waffenverbot" in page and "Entwurf Waffenverbot" not in page
    answers = get(client, q="Quote", typ="berichte")
    assert "Antwort auf Frage 1" in answers
    assert published.get_absolute_url() in answers
    assert "intern" not in answers


def test_snippets_show_reading_text_not_markdown_syntax(client):
    MotionFactory(
        submitted=True, text="### Ausgangslage\n\n- **Laternenmast** am [Markt](https://x.example)"
    )
    page = get(client, q="Laternenmast")
    snippet = page[page.index('class="search-snippet') :][:300]
    assert "Laternenmast" in snippet and "Markt" in snippet
    assert "###" not in snippet and "**" not in snippet and "x.example" not in snippet


@pytest.mark.parametrize("query", ['"offen & | ! (', "-", "die der das", "a" * 200])
def test_odd_queries_answer_without_error(client, query):
    MotionFactory(submitted=True, title="Offen")
    response = client.get("/suche/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("unit", ["[", "](", "![", "[a]("])
def test_snippet_text_grows_linearly_with_hostile_markdown(unit):
    """A motion text of 40,000 "[" made every search that found it take seconds: the link
    pattern backtracked over the rest of the text from each bracket. Ten times the text must
    cost about ten times as much (quadratic: a hundred times), measured as a ratio in one run."""
    from ratsportal.search.snippets import plain

    def cost(repeat: int) -> float:
        text = "Laternenpfahl " + unit * repeat
        runs = []
        for _attempt in range(3):
            started = time.perf_counter()
            plain(text)
            runs.append(time.perf_counter() - started)
        return min(runs)

    small, large = cost(4_000), cost(40_000)
    assert large < 40 * max(small, 1e-4)
    assert plain("[Karte](https://example.org/a_(b)) und **fett**") == "Karte und fett"


# --- spelling variants, references, highlighting (issue 19) ----------------------------------


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Straßenkriminalität am Bahnhof", "Strassenkriminalitaet"),
        ("Strassenkriminalitaet am Bahnhof", "Straßenkriminalität"),
        ("Übergriffe in Grünanlagen", "uebergriffe gruenanlagen"),
        ("Öffentliche Toiletten", "OEFFENTLICHE"),
    ],
)
def test_umlauts_and_their_transliterations_find_each_other(client, stored, query):
    MotionFactory(submitted=True, title="Sicherheit", text=f"Wie entwickelt sich {stored}?")
    page = get_marked(client, q=query)
    assert "1 Treffer" in page, query
    assert "<mark>" in page


def test_the_umlaut_folding_keeps_other_words_apart(client):
    MotionFactory(submitted=True, title="Steuer", text="Die Steuer steigt.")
    MotionFactory(submitted=True, title="Stör", text="Die Störung ist behoben.")
    page = get_marked(client, q="Steuer")
    assert "<mark>Steuer</mark> steigt" in page and "1 Treffer" in page
    assert "0 Treffer" in get(client, q="Gruenanlagen")


def test_report_hits_show_their_motion_reference(client):
    report = discovery_report(title="Bilanz Waffenverbot", answer="Die Quote stieg deutlich.")
    reference = report.motion.reference
    assert reference
    page = get_marked(client, q="Waffenverbot")
    titles = re.findall(r'<h2><a href="[^"]*">(.*?)</a></h2>', page)
    assert f"{reference} – Bilanz <mark>Waffenverbot</mark>" in titles
    answers = get(client, q="Quote", typ="berichte")
    assert f"{reference} – Bilanz Waffenverbot – Antwort auf Frage 1" in answers


def test_titles_of_hits_highlight_the_match_and_escape_the_rest(client):
    MotionFactory(submitted=True, title='Alarm <b onmouseover="x">fett</b>', text="Text")
    page = get_marked(client, q="Alarm")
    assert '<mark>Alarm</mark> &lt;b onmouseover="x"&gt;fett&lt;/b&gt;' in page
    assert "<b onmouseover" not in page


def test_a_query_with_markup_is_shown_as_text(client):
    MotionFactory(submitted=True, title="Alarm", text="Alarm im Park")
    page = get_marked(client, q="Alarm <script>alert(1)</script> <mark>x")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert "<mark>x" not in page


def test_mark_highlights_every_spelling():
    html = search.mark("Straßenkriminalität & Strassenkriminalitaet", "strassenkriminalitaet")
    assert html == ("<mark>Straßenkriminalität</mark> &amp; <mark>Strassenkriminalitaet</mark>")


# --- kept per version of the data (issue 20) ------------------------------------------------


def test_a_repeated_search_reads_no_searched_table(uncached):
    MotionFactory.create_batch(3, submitted=True, title="Fahrradwache", questions=["Wann?"])
    first = get(uncached, q="Fahrradwache")
    with CaptureQueriesContext(connection) as queries:
        assert get(uncached, q="Fahrradwache") == first
    assert not [q for q in queries.captured_queries if "requests_app_" in q["sql"]]


def test_a_repeated_search_finds_a_new_publication_at_once(uncached):
    MotionFactory(submitted=True, title="Fahrradwache am Markt", questions=[])
    assert "1 Treffer" in get(uncached, q="Fahrradwache")
    MotionFactory(submitted=True, title="Fahrradwache im Park", questions=[])
    page = get(uncached, q="Fahrradwache")
    assert "2 Treffer" in page
    assert "Fahrradwache im Park" in page


def test_a_repeated_search_never_shows_an_unpublished_motion(uncached):
    motion = MotionFactory(registered=True, title="Fahrradwache am Markt", questions=[])
    assert "Fahrradwache am Markt" in get(uncached, q="Fahrradwache")
    motion.confidential = True
    motion.save()
    assert "Fahrradwache am Markt" not in get(uncached, q="Fahrradwache")


def test_english_visitors_get_english_hit_titles(uncached):
    MotionFactory(submitted=True, title="Streife", questions=["Wie oft fährt die Fahrradwache?"])
    assert "Frage 1" in get(uncached, q="Fahrradwache")
    uncached.cookies["django_language"] = "en"
    page = get(uncached, q="Fahrradwache")
    assert "question 1" in page
    assert "Frage 1" not in page


def test_the_year_filter_follows_the_matches_of_a_repeated_search(uncached):
    MotionFactory(submitted=True, title="Laubbläser", questions=[])
    year = timezone.localdate().year
    assert f">{year} (1)</option>" in get(uncached, q="Laubbläser")
    MotionFactory(submitted=True, title="Laubbläser neu", questions=[])
    assert f">{year} (2)</option>" in get(uncached, q="Laubbläser")
