"""Sections, categories and frozen labels, read back from the written packet: the index's headings,
the bookmarks nested under them, per-section labels, excerpt notes, and labels that stay put when
an exhibit is added to a filed packet.

Fixture: `_case` writes a folder with four one-page exhibits (a, b, c, d), a 6-page report cut to
pages 1-2 and 5, and one declaration; *sections*, *exhibits* and *output* vary it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

SECTIONS = """\
sections:
  - id: identity
    title: Identity and family
  - id: country
    title: Country conditions
    label: C
"""


def _exhibit(ident: str, section: str | None = None, extra: str = "") -> str:
    return (f"  - id: {ident}\n    title: Document {ident.upper()}\n    file: exhibits/{ident}.pdf\n"
            + (f"    section: {section}\n" if section else "") + extra)


def _case(root: Path, exhibits: list[str], sections: str = "", output: str = "") -> Path:
    for ident in "abcdez":
        text_pdf(root / "exhibits" / f"{ident}.pdf", pages=1, title=f"Doc {ident}")
    text_pdf(root / "exhibits" / "report.pdf", pages=6, title="Report")
    return manifest(root / "case.yaml", CASE_HEAD + sections + output + """\
declarations:
  - id: decl
    declarant: {name: Test Beneficiary, role: beneficiary}
    text: I am the beneficiary.
    executed: {date: 2026-11-10, place: "Houston, Texas", in_us: true}
