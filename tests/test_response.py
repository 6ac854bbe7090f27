"""A response to a notice, read back from the written PDF: the grounds table, pin cites, the notice's
place, unavailable documents, the financial plan and what is new since an earlier filing.

Fixture: `rfe` makes a case folder with a 2-page notice, a 3-page letter, a 2-page report and a
declaration; `build` writes its packet and returns (pdf, receipt, text of each page).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.pipeline import build_packet

RESPONSE = """\
response:
  kind: rfe
  notice: notice
  notice_date: 2026-11-02
  receipt_number: "ioe-09-1234-5678"
  due_date: 2027-01-27
  notice_first: {first}
{extra}  grounds:
    - id: unavailable
      ground: The record does not show that the treatment is unavailable.
      page: 2
      answer: "The doctor says so at {{{{ cite('letter', 2) }}}}."
      exhibits: [{{id: letter, pages: "2-3"}}, report]
    - id: funding
      ground: Funding is not shown.
      page: 1
"""


def _case(root: Path, first: bool = False, extra: str = "", more: str = "", response: str | None = None) -> Path:
    text_pdf(root / "exhibits" / "notice.pdf", pages=2, title="Notice")
    text_pdf(root / "exhibits" / "letter.pdf", pages=3, title="Letter")
    text_pdf(root / "exhibits" / "report.pdf", pages=2, title="Report")
    body = CASE_HEAD + """\
cover_letter:
  body: "The letter's third page matters ({{ cite('letter', 3) }})."
declarations:
  - id: decl
    declarant: {name: Test Beneficiary, role: beneficiary}
    text: I am the beneficiary.
    executed: {date: 2026-11-10, place: "Houston, Texas", in_us: true}
exhibits:
  - id: notice
    title: Request for Evidence
    file: exhibits/notice.pdf
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: report
    title: Country report
    file: exhibits/report.pdf
