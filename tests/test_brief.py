"""The brief and declarations that cite pages, read back from the written PDF: where the brief sits,
its headings, lists, block quotes and notes, and cites that follow the exhibits when one is inserted.

Fixture: `_case` makes a folder with a 3-page letter and a 2-page report, a brief (brief.md) and a
declaration whose text cites the letter's page 2; *before* inserts a 4-page exhibit ahead of both.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.errors import CaseError
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

BRIEF = """\
# Memorandum in support

## I. The facts

The doctor confirms the diagnosis ({{ cite('letter', 2) }}).[^hist] The report follows
({{ cite_short('report') }}).

> Parole may be granted "for urgent humanitarian reasons or significant public benefit."

1. The need is urgent.
   - Treatment is unavailable at home.
2. The costs are covered.

[^hist]: The history is set out in {{ cite('decl') }}.
"""


def _case(root: Path, before: bool = False, brief: str = BRIEF, decl_text: str | None = None) -> Path:
    text_pdf(root / "exhibits" / "letter.pdf", pages=3, title="Letter")
    text_pdf(root / "exhibits" / "report.pdf", pages=2, title="Report")
    text_pdf(root / "exhibits" / "early.pdf", pages=4, title="Early")
    (root / "brief.md").write_text(brief, encoding="utf-8")
    early = "  - id: early\n    title: Earlier record\n    file: exhibits/early.pdf\n" if before else ""
    text = decl_text or '"I saw the doctor\'s letter ({{ cite(\'letter\', 2) }})."'
    return manifest(root / "case.yaml", CASE_HEAD + f"""\
brief:
  file: brief.md
  title: Memorandum in support
declarations:
  - id: decl
    declarant: {{name: Test Beneficiary, role: beneficiary}}
    text: {text}
    executed: {{date: 2026-11-10, place: "Houston, Texas", in_us: true}}
exhibits:
{early}  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: report
    title: Country report
    file: exhibits/report.pdf
