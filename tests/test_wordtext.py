"""Word text as parolekit text: a declaration's `text:` and the cover letter's `file:` may be a .docx."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.errors import CaseError
from parolekit.pipeline import build_packet
from parolekit.wordtext import read_word
from wordfiles import statement_docx

pytest.importorskip("mammoth")


def _case(tmp_path: Path, text: str = "statements/ana.docx", letter: str | None = None) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Doctor letter")
    cover = f"cover_letter:\n  file: {letter}\n" if letter else ""
    return manifest(tmp_path / "case.yaml", CASE_HEAD + cover + f"""\
declarations:
  - id: decl-ana
    declarant: {{name: Ana Ejemplo, role: petitioner}}
    text: {text}
    executed: {{date: 2026-11-10, place: "Houston, Texas", in_us: true}}
exhibits:
  - id: doctor-letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
""")


def _pdftext(pdf: Path) -> str:
    require_poppler()
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_a_docx_declaration_prints_its_headings_emphasis_lists_and_footnotes(tmp_path):
    statement_docx(tmp_path / "statements" / "ana.docx")
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    text = " ".join(_pdftext(result.output).split())
    for words in ("DECLARATION OF ANA EJEMPLO", "My Family",
                  "1. My name is Ana Ejemplo and I was born in Tegucigalpa, in Honduras.",
                  "\u2022 my mother, Rosa", "\u2022 my brother, Luis", "1. First they called.",
                  "2. Then they came to the house.", "We left in 2024.[1]", "Notes", "I was then 19 years old.",
                  "I declare under penalty of perjury"):
        assert words in text, words
    receipt = json.loads(result.receipt.read_text())
    [entry] = [i for i in receipt["inputs"] if i["path"] == "statements/ana.docx"]
    import hashlib

    assert entry["kind"] == "docx" and entry["converted"] == {"to": "markdown", "by": "mammoth"}
    assert entry["sha256"] == hashlib.sha256((tmp_path / "statements" / "ana.docx").read_bytes()).hexdigest()


def test_the_markdown_of_a_docx(tmp_path):
    md = read_word(statement_docx(tmp_path / "a.docx").read_bytes()).markdown
    assert md.startswith("# My Family\n\n")
    assert "born in **Tegucigalpa**, in *Honduras*." in md
    assert "- my mother, Rosa" in md and "1. First they called." in md and "2. Then they came" in md
    assert "We left in 2024.\\[1\\]" in md and md.rstrip().endswith("## Notes\n\n1. I was then 19 years old.")


def test_unaccepted_tracked_changes_are_a_located_error(tmp_path):
    statement_docx(tmp_path / "statements" / "ana.docx", inserted="on a Monday", deleted="on a Tuesday")
    with pytest.raises(CaseError) as err:
        build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    [p] = [p for p in err.value.problems if p.code == "docx-tracked-changes"]
    assert p.path == "declarations[decl-ana].text" and p.line == 17
    assert 'inserted "on a Monday" (paragraph 8)' in p.message and 'deleted "on a Tuesday"' in p.message
    assert "Accept or reject the changes in Word first" in p.message
    assert not (tmp_path / "out" / "packet.pdf").exists()


def test_comments_are_left_out_with_a_warning(tmp_path):
    statement_docx(tmp_path / "statements" / "ana.docx", comment="Check the date with Ana")
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    [w] = [p for p in result.warnings if p.code == "docx-comments-ignored"]
    assert w.path == "declarations[decl-ana].text" and "1 comment;" in w.message
    assert "Check the date" not in _pdftext(result.output)


def test_a_docx_cover_letter_keeps_its_citations(tmp_path):
    # Word types curly quotes: the citation still works.
    statement_docx(tmp_path / "statements" / "ana.docx")
    statement_docx(tmp_path / "letter.docx", footnote=None,
                   body=["The doctor writes that surgery is urgent ({{ cite(\u2018doctor-letter\u2019) }})."])
    result = build_packet(_case(tmp_path, letter="letter.docx"), tmp_path / "out" / "packet.pdf")
    plan = {e["id"]: e for e in json.loads(result.receipt.read_text())["exhibits"]}
    text = " ".join(_pdftext(result.output).split())
    assert f"surgery is urgent (Exhibit B at {plan['doctor-letter']['start'] + 1})." in text


def test_a_damaged_docx_is_a_located_error(tmp_path):
    (tmp_path / "statements").mkdir()
    (tmp_path / "statements" / "ana.docx").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CaseError) as err:
        build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    [p] = [p for p in err.value.problems if p.path == "declarations[decl-ana].text"]
    assert p.code == "file-corrupt" and "save it again as .docx" in p.message


def test_without_mammoth_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    import builtins

    statement_docx(tmp_path / "statements" / "ana.docx")
    real = builtins.__import__

    def no_mammoth(name, *args, **kwargs):
        if name == "mammoth":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mammoth)
    with pytest.raises(CaseError) as err:
        build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    [p] = [p for p in err.value.problems if p.code == "tool-missing"]
    assert "pip install 'parolekit[office]'" in p.message and p.path == "declarations[decl-ana].text"
