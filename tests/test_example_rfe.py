"""The RFE-response example (examples/rfe-response), built and read back from the written PDF.

The notice leads the packet; the response table quotes each ground with its notice page, and every
evidence citation in it is a link to the page it prints; the unavailable birth certificate has its
statement; the financial plan prints the totals worked out by hand below; and the example lints clean.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml

from factory import require_poppler
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "rfe-response" / "case.yaml"
CITATION = re.compile(r"Ex\. ([A-Z]+) at (\d+)(?:\u2013(\d+))?")
ANSWER_CITATION = re.compile(r"Exhibit ([A-Z]+) at (\d+)")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    """(pikepdf.Pdf, receipt, flattened text of each page, the manifest as data), built once."""
    require_poppler()
    out = tmp_path_factory.mktemp("rfe") / "packet.pdf"
    result = build_packet(EXAMPLE, output=out)
    pages = subprocess.run(["pdftotext", str(result.output), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    receipt = json.loads(result.output.with_suffix(".receipt.json").read_text(encoding="utf-8"))
    with pikepdf.open(result.output) as pdf:
        yield pdf, receipt, [_flat(p) for p in pages], yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _page_of(texts: list[str], needle: str) -> int:
    return next(n for n, t in enumerate(texts, start=1) if needle in t)


def _links(pdf: pikepdf.Pdf, page: int) -> list[tuple[list[float], int]]:
    """(rectangle, 1-based destination page) of every internal link on packet page *page*."""
    number = {p.obj.objgen: n for n, p in enumerate(pdf.pages, start=1)}
    out = []
    for annot in pdf.pages[page - 1].obj.get("/Annots", []):
        if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
            assert annot.Dest[1] == "/Fit"
            out.append(([float(v) for v in annot.Rect], number[annot.Dest[0].objgen]))
    return out


def _text_in(path: str, page: int, rect: list[float], height: float) -> str:
    """The text inside *rect* (PDF points, origin bottom left) of packet page *page*."""
    x0, y0, x1, y1 = rect
    run = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-x", str(int(x0)),
                          "-y", str(int(height - y1)), "-W", str(int(x1 - x0) + 1), "-H", str(int(y1 - y0) + 1),
                          path, "-"], capture_output=True, text=True, check=True)
    return _flat(run.stdout)


def test_the_notice_leads_the_packet_on_pages_1_to_3(packet):
    _pdf, receipt, texts, case = packet
    r = case["response"]
    assert "REQUEST FOR EVIDENCE" in texts[0] and r["receipt_number"] in texts[0]
    assert "Form I-797E" in texts[0] and "Page 1 of 3" in texts[0]
    for g in r["grounds"]:  # each ground is on the page of the notice the manifest says
        assert _flat(g["ground"]) in texts[g["page"] - 1], g["id"]
    assert "In response to the Request for Evidence dated December 4, 2026, receipt number IOE0912345678" in texts[3]
    assert r["notice"] not in {e["id"] for e in receipt["exhibits"]}  # unlabelled, not an exhibit
    assert receipt["exhibits"][0]["label"] == "A" and receipt["exhibits"][0]["start"] > 4


def test_the_response_table_quotes_each_ground_and_links_each_citation(packet):
    pdf, receipt, texts, case = packet
    table = _page_of(texts, "RESPONSE TO THE GROUNDS")
    t = texts[table - 1]
    assert "Receipt No. IOE0912345678" in t and "Response due March 1, 2027" in t
    for g in case["response"]["grounds"]:
        assert _flat(g["ground"]) in t and f"Notice at {g['page']}" in t, g["id"]
    height = float(pdf.pages[table - 1].mediabox[3])
    cited = []
    for rect, dest in _links(pdf, table):
        inside = _text_in(str(pdf.filename), table, rect, height)
        if (notice := re.search(r"Notice at (\d+)", inside)):
            assert dest == int(notice[1])  # the notice leads, so its page 2 is packet page 2
            continue
        m = CITATION.search(inside) or ANSWER_CITATION.search(inside)
        assert m, inside
        assert dest == int(m[2]), inside  # the link opens the first page it prints
        assert f"Exhibit {m[1]}" in texts[dest - 1]  # and that page is the exhibit's (its footer)
        if m.re is CITATION:
            cited.append(m[0])
    # Every "Ex. X at N" in the evidence column is one of those links (the answers say "Exhibit X at N"
    # and may be links too).
    assert sorted(cited) == sorted(m[0] for m in CITATION.finditer(t))
    assert len(cited) == sum(len(g["exhibits"]) for g in case["response"]["grounds"])
    # A pinned page lands where the exhibit's footer numbers that page: "Ex. E at 21-22" is its p. 1-2.
    labels = {e["id"]: e["label"] for e in receipt["exhibits"]}
    letter = next(CITATION.finditer(t))
    assert letter[1] == labels["physician-letter"] and letter[3]
    assert f"Exhibit {letter[1]}, p. 1 of" in texts[int(letter[2]) - 1]
    assert f"Exhibit {letter[1]}, p. 2 of" in texts[int(letter[3]) - 1]


def test_the_unavailable_birth_certificate_has_its_statement(packet):
    _pdf, receipt, texts, _case = packet
    place = next(e for e in receipt["exhibits"] if e["id"] == "birth-certificate")
    assert place["pages"] == 2  # its separator sheet and the statement
    statement = texts[place["start"]]
    assert "DOCUMENT NOT AVAILABLE" in statement and "The document was destroyed." in statement
    assert "Certificate of non-existence of record issued" in statement
    assert statement.count("Ex. ") == 3  # the certificate and the two declarations


def test_the_financial_plan_prints_the_totals(packet):
    _pdf, _receipt, texts, _case = packet
    t = texts[_page_of(texts, "FINANCIAL PLAN") - 1]
    # Costs: 72,500 + 13,900 + 1,250 x 5 = 92,650.00 USD, and 15,600 x 2 = 31,200.00 HNL; at
    # 0.0405 USD an HNL that is 1,263.60 USD, 93,913.60 in all. Resources: 72,500 + 38,420.17 +
    # 9,800 = 120,720.17 USD, so 26,806.57 more than the costs.
    for shown in ("$1,250.00 a month for 5 months", "$6,250.00", "HNL 15,600.00 \u00d7 2", "HNL 31,200.00",
                  "$92,650.00", "$93,913.60", "$120,720.17", "$26,806.57 surplus", "1 HNL = 0.0405 USD",
                  "The resources shown meet the costs."):
        assert shown in t, shown
    letter = texts[3]  # the letter prints the same totals through {{ budget.total_costs }}
    assert "costs of $93,913.60 in all are met by resources of $120,720.17" in letter


def test_the_example_lints_clean(monkeypatch):
    # On the response's date, so that the due-date warnings do not depend on the day the tests run.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 12, 18, tzinfo=dt.timezone.utc).timestamp())))
    assert lint_manifest(EXAMPLE).problems == []
