"""Front-section typography, read back from the written PDF: aligned headers, dates on one line,
continuation pages that say so and repeat their column headers, titles of at most three lines."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from factory import manifest, require_poppler, text_pdf

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
LONG = "A very long title about the events of that year " * 8 + "and the end of it"


def _case(tmp_path: Path, exhibits: int = 60, events: int = 0, claims: int = 0, costs: int = 0,
          grounds: int = 0, paper: str = "letter", rate_source: str = "Central bank") -> Path:
    text_pdf(tmp_path / "exhibits" / "doc.pdf", title="Doc")
    text_pdf(tmp_path / "exhibits" / "notice.pdf", pages=3, title="Notice")
    ex = "".join(f"  - id: e{i}\n    title: {LONG if i == 5 else f'Record number {i} of the events'}\n"
                 f"    file: exhibits/doc.pdf\n    date: 2026-09-{i % 28 + 1:02d}\n" for i in range(exhibits))
    body = f"""\
parolekit: 1
case:
  title: Test case
  kind: asylum
  date: 2026-11-20
  beneficiaries:
    - name: Test Person
  recipient:
    name: Test Office
exhibits:
{ex}  - id: notice
    title: Request for Evidence
    file: exhibits/notice.pdf
    date: 2026-09-30
output:
  paper: {paper}
"""
    if events:
        body += "chronology:\n" + "".join(
            f"  - date: 2025-{i % 12 + 1:02d}-{i % 27 + 1:02d}\n    event: Event number {i}, told at some "
            f"length so that it wraps once or twice in its column\n    exhibits: [e{i % exhibits}]\n"
            for i in range(events))
    if claims:
        body += "claims:\n" + "".join(f"  - claim: Claim number {i} is shown by the record\n"
                                      f"    exhibits: [e{i % exhibits}]\n" for i in range(claims))
    if costs:
        body += f"budget:\n  rates: {{HNL: 0.0405}}\n  rate_source: {rate_source}\n  costs:\n" + "".join(
            f"    - item: Cost number {i}\n      amount: {100 + i}\n      paid_by: Test Person\n"
            for i in range(costs)) + "    - item: Fare\n      amount: 5000\n      currency: HNL\n" \
            "  resources:\n    - item: Savings\n      amount: 90000\n      held_by: Test Person\n"
    if grounds:
        body += """\
response:
  kind: rfe
  notice: notice
  notice_date: 2026-09-30
  receipt_number: IOE0912345678
  due_date: 2026-12-30
  grounds:
""" + "".join(f"    - id: g{i}\n      ground: Ground number {i} of the notice\n      answer: The record "
              f"answers it at length, as the exhibit shows.\n      exhibits: [e{i % exhibits}]\n"
              for i in range(grounds))
    return manifest(tmp_path / "case.yaml", body)


def _build(path: Path) -> Path:
    from parolekit.pipeline import build_packet

    require_poppler()
    return build_packet(path).output


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [re.sub(r"[ \u00a0]+", " ", p) for p in out.split("\f")]


def _words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(x, y, word) of every word on *page* (1-based), top to bottom."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(x), float(y), html.unescape(w)) for x, y, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)]


def _section(pages: list[str], title: str) -> list[int]:
    """0-based indexes of the pages of the section headed *title* (its first and continued pages)."""
    return [i for i, p in enumerate(pages) if re.search(rf"^\s*{title}( \(continued\))?\s*$", p, re.M)]


def test_a_long_index_continues_under_its_heading_and_column_headers(tmp_path: Path) -> None:
    pdf = _build(_case(tmp_path))
    pages = _pages(pdf)
    index = _section(pages, "INDEX OF EXHIBITS")
    assert len(index) >= 2
    first, second = pages[index[0]], pages[index[1]]
    assert "INDEX OF EXHIBITS (continued)" not in first
    lines = [ln.strip() for ln in second.splitlines() if ln.strip()]
    assert lines[0] == "INDEX OF EXHIBITS (continued)"
    assert lines[1].split() == ["Ex.", "Description", "Date", "Pages"]
    assert re.match(r"^[A-Z]{1,2} Record number \d+ of the events", lines[2])  # then the rows go on


def test_index_column_headers_align_with_their_columns(tmp_path: Path) -> None:
    pdf = _build(_case(tmp_path))
    for n in _section(_pages(pdf), "INDEX OF EXHIBITS"):
        words = _words(pdf, n + 1)
        head_y = next(y for _x, y, w in words if w == "Description")
        heads = {w: x for x, y, w in words if abs(y - head_y) < 1 and w in ("Ex.", "Description", "Date", "Pages")}
        row_y = min(y for _x, y, w in words if y > head_y + 2)
        row = sorted(x for x, y, _w in words if abs(y - row_y) < 1)
        # The row's label, title, date and pages start where their headers start.
        starts = [row[0]] + [min(x for x in row if x >= heads[h] - 1) for h in ("Description", "Date", "Pages")]
        for head, start in zip(("Ex.", "Description", "Date", "Pages"), starts):
            assert abs(heads[head] - start) < 0.6, (n, head, heads[head], start)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_date_never_wraps_in_the_index_or_chronology(tmp_path: Path, paper: str) -> None:
    pages = _pages(_build(_case(tmp_path, exhibits=30, events=12, paper=paper)))
    shown = [pages[i] for i in _section(pages, "INDEX OF EXHIBITS") + _section(pages, "CHRONOLOGY")]
    text = "\n".join(shown)
    assert re.search(r"September \d+, 2026", text) and re.search(r"(January|February) \d+, 2025", text)
    broken = re.findall(rf"\b({MONTHS})\b(?! \d{{1,2}}, \d{{4}})(?! \d{{4}})", text)
    assert not broken, broken


def test_the_response_due_date_stays_on_one_line(tmp_path: Path) -> None:
    """The example's notice line is long enough to wrap: it wraps between facts, not in a date."""
    from parolekit.pipeline import build_packet

    require_poppler()
    example = Path(__file__).resolve().parents[1] / "examples" / "rfe-response" / "case.yaml"
    pages = _pages(build_packet(example, tmp_path / "packet.pdf").output)
    table = pages[_section(pages, "RESPONSE TO THE GROUNDS")[0]]
    assert any("Response due March 1, 2027" in line for line in table.splitlines()), table
    assert any("Request for Evidence dated December 4, 2026" in line for line in table.splitlines())


