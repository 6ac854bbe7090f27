"""build --docx: Word drafts of the exhibit list, cover letter and declarations, and the index as CSV."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

from factory import require_poppler

docx = pytest.importorskip("docx")


def test_docx_drafts_match_the_packet(case_dir, cli, tmp_path):
    code, _out, err = cli("build", case_dir / "case.yaml", "-o", tmp_path / "out" / "packet.pdf", "--docx")
    assert code == 0, err
    folder = tmp_path / "out" / "packet.drafts"
    receipt = json.loads((tmp_path / "out" / "packet.receipt.json").read_text())
    rows = [[c.text for c in row.cells] for row in docx.Document(folder / "exhibit-list.docx").tables[0].rows]
    assert rows[0] == ["Ex.", "Description", "Date", "Pages"]
    want = [[e["label"], e["title"], e["start"], e["end"]] for e in receipt["exhibits"]]
    assert [[r[0], r[1]] + [int(x) for x in r[3].split("\u2013")] for r in rows[1:]] == want
    assert rows[1][2] == "October 2, 2026" and rows[2][2] == "\u2014"
    # The same rows as the packet's own index page.
    require_poppler()
    index = " ".join(subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "out" / "packet.pdf"), "-"],
                                    check=True, capture_output=True, text=True).stdout.split())
    assert "INDEX OF EXHIBITS" in index
    for r in rows[1:]:
        assert f"{r[0]} {r[1]} {r[2]} {r[3]}" in index, (r, index)
    with open(folder / "exhibit-list.csv", encoding="utf-8", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert [(x["label"], x["id"], x["title"], int(x["first_page"]), int(x["last_page"])) for x in listed] == \
        [(e["label"], e["id"], e["title"], e["start"], e["end"]) for e in receipt["exhibits"]]
    assert listed[0]["date"] == "2026-10-02"
    paragraphs = [p.text for p in docx.Document(folder / "cover-letter.docx").paragraphs]
    assert paragraphs[0].startswith("Draft for review") and "Page numbers are those of that build" in paragraphs[0]
    # The letter's words and citations are the packet's, paragraph by paragraph.
    packet_letter = _words(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "out" / "packet.pdf"),
                                           "-"], check=True, capture_output=True, text=True).stdout)
    said = [_words(p) for p in paragraphs[1:] if _words(p)]
    assert len(said) > 5 and all(p in packet_letter for p in said), [p for p in said if p not in packet_letter]


def _words(value: str) -> str:
    return " ".join(value.replace("\u00a0", " ").split())


def test_a_declaration_draft_has_its_numbered_paragraphs_and_the_clause(tmp_path, cli):
    from factory import CASE_HEAD, manifest, text_pdf

    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
declarations:
  - id: decl-ana
    declarant: {name: Ana Ejemplo, role: petitioner}
    text: |
      I was born in **Tegucigalpa**.

      We left in 2024.
    executed: {date: 2026-11-10, place: "Houston, Texas", in_us: true}
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
""")
    code, _out, err = cli("build", tmp_path / "case.yaml", "--docx", "-q")
    assert code == 0, err
    doc = docx.Document(tmp_path / "case.drafts" / "declaration-decl-ana.docx")
    texts = [p.text for p in doc.paragraphs]
    assert "DECLARATION OF ANA EJEMPLO" in texts
    assert "1.\tI was born in Tegucigalpa." in texts and "2.\tWe left in 2024." in texts
    assert "I declare under penalty of perjury that the foregoing is true and correct." in texts
    assert "Executed on November 10, 2026, at Houston, Texas." in texts
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "Tegucigalpa" in bold


def test_without_python_docx_docx_fails_before_building(case_dir, cli, tmp_path, monkeypatch):
    from parolekit import drafts

    monkeypatch.setattr(drafts, "available", lambda: False)
    code, out, err = cli("build", case_dir / "case.yaml", "-o", tmp_path / "packet.pdf", "--docx")
    assert code == 1
    assert "tool-missing" in out + err and "pip install 'parolekit[office]'" in out + err
    assert not (tmp_path / "packet.pdf").exists()
