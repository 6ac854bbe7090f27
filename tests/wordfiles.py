"""Make fictional .docx files at test time with python-docx: headings, emphasis, lists, footnotes,
tracked changes and comments (python-docx writes no footnotes or revisions: their XML is added)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

_FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{note}</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>')
_FOOTNOTE_REF = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'


def statement_docx(path: Path, *, footnote: str | None = "I was then 19 years old.",
                   inserted: str | None = None, deleted: str | None = None, comment: str | None = None,
                   body: list[str] | None = None) -> Path:
    """A declaration's text in Word: a heading, a paragraph with bold and italic, a bullet list,
    a numbered list and a paragraph with a footnote; optionally tracked changes and a comment."""
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("My Family", level=1)
    p = doc.add_paragraph("My name is Ana Ejemplo and I was born in ")
    p.add_run("Tegucigalpa").bold = True
    p.add_run(", in ")
    p.add_run("Honduras").italic = True
    p.add_run(".")
    for item in ("my mother, Rosa", "my brother, Luis"):
        doc.add_paragraph(item, style="List Bullet")
    for item in ("First they called.", "Then they came to the house."):
        doc.add_paragraph(item, style="List Number")
    p = doc.add_paragraph("We left in 2024.")
    if footnote:
        p.add_run("FNREF")
    if inserted or deleted:
        doc.add_paragraph("CHANGES")
    for text in body or []:
        doc.add_paragraph(text)
    if comment:
        run = doc.paragraphs[1].runs[0]
        doc.add_comment(run, text=comment, author="Supervising attorney")
    buf = io.BytesIO()
    doc.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_patched(buf.getvalue(), footnote, inserted, deleted))
    return path


def _patched(data: bytes, footnote, inserted, deleted) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = content.decode("utf-8")
                if footnote:
                    xml = xml.replace("<w:r><w:t>FNREF</w:t></w:r>", _FOOTNOTE_REF)
                change = ""
                if inserted:
                    change += ('<w:ins w:id="91" w:author="Interpreter" w:date="2026-11-01T10:00:00Z">'
                               f'<w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>')
                if deleted:
                    change += ('<w:del w:id="92" w:author="Interpreter" w:date="2026-11-01T10:00:00Z">'
                               f'<w:r><w:delText xml:space="preserve">{deleted}</w:delText></w:r></w:del>')
                xml = xml.replace("<w:r><w:t>CHANGES</w:t></w:r>", change)
                content = xml.encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels" and footnote:
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.'
                                          b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                          b'Target="footnotes.xml"/></Relationships>')
            elif info.filename == "[Content_Types].xml" and footnote:
                content = content.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                          b'footnotes+xml"/></Types>')
            z.writestr(info, content)
        if footnote:
            z.writestr("word/footnotes.xml", _FOOTNOTES.format(note=footnote))
    return out.getvalue()
