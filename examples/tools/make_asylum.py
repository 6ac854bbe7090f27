"""Regenerate the fictional sample documents of examples/asylum (run from the repo root).

    python examples/tools/make_asylum.py

Every person, organization, place of work, number and finding in them is invented; the report of
"the Herat Rights Observatory" is a 40-page sample whose pages 1-3 and 17-19 the case files as an
excerpt. The Dari originals are drawn with parolekit's own fonts and shaping (render/scripts.py), so
they read back as text. Dates in the Afghan documents are Solar Hijri, as issued, converted in the
translations. Each run writes the same bytes.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table

from parolekit.render.fonts import FAMILY, styles, text
from parolekit.render.scripts import Paragraph

HERE = Path(__file__).resolve().parents[1] / "asylum"
SAMPLE = "FICTIONAL SAMPLE for parolekit's example: not an official document."


@functools.cache
def _st() -> dict[str, ParagraphStyle]:
    st = dict(styles())
    st["h2"] = ParagraphStyle("h2", parent=st["heading"], fontSize=12, leading=15, spaceBefore=8)
    st["cover"] = ParagraphStyle("cover", parent=st["title"], fontSize=22, leading=28)
    st["rtl"] = ParagraphStyle("rtl", parent=st["body"], fontSize=12, leading=19)
    st["rtl-title"] = ParagraphStyle("rtl-title", parent=st["title"], fontSize=14, leading=22)
    return st


def _p(value: str, style: str = "body", bold: bool = False) -> Paragraph:
    """A paragraph of plain text (any script); bold sets it all in bold."""
    markup = text(value)
    return Paragraph(f"<b>{markup}</b>" if bold else markup, _st()[style])


def _pdf(path: Path, pages: list[list], footer: str = SAMPLE, numbered: bool = False) -> None:
    """A document of one or more pages, each a list of strings (paragraphs) or flowables."""
    story: list = []
    for n, page in enumerate(pages):
        if n:
            story.append(PageBreak())
        story += [_p(item) if isinstance(item, str) else item for item in page]

    def foot(canvas, d):
        canvas.saveState()
        canvas.setFont(FAMILY, 8.5)
        canvas.drawString(inch, 0.6 * inch, footer)
        if numbered:
            canvas.drawRightString(LETTER[0] - inch, 0.6 * inch, f"Page {d.page} of {len(pages)}")
        canvas.restoreState()

    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=LETTER, invariant=1, title=path.stem, leftMargin=inch,
                      rightMargin=inch, topMargin=0.9 * inch, bottomMargin=inch).build(
        story, onFirstPage=foot, onLaterPages=foot)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    cells = [[_p(c, "cell") for c in row] for row in rows]
    return Table(cells, colWidths=widths, hAlign="LEFT", style=[
        ("GRID", (0, 0), (-1, -1), 0.4, "grey"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8")])


# The report: its own page numbers are what the brief pin-cites ("Page 17 of 40" in its footer).
REPORT = "Herat Rights Observatory (fictional) — Afghanistan: Women, Education and the Enforcement of Virtue Rules"

CONTENTS = [
    ("Summary and key findings", 3), ("1. Methodology", 4), ("2. Background: August 2021 to 2026", 6),
    ("3. The legal framework of the de facto authorities", 9), ("4. Girls' education after the bans", 12),
    ("5. Teachers of girls: detention, night letters and repeat targeting", 16),
    ("6. Women's movement, the mahram rule and checkpoints", 20), ("7. Detention conditions", 24),
    ("8. Families of those targeted", 28), ("9. Returnees and deportees", 31),
    ("10. Access to justice and complaint mechanisms", 34), ("Annex: sources and interviews", 37),
    ("Endnotes", 39),
]

# One line of subject per page that is not written out below: each filler page has its own
# heading and text, so a wrong page number in a pin cite shows.
FILLER = {
    4: "1. Methodology: interviews", 5: "1. Methodology: documents and verification",
    6: "2. Background: the takeover of August 2021", 7: "2. Background: the first decrees on women",
    8: "2. Background: the Ministry for the Propagation of Virtue", 9: "3. Legal framework: the 2024 law",
    10: "3. Legal framework: enforcement officers (muhtasibs)", 11: "3. Legal framework: punishments",
    12: "4. Girls' education: the closure of secondary schools", 13: "4. Girls' education: universities",
    14: "4. Girls' education: madrasas as the only schooling", 15: "4. Girls' education: home classes",
    20: "6. Movement: the 72-kilometre mahram rule", 21: "6. Movement: checkpoints and tazkira checks",
    22: "6. Movement: transport operators", 23: "6. Movement: travel abroad",
    24: "7. Detention: places of detention", 25: "7. Detention: treatment of women detainees",
    26: "7. Detention: pledges and guarantors", 27: "7. Detention: release and reporting duties",
    28: "8. Families: questioning of relatives", 29: "8. Families: pressure on male guardians",
    30: "8. Families: property and employment", 31: "9. Returnees: from Iran and Pakistan",
    32: "9. Returnees: screening at the border", 33: "9. Returnees: women returning alone",
    34: "10. Justice: courts and the ulema councils", 35: "10. Justice: complaints to the authorities",
    36: "10. Justice: international monitoring", 37: "Annex: list of interviews (anonymised)",
    38: "Annex: documents reviewed", 39: "Endnotes 1-48", 40: "Endnotes 49-96",
}


def _filler(n: int, subject: str) -> list:
    return [
        _p(subject, "h2"),
        f"This page of the sample report concerns {subject.split(': ', 1)[-1].lower()}. Its text is a "
        "placeholder: the case files only pages 1 to 3 and 17 to 19 of the report, as an excerpt, "
        "and this page is here so that the report has its full length and its own page numbers.",
        f"Interviews cited on this page are listed in the annex under the numbers {n * 3 - 2} to "
        f"{n * 3}. All names of interviewees are withheld for their safety.",
    ]


def _report_pages() -> list[list]:
    st = _st()
    w = LETTER[0] - 2 * inch
    cover = [Spacer(1, 1.6 * inch), _p("Afghanistan: Women, Education and the Enforcement of Virtue Rules",
                                       "cover", bold=True),
             Spacer(1, 12), _p("Country conditions report", "subtitle"), Spacer(1, 8),
             _p("October 15, 2026", "subtitle"), Spacer(1, 1.5 * inch),
             _p("Herat Rights Observatory (fictional)", "center", bold=True),
             _p("An invented organization: this report, its findings, its figures and its interviews "
                "are a fictional sample made for parolekit's example.", "center")]
    contents = [_p("Contents", "h2"),
                _table([["Section", "Page"], *[[s, str(p)] for s, p in CONTENTS]], [w - 0.8 * inch, 0.8 * inch]),
                Spacer(1, 10), _p("About this report", "h2"),
                "The Observatory interviewed 112 women and 31 men in Herat, Kabul, Mazar-i-Sharif and "
                "Kandahar between March and August 2026, by telephone and in person, and reviewed 64 "
                "written orders, warnings and pledges. Interviewees are not named."]
    summary = [_p("Summary and key findings", "h2"),
               "Five years after the de facto authorities closed secondary schools to girls, teaching "
               "girls beyond the sixth grade remains forbidden throughout Afghanistan. The Observatory "
               "finds that:",
               _p("1. Women who teach girls in secret are sought out, detained and beaten by the "
                  "officers of the Ministry for the Propagation of Virtue and the Prevention of Vice; "
                  "of the 23 teachers of home classes interviewed, 17 had been detained at least once "
                  "(section 5.1).", "bullet"),
               _p("2. Detention is commonly preceded by a written warning, a \"night letter\" "
                  "(shabnameh), fixed to the family's gate or handed to a male relative; a woman who "
                  "has received one is recorded by name (section 5.2).", "bullet"),
               _p("3. A woman released on a signed pledge and a guarantor is at high risk of being "
                  "detained again, and her family is questioned when she leaves (sections 5.3 and 8).",
                  "bullet"),
               _p("4. No region of the country is outside the control of the de facto authorities. A "
                  "woman cannot travel more than 72 kilometres or rent a home without a male guardian "
                  "(mahram), and her tazkira is checked at checkpoints (sections 5.3 and 6).", "bullet"),
               _p("5. No court, council or complaint mechanism offers protection against the officers "
                  "of the Ministry (section 10).", "bullet"),
               Paragraph(f"<i>{text('Fictional sample: every finding and figure in this report is invented.')}</i>",
                         st["small"])]
    teachers = [_p("5. Teachers of girls: detention, night letters and repeat targeting", "h2"),
                _p("5.1 Teachers of home classes", "h2"),
                "Of the 23 women interviewed who had taught girls above the sixth grade in their homes "
                "since 2022, 17 had been detained at least once by officers of the Ministry for the "
                "Propagation of Virtue and the Prevention of Vice. In every case the officers came to "
                "the house during a class, took the teacher's books and the students' notebooks, and "
                "took the teacher to a district office of the Ministry.",
                "Detention lasted from one to nine days. Fourteen of the 17 women said they were beaten "
                "during questioning, most often with electric cable or a rubber hose on the back and "
                "the legs, and were questioned about who paid them and which foreign organization "
                "they worked for. Teaching girls is treated by the officers as opposition to the "
                "Islamic Emirate, not as a breach of a school rule: the women were accused of "
                "\"spreading Western ideas\" and \"working against the system\".",
                "Release was on a written pledge never to teach again, signed or thumb-printed by the "
                "teacher, and on a guarantee by a male relative, who undertook to bring her back if "
                "summoned."]
    letters = [_p("5.2 Night letters (shabnameh)", "h2"),
               "Written warnings are the usual first step. The Observatory reviewed 19 night letters "
               "addressed to teachers of girls in Herat province between 2023 and 2026. Each names the "
               "woman and her father, accuses her of teaching girls against the decrees of the leader "
               "of the de facto authorities, and warns that she and her family \"will bear the "
               "consequences\". Most carry the seal of a district office of the Ministry or the "
               "heading of the Islamic Emirate; some are unsigned.",
               "Of the 19 women who received such a letter, 12 were detained within three months of "
               "it. Officers who detained them referred to the letter and told them they had been "
               "warned. The Observatory considers a night letter evidence that the woman is known to "
               "the authorities by name.",
               "Families keep the letters as the only written record of the threat. A letter is rarely "
               "reported to anyone: there is no authority to report it to (section 10)."]
    repeat = [_p("5.3 Repeat targeting and the limits of relocation", "h2"),
              "The district offices keep the names of those who signed a pledge and of their "
              "guarantors. Nine of the 17 teachers who had been detained were summoned again or "
              "visited at home after their release; in six cases officers returned and questioned the "
              "family after the woman had left her home or the country, asking where she was.",
              "Relocation within Afghanistan offers no refuge. The de facto authorities control every "
              "province; the same Ministry, with the same rules, operates in every district. A woman "
              "may not travel more than 72 kilometres without a mahram, may not rent a home or stay "
              "in a hotel without one, and must show her tazkira at the checkpoints on every main road "
              "(section 6). A woman known by name to one district office can be identified at any "
              "checkpoint.",
              "Women who were teachers before 2021 are known in their communities; the Observatory "
              "found no case of a former teacher of a home class who had moved within the country and "
              "resumed a normal life."]
    pages: dict[int, list] = {1: cover, 2: contents, 3: summary, 16: [], 17: teachers, 18: letters, 19: repeat}
    pages[16] = [_p("5. Teachers of girls", "h2"),
                 "This section describes what happens to women who teach girls above the sixth grade: "
                 "their detention (5.1), the written warnings that precede it (5.2) and what follows "
                 "their release (5.3)."]
    return [pages.get(n) or _filler(n, FILLER[n]) for n in range(1, 41)]


def report() -> None:
    _pdf(HERE / "exhibits" / "country-report.pdf", _report_pages(),
         footer="Herat Rights Observatory (fictional), October 15, 2026 — fictional sample", numbered=True)


def tazkira() -> None:
    """A paper tazkira in Dari, issued in 1395 (2016) under the Islamic Republic, and its translation."""
    _pdf(HERE / "exhibits" / "tazkira.prs.pdf", [[
        _p("جمهوری اسلامی افغانستان — وزارت امور داخله", "rtl-title"),
        _p("تذکرۀ تابعیت", "rtl-title"),
        *[_p(line, "rtl") for line in [
            "نام: فرشته", "تخلص: نوری", "نام پدر: غلام سخی", "نام پدرکلان: عبدالرحیم",
            "تاریخ تولد: ۱۳۷۳/۰۴/۱۷", "محل تولد: هرات، ناحیۀ سوم", "شمارۀ تذکره: ۰۰۰۰-۰۷۰۵-۱۲۳۴۵",
            "تاریخ صدور: ۱۳۹۵/۰۶/۱۰"]],
        Spacer(1, 24), _p(SAMPLE, "small")]])
    _pdf(HERE / "exhibits" / "tazkira.en.pdf", [[
        _p("[English translation]", "small"),
        _p("Islamic Republic of Afghanistan — Ministry of Interior Affairs", "title"),
        _p("Certificate of Citizenship (Tazkira)", "title"),
        *[_p(line) for line in [
            "Given name: Fereshta", "Family name: Noori", "Father's name: Ghulam Sakhi",
            "Grandfather's name: Abdul Rahim", "Date of birth: 17/04/1373 (July 8, 1994)",
            "Place of birth: Herat, District 3", "Tazkira number: 0000-0705-12345",
            "Date of issue: 10/06/1395 (August 31, 2016)"]],
        Spacer(1, 24), _p(SAMPLE, "small")]])


def threat_letter() -> None:
    """The night letter in Dari, its translation, and the translator's certificate as signed."""
    _pdf(HERE / "exhibits" / "threat-letter.prs.pdf", [[
        _p("امارت اسلامی افغانستان", "rtl-title"),
        _p("ریاست امر بالمعروف و نهی عن المنکر ولایت هرات", "rtl-title"),
        Spacer(1, 10),
        *[_p(line, "rtl") for line in [
            "به فرشته نوری، دختر غلام سخی",
            "به ما خبر رسیده است که تو در خانۀ خود به دختران درس می‌دهی و آن‌ها را از راه شریعت "
            "منحرف می‌سازی. این کار خلاف فرمان امیرالمؤمنین و مخالفت با امارت اسلامی است.",
            "این آخرین اخطار است. اگر این کار را بس نکنی، خودت و خانواده‌ات مسئول عواقب آن خواهید بود.",
            "تاریخ: ۱۲ دلو ۱۴۰۳",
            "[مهر]"]],
        Spacer(1, 24), _p(SAMPLE, "small")]])
    _pdf(HERE / "exhibits" / "threat-letter.en.pdf", [[
        _p("[English translation]", "small"),
        _p("Islamic Emirate of Afghanistan", "title"),
        _p("Directorate for the Propagation of Virtue and the Prevention of Vice, Herat Province", "title"),
        "To Fereshta Noori, daughter of Ghulam Sakhi:",
        "We have been informed that you teach girls in your house and lead them away from the path of "
        "the sharia. This is against the decree of the Amir al-Mu'minin and opposition to the Islamic "
        "Emirate.",
        "This is the last warning. If you do not stop this work, you and your family will bear the "
        "consequences.",
        "Date: 12 Dalw 1403 [January 31, 2025]",
        "[Seal]",
        Spacer(1, 24), _p(SAMPLE, "small")]])
    certificate(HERE / "exhibits" / "threat-letter.certificate.pdf")


