"""An exhibit's caption and table as the report shows them: one caption, figures and their
headers aligned right, every header cell with its scope (issue 19, "Reading figures")."""

import re

from django.template.loader import render_to_string

from requests_app import exhibits


def _table(head, rows):
    table = {"caption": "Werte zur Abbildung", "head": head, "rows": rows}
    exhibits._align(table)
    return table


def test_columns_of_figures_are_numeric_and_columns_of_words_are_not():
    meetings = _table(
        ["Datum", "Gremium", "Sitzung", "Stand"],
        [["22.08.2019", "Kommunaler Präventionsrat", "Konstituierende Sitzung", "durchgeführt"]],
    )
    assert exhibits.numeric_columns(meetings) == [False, False, False, False]
    measures = _table(
        ["Maßnahme", "Stadtteile", "Stand", "Förderung", "Eigenanteil"],
        [
            ["Streifen", "Zentrum", "laufend", "54.000,00\u00a0€", "6.000,00\u00a0€"],
            ["Netzwerk", "gesamtes Stadtgebiet", "laufend", "keine Förderung im Zeitraum", "–"],
            ["Summe", "", "", "54.000,00\u00a0€", "6.000,00\u00a0€"],
        ],
    )
    assert exhibits.numeric_columns(measures) == [False, False, False, True, True]
    years = _table(
        ["Stadtteil", "2017", "2018"], [["Zentrum", "13.516", "."], ["Euba", "–", "12,5"]]
    )
    assert exhibits.numeric_columns(years) == [False, True, True]
    effect = _table(
        ["Stadtteil", "Maßnahmen", "Verhältnis", "95-%-Intervall", "p (Holm)", "Bewertung"],
        [["Zentrum", "ja", "0,90", "0,85 bis 0,95", "< 0,001", "belastbar gesunken"]],
    )
    assert exhibits.numeric_columns(effect) == [False, False, True, True, True, False]


def test_a_year_header_stands_over_its_values_with_scope():
    exhibit = {
        "id": "abb-1",
        "number": 5,
        "title": "Straftaten insgesamt nach Stadtteilen und Jahren",
        "caption": "",
        "svg": "",
        "summary": "",
        "notes": [],
        "table": _table(["Stadtteil", "2017", "2018"], [["Zentrum", "13.516", "13.002"]]),
    }
    html = render_to_string("requests_app/_exhibit.html", {"exhibit": exhibit})
    assert '<th scope="col" class="num">2017</th>' in html
    assert '<th scope="row">Zentrum</th><td class="num">13.516</td>' in html
    assert '<th scope="col">Stadtteil</th>' in html
    assert len(re.findall(r"<th\b", html)) == len(re.findall(r"<th scope=\"(?:col|row)\"", html))


def test_an_exhibit_has_one_caption_the_authors_or_else_the_generated_one():
    exhibit = {
        "id": "abb-2",
        "number": 1,
        "title": "Straßenkriminalität im Zentrum 2018–2025",
        "caption": "Straßenkriminalität im Zentrum 2018–2025",
        "notes": [],
        "table": None,
    }
    html = render_to_string("requests_app/_exhibit.html", {"exhibit": exhibit})
    assert html.count("Straßenkriminalität im Zentrum 2018–2025") == 1
    html = render_to_string(
        "requests_app/_exhibit.html", {"exhibit": {**exhibit, "caption": "Eigene Unterschrift"}}
    )
    assert "Eigene Unterschrift" in html and "Straßenkriminalität" not in html
    html = render_to_string("requests_app/_exhibit.html", {"exhibit": {**exhibit, "caption": ""}})
    assert "Straßenkriminalität im Zentrum 2018–2025" in html
