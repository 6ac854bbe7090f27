"""Pages that belong to exhibits: separator sheets, declarations and certificates."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ..model import Declaration, Exhibit
from . import markdown
from .doc import Rendered, render
from .fonts import styles, text
from .words import language_name, long_date

CLAUSE_ABROAD = ("I declare under penalty of perjury under the laws of the United States of "
                 "America that the foregoing is true and correct.")
CLAUSE_US = "I declare under penalty of perjury that the foregoing is true and correct."


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
    return [Rendered(whole.data, 1, [], first=i, shared_pages=whole.pages) for i in range(len(sheets))]


def _signature(name: str, date_place: str | None = None) -> list:
    st = styles()
    rows = [[Paragraph("", st["cell"])], [Paragraph(text(name), st["cell"])]]
    table = Table(rows, colWidths=[3.2 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("LINEABOVE", (0, 1), (0, 1), 0.8, "black"),
                               ("TOPPADDING", (0, 0), (-1, 0), 26)]))
    out = [Spacer(1, 6)]
    if date_place:
        out.append(Paragraph(date_place, st["body"]))
    out.append(table)
    return out


def declaration_story(decl: Declaration, body_md: str) -> list:
    """Caption, the expert's qualifications, numbered paragraphs, § 1746 clause and signature."""
    st = styles()
    name = decl.declarant.name
    story: list = [Paragraph(f"DECLARATION OF {text(name.upper())}", st["title"])]
    intro = f"I, {text(name)}, declare as follows:"
    story.append(Paragraph(intro, st["body"]))
    number = 0
    if decl.declarant.role == "expert" and decl.declarant.qualifications:
        story.append(Paragraph("Qualifications", st["heading"]))
        for block in markdown.blocks(decl.declarant.qualifications):
            number += 1
            story.append(Paragraph(f"{number}.\u2003{block.markup}", st["numbered"]))
        story.append(Paragraph("Statement", st["heading"]))
    for block in markdown.blocks(body_md):
        if block.kind == "heading":
            story.append(Paragraph(block.markup, st["heading"]))
            continue
        if block.kind in ("bullet", "ordered"):
            bullet = "\u2022" if block.kind == "bullet" else f"{block.number}."
            story.append(Paragraph(block.markup, st["bullet"], bulletText=bullet))
            continue
        number += 1
        story.append(Paragraph(f"{number}.\u2003{block.markup}", st["numbered"]))
    ex = decl.executed
    clause = CLAUSE_US if ex is None or ex.in_us else CLAUSE_ABROAD
    date_place = f"Executed on {text(long_date(ex.date if ex else None))}"
    if ex and ex.place:
        date_place += f" at {text(ex.place)}."
    story.append(KeepTogether([Spacer(1, 6), Paragraph(text(clause), st["body"]),
                               *_signature(name, date_place)]))
    if decl.interpreter:
        story.extend(interpretation_story(decl))
    return story


def interpretation_story(decl: Declaration) -> list:
    """Certificate of interpretation: who read the declaration to the declarant, in what language."""
    st = styles()
    it = decl.interpreter
    assert it is not None
    lang = text(language_name(it.language) if len(it.language) <= 3 else it.language)
    name = text(decl.declarant.name)
    ex = decl.executed
    body = (f"I, {text(it.name)}, certify that I am competent to interpret from English into "
            f"{lang} and from {lang} into English. I read the foregoing declaration of {name} to "
            f"{name} in {lang}, a language that {name} understands. {name} stated that "
            f"{name} understood its contents before signing it.")
    when = f"Dated: {text(long_date(ex.date if ex else None))}"
    items = [Spacer(1, 18), Paragraph("CERTIFICATE OF INTERPRETATION", st["title"]),
             Paragraph(body, st["body"]), *_signature(it.name, when)]
    if it.address:
        items.append(Paragraph(text(it.address), st["small"]))
    return [KeepTogether(items)]


def declaration(decl: Declaration, body_md: str, paper: str) -> Rendered:
    return render(declaration_story(decl, body_md), paper, title=f"Declaration of {decl.declarant.name}")


def translation_certificate(ex: Exhibit, label_word: str, date, paper: str) -> Rendered:
    """Certificate of translation under 8 CFR 103.2(b)(3) and the Immigration Court Practice Manual."""
    st = styles()
    t = ex.translation
    assert t is not None
    tr = t.translator
    lang = text(language_name(ex.language))
    doc = f"{text(ex.title)} ({text(label_word)})"
    story = [
        Paragraph("CERTIFICATE OF TRANSLATION", st["title"]),
        Paragraph(f"I, {text(tr.name)}, certify that I am competent to translate from {lang} into "
                  f"English, and that the attached English translation of the document titled "
                  f"\u201c{doc}\u201d is complete and accurate to the best of my knowledge "
                  f"and ability.", st["body"]),
        *_signature(tr.name, f"Date: {text(long_date(date))}"),
        Spacer(1, 8),
        Paragraph("Translator's name: " + text(tr.name), st["small"]),
        Paragraph("Address: " + "<br/>".join(text(a) for a in tr.address), st["small"]),
        Paragraph("Telephone: " + text(tr.phone), st["small"]),
    ]
    if tr.email:
        story.append(Paragraph("Email: " + text(tr.email), st["small"]))
    story.append(Spacer(1, 14))
    story.append(Paragraph(f"Language pair: {lang} \u2192 English", st["small"]))
    return render(story, paper, title=f"Certificate of translation, {label_word}")