""" + more + (response if response is not None else RESPONSE.format(first=str(first).lower(), extra=extra))
    return manifest(root / "case.yaml", body)


def _read(out: Path):
    require_poppler()
    pdf = pikepdf.open(out)
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(out), "-"],
                            capture_output=True, text=True, check=True).stdout for n in range(1, len(pdf.pages) + 1)]
    receipt = json.loads(out.with_suffix(".receipt.json").read_text())
    return pdf, receipt, texts


def _page_of(texts: list[str], needle: str) -> int:
    """1-based packet page whose text has *needle* (the first)."""
    return next(n for n, t in enumerate(texts, start=1) if needle in t)


def _link_targets(pdf: pikepdf.Pdf, page: int) -> list[int]:
    """1-based destination pages of the internal links on packet page *page*, top to bottom."""
    index = {p.obj.objgen: n for n, p in enumerate(pdf.pages, start=1)}
    links = []
    for annot in pdf.pages[page - 1].obj.get("/Annots", []):
        if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
            links.append((-float(annot.Rect[3]), float(annot.Rect[0]), index[annot.Dest[0].objgen]))
    return [n for _y, _x, n in sorted(links)]


def _exhibits(receipt) -> dict:
    return {e["id"]: e for e in receipt["exhibits"]}


def test_grounds_table_cites_and_links_the_pages_it_names(tmp_path):
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    pdf, receipt, texts = _read(result.output)
    ex = _exhibits(receipt)
    notice, letter, report = ex["notice"], ex["letter"], ex["report"]
    assert (notice["label"], letter["label"], report["label"]) == ("B", "C", "D")  # the declaration is A
    table = _page_of(texts, "RESPONSE TO THE GROUNDS")
    assert table == 2  # right after the one-page cover letter
    t = texts[table - 1]
    # The notice's page 2 is the page after its separator plus one; letter pages 2-3 likewise.
    n2, l2, l3 = notice["start"] + 2, letter["start"] + 2, letter["start"] + 3
    assert f"Ex. B at {n2}" in t and f"Ex. C at {l2}\u2013{l3}" in t and f"Ex. D at {report['start'] + 1}" in t
    assert f"The doctor says so at Exhibit C at {l2}." in " ".join(t.split())  # the answer's cite('letter', 2)
    assert "(not answered)" in t and "Receipt No. IOE0912345678" in t and "January 27, 2027" in t
    # Links: ground 1's notice page, the answer's own cite, its two exhibits; ground 2's notice page.
    assert sorted(_link_targets(pdf, table)) == sorted([n2, l2, l2, report["start"] + 1, notice["start"] + 1])
    # What the pins point at really is that page of that document.
    assert "Notice page 2" in texts[n2 - 1] and "Letter page 2" in texts[l2 - 1]


def test_the_letter_opens_for_the_notice_and_pin_cites(tmp_path):
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    _pdf, receipt, texts = _read(result.output)
    letter = " ".join(texts[0].split())
    assert "Re: Response to Request for Evidence, Receipt No. IOE0912345678" in letter
    assert ("In response to the Request for Evidence dated November 2, 2026, receipt number "
            "IOE0912345678, I respectfully submit") in letter
    assert f"(Exhibit C at {_exhibits(receipt)['letter']['start'] + 3})" in letter


def test_notice_first_leads_the_packet_unlabelled(tmp_path):
    result = build_packet(_case(tmp_path, first=True), tmp_path / "out" / "packet.pdf")
    pdf, receipt, texts = _read(result.output)
    assert "Notice page 1" in texts[0] and "Notice page 2" in texts[1]
    assert "In response to the Request for Evidence" in texts[2]
    ex = _exhibits(receipt)
    assert "notice" not in ex and (ex["decl"]["label"], ex["letter"]["label"]) == ("A", "B")
    table = _page_of(texts, "RESPONSE TO THE GROUNDS")
    t = texts[table - 1]
    assert "Notice at 2" in t and "Notice at 1" in t
    assert {1, 2} <= set(_link_targets(pdf, table))
    index = " ".join(texts[_page_of(texts, "INDEX OF EXHIBITS") - 1].split())
    assert "Notice: Request for Evidence dated November 2, 2026" in index and "1–2" in index
    with pikepdf.open(result.output) as doc, doc.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[0] == "Notice: Request for Evidence" and titles[1] == "Cover letter"
    assert titles[2] == "Response to the grounds"


UNAVAILABLE = """\
  - id: birth-record
    title: Birth certificate of the beneficiary
    category: family
    unavailable:
      reason: destroyed
      explanation: "The registry burned; her mother explains it ({{ cite('decl', 1) }})."
      efforts:
        - {date: 2026-09-01, effort: Asked the civil registry, result: No record survives}
      secondary: [decl, report]
"""


def test_an_unavailable_document_stands_in_its_place(tmp_path):
    result = build_packet(_case(tmp_path, more=UNAVAILABLE), tmp_path / "out" / "packet.pdf")
    pdf, receipt, texts = _read(result.output)
    ex = _exhibits(receipt)
    place = ex["birth-record"]
    assert place["pages"] == 2  # its separator and the one-page statement
    page = texts[place["start"]]
    assert "DOCUMENT NOT AVAILABLE" in page and "The document was destroyed." in page
    assert "Asked the civil registry" in page and "No record survives" in page
    decl, report = ex["decl"], ex["report"]
    assert f"Ex. {decl['label']} at {decl['start'] + 1}" in page and f"Ex. {report['label']} at {report['start'] + 1}" in page
    assert f"(Exhibit {decl['label']} at {decl['start'] + 1})" in " ".join(page.split())
    # The explanation's cite('decl', 1), then the secondary evidence.
    assert _link_targets(pdf, place["start"] + 1) == [decl["start"] + 1, decl["start"] + 1, report["start"] + 1]
    index = " ".join(texts[_page_of(texts, "INDEX OF EXHIBITS") - 1].split())
    assert (f"Not available; secondary evidence: Ex. {decl['label']} at {decl['start'] + 1}, "
            f"Ex. {report['label']} at {report['start'] + 1}") in index


BUDGET = """\
budget:
  currency: USD
  rates: {HNL: "0.04"}
  rate_source: Central bank
  costs:
    - {item: Treatment, amount: "10,000.50", paid_by: Test Beneficiary, exhibits: [{id: letter, pages: 3}]}
    - {item: Housing, amount: 700, per: month, count: 3, paid_by: Test Beneficiary, exhibits: [report]}
    - {item: Travel, amount: 5000, currency: hnl, paid_by: Test Beneficiary, exhibits: [report]}
  resources:
    - {item: Savings, amount: 15000, held_by: Test Beneficiary, exhibits: [letter]}
