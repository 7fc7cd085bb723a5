"""portal.formats.bind_units: a figure and its unit never part at a line break (issue 19)."""

from django.template import Context, Template

from portal import formats


def test_typed_amounts_and_percentages_keep_their_unit():
    text = "zusammen 108.000 € bewilligt, bis zu 90 % der Kosten, 1,3 Mio. Euro, 95-%-Intervall"
    bound = formats.bind_units(text)
    assert "108.000\u00a0€" in bound and "90\u00a0%" in bound and "1,3\u00a0Mio." in bound
    assert "95-\u2060%-Intervall" in bound  # a word joiner: no break between "95-" and "%"
    # words and other spaces stay as they are
    assert bound.replace("\u00a0", " ").replace("\u2060", "") == text


def test_the_filter_keeps_rendered_markdown_safe():
    rendered = Template("{% load portal_tags %}{{ text|markdown|bind_units }}").render(
        Context({"text": "Es waren **12.000 €** und <b>5 %</b>."})
    )
    assert "<strong>12.000\u00a0€</strong>" in rendered
    assert "&lt;b&gt;" in rendered or "<b>" not in rendered  # the sanitiser decided, not we
