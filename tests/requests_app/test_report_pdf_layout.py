"""The answer report PDF as a reader and a screen reader get it: PDF/UA checkers find nothing,
questions stay with their answers, captions with their figures, figures with their units, and
the contents list the questions and the figures (issue 19, "The PDF")."""

from collections import defaultdict

import page as page_validation
import pdfua
import pikepdf
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from portal.formats import bind_units
from portal.pdf import BASE_URL, PortalURLFetcher, _absolute_links, html_to_pdf
from requests_app.models import AnswerReport
from requests_app.tasks import report_pdf_html

pytestmark = pytest.mark.django_db

# pdfua 0.1.3 cannot run its empty-heading rule against pikepdf 10 (it probes arrays with
# getattr, which pikepdf answers with ValueError); page's PDF/UA-1 profile covers headings.
PDFUA_RULES_NOT_RUNNABLE = {"UA-14-001"}


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


class Layout:
    """Where WeasyPrint put each element of a document: page numbers per element, the text
    of every line, and the boxes of table cells."""

    def __init__(self, html: str) -> None:
        source = HTML(
            string=bind_units(_absolute_links(html)),
            base_url=BASE_URL,
            url_fetcher=PortalURLFetcher(),
        )
        self.root = source.etree_element
        self.pages: dict[int, list[int]] = defaultdict(list)
        self.lines: list[tuple[int, str]] = []
        self.cells: dict[int, list] = defaultdict(list)
        for number, page in enumerate(source.render().pages, 1):
            for box in page._page_box.descendants():
                if box.element is not None:
                    self.pages[id(box.element)].append(number)
                if isinstance(box, boxes.TableCellBox):
                    self.cells[id(box.element)].append(box)
                if isinstance(box, boxes.LineBox):
                    text = "".join(
                        child.text
                        for child in box.descendants()
                        if isinstance(child, boxes.TextBox)
                    )
                    self.lines.append((number, text.strip()))

    def find(self, css_class: str, within=None) -> list:
        scope = self.root if within is None else within
        return [e for e in scope.iter() if css_class in _classes(e)]

    def first_page(self, element) -> int:
        return min(self.pages[id(element)])

    def last_page(self, element) -> int:
        return max(self.pages[id(element)])


@pytest.fixture
def reports(demo):
    published = list(AnswerReport.objects.filter(status="published").order_by("pk"))
    assert {report.slug for report in published} >= {"ba-044-2020"}
    assert len(published) >= 2
    return published


def test_every_published_demo_report_passes_the_pdf_ua_checkers(reports, tmp_path):
    for report in reports:
        pdf = html_to_pdf(report_pdf_html(report))
        validation = page_validation.validate_pdf_bytes(pdf, profile="ua1")
        assert [f"{f.rule_id}: {f.message}" for f in validation.failures] == [], report.slug
        assert validation.is_compliant and validation.rules.total > 100
        path = tmp_path / f"{report.slug}.pdf"
        path.write_bytes(pdf)
        checked = pdfua.validate(str(path))
        assert [f"{f.rule_id}: {f.message}" for f in checked.findings] == [], report.slug
        assert {outcome.rule_id for outcome in checked.skipped} <= PDFUA_RULES_NOT_RUNNABLE
        if report.slug == "ba-044-2020":
            _assert_header_cells_carry_scope(path)


def _assert_header_cells_carry_scope(path) -> None:
    """Every header cell says whether it heads a column (in the table head) or a row."""
    scopes = defaultdict(int)
    with pikepdf.open(path) as pdf:
        for element in pdf.objects:
            if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/TH":
                section = element.P.P.S  # TH -> TR -> THead / TBody
                scopes[(str(section), str(element.A.get("/Scope")))] += 1
    assert scopes[("/THead", "/Column")] > 20 and scopes[("/TBody", "/Row")] > 100
    assert set(scopes) == {("/THead", "/Column"), ("/TBody", "/Row")}


