"""render.scripts.Paragraph: plain text skips reportlab's parser with the same result; wraps are reused."""

from __future__ import annotations

import io

import pytest
from reportlab.platypus.paragraph import Paragraph as RLParagraph

from parolekit.render import fonts
from parolekit.render.scripts import Paragraph, _plain

TEXTS = ["A", "AA-12", "2024-01-05", "14\u201320", "Letter from Dr. Smith, 3 pages", "x" * 300,
         "Caf\u00e9 d\u2019Ivoire", "word\u00a0joined", " lead", "two  spaces", "line\nbreak",
         "a < b", "Tom &amp; Jerry", "<b>bold</b>", "<i>Excerpt</i>: pp. 1\u20133"]


@pytest.fixture(scope="module")
def st():
    fonts.register()
    return fonts.styles()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("style", ["cell", "cellb", "small"])
def test_a_paragraph_has_the_fragments_and_lines_reportlab_makes(st, text, style):
    ours, theirs = Paragraph(text, st[style]), RLParagraph(text, st[style])
    assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags]
    assert ours.wrap(120, 1000) == theirs.wrap(120, 1000)
    assert [repr(line) for line in ours.blPara.lines] == [repr(line) for line in theirs.blPara.lines]


def test_only_text_the_parser_would_leave_alone_is_plain(st):
    assert _plain("Exhibit A", st["cell"])
    for text in ["", " lead", "two  spaces", "line\nbreak", "a < b", "a &amp; b", "<b>x</b>", None]:
        assert not _plain(text, st["cell"])


def test_plain_paragraphs_share_no_lists_with_each_other(st):
    a, b = Paragraph("one", st["cell"]), Paragraph("two", st["cell"])
    a.frags[0].link.append("changed")
    assert b.frags[0].link == [] and a.frags[0].text == "one" and b.frags[0].text == "two"


def test_a_wrap_at_the_same_width_is_reused_and_a_new_width_measured(st):
    p = Paragraph("a title long enough to need more than one line at a narrow width", st["cell"])
    wide = p.wrap(400, 1000)
    lines = p.blPara
    assert p.wrap(400, 50) == wide and p.blPara is lines  # the height offered does not matter
    narrow = p.wrap(80, 1000)
    assert narrow[1] > wide[1] and p.blPara is not lines
    assert p.wrap(400, 1000) == wide


def test_lines_a_split_removed_are_made_again_before_drawing(st):
    from reportlab.pdfgen.canvas import Canvas

    p = Paragraph("a paragraph of several lines " * 8, st["cell"])
    p.wrap(150, 1000)
    assert p.split(150, 5) == []  # no room: reportlab drops the lines it had made
    assert "blPara" not in p.__dict__
    size = p.wrap(150, 1000)  # the same width again: measured, not taken from before
    assert "blPara" in p.__dict__ and size[1] > 20
    p.drawOn(Canvas(io.BytesIO()), 0, 0)
