"""Pages that belong to exhibits: separator sheets, declarations and certificates."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from .scripts import Paragraph
from ..model import Declaration, Exhibit, Pin
from . import markdown
from .doc import Link, Rendered, render
from .fonts import styles, text
from .grounds import pin_citations
from .tables import column, frame_width
from .words import fixed_date, language_name, long_date

# 28 U.S.C. § 1746: (1) executed outside the United States, (2) within it.
CLAUSE_ABROAD = ("I declare under penalty of perjury under the laws of the United States of "
                 "America that the foregoing is true and correct.")
CLAUSE_US = "I declare under penalty of perjury that the foregoing is true and correct."


def clause(in_us: bool) -> str:
    """The unsworn declaration's wording for where it was signed."""
    return CLAUSE_US if in_us else CLAUSE_ABROAD


def separator(label_word: str, title: str, paper: str) -> Rendered:
    """"EXHIBIT C" on its own line, then the exhibit's title."""
    st = styles()
    story = [Spacer(1, 2.4 * inch), Paragraph(text(label_word.upper()), st["label"]),
             Paragraph(text(title), st["subtitle"])]
    return render(story, paper, title=label_word)


def separators(sheets: list[tuple[str, str]], paper: str) -> list[Rendered]:
    """Many separator sheets (label, title) rendered as ONE document: one page each, sharing its
    bytes and font. Rendering a document costs ~10 ms however short; a packet has hundreds."""
    if not sheets:
        return []
    st = styles()
    story: list = []
    for label_word, title in sheets:
        story += [Spacer(1, 2.4 * inch), Paragraph(text(label_word.upper()), st["label"]),
                  Paragraph(text(title), st["subtitle"]), PageBreak()]
    whole = render(story[:-1], paper, title="Exhibit separators")
    if whole.pages != len(sheets):  # a title too long for one sheet: keep each on its own
        return [separator(label_word, title, paper) for label_word, title in sheets]
    return [Rendered(whole.data, 1, [], first=i, shared_pages=whole.pages, marked=whole.marked)
            for i in range(len(sheets))]


def _signature(name: str, above: str | None = None, below: list[str] | None = None,
               electronic: bool = False) -> list:
    """A line to sign on (with room above it), the typed name under it, then any details; an
    electronic signature prints "/s/ Name" on the line instead."""
    st = styles()
    signed = Paragraph(f"<i>/s/ {text(name)}</i>", st["cell"]) if electronic else Paragraph("", st["cell"])
    rows = [[signed], [Paragraph(text(name), st["cell"])]]
    rows += [[Paragraph(line, st["small"])] for line in below or []]
    table = Table(rows, colWidths=[3.4 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("LINEABOVE", (0, 1), (0, 1), 0.8, "black"),
                               ("TOPPADDING", (0, 0), (-1, 0), 12 if electronic else 30),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 2), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]))
    out: list = [Spacer(1, 4)]
    if above:
        out.append(Paragraph(above, st["body"]))
    out.append(table)
    return out


def _markdown_story(source: str, number: int) -> tuple[list, int]:
    """Numbered paragraphs from Markdown; headings and list items are not numbered."""
    st = styles()
    story: list = []
    previous = ""
    for block in markdown.blocks(source):
        if block.kind == "heading":
            story.append(Paragraph(block.markup, st["heading"]))
        elif block.kind in ("bullet", "ordered"):
            bullet = "\u2022" if block.kind == "bullet" else f"{block.number}."
            story.append(Paragraph(block.markup, st["declbullet"], bulletText=bullet))
        elif block.markup.strip():
            if previous in ("bullet", "ordered"):
                story.append(Spacer(1, 4))
            number += 1
            story.append(Paragraph(block.markup, st["numbered"], bulletText=f"{number}."))
        previous = block.kind
    return story, number


def executed_line(decl: Declaration) -> str:
    """"Executed on November 10, 2026, at Tegucigalpa, Honduras." (lint requires date and place;
    the comma after the year is American usage)."""
    executed = decl.executed
    line = f"Executed on {long_date(executed.date if executed else None) or '____________'}"
    if executed and executed.place:
        line += f", at {executed.place}"
    return line if line.endswith(".") else line + "."


def declaration_story(decl: Declaration, body_md: str) -> list:
    """Caption, the expert's qualifications, numbered paragraphs, § 1746 clause and signature."""
    st = styles()
    name = decl.declarant.name
    story: list = [Paragraph(f"DECLARATION OF {text(name.upper())}", st["title"]),
                   Paragraph(f"I, {text(name)}, declare as follows:", st["body"])]
    number = 0
    if decl.declarant.qualifications:
        # An expert's opinion carries weight only from the qualifications stated first (lint
        # requires them of experts; any declarant may give them, e.g. a treating social worker).
        story.append(Paragraph("Qualifications", st["heading"]))
        part, number = _markdown_story(decl.declarant.qualifications, number)
        story.extend(part)
        first = markdown.blocks(body_md)[:1]
        if not (first and first[0].kind == "heading"):  # the body may bring its own headings
            story.append(Paragraph("Statement", st["heading"]))
    part, number = _markdown_story(body_md, number)
    # The signature never stands alone on a page: the last paragraph goes with it, so that the
    # signed page is visibly part of this declaration.
    last = [part.pop()] if part else []
    story.extend(part)
    executed = decl.executed
    in_us = executed.in_us if executed is not None else True
    story.append(KeepTogether([*last, Spacer(1, 6), Paragraph(text(clause(in_us)), st["body"]),
                               *_signature(name, text(executed_line(decl)),
                                           electronic=bool(executed and executed.signature == "/s/"))]))
    if decl.interpreter:
        story.extend(interpretation_story(decl))
    return story


