"""An immigration court filing's own pages: the ICPM cover page and the proof of service."""

from __future__ import annotations

import re

from reportlab.lib.units import inch
from reportlab.platypus import Spacer, Table, TableStyle

from ..model import Manifest
from .doc import Rendered, render
from .exhibit_pages import _signature
from .fonts import styles, text
from .scripts import Paragraph
from .words import long_date

HEARINGS = {"master": "Master calendar hearing", "individual": "Individual hearing"}
METHODS = {"mail": "first-class mail", "hand": "hand delivery", "ecas": "electronic service through ECAS"}


def a_number(value: str | None) -> str:
    """"A123456789" or "123-456-789" -> "A 123-456-789", as the court's files print it."""
    digits = re.sub(r"\D", "", value or "")
    return f"A {digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 9 else (value or "A-number not given")


def respondents(m: Manifest) -> list:
    people = m.case.beneficiaries
    chosen = m.case.court.respondents if m.case.court and m.case.court.respondents else \
        range(1, len(people) + 1)
    return [people[i - 1] for i in chosen if 1 <= i <= len(people)]


def _filer(m: Manifest) -> list[str]:
    """The top-left block: who files (the representative, or the respondent pro se)."""
    rep = m.case.representative
    if rep is None:
        return [f"{p.name}, {a_number(p.a_number)}" for p in respondents(m)] + ["Respondent, pro se"]
    lines = [rep.name, *([rep.firm] if rep.firm else []), *(rep.address or [])]
    lines += [x for x in (rep.phone, rep.email) if x]
    if rep.bar_number:
        lines.append(f"EOIR ID: {rep.bar_number}")
    lines.append(rep.title or "Attorney for the Respondent")
    return lines


def cover_page(m: Manifest, paper: str) -> Rendered:
    """The ICPM cover page (see `_cover_story`)."""
    return render(_cover_story(m, m.case.title), paper, title="Cover page")


def volume_cover(m: Manifest, paper: str, volume: tuple[int, int], contents: list[tuple[str, str]]) -> Rendered:
    """The cover page again for volume *n* of *count*, then what this volume holds: (entry, its
    packet pages), so a clerk with one file knows what it is and where it belongs."""
    st = styles()
    n, count = volume
    rows = [[Paragraph("<b>Contents of this volume</b>", st["cellb"]), Paragraph("<b>Pages</b>", st["cellb"])]]
    rows += [[Paragraph(text(entry), st["cell"]), Paragraph(text(pages), st["cell"])] for entry, pages in contents]
    table = Table(rows, colWidths=[5.2 * inch, 1.3 * inch], hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story = _cover_story(m, f"{m.case.title} \u2014 Volume {n} of {count}", room=0.35 * inch)
    return render([*story, Spacer(1, 0.3 * inch), table], paper, title=f"Cover page, volume {n} of {count}")


def _cover_story(m: Manifest, title: str, room: float = 1.2 * inch) -> list:
    """The Immigration Court Practice Manual's cover page (ch. 3.3(c), Appendix F): the filer top
    left, DETAINED top right when detained, the court, the caption with each respondent's name and
    A-number, the judge and the next hearing, and the filing's title centred."""
    st = styles()
    court = m.case.court
    assert court is not None  # lint and build refuse a court filing without case.court
    left = [Paragraph(text(line), st["cell"]) for line in _filer(m)]
    right = Paragraph("<b>DETAINED</b>", st["title"]) if court.detained else Paragraph("", st["cell"])
    top = Table([[left, right]], colWidths=[4.3 * inch, 2.2 * inch], hAlign="LEFT")
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    if court.detained:
        top.setStyle(TableStyle([("BOX", (1, 0), (1, 0), 1.2, "black")]))
    heading = [Paragraph(line, st["center"]) for line in (
        "UNITED STATES DEPARTMENT OF JUSTICE", "EXECUTIVE OFFICE FOR IMMIGRATION REVIEW",
        "IMMIGRATION COURT", text(court.location.upper()))]
    people = respondents(m)
    names = [Paragraph("In the Matter of:", st["cell"])]
    names += [Paragraph(f"<b>{text(p.name.upper())}</b>", st["cell"]) for p in people]
    names += [Paragraph("Respondent" + ("s" if len(people) > 1 else "") + ".", st["cell"]),
              Paragraph("In removal proceedings", st["cell"])]
    files = [Paragraph(f"File No.: {text(a_number(p.a_number))}", st["cell"]) for p in people]
    caption = Table([[names, files]], colWidths=[3.4 * inch, 3.1 * inch], hAlign="LEFT")
    caption.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEAFTER", (0, 0), (0, 0), 0.8, "black"),
                                 ("LEFTPADDING", (1, 0), (1, 0), 14), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    when = long_date(court.hearing_date) + (f" at {court.hearing_time}" if court.hearing_time else "")
    hearing = Table([[Paragraph(f"Immigration Judge: {text(court.judge)}", st["cell"]),
                      Paragraph(f"Next hearing: {text(when)}<br/>{HEARINGS[court.hearing_type]}", st["cell"])]],
                    colWidths=[3.4 * inch, 3.1 * inch], hAlign="LEFT")
    hearing.setStyle(TableStyle([("LEFTPADDING", (0, 0), (0, 0), 0), ("LEFTPADDING", (1, 0), (1, 0), 14),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [top, Spacer(1, 0.5 * inch), *heading, Spacer(1, 0.35 * inch), caption, Spacer(1, 0.2 * inch),
             hearing, Spacer(1, room), Paragraph(text(title.upper()), st["title"])]
    return story


def proof_of_service(m: Manifest, paper: str) -> Rendered:
    """The certificate of service 8 CFR 1003.32 asks of a filing not served through ECAS, worded
    as the ICPM's sample proof of service."""
    st = styles()
    s = m.service
    assert s is not None
    served = "<br/>".join(text(line) for line in s.served)
    story = [Paragraph("PROOF OF SERVICE", st["title"]), Spacer(1, 12),
             Paragraph(f"On {text(long_date(s.date))}, I, {text(s.by)}, served a copy of this "
                       f"{text(m.case.title)} and any attached pages to the following party at the "
                       f"following address by {METHODS[s.method]}:", st["body"]),
             Paragraph(served, st["body"]), Spacer(1, 18),
             *_signature(s.by, below=[text(long_date(s.date))], electronic=s.signature == "/s/")]
    return render(story, paper, title="Proof of service")
