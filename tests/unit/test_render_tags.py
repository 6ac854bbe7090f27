"""render.tags.mark_page: a page's decorations become artifacts as it is rendered, its tagged content untouched."""

from __future__ import annotations

import io

import pikepdf
from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import HRFlowable, Spacer

from parolekit import tagging
from parolekit.render import fonts
from parolekit.render.doc import render
from parolekit.render.scripts import Paragraph
from parolekit.render.tables import Continued, group_row, row
from parolekit.render.tags import _Mark, mark_page


def test_a_run_outside_marked_content_that_paints_is_wrapped_and_one_that_does_not_is_left():
    code = ["q 1 0 0 1 72 72 cm", "0 0 0 RG .25 w n 0 0 m 100 0 l S", _Mark("/P <</MCID 0>> BDC"),
            "BT /F1 10 Tf 72 700 Td (Hello) Tj ET", _Mark("EMC"), "Q", "BT /F1 12 Tf 14.4 TL ET"]
    assert mark_page(code) == ["/Artifact BMC", *code[:2], "EMC", *code[2:5], *code[5:]]


def test_operators_inside_strings_are_not_taken_for_painting_nor_marks_for_marks():
    quiet = ["BT /F1 10 Tf (S f Tj \\) EMC) Tw ET", "<0a0b> Tz", "(EMC) Tz"]
    assert mark_page(quiet) == quiet  # no painting operator outside the strings
    loud = ["BT (a \\( b) Tj ET"]
    assert mark_page(loud) == ["/Artifact BMC", *loud, "EMC"]
    image = ["q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID", "z~>", "EI Q"]
    assert mark_page(image)[0] == "/Artifact BMC"


def test_nested_marked_content_is_copied_as_it_is():
    code = [_Mark("/Table <</MCID 0>> BDC"), "n 0 0 m 1 1 l S", _Mark("/Artifact BMC"), "0 0 1 1 re f",
            _Mark("EMC"), "(x) Tj", _Mark("EMC"), "0 0 1 1 re f"]
    assert mark_page(code) == [*code[:7], "/Artifact BMC", code[7], "EMC"]


def _rich_story() -> list:
    st = fonts.styles()
    widths = [60.0, 300.0, 108.0]
    rows = [row([Paragraph(f"{k}", st["cellb"]), Paragraph(f"Document {k} (with parentheses) & more", st["cell"]),
                 Paragraph("2024-01-05", st["cell"])], widths) for k in range(60)]
    return [Paragraph("INDEX", st["title"]), HRFlowable(width="100%", color=colors.grey), Spacer(1, 8),
            Continued("INDEX", ["Ex.", "Description", "Date"], widths, [group_row("Medical", widths), *rows]),
            Paragraph("Signed (by hand) \u2014 \u0645\u0631\u062d\u0628\u0627", st["cell"])]


def _letterhead(canvas, _doc):
    canvas.saveState()
    canvas.setFillColor(colors.lightgrey)
    canvas.rect(0.5 * inch, 10.3 * inch, 7.5 * inch, 0.3 * inch, fill=1, stroke=0)
    canvas.drawString(inch, 10.4 * inch, "Law office (letterhead) S f")
    canvas.restoreState()


def test_rendered_pages_leave_the_old_marking_nothing_to_do():
    """tagging.mark_artifacts, which parses the assembled page, wraps nothing more on a page
    rendered with its marks: every painting operator is already inside marked content."""
    fonts.register()
    r = render(_rich_story(), title="Test", on_page=_letterhead)
    assert r.marked and r.pages >= 2
    pdf = pikepdf.open(io.BytesIO(r.data))
    for page in pdf.pages:
        before = pikepdf.parse_content_stream(page)
        assert sum(str(i.operator) == "BMC" for i in before) >= 1  # the rules and the letterhead
        tagging.mark_artifacts(pdf, page.obj)
        after = pikepdf.parse_content_stream(page)
        assert len(after) == len(before)