"""


def test_the_financial_plan_totals_what_its_lines_say(tmp_path):
    result = build_packet(_case(tmp_path, more="", response=RESPONSE.format(first="false", extra="") + BUDGET),
                          tmp_path / "out" / "packet.pdf")
    pdf, receipt, texts = _read(result.output)
    n = _page_of(texts, "FINANCIAL PLAN")
    t = " ".join(texts[n - 1].split())
    # 10,000.50 + 700 x 3 = 12,100.50 USD; 5,000 HNL at 0.04 = 200 USD; 12,300.50 in all.
    assert "$2,100.00" in t and "$700.00 a month for 3 months" in t and "HNL 5,000.00" in t
    assert "$12,100.50" in t and "$12,300.50" in t and "$2,699.50 surplus" in t
    assert "1 HNL = 0.04 USD; source: Central bank." in t and "The resources shown meet the costs." in t
    letter = _exhibits(receipt)["letter"]
    assert _link_targets(pdf, n)[0] == letter["start"] + 3
    assert "A financial plan (page" in " ".join(texts[0].split()) + " ".join(texts[1].split())


def test_evidence_new_since_the_earlier_filing_is_marked(tmp_path):
    first = build_packet(_case(tmp_path), tmp_path / "earlier" / "packet.pdf")
    path = _case(tmp_path, extra="  earlier_receipt: earlier/packet.receipt.json\n")
    text_pdf(tmp_path / "exhibits" / "report.pdf", pages=2, title="Report, updated")
    result = build_packet(path, tmp_path / "out" / "packet.pdf")
    assert first.receipt.exists()
    _pdf, _receipt, texts = _read(result.output)
    table = " ".join(texts[_page_of(texts, "RESPONSE TO THE GROUNDS") - 1].split())
    assert "Ex. D at" in table and "(new)" in table
    assert table.count("(new)") == 2  # the updated report's citation, and the legend
    index = texts[_page_of(texts, "INDEX OF EXHIBITS") - 1]
    rows = [line for line in index.splitlines() if "(new)" in line]
    assert len(rows) == 1 and "Country report" in rows[0]


def test_a_pin_past_the_end_fails_the_build_at_its_key(tmp_path, cli):
    path = _case(tmp_path)
    path.write_text(path.read_text().replace('pages: "2-3"', 'pages: "2-4"'))
    code, _out, err = cli("build", path, "-o", tmp_path / "out" / "packet.pdf")
    assert code == 1 and "pin-out-of-range" in err and "response.grounds[unavailable].exhibits[letter]" in err
    assert "'letter' has 3 pages, so it has no page 4" in err
    assert not (tmp_path / "out" / "packet.pdf").exists()


def test_a_cite_past_the_end_in_an_answer_is_located(tmp_path, cli):
    path = _case(tmp_path)
    path.write_text(path.read_text().replace("cite('letter', 2)", "cite('letter', 9)"))
    code, _out, err = cli("build", path, "-o", tmp_path / "out" / "packet.pdf")
    assert code == 1 and "template-error" in err and "response.grounds[unavailable].answer" in err
    assert "cite('letter', 9)" in err and "Traceback" not in err


# The case has no representative: its beneficiary files pro se and writes "I" (tests/test_wording.py).
@pytest.mark.parametrize("kind, words", [
    ("noid", "In response to the Notice of Intent to Deny dated November 2, 2026"),
    ("motion-to-reopen", "I respectfully move to reopen the decision dated November 2, 2026"),
    ("motion-to-reconsider", "I respectfully move for reconsideration of the decision dated"),
    ("denial", "Following the decision dated November 2, 2026, receipt number IOE0912345678, which denied"),
])
def test_each_kind_opens_the_letter_with_its_own_sentence(tmp_path, kind, words):
    path = _case(tmp_path)
    path.write_text(path.read_text().replace("kind: rfe", f"kind: {kind}"))
    result = build_packet(path, tmp_path / "out" / "packet.pdf")
    _pdf, _receipt, texts = _read(result.output)
    assert words in " ".join(texts[0].split())


BUNDLE = """\
  - id: bundle
    title: Records in two files
    files: [exhibits/first.pdf, exhibits/second.pdf]
    pages: "2-3,5-6"
