"""Tables of the front sections: rows as their own tables, headers repeated on continuation pages."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus.flowables import PTOContainer, UseUpSpace

from .doc import MARGINS, PAPER
from .fonts import FAMILY, plain, styles, text
from .scripts import Paragraph

GRID = TableStyle([
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
    ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
])
PAD = 6  # a cell's left and right padding (reportlab's default)
FRAME_PAD = 6  # the document frame's own padding on each side
TITLE_LINES = 3  # an index title longer than this ends in an ellipsis (the bookmark keeps it whole)


def frame_width(paper: str) -> float:
    """The width a flowable has: the page less its margins and the frame's padding. A table this
    wide sits exactly in the frame, so header and rows share their left edge."""
    return PAPER[paper][0] - MARGINS["leftMargin"] - MARGINS["rightMargin"] - 2 * FRAME_PAD


def row(cells: list, widths: list[float], header: bool = False) -> Table:
    t = Table([cells], colWidths=widths, splitInRow=1, hAlign="LEFT")  # a row taller than a page may split
    style = TableStyle(GRID.getCommands())
    if header:
        style.add("LINEBELOW", (0, 0), (-1, -1), 0.9, colors.black)
    t.setStyle(style)
    return t


def group_row(title: str, widths: list[float]) -> Table:
    """A section's heading inside a table: one cell across every column, shaded."""
    st = styles()
    t = Table([[Paragraph(text(title), st["cellb"])] + [""] * (len(widths) - 1)], colWidths=widths, hAlign="LEFT")
    style = TableStyle(GRID.getCommands())
    style.add("SPAN", (0, 0), (-1, 0))
    style.add("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92))
    t.setStyle(style)
    return t


def head_row(names: tuple[str, ...] | list[str], widths: list[float]) -> Table:
    st = styles()
    return row([Paragraph(text(h), st["cellb"]) for h in names], widths, header=True)


def column(values: list[str], heading: str, least: float = 0.0) -> float:
    """A column just wide enough for *values* on one line each (dates held by no-break spaces)."""
    widest = max([stringWidth(plain(v), FAMILY, 10.5) for v in values] +
                 [stringWidth(heading, FAMILY + "-Bold", 10.5), least])
    return widest + 2 * PAD + 1


class _Rows(PTOContainer):
    """reportlab's "please turn over" container, measured only as far as the page it is offered:
    the frame asks its height only to learn whether it fits, and an index of hundreds of rows
    would otherwise be measured whole on every page it fills."""

    def wrap(self, availWidth, availHeight):
        total = 0.0
        for f in self._content:
            total += f.wrapOn(self.canv, availWidth, 0xFFFFFFF)[1]
            if total > availHeight + 1:  # spacing only adds: it cannot fit, so split it
                self.width, self.height = availWidth, total
                return self.width, self.height
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts and type(parts[-1]) is PTOContainer:
            parts[-1].__class__ = _Rows  # the rest, on the next page, is measured the same way
        return parts


class Continued(_Rows):
    """A table that, cut by a page break, starts the next page with "TITLE (continued)" and its
    column headers; it moves whole to the next page rather than leave its headers alone."""

    FRESH = 480.0  # below this much room, a start with no row under its headers moves on

    def __init__(self, title: str, names: list[str] | tuple[str, ...], widths: list[float], rows: list,
                 lead: list | None = None):
        st = styles()
        self._lead = list(lead or [])
        self._header = head_row(names, widths)
        again = [Paragraph(f"{text(title)} (continued)", st["continued"]), *[_copy(f) for f in self._lead],
                 head_row(names, widths)]
        super().__init__([*self._lead, self._header, *rows], header=again)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts and availHeight < self.FRESH:
            first = parts[:-1]
            if not any(f is not self._header and f not in self._lead and not isinstance(f, UseUpSpace)
                       for f in first):
                return []
        return parts


def _copy(f: Flowable) -> Flowable:
    if isinstance(f, Paragraph):
        return Paragraph(f.text, f.style)
    return f


def clamp(title: str, suffix: str, style, width: float, lines: int = TITLE_LINES) -> Paragraph:
    """*title* (plain text) with *suffix* (markup) in at most *lines* lines of *width*: cut at a
    word, with an ellipsis, when it is longer."""
    whole = Paragraph(text(title) + suffix, style)
    if stringWidth(plain(title) + " (new)", style.fontName, style.fontSize) <= width:
        return whole  # one line: no need to measure
    if _lines(whole, width) <= lines:
        return whole
    words = title.split()
    lo, hi = 0, len(words)  # the most words that fit: binary search
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _lines(Paragraph(_cut(words, mid) + suffix, style), width) <= lines:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:  # one word longer than the lines: cut it by characters
        chars = len(words[0]) if words else 0
        while chars > 1 and _lines(Paragraph(_cut([words[0][:chars]], 1) + suffix, style), width) > lines:
            chars = chars * 3 // 4
        return Paragraph(_cut([words[0][:chars]] if words else [], 1) + suffix, style)
    return Paragraph(_cut(words, lo) + suffix, style)


def _cut(words: list[str], n: int) -> str:
    return text(" ".join(words[:n]).rstrip(",;:\u2014\u2013- ")) + "\u2026"


def _lines(p: Paragraph, width: float) -> int:
    p.wrap(width, 1 << 30)
    return len(p.blPara.lines)
