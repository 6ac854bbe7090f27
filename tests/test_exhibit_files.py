"""uscis-online with file_per_exhibit: one file for the front matter and one per exhibit (an original
with its translation and certificate), each named for what it holds in portal-safe characters."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pikepdf

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from test_profiles import noise_jpeg

from parolekit.pipeline import build_packet
from parolekit.volumes import exhibit_volumes

SAFE = re.compile(r"^[A-Za-z0-9_-]{1,80}\.pdf$")


def _case(tmp_path: Path, extra: str = "", scans: int = 0) -> Path:
    text_pdf(tmp_path / "ex" / "acta.pdf", pages=1, title="Acta de nacimiento")
    text_pdf(tmp_path / "ex" / "acta-en.pdf", pages=1, title="Birth certificate in English")
    text_pdf(tmp_path / "ex" / "report.pdf", pages=3, title="Country report")
    rows = "".join(f"  - id: s{k}\n    title: Scan {k}\n    file: ex/s{k}.jpg\n" for k in range(scans))
    for k in range(scans):
        noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k)
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: acta
    title: "Acta de nacimiento: Ana Ramírez (birth certificate)"
    file: ex/acta.pdf
    language: es
    translation:
      file: ex/acta-en.pdf
      translator: {name: Luis Example, address: "1 Main St, Houston, TX", phone: "555-0100"}
  - id: report
    title: Country report / Honduras, 2025
    file: ex/report.pdf
""" + rows + "output:\n  profile: uscis-online\n  profile_settings:\n    file_per_exhibit: true\n" + extra)


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_one_file_per_exhibit_named_for_it(tmp_path):
    require_poppler()
    r = build_packet(_case(tmp_path))
    names = [w.path.name for w in r.files]
    assert names == ["case_00_Cover-letter.pdf",
                     "case_01_Exhibit-A_Acta-de-nacimiento-Ana-Ramirez-birth.pdf",
                     "case_02_Exhibit-B_Country-report-Honduras-2025.pdf"]
    assert all(SAFE.match(n) for n in names)
    acta = _text(r.files[1].path)
    # the original, its translation and the certificate together, and nothing else
    assert "Acta de nacimiento" in acta and "Birth certificate in English" in acta
    assert "CERTIFICATE OF TRANSLATION" in acta and "Country report" not in acta
    assert "Volume" not in acta  # the footer names the exhibit, not a volume number
    receipt = json.loads(r.receipt.read_text())
    assert [Path(v["path"]).name for v in receipt["volumes"]] == names
    pages = [v["pages"] for v in receipt["volumes"]]
    assert sum(pages) == r.plan.total


def test_a_link_in_the_front_matter_opens_the_exhibits_file(tmp_path):
    r = build_packet(_case(tmp_path))
    with pikepdf.open(r.files[0].path) as pdf:
        remote = {str(a.A.F) for p in pdf.pages for a in p.obj.get("/Annots", [])
                  if "/A" in a and a.A.get("/S") == "/GoToR"}
    assert {w.path.name for w in r.files[1:]} <= remote


def test_files_stay_under_the_cap(tmp_path):
    r = build_packet(_case(tmp_path, "    max_file_mb: 0.5\n", scans=12))
    assert all(SAFE.match(w.path.name) for w in r.files)
    assert all(w.path.stat().st_size <= 0.5e6 for w in r.files)
    assert len(r.files) == 1 + 2 + 12  # the front, two exhibits, each scan its own


def test_an_exhibit_over_the_cap_is_cut_into_parts(tmp_path):
    r = build_packet(_case(tmp_path))
    report = r.plan.exhibits["report"]
    sizes = [10_000.0] * r.plan.total
    for n in range(report.start, report.end + 1):
        sizes[n - 1] = 300_000.0  # the country report's pages: two fit in 0.7 MB, not four
    vols = exhibit_volumes(r.plan, sizes, 0.7e6)
    names = [v.name for v in vols]
    assert names[0] == "00_Cover-letter" and names[1].startswith("01_Exhibit-A_")
    assert names[2:] == ["02_Exhibit-B_Country-report-Honduras-2025_part1",
                         "02_Exhibit-B_Country-report-Honduras-2025_part2"]
    assert (vols[2].first, vols[3].last) == (report.start, report.end)
    assert [v.number for v in vols] == [1, 2, 3, 4] and {v.count for v in vols} == {4}


def test_without_the_setting_uscis_online_writes_one_file(tmp_path):
    case = _case(tmp_path)
    case.write_text(case.read_text().replace("  profile_settings:\n    file_per_exhibit: true\n", ""))
    r = build_packet(case)
    assert len(r.files) == 1 and r.files[0].path.name == "case.pdf"