"""


def test_a_pin_names_the_sources_own_page_across_files_and_selection(tmp_path, cli):
    text_pdf(tmp_path / "exhibits" / "first.pdf", pages=3, title="First")
    text_pdf(tmp_path / "exhibits" / "second.pdf", pages=4, title="Second")
    # Pages 1-3 are first.pdf's, 4-7 second.pdf's; the packet has 2, 3, 5 and 6.
    path = _case(tmp_path, more=BUNDLE)
    path.write_text(path.read_text().replace("cite('letter', 3)", "cite('bundle', 5)"))
    result = build_packet(path, tmp_path / "out" / "packet.pdf")
    _pdf, receipt, texts = _read(result.output)
    bundle = _exhibits(receipt)["bundle"]
    target = bundle["start"] + 3  # separator, source pages 2 and 3, then source page 5
    assert "Second page 2" in texts[target - 1]
    assert f"(Exhibit E at {target})" in " ".join(texts[0].split())
    path.write_text(path.read_text().replace("cite('bundle', 5)", "cite('bundle', 4)"))
    code, _out, err = cli("build", path, "-o", tmp_path / "out" / "packet.pdf")
    assert code == 1 and "page 4 of 'bundle' is left out of the packet by its `pages:` selection" in err


def test_lint_tries_the_answers_templates(tmp_path, cli):
    path = _case(tmp_path)
    path.write_text(path.read_text().replace("cite('letter', 2)", "cite('lettr', 2)"))
    code, out, _err = cli("lint", path, "--format", "json")
    problems = json.loads(out)["results"][0]["problems"]
    found = [p for p in problems if p["code"] == "template-error"]
    assert code == 1 and found and found[0]["path"] == "response.grounds[unavailable].answer"
    assert "did you mean 'letter'?" in found[0]["message"]


def test_the_receipt_records_a_leading_notice(tmp_path):
    result = build_packet(_case(tmp_path, first=True), tmp_path / "out" / "packet.pdf")
    receipt = json.loads(result.receipt.read_text())
    assert receipt["notice"] == {"id": "notice", "start": 1, "end": 2, "pages": 2}


def test_citations_in_the_letter_are_links_that_never_break(tmp_path):
    path = _case(tmp_path)
    # Twelve paragraphs whose citation falls at every place along a line: none may be split.
    paras = "\\n\\n".join("word " * (k * 2) + "see {{ cite('report') }} here" for k in range(12))
    path.write_text(path.read_text().replace(
        "body: \"The letter's third page matters ({{ cite('letter', 3) }}).\"",
        f"body: \"The letter's third page matters ({{{{ cite('letter', 3) }}}}).\\n\\n{paras}\""))
    result = build_packet(path, tmp_path / "out" / "packet.pdf")
    pdf, receipt, _texts = _read(result.output)
    ex = _exhibits(receipt)
    whole = f"Exhibit D at {ex['report']['start'] + 1}"  # the report's first page, not its separator
    layout = "".join(subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "2", str(result.output), "-"],
                                    capture_output=True, text=True, check=True).stdout)
    assert layout.count(whole) == 12
    targets = _link_targets(pdf, 1) + _link_targets(pdf, 2)
    assert targets.count(ex["report"]["start"] + 1) == 12 and ex["letter"]["start"] + 3 in targets
    assert not any("/URI" in repr(a.get("/A", "")) for page in pdf.pages[:2] for a in page.obj.get("/Annots", []))


def test_cite_to_separator_keeps_the_old_numbering(tmp_path):
    path = _case(tmp_path, more="", response="output:\n  cite_to: separator\n" + RESPONSE.format(first="false", extra=""))
    path.write_text(path.read_text().replace("cite('letter', 3)", "cite('report')"))
    result = build_packet(path, tmp_path / "out" / "packet.pdf")
    _pdf, receipt, texts = _read(result.output)
    assert f"Exhibit D at {_exhibits(receipt)['report']['start']}" in " ".join(texts[0].split())