def test_a_long_title_stops_at_three_lines_and_the_bookmark_keeps_it_whole(tmp_path: Path) -> None:
    pdf = _build(_case(tmp_path))
    pages = _pages(pdf)
    index = pages[_section(pages, "INDEX OF EXHIBITS")[0]].splitlines()
    at = next(i for i, line in enumerate(index) if re.match(r"^\s*F A very long title", line))
    shown = [index[at + k] for k in range(4)]
    assert shown[2].rstrip().endswith("\u2026"), shown
    assert re.match(r"^\s*G Record number 6", shown[3]), shown  # the next row: three lines only
    with pikepdf.open(pdf) as doc, doc.open_outline() as outline:
        titles = [item.title for item in outline.root]
        titles += [c.title for item in outline.root for c in item.children]
    assert any(LONG in t for t in titles), titles


@pytest.mark.parametrize("section, heads, kwargs", [
    ("CHRONOLOGY", ["#", "Date", "Event", "Evidence"], {"events": 40}),
    ("SUMMARY OF CLAIMS AND EVIDENCE", ["#", "Claim", "Evidence"], {"claims": 50}),
    ("FINANCIAL PLAN", ["Item", "Amount", "Paid", "by", "Evidence"], {"costs": 45}),
    ("RESPONSE TO THE GROUNDS", ["#", "Ground", "Answer", "Evidence"], {"grounds": 25}),
])
def test_every_long_table_continues_under_its_heading_and_headers(tmp_path: Path, section: str, heads: list,
                                                                  kwargs: dict) -> None:
    pages = _pages(_build(_case(tmp_path, exhibits=12, **kwargs)))
    found = _section(pages, section)
    assert len(found) >= 2, section
    for n in found[1:]:
        lines = [ln.strip() for ln in pages[n].splitlines() if ln.strip()]
        assert lines[0] == f"{section} (continued)", lines[:3]
        at = 2 if section == "FINANCIAL PLAN" else 1  # the plan's part ("Costs") comes first
        if section == "FINANCIAL PLAN":
            assert lines[1] in ("Costs", "Resources", "Totals")
        assert lines[at].split() == heads, lines[:4]


def test_the_rate_note_has_no_nested_parentheses(tmp_path: Path) -> None:
    pages = _pages(_build(_case(tmp_path, exhibits=3, costs=2, rate_source="Central Bank of Honduras (BCH)")))
    note = " ".join(pages[_section(pages, "FINANCIAL PLAN")[-1]].split())
    note = note[note.index("Totals are computed"):]
    assert "1 HNL = 0.0405 USD; source: Central Bank of Honduras (BCH)." in note
    depth = 0
    for ch in note:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        assert depth <= 1, note