def interpretation_story(decl: Declaration) -> list:
    """Certificate of interpretation: who read the declaration to the declarant, in what language."""
    st = styles()
    it = decl.interpreter
    assert it is not None
    lang = text(language_name(it.language))
    name = text(decl.declarant.name)
    executed = decl.executed
    body = [
        f"I, {text(it.name)}, certify that I am competent to interpret between {lang} and English.",
        f"On the date below I read the foregoing declaration of {name} to the declarant in {lang}, "
        f"a language that the declarant understands. The declarant stated that they understood the "
        "contents of the declaration before signing it.",
    ]
    items = [Spacer(1, 22), Paragraph("CERTIFICATE OF INTERPRETATION", st["title"]),
             *[Paragraph(b, st["body"]) for b in body],
             *_signature(it.name, f"Date: {text(long_date(executed.date if executed else None))}",
                         [f"Address: {text(it.address)}"] if it.address else [],
                         electronic=it.signature == "/s/")]
    return [KeepTogether(items)]


def declaration(decl: Declaration, body_md: str, paper: str) -> Rendered:
    return render(declaration_story(decl, body_md), paper, title=f"Declaration of {decl.declarant.name}")


def certificate_story(ex: Exhibit, label_word: str, date: dt.date | None) -> list:
    """Certificate of translation: 8 CFR 103.2(b)(3) and Immigration Court Practice Manual 3.3(a).

    Competence in the language pair; the named document's translation is complete and accurate;
    the translator's signature, printed name, address, telephone and the date.
    """
    st = styles()
    t = ex.translation
    assert t is not None
    tr = t.translator
    assert tr is not None  # (a signed certificate is filed as it is, not generated)
    lang = text(language_name(ex.language))
    when = t.date or date
    doc = f"\u201c{text(ex.title)}\u201d ({text(label_word)})"
    details = [f"Address: {'<br/>'.join(text(a) for a in tr.address)}",
               f"Telephone: {text(tr.phone)}"]
    if tr.email:
        details.append(f"Email: {text(tr.email)}")
    details.append(f"Date: {text(long_date(when))}")
    return [
        Paragraph("CERTIFICATE OF TRANSLATION", st["title"]),
        Paragraph(f"I, {text(tr.name)}, certify that I am competent to translate from {lang} into "
                  f"English, and that the foregoing English translation of the document titled "
                  f"{doc}, which is in {lang}, is complete and accurate to the best of my "
                  "knowledge and ability.", st["body"]),
        *_signature(tr.name, None, details, electronic=t.signature == "/s/"),
    ]


def translation_certificate(ex: Exhibit, label_word: str, date, paper: str) -> Rendered:
    """The certificate that follows an exhibit's English translation."""
    return render(certificate_story(ex, label_word, date), paper,
                  title=f"Certificate of translation, {label_word}")


REASONS = {
    "destroyed": "The document was destroyed.",
    "never-issued": "The document was never issued.",
    "office-closed": "The office that holds the record is closed or not functioning.",
    "unsafe-to-request": "Asking for the document would put the person or their family at risk.",
    "lost": "The document was lost, and no copy can be issued.",
    "other": "The document cannot be obtained.",
}


def unavailable(ex: Exhibit, label_word: str, explanation: str, plan, paper: str) -> Rendered:
    """The page that stands in an unavailable document's place: why it cannot be had, what was
    done to obtain it, and the secondary evidence offered instead (8 C.F.R. § 103.2(b)(2)).

    *explanation* is the Markdown already rendered (it may cite pages); the secondary evidence
    is cited, and linked, at the pages *plan* gives it.
    """
    st = styles()
    u = ex.unavailable
    assert u is not None
    links: list[Link] = []
    secondary = pin_citations(plan, [Pin(id=ref) for ref in u.secondary if ref in plan.exhibits], links) \
        if u.secondary else []
    story: list = [Paragraph("DOCUMENT NOT AVAILABLE", st["title"]),
                   Paragraph(f"{text(label_word)}: {text(ex.title)}", st["center"]), Spacer(1, 10),
                   Paragraph("Why it cannot be obtained", st["heading"]),
                   Paragraph(text(REASONS[u.reason]), st["body"])]
    if explanation.strip():
        story += [*markdown.cell(explanation), Spacer(1, 6)]
    story.append(Paragraph("Efforts made to obtain it", st["heading"]))
    if u.efforts:
        dates = [fixed_date(e.date) for e in u.efforts]  # a date never wraps
        date_w = column(dates, "Date")
        rest = frame_width(paper) - date_w
        rows = [[Paragraph(h, st["cellb"]) for h in ("Date", "Effort", "Result")]]
        rows += [[Paragraph(text(d), st["cell"]), Paragraph(text(e.effort), st["cell"]),
                  Paragraph(text(e.result or "\u2014"), st["cell"])] for d, e in zip(dates, u.efforts)]
        table = Table(rows, colWidths=[date_w, rest * 0.56, rest * 0.44], repeatRows=1, splitInRow=1,
                      hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.9, "black"),
                                   ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#999999")]))
        story.append(table)
    else:
        story.append(Paragraph("<i>None recorded.</i>", st["body"]))
    story.append(Paragraph("Secondary evidence offered in its place", st["heading"]))
    story += secondary or [Paragraph("<i>None.</i>", st["body"])]
    story += [Spacer(1, 10), Paragraph(
        "Where a required document does not exist or cannot be obtained, 8 C.F.R. § 103.2(b)(2) "
        "allows secondary evidence in its place, and, where that is not available either, two or "
        "more affidavits by persons with personal knowledge of the facts.", st["small"])]
    return render(story, paper, title=f"{label_word}: document not available", links=links)
