"""Immigration court filings: the ICPM cover page and the proof of service, read back from the PDF."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pikepdf

from factory import manifest, require_poppler, text_pdf
from test_profiles import noise_jpeg

from parolekit.pipeline import build_packet

HEAD = """\
parolekit: 1
case:
  title: Respondent's Submission of Evidence
  kind: asylum
  date: 2026-11-20
  forum: immigration-court
  court:
    judge: Jane Roe
    hearing_date: 2027-01-12
    hearing_time: "9:00 AM"
    hearing_type: individual
    detained: {detained}
    location: Chicago, Illinois
  beneficiaries:
    - name: Ana Example
      a_number: A123456789
  recipient:
    name: Immigration Court
{rep}"""
REP = """\
  representative:
    name: Pat Counsel
    firm: Example Legal Aid
    address: [1 Example St, "Chicago, IL 60600"]
    bar_number: XY123456
"""
SERVICE = """\
service:
  served: [DHS Office of the Principal Legal Advisor, 1 Example Plaza, "Chicago, IL 60601"]
  method: {method}
  date: 2026-11-21
  by: Pat Counsel
"""
EXHIBITS = """\
exhibits:
  - id: letter
    title: Letter of support
    file: ex/letter.pdf
"""


def _case(tmp_path: Path, detained: bool = True, method: str = "mail", rep: bool = True, extra: str = "") -> Path:
    text_pdf(tmp_path / "ex" / "letter.pdf", pages=2, title="Letter")
    body = HEAD.format(detained=str(detained).lower(), rep=REP if rep else "") + \
        SERVICE.format(method=method) + EXHIBITS + extra
    return manifest(tmp_path / "case.yaml", body)


def _page(path: Path, n: int, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), "-f", str(n), "-l", str(n), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _words(path: Path, n: int) -> dict[str, tuple[float, float, float, float]]:
    """Each word on page *n* and its box (xMin, yMin, xMax, yMax; y from the top)."""
    page = subprocess.run(["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return {html.unescape(m[5]): tuple(float(v) for v in m.groups()[:4]) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)}


def _bookmarks(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(b.title) for b in pdf.open_outline().root]


def test_cover_page_has_the_icpm_caption(tmp_path: Path):
    require_poppler()
    r = build_packet(_case(tmp_path))
    text = _page(r.output, 1)
    for expected in ("Pat Counsel", "EOIR ID: XY123456", "UNITED STATES DEPARTMENT OF JUSTICE",
                     "EXECUTIVE OFFICE FOR IMMIGRATION REVIEW", "IMMIGRATION COURT", "CHICAGO, ILLINOIS",
                     "In the Matter of:", "ANA EXAMPLE", "File No.: A 123-456-789", "In removal proceedings",
                     "Immigration Judge: Jane Roe", "Next hearing: January 12, 2027 at 9:00 AM",
                     "Individual hearing", "RESPONDENT'S SUBMISSION OF EVIDENCE"):
        assert expected in text, expected
    words = _words(r.output, 1)
    x0, y0, x1, _ = words["DETAINED"]
    assert x0 > 612 / 2 and y0 < 130  # top right
    fx0, fy0, _, _ = words["Pat"]
    assert fx0 < 100 and fy0 < 130  # the filer top left
    tx0, _, _, _ = words["RESPONDENT'S"]
    _, _, tx1, _ = words["EVIDENCE"]
    assert abs((tx0 + tx1) / 2 - 612 / 2) < 6  # the title centred
    # The cover page stands in for the cover letter: none unless the manifest gives one.
    assert _bookmarks(r.output)[:2] == ["Cover page", "Index of exhibits"]


def test_not_detained_and_pro_se(tmp_path: Path):
    require_poppler()
    r = build_packet(_case(tmp_path, detained=False, rep=False))
    text = _page(r.output, 1)
    assert "DETAINED" not in text
    top = text.split("UNITED STATES")[0]
    assert "Ana Example, A 123-456-789" in top and "Respondent, pro se" in top


def test_a_cover_letter_given_follows_the_cover_page(tmp_path: Path):
    r = build_packet(_case(tmp_path, extra="cover_letter:\n  body: Please find enclosed the submission.\n"))
    assert _bookmarks(r.output)[:3] == ["Cover page", "Cover letter", "Index of exhibits"]


def test_proof_of_service_is_the_last_page(tmp_path: Path):
    require_poppler()
    r = build_packet(_case(tmp_path))
    assert _bookmarks(r.output)[-1] == "Proof of service"
    text = " ".join(_page(r.output, r.pages, layout=False).split())
    assert text.startswith("PROOF OF SERVICE")
    assert ("On November 21, 2026, I, Pat Counsel, served a copy of this Respondent's Submission of "
            "Evidence and any attached pages to the following party at the following address by "
            "first-class mail: DHS Office of the Principal Legal Advisor 1 Example Plaza Chicago, IL 60601") in text
    assert f"Page {r.pages} of {r.pages}" in text and "Exhibit" not in text  # no exhibit stamp


def test_ecas_service_prints_no_proof(tmp_path: Path):
    r = build_packet(_case(tmp_path, method="ecas"))
    assert "Proof of service" not in _bookmarks(r.output)
    assert r.plan.total == 1 + 1 + 3  # cover page, index, Exhibit A (separator and two pages)


def test_volumes_keep_the_proof_of_service_in_the_last(tmp_path: Path):
    require_poppler()
    for k in range(12):  # more than re-encoding the scans can fit in one file
        noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k)
    rows = "".join(f"  - id: s{k}\n    title: Scan {k}\n    file: ex/s{k}.jpg\n" for k in range(12))
    path = _case(tmp_path, extra=rows + "output:\n  profile: eoir-ecas\n  profile_settings:\n    max_file_mb: 0.5\n")
    r = build_packet(path)
    assert len(r.files) >= 2 and r.files[-1].path.name == f"case_Part{len(r.files)}.pdf"
    assert sum(w.pages for w in r.files) == r.plan.total
    last = r.files[-1]
    with pikepdf.open(last.path) as pdf:
        assert len(pdf.pages) == last.pages + 1  # its cover sheet, outside the packet's numbers
    assert "PROOF OF SERVICE" in _page(last.path, last.pages + 1)


def test_each_later_volume_opens_with_a_cover_sheet_listing_its_contents(tmp_path: Path):
    require_poppler()
    for k in range(12):  # more than re-encoding the scans can fit in one file
        noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k)
    rows = "".join(f"  - id: s{k}\n    title: Scan {k}\n    file: ex/s{k}.jpg\n" for k in range(12))
    r = build_packet(_case(tmp_path, extra=rows + "output:\n  max_file_mb: 0.5\n"))
    assert len(r.files) >= 2
    first = _page(r.files[0].path, 1)
    assert "VOLUME 1" not in first and "RESPONDENT'S SUBMISSION OF EVIDENCE" in first
    receipt = json.loads(r.receipt.read_text())
    for n, (w, vol) in enumerate(zip(r.files[1:], receipt["volumes"][1:]), start=2):
        cover = " ".join(_page(w.path, 1, layout=False).split())
        assert f"VOLUME {n} OF {len(r.files)}" in cover and "File No.: A 123-456-789" in cover
        assert "DETAINED" in cover and "Contents of this volume" in cover
        listed = [p for p in r.plan.exhibits.values() if vol["first_page"] <= p.start <= vol["last_page"]]
        for place in listed:
            assert f"Exhibit {place.label}: {place.title}" in cover
        assert not re.search(r"Page \d+ of", cover)  # no packet number: the volume's first page keeps its own
        assert f"Page {vol['first_page']} of {r.plan.total}" in _page(w.path, 2)
        with pikepdf.open(w.path) as pdf:
            assert len(pdf.pages) == w.pages + 1
            labels = pdf.Root.PageLabels.Nums
            assert int(labels[2]) == 1 and int(labels[3].St) == vol["first_page"]
    assert [v.get("cover_pages", 0) for v in receipt["volumes"]] == [0] + [1] * (len(r.files) - 1)


def test_links_into_a_later_volume_land_past_its_cover_sheet(tmp_path: Path):
    require_poppler()
    for k in range(12):  # more than re-encoding the scans can fit in one file
        noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k)
    rows = "".join(f"  - id: s{k}\n    title: Scan {k}\n    file: ex/s{k}.jpg\n" for k in range(12))
    r = build_packet(_case(tmp_path, extra=rows + "output:\n  max_file_mb: 0.5\n"))
    remote = []
    with pikepdf.open(r.files[0].path) as pdf:
        for page in pdf.pages:
            for a in page.obj.get("/Annots", []):
                if "/A" in a and a.A.S == "/GoToR":
                    remote.append((str(a.A.F), int(a.A.D[0])))
    assert remote
    for name, index in remote:  # the index rows open each exhibit's separator sheet
        assert _page(tmp_path / name, index + 1).strip().startswith("EXHIBIT")


def test_the_proof_of_service_has_a_signing_copy_unless_signed_electronically(tmp_path: Path):
    r = build_packet(_case(tmp_path), signing_copies=True)
    assert [p.name for p in r.signing] == ["proof-of-service.pdf"]
    path = tmp_path / "case.yaml"
    path.write_text(path.read_text().replace("  by: Pat Counsel\n", "  by: Pat Counsel\n  signature: /s/\n"))
    assert build_packet(path, signing_copies=True).signing == []
