"""Turn an intake spreadsheet into packets: one manifest per CSV row, then build them all.

    python examples/batch/make_packets.py               # writes and builds examples/batch/build/
    parolekit build examples/batch/build/*/case.yaml --jobs 4   # the same builds, in parallel

Every person, hospital and date in intake.csv is FICTIONAL. Each case gets its own physician's
letter (a tiny generated PDF) and shares the country report of examples/medical-parole/, which
lies outside the case folders and is therefore allowed explicitly (allow_paths / --allow-path).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

import parolekit

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent / "medical-parole" / "exhibits"
BUILD = HERE / "build"

MANIFEST = """\
parolekit: 1
case:
  title: Request for Humanitarian Parole — Urgent Medical Treatment
  kind: humanitarian-parole
  reasons: [medical]
  date: 2026-11-20
  beneficiaries:
    - name: {beneficiary}
      birth_date: {birth_date}
      citizenship: {citizenship}
  petitioner:
    name: {petitioner}
    relationship: {relationship}
  recipient:
    name: USCIS Humanitarian Affairs Branch
    address: ["Attn: Humanitarian Parole", P.O. Box 0000, "City, ST 00000"]
exhibits:
  - id: physician-letter
    title: Letter from the treating physician, {hospital}
    file: exhibits/physician-letter.pdf
    date: {letter_date}
  - id: country-report
    title: Availability of treatment in {citizenship} (excerpt)
    file: {shared}/country-report.pdf
chronology:
  - date: {letter_date}
    event: Treating physician confirms the need for treatment in the United States
    exhibits: [physician-letter]
  - date: {treatment_date}
    event: Planned start of treatment at {hospital}
    planned: true
    exhibits: [physician-letter]
claims:
  - claim: The beneficiary needs {condition}
    exhibits: [physician-letter]
  - claim: The treatment is not available in {citizenship}
    exhibits: [country-report]
output:
  file: packet.pdf
"""


def physician_letter(path: Path, row: dict) -> None:
    """A one-page fictional letter, so that every case has its own exhibit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    c.setFont("Helvetica-Bold", 13)
    c.drawString(72, 700, row["hospital"] + " (fictional)")
    c.setFont("Helvetica", 11)
    lines = [f"Date: {row['letter_date']}", "", f"Re: {row['beneficiary']}, born {row['birth_date']}", "",
             f"Our patient has {row['condition']}.",
             f"We have accepted the patient for treatment starting {row['treatment_date']}."]
    for i, line in enumerate(lines):
        c.drawString(72, 660 - 16 * i, line)
    c.showPage()
    c.save()


def write_case(row: dict) -> Path:
    folder = BUILD / row["case_id"]
    physician_letter(folder / "exhibits" / "physician-letter.pdf", row)
    shared = Path("../../..") / "medical-parole" / "exhibits"  # relative to the manifest
    manifest = folder / "case.yaml"
    manifest.write_text(MANIFEST.format(shared=shared.as_posix(), **row), encoding="utf-8")
    return manifest


def main() -> int:
    with open(HERE / "intake.csv", newline="", encoding="utf-8") as fh:
        manifests = [write_case(row) for row in csv.DictReader(fh)]
    failed = 0
    for manifest in manifests:
        try:
            result = parolekit.build_packet(manifest, allow_paths=[SHARED])
        except parolekit.ParolekitError as e:  # the case's problems, each with its manifest line
            failed += 1
            print(f"{manifest.parent.name}: FAILED: {e.message}", file=sys.stderr)
            for problem in e.problems:
                print(f"  {problem.render()}", file=sys.stderr)
            continue
        index = ", ".join(f"{p.label} {p.range}" for p in result.plan.exhibits.values())
        print(f"{manifest.parent.name}: {result.pages} pages -> {result.output.relative_to(HERE)} "
              f"(exhibits {index})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