def certificate(path: Path) -> None:
    """The certificate the translator signed by hand, as scanned: drawn text and a pen signature."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=LETTER, invariant=1)
    c.setTitle(path.stem)
    w, h = LETTER
    c.setFillColor("#f7f5ef")  # the paper tone of a scan
    c.rect(0, 0, w, h, stroke=0, fill=1)
    c.setFillColor("#1a1a1a")
    c.setFont(FAMILY + "-Bold", 12)
    c.drawString(inch, h - inch, "Golden Gate Language Services (fictional)")
    c.setFont(FAMILY, 10)
    c.drawString(inch, h - inch - 14, "450 Mission St, Suite 900, San Francisco, CA 94105 · +1 415 555 0190")
    c.setFont(FAMILY + "-Bold", 14)
    c.drawCentredString(w / 2, h - 2 * inch, "CERTIFICATE OF TRANSLATION")
    c.setFont(FAMILY, 11.5)
    lines = [
        "I, Sohrab Amiri, certify that I am competent to translate from Dari into English, and that",
        "the attached English translation of the letter of the Directorate for the Propagation of",
        "Virtue and the Prevention of Vice of Herat Province, dated 12 Dalw 1403 (January 31, 2025),",
        "addressed to Fereshta Noori, is complete and accurate to the best of my knowledge and ability.",
        "",
        "Translator: Sohrab Amiri",
        "Address: 450 Mission St, Suite 900, San Francisco, CA 94105",
        "Telephone: +1 415 555 0190",
    ]
    y = h - 2.6 * inch
    for line in lines:
        c.drawString(inch, y, line)
        y -= 17
    c.drawString(inch, y - 40, "Signature:")
    c.drawString(4.6 * inch, y - 40, "Date:")
    c.line(1.8 * inch, y - 42, 4.3 * inch, y - 42)
    c.line(5.05 * inch, y - 42, 7.2 * inch, y - 42)
    # The pen: a signature and a date written by hand, in blue ink.
    c.setStrokeColor("#1d3a8a")
    c.setFillColor("#1d3a8a")
    c.setLineWidth(1.3)
    x0, y0 = 1.95 * inch, y - 38
    p = c.beginPath()
    p.moveTo(x0, y0)
    p.curveTo(x0 + 10, y0 + 26, x0 + 22, y0 + 24, x0 + 18, y0 + 4)
    p.curveTo(x0 + 14, y0 - 8, x0 + 30, y0 + 18, x0 + 40, y0 + 6)
    p.curveTo(x0 + 48, y0 - 4, x0 + 58, y0 + 20, x0 + 70, y0 + 5)
    p.curveTo(x0 + 82, y0 - 6, x0 + 96, y0 + 16, x0 + 120, y0 + 2)
    p.moveTo(x0 + 20, y0 - 6)
    p.curveTo(x0 + 60, y0 - 2, x0 + 100, y0 - 10, x0 + 150, y0 - 3)
    c.drawPath(p, stroke=1, fill=0)
    c.setFont("Helvetica-Oblique", 13)
    c.drawString(5.2 * inch, y - 38, "12/02/2026")
    c.setFillColor("#1a1a1a")
    c.setFont(FAMILY, 8.5)
    c.drawString(inch, 0.6 * inch, SAMPLE + " A signed certificate, as scanned.")
    c.showPage()
    c.save()


def evidence() -> None:
    """The English documents: passport and visa, I-94, the forensic medical evaluation."""
    ex = HERE / "exhibits"
    _pdf(ex / "passport.pdf", [[
        _p("Islamic Republic of Afghanistan — Passport (FICTIONAL SAMPLE)", "title"),
        "Surname: NOORI. Given names: FERESHTA. Nationality: Afghan.",
        "Date of birth: 08 JUL 1994. Place of birth: Herat. Sex: F.",
        "Passport No. P00000000 (fictional). Date of issue: 14 OCT 2020. Date of expiry: 13 OCT 2030.",
        "Copy of the biographic page.",
    ], [
        _p("United States of America — Visa (FICTIONAL SAMPLE)", "title"),
        "Surname: NOORI. Given name: FERESHTA. Visa type/class: R B1/B2. Entries: M.",
        "Issuing post: ISLAMABAD. Issue date: 18 DEC 2025. Expiration date: 17 DEC 2026.",
        "Copy of the visa page of passport P00000000.",
    ]])
    _pdf(ex / "i-94.pdf", [[
        _p("Form I-94 Arrival Record (FICTIONAL SAMPLE — not a CBP record)", "title"),
        _table([["Field", "Record"], ["Family name", "NOORI"], ["First (given) name", "FERESHTA"],
                ["Birth date", "07/08/1994"], ["Passport number", "P00000000"],
                ["Country of citizenship", "Afghanistan"], ["Most recent date of entry", "02/14/2026"],
                ["Port of entry", "San Francisco, CA (SFO)"], ["Class of admission", "B2"],
                ["Admit until date", "08/13/2026"], ["Admission (I-94) record number", "000000000A0"]],
               [2.4 * inch, 4.0 * inch]),
    ]])
    _pdf(ex / "forensic-evaluation.pdf", [[
        _p("Bay Area Clinic for Human Rights (fictional) — Forensic Medical Evaluation", "title"),
        "Evaluee: Fereshta Noori, born July 8, 1994. Date of evaluation: November 18, 2026. "
        "Evaluated in San Francisco, California, with a Dari interpreter, at the request of her counsel.",
        _p("Qualifications", "h2"),
        "I am a physician licensed in California, board-certified in internal medicine, and have "
        "examined more than 200 asylum seekers under the Istanbul Protocol since 2012.",
        _p("History given", "h2"),
        "Ms. Noori states that in March 2025, in Herat, she was detained for three days by officers "
        "of the de facto authorities, who beat her on the back and legs with an electric cable during "
        "questioning about the girls she taught at home. She states that she has had pain in her "
        "lower back, nightmares and difficulty sleeping since then.",
    ], [
        _p("Physical findings", "h2"),
        "Six linear, hyperpigmented scars, 6 to 14 cm long and 0.5 to 1 cm wide, cross the upper and "
        "lower back diagonally; two similar scars are on the back of the left thigh. Their shape, "
        "pattern and placement are highly consistent with blows from a flexible object such as an "
        "electric cable, as she describes, and are not typical of any accidental injury or skin "
        "disease.",
        _p("Psychological findings", "h2"),
        "She reports intrusive memories of the detention, nightmares four or five nights a week, "
        "avoidance of uniforms and of men in groups, and startle at knocks on the door. Her answers "
        "to the Harvard Trauma Questionnaire are above the threshold for post-traumatic stress "
        "disorder. Her symptoms are highly consistent with the events she describes.",
        _p("Conclusion", "h2"),
        "In my opinion the physical and psychological findings are highly consistent with her "
        "account of detention and beating in March 2025.",
        Spacer(1, 18),
        "Helen Ashford, MD (fictional), Bay Area Clinic for Human Rights",
    ]])


def forms() -> None:
    for name, what in (("i-589", "Form I-589, Application for Asylum and for Withholding of Removal"),
                       ("g-28", "Form G-28, Notice of Entry of Appearance as Attorney")):
        _pdf(HERE / "forms" / f"{name}.pdf", [[
            _p(f"{what} (SAMPLE — fictional placeholder, not a USCIS form)", "title"),
            "This page stands in for the completed and signed form of the applicant, Fereshta Noori.",
            _p(SAMPLE, "small")]])


def main() -> None:
    report()
    tazkira()
    threat_letter()
    evidence()
    forms()


if __name__ == "__main__":
    main()
