"""Word drafts of a build (`build --docx`): the exhibit list, cover letter and declarations as
editable .docx files with the packet's text and citations, and the index as CSV.

A supervisor marks these up in Word; the packet stays what is filed. Page numbers are those of
the build that wrote them, and each draft says so at its top.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from .manifest import read_text
from .model import Declaration
from .plan import PagePlan
from .render import markdown
from .render.exhibit_pages import clause, executed_line
from .render.letter import letter_body, render_markdown
from .render.words import long_date

INSTALL = "pip install 'parolekit[office]'"
_TAG = re.compile(r"(<[^>]+>)")


def available() -> bool:
    """Whether python-docx (the office extra) is installed."""
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def drafts_folder(packet: Path) -> Path:
    """`<packet>.drafts/` beside the packet, as `--signing-copies` writes `<packet>.signing/`."""
    return packet.with_name(packet.stem + ".drafts")


def index_rows(plan: PagePlan) -> list[dict]:
    """The index's rows as the packet prints them: label, title, date, pages (and volumes)."""
    return [{"label": p.label, "id": p.id, "title": p.title, "date": long_date(p.date) if p.date else "",
             "iso_date": p.date or "", "pages": p.range, "first_page": p.start, "last_page": p.end,
             "volume": p.volumes} for p in plan.exhibits.values()]


def write_drafts(prep, plan: PagePlan, packet: Path, sha256: str) -> list[Path]:
    """Write the drafts into drafts_folder(packet); returns the files written."""
    case, m = prep.case, prep.case.manifest
    folder = drafts_folder(packet)
    folder.mkdir(parents=True, exist_ok=True)
    note = (f"Draft for review, made by parolekit from {case.path.name} with {packet.name} "
            f"(SHA-256 {sha256[:12]}…). Page numbers are those of that build and change when the "
            "packet changes; the filed packet is the PDF.")
    written = [_exhibit_list(folder / "exhibit-list.docx", m.case.title, plan, note),
               _index_csv(folder / "exhibit-list.csv", plan)]
    if "cover" in plan.sections:  # a court filing has a cover page instead, unless a letter is given
        snap = prep.texts.get(("cover_letter", "file"))
        body = snap.text if snap else letter_body(case)
        template = case.resolve(m.cover_letter.template) if m.cover_letter and m.cover_letter.template else None
        letter = render_markdown(m, plan, body, template, roots=case.roots)
        written.append(_markdown_docx(folder / "cover-letter.docx", note, letter))
    for i, decl in enumerate(m.declarations):
        if decl.signed_file:
            continue  # signed already: the scan is the declaration
        snap = prep.texts.get(("declarations", i, "text"))
        text = snap.text if snap else read_text(case, decl.text or "")
        written.append(_declaration_docx(folder / f"declaration-{decl.id}.docx", note, decl, text))
    return written


def _document(note: str):
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    para = doc.add_paragraph()
    run = para.add_run(note)
    run.italic = True
    run.font.size = Pt(9)
    return doc


def _save(doc, path: Path) -> Path:
    """Whole or not at all: saved to memory, then written under a temporary name and renamed."""
    buf = io.BytesIO()
    doc.save(buf)
    _atomic(path, buf.getvalue())
    return path


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _exhibit_list(path: Path, title: str, plan: PagePlan, note: str) -> Path:
    doc = _document(note)
    doc.add_heading("Index of Exhibits", level=1)
    doc.add_paragraph(title)
    rows = index_rows(plan)
    volumes = any(r["volume"] != "1" for r in rows)
    head = ["Ex.", "Description", "Date"] + (["Vol."] if volumes else []) + ["Pages"]
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, head):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    for r in rows:
        cells = table.add_row().cells
        values = [r["label"], r["title"], r["date"] or "\u2014"] + ([r["volume"]] if volumes else []) + [r["pages"]]
        for cell, value in zip(cells, values):
            cell.text = str(value)
    doc.add_paragraph(f"The packet has {plan.total} pages.")
    return _save(doc, path)


def _index_csv(path: Path, plan: PagePlan) -> Path:
    """The index for case-management systems: one row per exhibit, UTF-8 with a header, dates ISO."""
    buf = io.StringIO()
    fields = ["label", "id", "title", "date", "first_page", "last_page", "pages", "volume"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in index_rows(plan):
        writer.writerow({k: r["iso_date"] if k == "date" else r[k] for k in fields})
    _atomic(path, buf.getvalue().encode("utf-8"))
    return path


def _markdown_docx(path: Path, note: str, source: str) -> Path:
    doc = _document(note)
    for block in markdown.blocks(source):
        _add_block(doc, block)
    return _save(doc, path)


def _declaration_docx(path: Path, note: str, decl: Declaration, body: str) -> Path:
    """As the packet prints it: caption, numbered paragraphs, the § 1746 clause, date and place."""
    doc = _document(note)
    name = decl.declarant.name
    doc.add_heading(f"DECLARATION OF {name.upper()}", level=1)
    doc.add_paragraph(f"I, {name}, declare as follows:")
    number = 0
    sources = [("Qualifications", decl.declarant.qualifications)] if decl.declarant.qualifications else []
    for heading, text in sources + [("", body)]:
        if heading:
            doc.add_heading(heading, level=2)
        for block in markdown.blocks(text):
            if block.kind == "paragraph" and block.markup.strip():
                number += 1
            _add_block(doc, block, number if block.kind == "paragraph" else 0)
    executed = decl.executed
    doc.add_paragraph(clause(executed.in_us if executed is not None else True))
    doc.add_paragraph(executed_line(decl))
    doc.add_paragraph("\n\n______________________________")
    doc.add_paragraph(name)
    return _save(doc, path)


def _add_block(doc, block, number: int = 0) -> None:
    if block.kind == "heading":
        para = doc.add_heading(level=2)
    elif block.kind == "bullet":
        para = doc.add_paragraph(style="List Bullet")
    elif block.kind == "ordered":
        para = doc.add_paragraph()
        para.add_run(f"{block.number}.\t")
    else:
        para = doc.add_paragraph()
        if number:
            para.add_run(f"{number}.\t")
    _add_runs(para, block.markup)


def _add_runs(para, markup: str) -> None:
    """reportlab's paragraph markup (<b>, <i>, <br/>, <a>) as Word runs of the same text."""
    bold = italic = False
    for piece in _TAG.split(markup):
        tag = piece.lower()
        if tag in ("<b>", "</b>"):
            bold = tag == "<b>"
        elif tag in ("<i>", "</i>"):
            italic = tag == "<i>"
        elif tag.startswith("<br"):
            para.add_run().add_break()
        elif tag.startswith("<") and tag.endswith(">"):
            continue  # a link or font change: the words are kept
        elif piece:
            run = para.add_run(html.unescape(piece))
            run.bold, run.italic = bold or None, italic or None