""")


def _texts(out: Path) -> list[str]:
    require_poppler()
    n = len(pikepdf.open(out).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(out), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, n + 1)]


def _page_of(texts: list[str], needle: str) -> int:
    return next(n for n, t in enumerate(texts, start=1) if needle in t)


def _links(pdf: pikepdf.Pdf, page: int) -> list[int]:
    index = {p.obj.objgen: n for n, p in enumerate(pdf.pages, start=1)}
    return sorted(index[a.Dest[0].objgen] for a in pdf.pages[page - 1].obj.get("/Annots", [])
                  if a.get("/Subtype") == "/Link" and "/Dest" in a)


@pytest.mark.parametrize("before", [False, True])
def test_brief_follows_the_cover_letter_and_its_cites_follow_the_exhibits(tmp_path, before):
    out = build_packet(_case(tmp_path, before), tmp_path / "packet.pdf").output
    texts = _texts(out)
    brief = _page_of(texts, "I. The facts")
    assert brief == 2 and "Dear Sir or Madam" in texts[0]  # right after a one-page letter
    pdf = pikepdf.open(out)
    # The packet's own page plan, as the receipt records it, says where the letter's page 2 is.
    receipt = json.loads(out.with_suffix(".receipt.json").read_text())
    by_id = {e["id"]: e for e in receipt["exhibits"]}
    letter = by_id["letter"]
    page2 = letter["start"] + 2  # separator, then the document's pages 1, 2, 3
    assert "Letter" in texts[page2 - 1] and "2" in texts[page2 - 1]
    decl = by_id["decl"]
    shown = texts[brief - 1]
    assert f"Exhibit {letter['label']} at {page2}" in shown.replace("\u00a0", " ")
    assert f"Ex. {by_id['report']['label']} at {by_id['report']['start'] + 1}" in shown.replace("\u00a0", " ")
    assert page2 in _links(pdf, brief)
    # the note, set at the brief's end, cites the declaration's first page
    assert f"The history is set out in Exhibit {decl['label']} at {decl['start'] + 1}" in \
        shown.replace("\u00a0", " ")
    # the declaration cites the letter's page 2 too, and links there
    decl_page = decl["start"] + 1
    assert f"Exhibit {letter['label']} at {page2}" in texts[decl_page - 1].replace("\u00a0", " ")
    assert page2 in _links(pdf, decl_page)
    if before:
        assert letter["label"] == "C" and page2 == letter["start"] + 2


def test_brief_sets_headings_quotes_lists_and_notes(tmp_path):
    out = build_packet(_case(tmp_path), tmp_path / "packet.pdf").output
    page = _texts(out)[1]
    lines = [ln for ln in page.splitlines() if ln.strip()]
    quote = next(ln for ln in lines if "Parole may be granted" in ln)
    para = next(ln for ln in lines if "The doctor confirms" in ln)
    assert len(quote) - len(quote.lstrip()) > len(para) - len(para.lstrip()) + 4  # indented
    item = next(ln for ln in lines if "Treatment is unavailable" in ln)
    top = next(ln for ln in lines if "The need is urgent" in ln)
    assert "\u2022" in item and (len(item) - len(item.lstrip()) > len(top) - len(top.lstrip()))
    assert top.strip().startswith("1.")
    notes = [i for i, ln in enumerate(lines) if "The history is set out" in ln]
    assert notes and notes[0] > lines.index(item)  # the note comes after the body
    assert lines[notes[0]].strip().startswith("1.")
    assert "[^hist]" not in page and "{{" not in page
    # its bookmark, after the cover letter's
    pdf = pikepdf.open(out)
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[:2] == ["Cover letter", "Memorandum in support"]


def test_the_built_in_letter_lists_the_brief(tmp_path):
    out = build_packet(_case(tmp_path), tmp_path / "packet.pdf").output
    first = _texts(out)[0]
    assert "Memorandum in support (page 2)" in first


def test_brief_without_its_own_heading_gets_its_title(tmp_path):
    out = build_packet(_case(tmp_path, brief="Just an argument.\n"), tmp_path / "packet.pdf").output
    page = _texts(out)[1]
    assert page.strip().splitlines()[0].strip() == "Memorandum in support"


def test_a_pin_past_the_end_in_a_brief_is_reported_by_lint_at_its_line(tmp_path):
    case = _case(tmp_path, brief="# Brief\n\nSee {{ cite('letter', 9) }}.\n")
    result = lint_manifest(case)
    found = [p for p in result.problems if p.code == "pin-out-of-range"]
    assert found and "brief.md, line 3" in found[0].message and "'letter' has 3 pages" in found[0].message
    with pytest.raises(CaseError) as err:
        build_packet(case, tmp_path / "packet.pdf")
    assert any("letter" in p.message for p in err.value.problems)
    assert not (tmp_path / "packet.pdf").exists()


def test_a_brief_template_error_is_located_in_the_brief(tmp_path):
    case = _case(tmp_path, brief="# Brief\n\nline two\n\n{{ cite('nobody') }}\n")
    found = [p for p in lint_manifest(case).problems if p.code == "template-error"]
    assert found and found[0].path == "brief.file" and "brief.md" in found[0].message \
        and "line 5" in found[0].message


def test_a_brief_citing_none_is_told_no_exhibit_has_that_id(tmp_path):
    case = _case(tmp_path, brief="# Brief\n\n{{ cite(none) }}\n")  # was "KeyError: 'notice:None'"
    found = [p for p in lint_manifest(case).problems if p.code == "template-error"]
    assert found and "no exhibit or declaration has that id" in found[0].message and "KeyError" not in found[0].message


def test_a_brief_too_long_is_not_called_a_letter(tmp_path):
    case = _case(tmp_path, brief=("word " * 2000 + "\n\n") * 60)  # 600,000 characters, no loop
    found = [p for p in lint_manifest(case).problems if p.code == "template-error"]
    assert found and "rendered text would be over 500,000" in found[0].message and "letter" not in found[0].message


def test_a_declaration_pin_past_the_end_is_reported_by_lint(tmp_path):
    case = _case(tmp_path, decl_text='"See {{ cite(\'report\', 3) }}."')
    found = [p for p in lint_manifest(case).problems if p.code == "pin-out-of-range"]
    assert found and found[0].path.startswith("declarations[decl].text") and "'report' has 2 pages" in found[0].message


def test_a_declaration_without_template_markup_is_taken_as_written(tmp_path):
    out = build_packet(_case(tmp_path, decl_text='"I paid {#3} and 50% of it."'), tmp_path / "p.pdf").output
    assert any("I paid {#3} and 50% of it." in t for t in _texts(out))