exhibits:
""" + "".join(exhibits))


def _index_text(out: Path) -> str:
    require_poppler()
    return subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout


def _outline(out: Path) -> list:
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        return [(item.title, [c.title for c in item.children]) for item in outline.root]


def _labels(out: Path) -> dict[str, str]:
    receipt = json.loads(out.with_suffix(".receipt.json").read_text())
    return {e["id"]: e["label"] for e in receipt["exhibits"]}


REPORT = "  - id: report\n    title: Country report\n    file: exhibits/report.pdf\n    pages: \"1-2, 5\"\n"


def test_sections_head_the_index_and_the_bookmarks_and_file_exhibits_together(tmp_path):
    case = _case(tmp_path, [_exhibit("a", "country"), _exhibit("b", "identity"), REPORT + "    section: country\n",
                            _exhibit("c", "identity")], SECTIONS)
    out = build_packet(case, tmp_path / "p.pdf").output
    index = [ln.strip() for ln in _index_text(out).splitlines() if ln.strip()]
    order = [ln for ln in index if ln.startswith(("Declarations", "Identity", "Country", "A ", "B ", "C ", "C-"))]
    assert order[:2] == ["Declarations", order[1]] and order[1].startswith("A ")
    heads = [ln for ln in index if ln in ("Declarations", "Identity and family", "Country conditions")]
    assert heads == ["Declarations", "Identity and family", "Country conditions"]
    # identity's exhibits come first though the manifest lists a country one first; per-section labels
    assert _labels(out) == {"decl": "A", "b": "B", "c": "C", "a": "C-1", "report": "C-2"}
    identity = index.index("Identity and family")
    assert "Document B" in index[identity + 1] and "Document C" in index[identity + 2]
    outline = _outline(out)
    titles = [t for t, _ in outline]
    assert titles[-3:] == ["Declarations", "Identity and family", "Country conditions"]
    assert dict(outline)["Country conditions"] == ["Exhibit C-1: Document A", "Exhibit C-2: Country report"]


def test_an_excerpt_says_which_pages_of_how_many(tmp_path):
    out = build_packet(_case(tmp_path, [REPORT]), tmp_path / "p.pdf").output
    index = _index_text(out).replace("\u00a0", " ")
    assert "Excerpt: pp. 1–2, 5 of 6" in index
    whole = build_packet(_case(tmp_path / "w", [_exhibit("a")]), tmp_path / "w" / "p.pdf").output
    assert "Excerpt" not in _index_text(whole)


def test_grouping_by_category(tmp_path):
    ex = [_exhibit("a", extra="    category: financial\n"), _exhibit("b", extra="    category: identity\n"),
          _exhibit("c")]
    out = build_packet(_case(tmp_path, ex, output="output:\n  group_by: category\n"), tmp_path / "p.pdf").output
    heads = [t for t, _ in _outline(out) if not t.startswith(("Cover", "Index"))]
    assert heads == ["Declarations", "Identity documents", "Financial support", "Other evidence"]
    assert _labels(out) == {"decl": "A", "b": "B", "a": "C", "c": "D"}


def test_an_unknown_or_missing_section_is_reported(tmp_path):
    case = _case(tmp_path, [_exhibit("a", "identiy"), _exhibit("b")], SECTIONS)
    found = {p.code: p for p in lint_manifest(case).problems}
    assert found["section-unknown"].severity == "error" and "did you mean 'identity'" in found["section-unknown"].message
    assert found["section-missing"].severity == "warning" and found["section-missing"].path == "exhibits[b].id"


def test_a_frozen_rebuild_keeps_every_earlier_label(tmp_path):
    first = build_packet(_case(tmp_path, [_exhibit("a"), _exhibit("b"), _exhibit("c")]), tmp_path / "first.pdf")
    assert _labels(first.output) == {"decl": "A", "a": "B", "b": "C", "c": "D"}
    receipt = first.output.with_suffix(".receipt.json").name
    later = _case(tmp_path, [_exhibit("z"), _exhibit("a"), _exhibit("d"), _exhibit("e"), _exhibit("b"),
                             _exhibit("c")], output=f"output:\n  freeze: {receipt}\n")
    out = build_packet(later, tmp_path / "second.pdf").output
    assert _labels(out) == {"decl": "A", "z": "A-1", "a": "B", "d": "B-1", "e": "B-2", "b": "C", "c": "D"}
    index = _index_text(out)
    assert "B-1" in index and "Document D" in index


def test_frozen_labels_appended_keep_earlier_pages(tmp_path):
    first = build_packet(_case(tmp_path, [_exhibit("a"), _exhibit("b")]), tmp_path / "first.pdf")
    receipt = first.output.with_suffix(".receipt.json").name
    later = _case(tmp_path, [_exhibit("d"), _exhibit("a"), _exhibit("b")],
                  output=f"output:\n  freeze: {receipt}\n  freeze_new: append\n")
    out = build_packet(later, tmp_path / "second.pdf").output
    assert _labels(out) == {"decl": "A", "a": "B", "b": "C", "d": "D"}
    before = {e["id"]: (e["start"], e["end"]) for e in json.loads(first.receipt.read_text())["exhibits"]}
    after = {e["id"]: (e["start"], e["end"]) for e in json.loads(out.with_suffix(".receipt.json").read_text())["exhibits"]}
    assert all(after[k] == v for k, v in before.items())  # appended: nothing earlier moves


def test_a_dropped_exhibit_is_said_and_its_label_not_reused(tmp_path):
    first = build_packet(_case(tmp_path, [_exhibit("a"), _exhibit("b")]), tmp_path / "first.pdf")
    receipt = first.output.with_suffix(".receipt.json").name
    later = _case(tmp_path, [_exhibit("b"), _exhibit("c")], output=f"output:\n  freeze: {receipt}\n")
    problems = lint_manifest(later).problems
    assert any(p.code == "freeze-label-dropped" and "B ('a')" in p.message for p in problems)
    out = build_packet(later, tmp_path / "second.pdf").output
    assert _labels(out) == {"decl": "A", "b": "C", "c": "C-1"}


def test_freeze_names_a_file_that_is_not_a_receipt(tmp_path):
    (tmp_path / "old.json").write_text("{}")
    case = _case(tmp_path, [_exhibit("a")], output="output:\n  freeze: old.json\n")
    assert any(p.code == "freeze-receipt-invalid" for p in lint_manifest(case).problems)


def test_freeze_receipt_nested_too_deep_is_a_located_error(tmp_path):
    (tmp_path / "old.json").write_text("[" * 100_000 + "]" * 100_000)
    case = _case(tmp_path, [_exhibit("a")], output="output:\n  freeze: old.json\n")
    found = [p for p in lint_manifest(case).problems if p.code == "freeze-receipt-invalid"]
    assert found and "nested too deeply" in found[0].message


def test_freeze_receipt_too_large_is_reported_not_ignored(tmp_path):
    with open(tmp_path / "old.json", "w") as f:  # over the 20 MB read limit: was skipped silently
        f.write('{"a": "' + "x" * 21_000_000 + '"}')
    case = _case(tmp_path, [_exhibit("a")], output="output:\n  freeze: old.json\n")
    found = [p for p in lint_manifest(case).problems if p.code == "freeze-receipt-invalid"]
    assert found and "larger than 20 MB" in found[0].message


def _frozen_case(tmp_path, labels):
    first = _case(tmp_path / "one", [_exhibit("a"), _exhibit("b")])
    build_packet(first, tmp_path / "one" / "packet.pdf")
    receipt = json.loads((tmp_path / "one" / "packet.receipt.json").read_text())
    for e, lab in zip(receipt["exhibits"], labels):
        e["label"] = lab
    (tmp_path / "old.json").write_text(json.dumps(receipt))
    return _case(tmp_path, [_exhibit("a"), _exhibit("b")], output="output:\n  freeze: old.json\n")


def test_freeze_receipt_giving_one_label_twice_is_refused(tmp_path):
    case = _frozen_case(tmp_path, ["A", "A", "A"])  # was built with every exhibit labelled A
    found = [p for p in lint_manifest(case).problems if p.code == "freeze-receipt-invalid"]
    assert found and "'A' to more than one exhibit" in found[0].message


def test_freeze_receipt_with_markup_in_a_label_is_refused(tmp_path):
    case = _frozen_case(tmp_path, ["<b>x</b>" + "Z" * 500])  # was an internal error (AttributeError)
    found = [p for p in lint_manifest(case).problems if p.code == "freeze-receipt-invalid"]
    assert found and "not one parolekit writes" in found[0].message


def test_freeze_receipt_of_another_packet_is_refused(tmp_path):
    other = _case(tmp_path / "other", [_exhibit("z")])
    build_packet(other, tmp_path / "other" / "packet.pdf")
    receipt = json.loads((tmp_path / "other" / "packet.receipt.json").read_text())
    for e in receipt["exhibits"]:
        e["id"] = "other-" + e["id"]  # no id in common: every label would move
    (tmp_path / "old.json").write_text(json.dumps(receipt))
    case = _case(tmp_path, [_exhibit("a"), _exhibit("b")], output="output:\n  freeze: old.json\n")
    found = [p for p in lint_manifest(case).problems if p.code == "freeze-receipt-invalid"]
    assert found and "another packet's" in found[0].message
