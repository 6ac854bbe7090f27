"""The response to a notice: each ground, where the notice says it, the answer and the evidence that answers it."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Spacer

from .scripts import Paragraph
from ..model import Manifest, Pin
from ..plan import PagePlan, PinError
from ..response import notice_pin, notice_title, pin_target, pin_text
from ..render.words import fixed_date, long_date
from . import markdown
from .doc import Link, LinkTo, Rendered, render
from .fonts import styles, text
from .sections import _head
from .tables import Continued, frame_width, row

NEW = "new"


def pin_citations(plan: PagePlan, pins: list[Pin], links: list[Link], new: set[str] | frozenset = frozenset(),
                  titles: bool = True) -> list:
    """One linked paragraph per pin cite ("Ex. E at 18\u201319"), marked when new since the earlier filing."""
    st = styles()
    out: list = []
    for pin in pins:
        try:
            markup = f"<b>{text(pin_text(plan, pin))}</b>"
        except PinError:  # only while a statement's length is unsettled; check_pins has the last word
            markup = f"<b>{text(pin_text(plan, Pin(id=pin.id)))}</b>"
        if pin.id in new:
            markup += f" <i>({NEW})</i>"
        place = plan.exhibits.get(pin.id)
        if titles and place is not None:
            markup += f"<br/><font size=8.5>{text(place.title)}</font>"
        out.append(LinkTo(Paragraph(markup, st["cell"]), pin_target(pin), links))
    return out or [Paragraph("\u2014", st["cell"])]


def response_table(m: Manifest, plan: PagePlan, paper: str, answers: dict[str, str],
                   new: set[str] | None = None) -> Rendered:
    """"Response to the grounds": a row per ground with its notice page, answer and evidence."""
    r = m.response
    assert r is not None
    st = styles()
    w = frame_width(paper)
    links: list[Link] = []
    widths = [0.3 * inch, 1.75 * inch, w - 3.75 * inch, 1.7 * inch]
    story = _head("RESPONSE TO THE GROUNDS", m)
    # Dates held by no-break spaces: "Response due March 1, 2027" breaks between facts, never in one.
    facts = [text(notice_title(r).replace(long_date(r.notice_date), fixed_date(r.notice_date)))]
    if r.receipt_number:
        facts.append(f"Receipt No.\u00a0{text(r.receipt_number)}")
    if r.due_date:
        facts.append(f"Response\u00a0due\u00a0{text(fixed_date(r.due_date))}")
    story.append(Paragraph(" \u00b7 ".join(facts), st["center"]))
    story.append(Spacer(1, 6))
    rows: list = []
    for i, g in enumerate(r.grounds, start=1):
        ground: list = [Paragraph(text(g.ground), st["cell"])]
        if g.page:
            where, target = notice_pin(plan, r, g.page)
            ground.append(LinkTo(Paragraph(f"<i>{text(where)}</i>", st["cell"]), target, links))
        answer = markdown.cell(answers.get(g.id, "")) if g.answer else \
            [Paragraph("<i>(not answered)</i>", st["cell"])]
        rows.append(row([Paragraph(str(i), st["cell"]), ground, answer,
                         pin_citations(plan, g.exhibits, links, new or set())], widths))
    story.append(Continued("RESPONSE TO THE GROUNDS", ("#", "Ground", "Answer", "Evidence"), widths, rows))
    story.append(Spacer(1, 8))
    notes = ["Page numbers are those printed at the foot of each page; each citation is a link."]
    if new:
        notes.append(f"<i>({NEW})</i> marks evidence that was not in the earlier filing.")
    story.append(Paragraph(" ".join(notes), st["small"]))
    return render(story, paper, title="Response to the grounds", links=links)
