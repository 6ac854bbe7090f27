"""Front-matter sections that cite page numbers: the exhibit index, chronology and claims."""

from __future__ import annotations

import datetime as dt

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..model import Manifest
from ..plan import PagePlan
from .doc import PAPER, MARGINS, Link, LinkTo, Rendered, render
from .fonts import FAMILY, styles, text
from .words import join_names, long_date, sort_key

_GRID = TableStyle([
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
    ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
])


def _frame_width(paper: str) -> float:
    return PAPER[paper][0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]


def _head(title: str, m: Manifest) -> list:
    st = styles()
    names = join_names([b.name for b in m.case.beneficiaries])
    return [Paragraph(text(title), st["title"]),
            Paragraph(f"{text(m.case.title)}<br/>{text(names)}", st["center"]), Spacer(1, 8)]


def cite(plan: PagePlan, exhibit_id: str) -> str:
    """"Ex. C at 14": the exhibit's label and the packet page where it begins."""
    place = plan.exhibits[exhibit_id]
    return f"Ex. {place.label} at {place.start}"


def _row(cells: list, widths: list[float], header: bool = False) -> Table:
    t = Table([cells], colWidths=widths)
    style = TableStyle(_GRID.getCommands())
    if header:
        style.add("LINEBELOW", (0, 0), (-1, -1), 0.9, colors.black)
    t.setStyle(style)
    return t


def exhibit_index(m: Manifest, plan: PagePlan, paper: str, volumes: int = 1) -> Rendered:
    """Label, title, date and packet pages of every exhibit; each row links to its exhibit."""
    st = styles()
    w = _frame_width(paper)
    links: list[Link] = []
    vol = volumes > 1
    widths = ([0.55 * inch, w - 3.35 * inch, 1.1 * inch, 0.6 * inch, 1.1 * inch] if vol else
              [0.6 * inch, w - 2.9 * inch, 1.2 * inch, 1.1 * inch])
    head = ["Ex.", "Description", "Date"] + (["Vol."] if vol else []) + ["Pages"]
    story = _head("INDEX OF EXHIBITS", m)
    story.append(_row([Paragraph(h, st["cellb"]) for h in head], widths, header=True))
    for place in plan.exhibits.values():
        cells = [Paragraph(text(place.label), st["cellb"]), Paragraph(text(place.title), st["cell"]),
                 Paragraph(text(long_date(place.date) if place.date else "\u2014"), st["cell"])]
        if vol:
            cells.append(Paragraph(str(place.volume), st["cell"]))
        cells.append(Paragraph(text(place.range), st["cell"]))
        story.append(LinkTo(_row(cells, widths), place.id, links))
    story.append(Spacer(1, 10))
    story.append(Paragraph(f"The packet has {plan.total} pages. Page numbers are those printed at "
                           "the foot of each page.", st["small"]))
    return render(story, paper, title="Index of exhibits", links=links)


