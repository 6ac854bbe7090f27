"""Front-matter sections that cite page numbers: the exhibit index, chronology and claims."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Spacer, Table, TableStyle

from .scripts import Paragraph
from ..model import Manifest
from ..plan import PagePlan
from .doc import PAPER, MARGINS, Link, LinkTo, Rendered, render
from .fonts import styles, text
from .timeline import Mark, timeline
from ..response import nbsp, notice_title
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
    """"Ex. C at 14": the exhibit's label and the page a citation names (its document's first),
    with no-break spaces, so that a citation never breaks across lines."""
    return nbsp(f"Ex. {plan.exhibits[exhibit_id].label} at {plan.cite(exhibit_id)}")


def _row(cells: list, widths: list[float], header: bool = False) -> Table:
    t = Table([cells], colWidths=widths, splitInRow=1)  # a row taller than a page may split
    style = TableStyle(_GRID.getCommands())
    if header:
        style.add("LINEBELOW", (0, 0), (-1, -1), 0.9, colors.black)
    t.setStyle(style)
    return t


def exhibit_index(m: Manifest, plan: PagePlan, paper: str, volumes: int = 1,
                  new: set[str] | None = None) -> Rendered:
    """Label, title, date and packet pages of every exhibit; each row links to its exhibit.

    An unavailable document's row names the secondary evidence offered for it; with an earlier
    filing's receipt, evidence it did not have is marked new.
    """
    st = styles()
    w = _frame_width(paper)
    links: list[Link] = []
    vol = volumes > 1
    widths = ([0.55 * inch, w - 3.35 * inch, 1.1 * inch, 0.6 * inch, 1.1 * inch] if vol else
              [0.6 * inch, w - 2.9 * inch, 1.2 * inch, 1.1 * inch])
    head = ["Ex.", "Description", "Date"] + (["Vol."] if vol else []) + ["Pages"]
    story = _head("INDEX OF EXHIBITS", m)
    story.append(_row([Paragraph(h, st["cellb"]) for h in head], widths, header=True))
    notice = next(((k, v) for k, v in plan.sections.items() if k.startswith("notice:")), None)
    if notice is not None and m.response:  # the notice answered leads the packet, unlabelled
        (first, last) = notice[1]
        cells = [Paragraph("\u2014", st["cellb"]), Paragraph(f"Notice: {text(notice_title(m.response))}",
                                                             st["cell"]),
                 Paragraph(text(long_date(m.response.notice_date)), st["cell"])]
        if vol:
            cells.append(Paragraph("1", st["cell"]))
        cells.append(Paragraph(f"{first}" if first == last else f"{first}\u2013{last}", st["cell"]))
        story.append(LinkTo(_row(cells, widths), f"page:{first}", links))
    secondary = {e.id: e.unavailable.secondary for e in m.exhibits if e.unavailable}
    for place in plan.exhibits.values():
        title = text(place.title)
        if new and place.id in new:
            title += " <i>(new)</i>"
        if place.unavailable:
            offered = [cite(plan, ref) for ref in secondary.get(place.id, []) if ref in plan.exhibits]
            title += ("<br/><i>Not available; secondary evidence: " + text(", ".join(offered)) + "</i>"
                      if offered else "<br/><i>Not available</i>")
        cells = [Paragraph(text(place.label), st["cellb"]), Paragraph(title, st["cell"]),
                 Paragraph(text(long_date(place.date) if place.date else "\u2014"), st["cell"])]
        if vol:
            cells.append(Paragraph(text(place.volumes), st["cell"]))  # "2\u20133": cut across files
        cells.append(Paragraph(text(place.range), st["cell"]))
        story.append(LinkTo(_row(cells, widths), place.id, links))
    story.append(Spacer(1, 10))
    files = f" in {volumes} volumes (separate files)" if vol else ""
    story.append(Paragraph(f"The packet has {plan.total} pages{files}. Page numbers are those printed "
                           "at the foot of each page" + (", and run on from one volume to the next."
                                                         if vol else "."), st["small"]))
    return render(story, paper, title="Index of exhibits", links=links)


def _citations(plan: PagePlan, refs: list[str], links: list[Link], titles: bool = False) -> list:
    """One paragraph per cited exhibit ("Ex. C at 14"), each a link to where the exhibit begins."""
    st = styles()
    out: list = []
    for ref in refs:
        markup = text(cite(plan, ref))
        if titles:
            markup = f"<b>{markup}</b><br/><font size=8.5>{text(plan.exhibits[ref].title)}</font>"
        out.append(LinkTo(Paragraph(markup, st["cell"]), f"cite:{ref}", links))
    return out or [Paragraph("\u2014", st["cell"])]


def chronology(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """A timeline figure, then date, event and citations ("Ex. C at 14"), sorted by date."""
    st = styles()
    w = _frame_width(paper)
    links: list[Link] = []
    widths = [0.35 * inch, 1.2 * inch, w - 3.05 * inch, 1.5 * inch]
    # sorted() is stable: events on the same date keep their manifest order.
    events = sorted(m.chronology, key=lambda e: sort_key(e.date))
    marks = [Mark(i, e.date, e.event, e.planned) for i, e in enumerate(events, start=1)]
    story = _head("CHRONOLOGY", m)
    story.append(timeline(marks, m.case.date, w))
    story.append(Spacer(1, 10))
    story.append(_row([Paragraph(h, st["cellb"]) for h in ("#", "Date", "Event", "Evidence")],
                      widths, header=True))
    for i, e in enumerate(events, start=1):
        when = text(long_date(e.date))
        what = text(e.event)
        if e.planned:
            when += "<br/><i>(planned)</i>"
            what = what if e.event.lower().startswith("planned") else f"<i>Planned:</i> {what}"
        story.append(_row([Paragraph(str(i), st["cell"]), Paragraph(when, st["cell"]),
                           Paragraph(what, st["cell"]), _citations(plan, e.exhibits, links)], widths))
    if any(e.planned for e in events):
        story.append(Spacer(1, 6))
        story.append(Paragraph("Events marked <i>planned</i> have not yet happened; they are "
                               "scheduled as the cited evidence shows.", st["small"]))
    return render(story, paper, title="Chronology", links=links)


def claims(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """Each claim with the exhibits that prove it: label, packet page and title."""
    st = styles()
    w = _frame_width(paper)
    links: list[Link] = []
    widths = [0.35 * inch, w - 3.05 * inch, 2.7 * inch]
    story = _head("SUMMARY OF CLAIMS AND EVIDENCE", m)
    story.append(_row([Paragraph(h, st["cellb"]) for h in ("#", "Claim", "Evidence")], widths,
                      header=True))
    for i, c in enumerate(m.claims, start=1):
        story.append(_row([Paragraph(str(i), st["cell"]), Paragraph(text(c.claim), st["cell"]),
                           _citations(plan, c.exhibits, links, titles=True)], widths))
    return render(story, paper, title="Claims", links=links)
