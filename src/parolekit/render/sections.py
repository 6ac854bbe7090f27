"""Front-matter sections that cite page numbers: the exhibit index, chronology and claims."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Spacer

from .scripts import Paragraph
from ..grouping import groups
from ..model import Manifest, cited_id
from ..plan import PagePlan
from reportlab.pdfbase.pdfmetrics import stringWidth

from .doc import MARGINS, PAPER, Link, LinkTo, Rendered, render
from .fonts import plain, styles, text
from .tables import FRAME_PAD, TITLE_LINES, Continued, clamp, column, frame_width, group_row, row
from .timeline import Mark, timeline
from ..response import nbsp, notice_title, pin_target, pin_text
from .words import fixed_date, is_medical, join_names, sort_key

_frame_width = frame_width  # grounds and budget import these names
_row = row


def _head(title: str, m: Manifest) -> list:
    st = styles()
    names = join_names([b.name for b in m.case.beneficiaries])
    return [Paragraph(text(title), st["title"]),
            Paragraph(f"{text(m.case.title)}<br/>{text(names)}", st["center"]), Spacer(1, 8)]


def cite(plan: PagePlan, exhibit_id: str) -> str:
    """"Ex. C at 14": the exhibit's label and the page a citation names (its document's first),
    with no-break spaces, so that a citation never breaks across lines."""
    return nbsp(f"Ex. {plan.exhibits[exhibit_id].label} at {plan.cite(exhibit_id)}")


def exhibit_index(m: Manifest, plan: PagePlan, paper: str, volumes: int = 1,
                  new: set[str] | None = None) -> Rendered:
    """Label, title, date and packet pages of every exhibit; each row links to its exhibit.

    An unavailable document's row names the secondary evidence offered for it; with an earlier
    filing's receipt, evidence it did not have is marked new.
    """
    st = styles()
    w = frame_width(paper)
    links: list[Link] = []
    vol = volumes > 1
    notice = next(((k, v) for k, v in plan.sections.items() if k.startswith("notice:")), None)
    notice = notice if m.response else None
    places = list(plan.exhibits.values())
    dates = [fixed_date(p.date) if p.date else "\u2014" for p in places]
    ranges = [p.range for p in places]
    if notice is not None:
        dates.append(fixed_date(m.response.notice_date))
        ranges.append(_span(*notice[1]))
    # Date and page columns as wide as their longest entry, so a date never wraps; the rest describes.
    date_w, pages_w = column(dates, "Date"), column(ranges, "Pages", least=0.8 * inch - 13)
    label_w = column([p.label for p in places] + ["\u2014"], "Ex.", least=0.6 * inch - 13)
    vol_w = column([p.volumes for p in places], "Vol.") if vol else 0
    widths = [label_w, w - label_w - date_w - vol_w - pages_w, date_w] + ([vol_w] if vol else []) + [pages_w]
    head = ["Ex.", "Description", "Date"] + (["Vol."] if vol else []) + ["Pages"]
    title_w = widths[1] - 12
    story = _head("INDEX OF EXHIBITS", m)
    rows: list = []
    if notice is not None:  # the notice answered leads the packet, unlabelled
        (first, last) = notice[1]
        cells = [Paragraph("\u2014", st["cellb"]),
                 clamp(f"Notice: {notice_title(m.response)}", "", st["cell"], title_w),
                 Paragraph(text(fixed_date(m.response.notice_date)), st["cell"])]
        if vol:
            cells.append(Paragraph("1", st["cell"]))
        cells.append(Paragraph(_span(first, last), st["cell"]))
        rows.append(LinkTo(row(cells, widths), f"page:{first}", links))
    secondary = {e.id: e.unavailable.secondary for e in m.exhibits if e.unavailable}
    titles = {g.key: g.title for g in groups(m)}
    excerpts = _excerpts(plan)
    heading = None
    for place, date in zip(places, dates):
        if place.group and place.group != heading:  # a section's heading, across the whole table
            heading = place.group
            rows.append(group_row(titles.get(heading, heading), widths))
        offered = [cite(plan, ref) for ref in secondary.get(place.id, []) if ref in plan.exhibits]
        cell = _description(place, bool(new and place.id in new), excerpts.get(place.id), offered, title_w)
        cells = [Paragraph(text(place.label), st["cellb"]), cell, Paragraph(text(date), st["cell"])]
        if vol:
            cells.append(Paragraph(text(place.volumes), st["cell"]))  # "2\u20133": cut across files
        cells.append(Paragraph(text(place.range), st["cell"]))
        rows.append(LinkTo(row(cells, widths), place.id, links))
    story.append(Continued("INDEX OF EXHIBITS", head, widths, rows))
    story.append(Spacer(1, 10))
    files = f" in {volumes} volumes (separate files)" if vol else ""
    story.append(Paragraph(f"The packet has {plan.total} pages{files}. Page numbers are those printed "
                           "at the foot of each page" + (", and run on from one volume to the next."
                                                         if vol else "."), st["small"]))
    return render(story, paper, title="Index of exhibits", links=links)


def index_guess(specs: list, total_pages: int, paper: str) -> int:
    """The index's length in pages, estimated from its titles' widths without rendering it.

    Its page numbers depend on its own length, so a wrong guess costs a second rendering of the
    whole front matter (0.3 s at 130 exhibits): the estimate follows `exhibit_index`'s geometry
    (rows of `cell` lines plus 7 pt of padding, the heading on page 1, "(continued)" and the column
    headers on each page after). *specs* are the plan's ExhibitSpecs (title, date, unavailable).
    """
    st = styles()["cell"]
    dates = [fixed_date(e.date) if e.date else "\u2014" for e in specs] or ["\u2014"]
    digits = "9" * len(str(max(total_pages, 1)))
    title_w = (frame_width(paper) - column(dates, "Date") - column([f"{digits}\u2013{digits}"], "Pages")
               - column(["ZZ"], "Ex.") - 12)
    usable = PAPER[paper][1] - MARGINS["topMargin"] - MARGINS["bottomMargin"] - 2 * FRAME_PAD
    pages, room = 1, usable - 84.0  # title, case line and names, spacer, column headers
    heading = None
    rows: list[int] = []  # lines of each row, section headings included
    for ex in specs:
        if ex.group and ex.group != heading:
            heading = ex.group
            rows.append(1)
        lines = min(TITLE_LINES, max(1, -(-int(stringWidth(plain(ex.title), st.fontName, st.fontSize) * 1.06)
                                            // max(int(title_w), 1))))
        lines += 1 if ex.unavailable else 0
        # "Excerpt: pp. ..." under a document whose pages: leave some out
        lines += 1 if any(p.kind == "document" and p.numbering and len(p.numbering) < p.of for p in ex.parts) else 0
        rows.append(lines)
    for lines in rows:
        need = lines * st.leading + 7.0
        if need > room:
            pages, room = pages + 1, usable - 42.0  # "(continued)" and the column headers
        room -= need
    return pages + (1 if room < 36.0 else 0)  # the closing note


def _description(place, new: bool, excerpt: str | None, offered: list[str], width: float) -> list:
    """An index row's description: the title (at most three lines: the bookmark and the separator
    sheet keep it whole), "(new)", the pages an excerpt keeps, what stands for an unavailable one."""
    st = styles()
    cell: list = [clamp(place.title, " <i>(new)</i>" if new else "", st["cell"], width)]
    if excerpt:
        cell.append(Paragraph(f"<i>{text(excerpt)}</i>", st["cell"]))
    if place.unavailable:
        cell.append(Paragraph("<i>Not available; secondary evidence: " + text(", ".join(offered)) + "</i>"
                              if offered else "<i>Not available</i>", st["cell"]))
    return cell


def _excerpts(plan: PagePlan) -> dict[str, str]:
    """"Excerpt: pp. 1\u20133, 17\u201319 of 40" for each exhibit whose `pages:` leave some out."""
    numbers: dict[str, list[int]] = {}
    total: dict[str, int] = {}
    for _start, part in plan.parts:
        if part.kind == "document" and part.numbering:
            numbers.setdefault(part.key, []).extend(part.numbering)
            total[part.key] = part.of
    out = {}
    for key, nums in numbers.items():
        if sorted(set(nums)) != list(range(1, total[key] + 1)):
            runs = _runs(nums)
            pp = "p." if len(runs) == 1 and "\u2013" not in runs[0] else "pp."
            out[key] = nbsp(f"Excerpt: {pp} ") + ", ".join(runs) + nbsp(f" of {total[key]}")
    return out


def _runs(numbers: list[int]) -> list[str]:
    """[1, 2, 3, 17, 18] as ["1\u20133", "17\u201318"], in the order the pages are filed."""
    out: list[list[int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [_span(a, b) for a, b in out]


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}\u2013{last}"


def _citations(plan: PagePlan, refs: list, links: list[Link], titles: bool = False) -> list:
    """One paragraph per cited exhibit, each a link to its page: "Ex. C at 14" where the exhibit
    begins, "Ex. C at 16" for a pin to its own page 3."""
    st = styles()
    out: list = []
    for ref in refs:
        pinned = not isinstance(ref, str) and ref.pages
        ident = cited_id(ref)
        markup = text(pin_text(plan, ref) if pinned else cite(plan, ident))
        if titles:
            markup = f"<b>{markup}</b><br/><font size=8.5>{text(plan.exhibits[ident].title)}</font>"
        out.append(LinkTo(Paragraph(markup, st["cell"]), pin_target(ref) if pinned else f"cite:{ident}", links))
    return out or [Paragraph("\u2014", st["cell"])]


def chronology(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """A timeline figure, then date, event and citations ("Ex. C at 14"), sorted by date."""
    st = styles()
    w = frame_width(paper)
    links: list[Link] = []
    # sorted() is stable: events on the same date keep their manifest order.
    events = sorted(m.chronology, key=lambda e: sort_key(e.date))
    dates = [fixed_date(e.date) for e in events]
    date_w = column(dates, "Date", least=1.2 * inch - 13)
    widths = [0.35 * inch, date_w, w - 0.35 * inch - date_w - 1.5 * inch, 1.5 * inch]
    marks = [Mark(i, e.date, e.event, e.planned) for i, e in enumerate(events, start=1)]
    story = _head("CHRONOLOGY", m)
    window = "proposed treatment window" if is_medical(m.case.kind, m.case.reasons) else "planned period"
    story.append(timeline(marks, m.case.date, w, window))
    story.append(Spacer(1, 10))
    rows: list = []
    for i, (e, date) in enumerate(zip(events, dates), start=1):
        when = text(date)
        what = text(e.event)
        if e.planned:
            when += "<br/><i>(planned)</i>"
            what = what if e.event.lower().startswith("planned") else f"<i>Planned:</i> {what}"
        rows.append(row([Paragraph(str(i), st["cell"]), Paragraph(when, st["cell"]),
                         Paragraph(what, st["cell"]), _citations(plan, e.exhibits, links)], widths))
    story.append(Continued("CHRONOLOGY", ("#", "Date", "Event", "Evidence"), widths, rows))
    if any(e.planned for e in events):
        story.append(Spacer(1, 6))
        story.append(Paragraph("Events marked <i>planned</i> have not yet happened; they are "
                               "scheduled as the cited evidence shows.", st["small"]))
    return render(story, paper, title="Chronology", links=links)


def claims(m: Manifest, plan: PagePlan, paper: str) -> Rendered:
    """Each claim with the exhibits that prove it: label, packet page and title."""
    st = styles()
    w = frame_width(paper)
    links: list[Link] = []
    widths = [0.35 * inch, w - 3.05 * inch, 2.7 * inch]
    story = _head("SUMMARY OF CLAIMS AND EVIDENCE", m)
    rows = [row([Paragraph(str(i), st["cell"]), Paragraph(text(c.claim), st["cell"]),
                 _citations(plan, c.exhibits, links, titles=True)], widths)
            for i, c in enumerate(m.claims, start=1)]
    story.append(Continued("SUMMARY OF CLAIMS AND EVIDENCE", ("#", "Claim", "Evidence"), widths, rows))
    return render(story, paper, title="Claims", links=links)
