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


def marriage_and_status() -> None:
    """The marriage certificate (in English, as issued to the couple abroad) and the petitioner's
    permanent resident card: the relationship and the petitioner's identity and status."""
    st = styles()
    _pdf(HERE / "exhibits" / "marriage-certificate.pdf", [
        Paragraph(text("Certificate of Marriage"), st["title"]),
        *_lines(["Husband: Ahmad Shah Karimi (احمد‌شاه کریمی), born May 5, 1989, Kabul",
                 "Wife: Zarghuna Karimi (زرغونه کریمی), born August 2, 1992, Kabul",
                 "Married on June 12, 2015, in Kabul, Afghanistan", "Certificate number: 2015-KBL-000417"]),
        Spacer(1, 24), Paragraph(text(SAMPLE), st["small"])])
    _pdf(HERE / "exhibits" / "petitioner-green-card.pdf", [
        Paragraph(text("Permanent Resident Card (front and back)"), st["title"]),
        *_lines(["Surname: KARIMI", "Given name: ZARGHUNA", "Category: SQ1", "Country of birth: Afghanistan",
                 "Resident since: 03/01/23", "USCIS#: 000-000-000"]),
        Spacer(1, 24), Paragraph(text(SAMPLE), st["small"])])


def forms() -> None:
    """Stand-ins for the completed Forms I-131 and I-134 (a real filing has USCIS's own forms)."""
    st = styles()
    (HERE / "forms").mkdir(parents=True, exist_ok=True)
    for name, what in (("i-131", "Form I-131, Application for Travel Documents, Parole Documents"),
                       ("i-134", "Form I-134, Declaration of Financial Support")):
        _pdf(HERE / "forms" / f"{name}.pdf", [
            Paragraph(text(f"{what} (SAMPLE — fictional placeholder, not a USCIS form)"), st["heading"]),
            *_lines(["This page stands in for the completed form."]), Paragraph(text(SAMPLE), st["small"])])


def main() -> None:
    (HERE / "exhibits").mkdir(parents=True, exist_ok=True)
    tazkira()
    letter()
    marriage_and_status()
    forms()


if __name__ == "__main__":
    main()