def test_report_pdfs_keep_questions_captions_units_and_contents_in_order(reports):
    report = next(report for report in reports if report.slug == "ba-044-2020")
    html = report_pdf_html(report)
    layout = Layout(html)

    # "Frage 5", its text and "Antwort auf Frage 5" on the page where the answer begins
    heads = layout.find("report-item-head")
    assert len(heads) == 6
    for head in heads:
        answer = layout.find("report-answer", within=_parent_section(layout.root, head))[0]
        assert layout.first_page(head) == layout.last_page(head) == layout.first_page(answer)

    # a caption on the page where its chart (or else its table's first row) begins
    figures = layout.find("report-exhibit")
    assert len(figures) == 6
    for figure in figures:
        caption = layout.find("report-exhibit-title", within=figure)[0]
        chart = layout.find("report-chart", within=figure)
        first_row = next(figure.iter("tbody")).find("tr")
        start = chart[0] if chart else first_row
        assert layout.first_page(caption) == layout.first_page(start), caption.text
        table_caption = next(figure.iter("caption"))
        assert layout.first_page(table_caption) == layout.first_page(first_row)

    # no line begins with a unit that belongs to the figure on the line before
    starts = [text for _page, text in layout.lines if text[:1] in ("€", "%", "‰")]
    assert starts == []

    _assert_contents_list_questions_and_figures(layout, html)
    _assert_figures_and_their_headers_align_right(layout)

    # a short report's contents share the title page instead of leaving a page nearly empty
    short = next(report for report in reports if report.slug != "ba-044-2020")
    short_layout = Layout(report_pdf_html(short))
    toc = short_layout.find("toc")[0]
    assert short_layout.first_page(toc) == short_layout.last_page(toc) == 1
    assert short_layout.first_page(short_layout.find("report-body")[0]) == 2


def _assert_contents_list_questions_and_figures(layout, html) -> None:
    toc = layout.find("toc")[0]
    entries = [" ".join("".join(li.itertext()).split()) for li in toc.iter("li")]
    questions = [entry for entry in entries if entry.startswith("Frage ")]
    figures = [entry for entry in entries if entry.startswith("Abbildung ")]
    assert len(questions) == 6 and len(figures) == 6
    assert questions[0].startswith("Frage 1: Welche Entwicklung hat die kommunale Prävention")
    assert "Abbildung 4: Streifen des Stadtordnungsdienstes im Zentrum 2015–2019" in figures
    assert "Abbildungsverzeichnis" in html
    # each entry leads to its target: the figure's anchor exists in the body
    for link in toc.iter("a"):
        target = link.get("href")[1:]
        assert any(element.get("id") == target for element in layout.root.iter()), target
    # the contents page is a real page of contents, not three lines
    contents_lines = [text for number, text in layout.lines if number == 2]
    assert len(contents_lines) >= 15


def _assert_figures_and_their_headers_align_right(layout) -> None:
    """Columns of figures: header and values end at the same right edge."""
    checked = 0
    for table in layout.root.iter("table"):
        head = [th for th in table.iter("th") if th.get("scope") == "col"]
        body = [tr for tr in table.iter("tr") if tr.find("td") is not None]
        for index, th in enumerate(head):
            if "num" not in _classes(th):
                continue
            header_right = _text_right(layout.cells[id(th)][0])
            for tr in body:
                cell = list(tr)[index]
                assert "num" in _classes(cell)
                for box in layout.cells[id(cell)]:
                    assert _text_right(box) == pytest.approx(header_right, abs=0.5)
                    checked += 1
    assert checked > 100


def _text_right(cell_box) -> float:
    """The right edge of the text in a table cell box."""
    texts = [b for b in cell_box.descendants() if isinstance(b, boxes.TextBox)]
    return max(b.position_x + b.width for b in texts)


def _parent_section(root, element):
    for section in root.iter("section"):
        if element in list(section.iter()):
            return section
    raise AssertionError("no section")
