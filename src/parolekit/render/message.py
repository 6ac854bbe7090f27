"""An e-mail's page: its headers as sent, its body, and what it carried (attachments)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import HRFlowable, Spacer, Table, TableStyle

from .doc import MARGINS, PAPER, Rendered, render
from .fonts import styles, text
from .scripts import Paragraph


@dataclass(frozen=True)
class Carried:
    """One attachment as the e-mail page lists it."""

    name: str
    what: str  # "PDF, 2 pages", "JPEG image"
    shown: str  # "shown after this page (pages 2-3)" or why not


def message_page(headers: list[tuple[str, str]], body: str, carried: list[Carried], paper: str) -> Rendered:
    """The headers as a table (From, To, Cc, Date, Subject), the body as sent, then the attachments."""
    st = styles()
    width = PAPER[paper][0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    rows = [[Paragraph(f"<b>{text(name)}:</b>", st["cell"]), Paragraph(text(value) or "\u2014", st["cell"])]
            for name, value in headers]
    table = Table(rows, colWidths=[0.9 * inch, width - 0.9 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story: list = [table, Spacer(1, 6), HRFlowable(width="100%", thickness=0.6, color=colors.grey), Spacer(1, 8)]
    for para in _paragraphs(body):
        story.append(Paragraph(para, st["body"]))
    if carried:
        story += [Spacer(1, 6), HRFlowable(width="100%", thickness=0.6, color=colors.grey), Spacer(1, 6),
                  Paragraph("<b>Attachments</b>", st["body"])]
        for item in carried:
            story.append(Paragraph(f"{text(item.name)} ({text(item.what)}): {text(item.shown)}", st["bullet"],
                                   bulletText="\u2022"))
    return render(story, paper, title="E-mail")


def _paragraphs(body: str) -> list[str]:
    """Blank lines part paragraphs; a single line break stays a line break, as the sender wrote."""
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            out.append("<br/>".join(text(line) for line in block.strip("\n").split("\n")))
    return out or [text("(no text)")]
