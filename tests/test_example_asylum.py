"""The asylum example (examples/asylum), built and read back from the written PDF.

Its memorandum of law pin-cites the declarations, the evidence and an excerpt of a 40-page country
report (its pages 1-3 and 17-19) by the report's own page numbers: each printed cite names the
packet page on which that page of the source landed, and links there. The packet speaks of an
applicant and asylum, never of parole; one translation carries the translator's signed certificate,
the other a generated one; and the example lints clean under --strict.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from factory import require_poppler
from parolekit.errors import CaseError
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "asylum"
EXAMPLE = FOLDER / "case.yaml"
# cite('id'), cite('id', 17), cite('id', '18-19') and cite_short(...), in the order written
SOURCE_CITE = re.compile(r"cite(?:_short)?\('([a-z0-9-]+)'(?:,\s*'?([0-9-]+)'?)?\)")
PRINTED_CITE = re.compile(r"(?:Exhibit|Ex\.) ([A-Z]+) at (\d+)(?:\u2013(\d+))?")
# What each cited page of the report is about, by its own page number.
REPORT_PAGES = {1: "Country conditions report", 3: "Summary and key findings",
                17: "5.1 Teachers of home classes", 18: "5.2 Night letters", 19: "5.3 Repeat targeting"}


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    """(pikepdf.Pdf, receipt, flattened text of each page), built once."""
    require_poppler()
    out = tmp_path_factory.mktemp("asylum") / "packet.pdf"
    result = build_packet(EXAMPLE, output=out)
    pages = subprocess.run(["pdftotext", str(result.output), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    receipt = json.loads(result.output.with_suffix(".receipt.json").read_text(encoding="utf-8"))
    with pikepdf.open(result.output) as pdf:
        yield pdf, receipt, [_flat(p) for p in pages if p.strip()]


def _brief_pages(texts: list[str]) -> range:
    first = next(n for n, t in enumerate(texts, start=1) if t.startswith("Memorandum of Law"))
    last = next(n for n, t in enumerate(texts, start=1) if "Herat Rights Observatory\u2019s report" in t)
    return range(first, last + 1)


def _link_targets(pdf: pikepdf.Pdf, page: int) -> set[int]:
    number = {p.obj.objgen: n for n, p in enumerate(pdf.pages, start=1)}
    return {number[a.Dest[0].objgen] for a in pdf.pages[page - 1].obj.get("/Annots", [])
            if a.get("/Subtype") == "/Link" and "/Dest" in a}


def _first_last(pages: str | None) -> tuple[int, int] | None:
    if not pages:
        return None
    a, _, b = pages.partition("-")
    return int(a), int(b or a)


def test_the_brief_follows_the_forms_and_every_pin_cite_lands_on_its_source_page(packet):
    pdf, receipt, texts = packet
    by_id = {e["id"]: e for e in receipt["exhibits"]}
    brief = _brief_pages(texts)
    # after the letter and the two forms (G-28, I-589), as the filing is read
    assert brief.start == 4 and "Memorandum of Law in Support (pages 4\u20137)" in texts[0]
    assert "Form I-589" in texts[2] or "I-589" in texts[2]
    written = SOURCE_CITE.findall((FOLDER / "brief.md").read_text(encoding="utf-8"))
    printed = [m for n in brief for m in PRINTED_CITE.finditer(texts[n - 1])]
    assert len(written) == len(printed) > 30
    excerpt = 0
    for (exhibit_id, pages), cite in zip(written, printed):
        ex = by_id[exhibit_id]
        assert cite[1] == ex["label"], (exhibit_id, cite[0])
        first, last = int(cite[2]), int(cite[3] or cite[2])
        span = _first_last(pages)
        if span is None:  # a whole exhibit: its document's first page, after the separator sheet
            assert first == last == ex["start"] + 1, cite[0]
            continue
        assert last - first == span[1] - span[0], cite[0]
        for own, packet_page in zip(range(span[0], span[1] + 1), range(first, last + 1)):
            shown = texts[packet_page - 1]
            if exhibit_id == "country-report":  # the report's own footer, and what that page says
                excerpt += 1
                assert f"Page {own} of 40" in shown and REPORT_PAGES[own] in shown, cite[0]
                assert ex["start"] < packet_page <= ex["start"] + ex["pages"] - 1
            else:  # a declaration or document without a selection: its footer counts its pages
                assert f"Exhibit {ex['label']}, p. {own} of" in shown, cite[0]
    assert excerpt >= 8
    # Every cite is a link to the page it prints.
    targets = set().union(*(_link_targets(pdf, n) for n in brief))
    assert {int(c[2]) for c in printed} <= targets


def test_the_excerpt_files_only_the_selected_pages(packet):
    _pdf, receipt, texts = packet
    report = next(e for e in receipt["exhibits"] if e["id"] == "country-report")
    shown = texts[report["start"]: report["start"] + report["pages"] - 1]
    assert [int(re.search(r"Page (\d+) of 40", t)[1]) for t in shown] == [1, 2, 3, 17, 18, 19]
    assert report["pages"] == 7  # its separator sheet and six pages


def test_the_cites_in_the_brief_land_on_the_facts_they_support(packet):
    _pdf, receipt, texts = packet
    brief = " ".join(texts[n - 1] for n in _brief_pages(texts))
    labels = {e["id"]: e["label"] for e in receipt["exhibits"]}

    def page_cited_after(phrase: str) -> str:
        at = brief.index(phrase)
        m = PRINTED_CITE.search(brief, at)
        return texts[int(m[2]) - 1]

    assert "summoned me twice" in page_cited_after("her brother was summoned")
    assert "repeated my words" in page_cited_after("same right to learn as boys")
    assert "six linear, hyperpigmented scars" in page_cited_after("found eight linear").lower()
    assert "72 kilometres" in page_cited_after("She cannot reasonably relocate")
    assert f"Exhibit {labels['decl-applicant']} at" in brief


def test_the_declaration_cites_its_exhibits_and_names_the_applicant_in_dari(packet):
    _pdf, receipt, texts = packet
    by_id = {e["id"]: e for e in receipt["exhibits"]}
    decl = by_id["decl-applicant"]
    first = texts[decl["start"]]
    assert first.startswith("DECLARATION OF FERESHTA NOORI") and "فرشته نوری" in first
    body = " ".join(texts[decl["start"]: decl["start"] + decl["pages"] - 1])
    for exhibit_id in ("tazkira", "threat-letter", "i-94"):
        assert f"Exhibit {by_id[exhibit_id]['label']} at {by_id[exhibit_id]['start'] + 1}" in body
    assert "CERTIFICATE OF INTERPRETATION" in body and "Nasrin Rahimi" in body


def test_the_index_lists_every_exhibit_at_its_pages(packet):
    _pdf, receipt, texts = packet
    index = next(t for t in texts if t.startswith("INDEX OF EXHIBITS"))
    for e in receipt["exhibits"]:
        end = e["start"] + e["pages"] - 1
        assert f"{e['start']}\u2013{end}" in index, e["id"]
    assert [e["label"] for e in receipt["exhibits"]] == list("ABCDEFGHI")
    assert "Herat Rights Observatory, Afghanistan: Women, Education and the Enforcement of Virtue Rules" in index
    assert "Excerpt: pp. 1\u20133, 17\u201319 of 40" in index  # the report's own pages, as filed


def test_one_translation_has_the_signed_certificate_the_other_a_generated_one(packet):
    _pdf, receipt, texts = packet
    by_id = {e["id"]: e for e in receipt["exhibits"]}
    letter, tazkira = by_id["threat-letter"], by_id["tazkira"]
    scan = texts[letter["start"] + letter["pages"] - 2]  # the exhibit's last page
    assert "Golden Gate Language Services" in scan and "A signed certificate, as scanned" in scan
    generated = texts[tazkira["start"] + tazkira["pages"] - 2]
    assert generated.startswith("CERTIFICATE OF TRANSLATION") and "from Dari into English" in generated
    assert sum("Sohrab Amiri" in t for t in texts) == 1  # no generated certificate beside the scan


def test_an_asylum_packet_says_applicant_and_never_parole(packet):
    _pdf, _receipt, texts = packet
    whole = " ".join(texts)
    assert not re.search(r"\bparole\b", whole, re.I), "parole"  # (the samples' "parolekit" is no parole)
    assert "treatment window" not in whole.lower()
    assert "Beneficiary" not in whole and "beneficiary" not in whole
    letter = texts[0]
    assert "Applicant: Fereshta Noori" in letter and "Attorney for Applicant" in letter
    assert "planned period" not in whole  # nothing is planned in this case, so no shaded period


def test_the_example_lints_clean(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 12, 10, tzinfo=dt.timezone.utc).timestamp())))
    assert lint_manifest(EXAMPLE).problems == []


def test_a_pin_cite_to_a_page_the_excerpt_leaves_out_is_refused(tmp_path):
    case = tmp_path / "asylum"
    shutil.copytree(FOLDER, case, ignore=shutil.ignore_patterns("build"))
    brief = case / "brief.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("cite('country-report', 17)",
                                                               "cite('country-report', 5)", 1), encoding="utf-8")
    found = [p for p in lint_manifest(case / "case.yaml").problems if p.code == "pin-out-of-range"]
    assert found and found[0].path == "brief.file" and "5" in found[0].message
    with pytest.raises(CaseError):
        build_packet(case / "case.yaml", output=tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_the_generator_remakes_the_committed_documents(tmp_path):
    spec = importlib.util.spec_from_file_location("make_asylum", ROOT / "examples" / "tools" / "make_asylum.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = tmp_path
    module.main()
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.pdf"))
    assert made and all((tmp_path / p).read_bytes() == (FOLDER / p).read_bytes() for p in made), made
