"""Regenerate the fictional sample documents of examples/family-reunification (run from the repo root).

    python examples/tools/make_family_reunification.py

Every person, institution, place and number in them is invented. The Dari originals are drawn
with parolekit's own fonts and shaping (render/scripts.py), so they read back as text.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import SimpleDocTemplate, Spacer

from parolekit.render.fonts import styles, text
from parolekit.render.scripts import Paragraph

HERE = Path(__file__).resolve().parents[1] / "family-reunification"
SAMPLE = "FICTIONAL SAMPLE for parolekit's example: not an official document."


def _pdf(path: Path, story: list) -> None:
    doc = SimpleDocTemplate(str(path), pagesize=LETTER, invariant=1, title=path.stem,
                            leftMargin=inch, rightMargin=inch, topMargin=inch, bottomMargin=inch)
    doc.build(story)


def _lines(paragraphs: list[str], style: str = "body") -> list:
    st = styles()
    return [Paragraph(text(p), st[style]) for p in paragraphs]


def tazkira() -> None:
    """A national identity card (tazkira) in Dari, and its English translation."""
    st = styles()
    _pdf(HERE / "exhibits" / "tazkira.fa.pdf", [
        Paragraph(text("جمهوری اسلامی افغانستان — تذکرهٔ تابعیت"), st["title"]),
        *_lines(["نام: احمد‌شاه", "تخلص: کریمی", "نام پدر: محمد نادر",
                 "تاریخ تولد: ۱۳۶۸/۰۲/۱۵", "محل تولد: کابل، ناحیهٔ ششم", "شمارهٔ تذکره: ۱۴۰۰-۰۱۰۱-۲۳۴۵۶"]),
        Spacer(1, 24), Paragraph(text(SAMPLE), st["small"])])
    _pdf(HERE / "exhibits" / "tazkira.en.pdf", [
        Paragraph(text("Islamic Republic of Afghanistan — National Identity Card (Tazkira)"), st["title"]),
        *_lines(["Given name: Ahmad Shah", "Family name: Karimi", "Father's name: Mohammad Nader",
                 "Date of birth: 15/02/1368 (May 5, 1989)", "Place of birth: Kabul, District 6",
                 "Tazkira number: 1400-0101-23456"]),
        Spacer(1, 24), Paragraph(text(SAMPLE), st["small"])])


def letter() -> None:
    """The employer's letter confirming the petitioner's work and the family's housing."""
    _pdf(HERE / "exhibits" / "employer-letter.pdf", _lines([
        "Riverside Community Health (fictional), 80 Pine St, Sacramento, CA 95814",
        "December 1, 2026",
        "To whom it may concern:",
        "Ms. Zarghuna Karimi has worked for us as a medical interpreter for Dari and Pashto since "
        "March 2023. She is a full-time employee with a salary of $52,000 a year.",
        "Sincerely, Maria Lopez, Human Resources",
        SAMPLE]))


def main() -> None:
    (HERE / "exhibits").mkdir(parents=True, exist_ok=True)
    tazkira()
    letter()


if __name__ == "__main__":
    main()