def _parse(value: str) -> dt.date:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def timeline(m: Manifest, width: float) -> Drawing:
    """Past events as filled dots, planned ones hollow, on one axis, with the packet date marked."""
    events = sorted(m.chronology, key=lambda e: sort_key(e.date))
    height = 1.7 * inch
    d = Drawing(width, height)
    dates = [_parse(e.date) for e in events] + [m.case.date]
    lo, hi = min(dates), max(dates)
    span = max((hi - lo).days, 1)
    left, right, axis_y = 18, width - 18, height / 2

    def x(day: dt.date) -> float:
        return left + (right - left) * (day - lo).days / span

    planned = [_parse(e.date) for e in events if e.planned]
    if planned:
        x0, x1 = x(min(planned)), x(max(planned))
        d.add(Rect(x0 - 6, axis_y - 14, max(x1 - x0, 0) + 12, 28, fillColor=colors.HexColor("#e8eef7"),
                   strokeColor=None))
        d.add(String((x0 + x1) / 2, axis_y - 28, "proposed treatment window", fontName=FAMILY,
                     fontSize=7.5, textAnchor="middle", fillColor=colors.HexColor("#34495e")))
    d.add(Line(left, axis_y, right, axis_y, strokeColor=colors.black, strokeWidth=1))
    today = x(m.case.date)
    d.add(Line(today, axis_y - 22, today, axis_y + 22, strokeColor=colors.HexColor("#c0392b"),
               strokeWidth=1, strokeDashArray=[2, 2]))
    d.add(String(today, axis_y + 26, "packet date", fontName=FAMILY, fontSize=7.5,
                 textAnchor="middle", fillColor=colors.HexColor("#c0392b")))
    for i, (event, day) in enumerate(zip(events, (_parse(e.date) for e in events)), start=1):
        cx = x(day)
        if event.planned:
            d.add(Circle(cx, axis_y, 4.5, fillColor=colors.white, strokeColor=colors.HexColor("#2c6fbb"),
                         strokeWidth=1.3))
        else:
            d.add(Circle(cx, axis_y, 4.5, fillColor=colors.HexColor("#2c3e50"), strokeColor=None))
        up = i % 2 == 1
        d.add(String(cx, axis_y + (9 if up else -17), str(i), fontName=FAMILY, fontSize=8,
                     textAnchor="middle"))
    d.add(String(left, 6, long_date(lo.isoformat()), fontName=FAMILY, fontSize=7.5))
    d.add(String(right, 6, long_date(hi.isoformat()), fontName=FAMILY, fontSize=7.5, textAnchor="end"))
    d.add(Circle(right - 92, height - 8, 3, fillColor=colors.HexColor("#2c3e50"), strokeColor=None))
    d.add(String(right - 86, height - 10.5, "past", fontName=FAMILY, fontSize=7.5))
    d.add(Circle(right - 50, height - 8, 3, fillColor=colors.white, strokeColor=colors.HexColor("#2c6fbb")))
    d.add(String(right - 44, height - 10.5, "planned", fontName=FAMILY, fontSize=7.5))
    return d


def chronology(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """Date, event and citations ("Ex. C at 14"), sorted by date, with a timeline figure."""
    st = styles()
    w = _frame_width(paper)
    links: list[Link] = []
    widths = [0.35 * inch, 1.25 * inch, w - 3.0 * inch, 1.4 * inch]
    story = _head("CHRONOLOGY", m)
    story.append(timeline(m, w))
    story.append(Spacer(1, 8))
    story.append(_row([Paragraph(h, st["cellb"]) for h in ("#", "Date", "Event", "Evidence")],
                      widths, header=True))
    events = sorted(m.chronology, key=lambda e: sort_key(e.date))
    for i, e in enumerate(events, start=1):
        when = text(long_date(e.date)) + ("<br/><i>(planned)</i>" if e.planned else "")
        what = f"<i>Planned:</i> {text(e.event)}" if e.planned else text(e.event)
        cites = "; ".join(cite(plan, ref) for ref in e.exhibits) or "\u2014"
        row = _row([Paragraph(str(i), st["cell"]), Paragraph(when, st["cell"]),
                    Paragraph(what, st["cell"]), Paragraph(text(cites), st["cell"])], widths)
        story.append(LinkTo(row, e.exhibits[0], links) if e.exhibits else row)
    return render(story, paper, title="Chronology", links=links)


def claims(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """Each claim with the exhibits that prove it, by label and page."""
    st = styles()
    w = _frame_width(paper)
    links: list[Link] = []
    widths = [0.35 * inch, w - 2.35 * inch, 2.0 * inch]
    story = _head("SUMMARY OF CLAIMS AND EVIDENCE", m)
    story.append(_row([Paragraph(h, st["cellb"]) for h in ("#", "Claim", "Evidence")], widths,
                      header=True))
    for i, c in enumerate(m.claims, start=1):
        cites = "<br/>".join(text(cite(plan, ref)) for ref in c.exhibits)
        row = _row([Paragraph(str(i), st["cell"]), Paragraph(text(c.claim), st["cell"]),
                    Paragraph(cites, st["cell"])], widths)
        story.append(LinkTo(row, c.exhibits[0], links))
    return render(story, paper, title="Claims", links=links)
