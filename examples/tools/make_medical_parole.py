"""Regenerate the fictional sample documents of examples/medical-parole (run from the repo root).

Every person, institution and number in them is invented.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.lib.styles import getSampleStyleSheet

from parolekit.render.fonts import register, FAMILY

HERE = Path(__file__).resolve().parents[1] / "medical-parole"


def doc(path: Path, title: str, paras: list[str], pagesize=LETTER, table=None) -> None:
    register()
    ss = getSampleStyleSheet()
    body = ss["BodyText"].clone("b", fontName=FAMILY, fontSize=11, leading=15)
    head = ss["Title"].clone("t", fontName=FAMILY + "-Bold", fontSize=15)
    story = [Paragraph(title, head), Spacer(1, 8)]
    for p in paras:
        story.append(Paragraph(p, body))
    if table:
        story.append(Spacer(1, 8))
        story.append(Table(table, style=[("FONTNAME", (0, 0), (-1, -1), FAMILY),
                                         ("GRID", (0, 0), (-1, -1), 0.4, "grey")]))
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=pagesize, invariant=1, title=title).build(story)


def signed_scan(path: Path) -> None:
    """A declaration as it comes back from the declarant: two pages, signed by hand (fictional)."""
    from reportlab.pdfgen import canvas

    register()
    w, h = LETTER
    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    c.setTitle("Declaration of Rosa Castillo Mejía (signed)")
    paras = [
        "1. My name is Rosa Castillo Mejía. I am the mother of Lucía Fernanda Ramírez Castillo and I "
        "live with her in Tegucigalpa, Honduras.",
        "2. In September 2024 my daughter began to feel very tired. She had bruises and fevers that "
        "would not go away.",
        "3. Since her relapse in June 2025 she has been too weak to work. I take her to every "
        "appointment at Hospital Escuela.",
        "4. Her doctors have told us that the treatment she needs does not exist in Honduras.",
        "5. If she is allowed to travel, her sister Ana will care for her in Houston. She will come "
        "home to her family when the treatment is over.",
    ]
    from reportlab.lib.utils import simpleSplit

    def page(lines_in: list[str], last: bool) -> None:
        c.setFont(FAMILY + "-Bold", 13)
        c.drawCentredString(w / 2, h - 80, "DECLARATION OF ROSA CASTILLO MEJÍA")
        c.setFont(FAMILY, 11)
        y = h - 120
        for para in lines_in:
            for line in simpleSplit(para, FAMILY, 11, w - 144):
                c.drawString(72, y, line)
                y -= 15
            y -= 8
        if last:
            for line in simpleSplit("I declare under penalty of perjury under the laws of the United "
                                    "States of America that the foregoing is true and correct.",
                                    FAMILY, 11, w - 144):
                c.drawString(72, y, line)
                y -= 15
            c.drawString(72, y - 8, "Executed on November 8, 2026 at Tegucigalpa, Honduras.")
            y -= 60
            c.setStrokeColorRGB(0.1, 0.15, 0.45)
            c.setLineWidth(1.3)
            p = c.beginPath()  # a hand signature, drawn as a curve
            p.moveTo(80, y + 10)
            p.curveTo(100, y + 40, 115, y - 5, 130, y + 18)
            p.curveTo(145, y + 35, 160, y, 175, y + 12)
            p.curveTo(190, y + 25, 205, y + 2, 235, y + 8)
            c.drawPath(p)
            c.setStrokeColorRGB(0, 0, 0)
            c.setLineWidth(0.8)
            c.line(72, y - 4, 300, y - 4)
            c.drawString(72, y - 18, "Rosa Castillo Mejía")
        c.setFont(FAMILY, 9)
        c.drawString(72, 40, "Fictional sample: a signed declaration as scanned.")
        c.showPage()

    page(paras[:3], False)
    page(paras[3:], True)
    c.save()


def main() -> None:
    ex = HERE / "exhibits"
    letter_es = [
        "Tegucigalpa, 2 de octubre de 2026",
        "A quien corresponda:",
        "Certifico que la paciente Lucía Fernanda Ramírez Castillo, de 38 años, está bajo mi cuidado "
        "desde enero de 2025 con diagnóstico de leucemia linfoblástica aguda (LLA) de células B, "
        "en recaída desde junio de 2025 tras dos ciclos de quimioterapia de inducción y sin "
        "respuesta a la quimioterapia de rescate.",
        "La terapia de células CAR-T que requiere no está disponible en Honduras ni en ningún centro "
        "público o privado del país. Sin este tratamiento, su pronóstico es de pocos meses.",
        "Recomiendo su traslado urgente a un centro especializado en los Estados Unidos.",
        "Dra. Ana Ruiz Mejía, Hematóloga, Hospital Escuela (ficticio), Tegucigalpa",
    ]
    doc(ex / "ruiz-letter.es.pdf", "Hospital Escuela — Servicio de Hematología", letter_es)
    letter_en = [
        "Tegucigalpa, October 2, 2026",
        "To whom it may concern:",
        "I certify that the patient Lucía Fernanda Ramírez Castillo, age 38, has been under my care "
        "since January 2025 with a diagnosis of B-cell acute lymphoblastic leukemia (ALL), in "
        "relapse since June 2025 after two cycles of induction chemotherapy and without response "
        "to salvage chemotherapy.",
        "The CAR-T cell therapy she requires is not available in Honduras, in any public or private "
        "center in the country. Without this treatment, her prognosis is a few months.",
        "I recommend her urgent transfer to a specialized center in the United States.",
        "Dr. Ana Ruiz Mejía, Hematologist, Hospital Escuela (fictional), Tegucigalpa",
    ]
    doc(ex / "ruiz-letter.en.pdf", "Hospital Escuela — Hematology Service [English translation]",
        letter_en)
    doc(ex / "acceptance-letter.pdf", "Gulf Coast Cancer Center (fictional) — Letter of Acceptance", [
        "November 3, 2026",
        "Our cellular therapy program has reviewed the records of Ms. Lucía Fernanda Ramírez Castillo "
        "and accepts her for evaluation and CAR-T therapy, with treatment planned to begin on "
        "January 15, 2027, followed by 100 days of follow-up care near the center, ending on or "
        "about April 25, 2027, after which she may travel home.",
        "Dr. Nguyễn Thị Hương, MD, Director of Cellular Therapy",
    ])
    doc(ex / "cost-estimate.pdf", "Estimate of Treatment Costs", [
        "Estimated cost of evaluation, CAR-T therapy and 100 days of follow-up care.",
    ], table=[["Item", "USD"], ["Evaluation", "18,000"], ["CAR-T product and infusion", "410,000"],
              ["Hospital stay (est. 21 days)", "96,000"], ["Follow-up", "24,000"],
              ["Total", "548,000"]])
    doc(ex / "sponsor-funds.pdf", "First Fictional Bank — Statement of Account", [
        "Account holder: Ana Ramírez. Statement period: October 2026.",
        "This letter confirms funds on deposit and a charitable commitment from the Helping Hands "
        "Foundation (fictional) covering the estimated treatment cost.",
    ])
    doc(ex / "country-report.pdf", "Availability of Cellular Therapy in Central America (excerpt)", [
        "Landscape table from a fictional regional health report.",
    ], pagesize=landscape(LETTER), table=[["Country", "CAR-T available", "Nearest center"],
                                          ["Honduras", "No", "Outside region"],
                                          ["Guatemala", "No", "Outside region"],
                                          ["Nicaragua", "No", "Outside region"]])
    for name, title in (("i-131", "Form I-131 (SAMPLE — fictional placeholder, not a USCIS form)"),
                        ("i-134", "Form I-134 (SAMPLE — fictional placeholder, not a USCIS form)")):
        doc(HERE / "forms" / f"{name}.pdf", title, ["This page stands in for the completed form."] * 3)
    birth_es = [
        "República de Honduras — Registro Nacional de las Personas (FICTICIO)",
        "Inscripción No. 0000-0000-00000 (ficticio)",
        "Nombre: Ana Ramírez Castillo. Fecha de nacimiento: 9 de julio de 1985. Lugar: Tegucigalpa, "
        "Francisco Morazán.",
        "Madre: Rosa Castillo Mejía. Padre: Carlos Ramírez Flores.",
        "Extendida en Tegucigalpa el 3 de septiembre de 2026.",
    ]
    doc(ex / "birth-certificate.es.pdf", "Certificación de Acta de Nacimiento", birth_es)
    birth_en = [
        "Republic of Honduras — National Registry of Persons (FICTIONAL)",
        "Registration No. 0000-0000-00000 (fictional)",
        "Name: Ana Ramírez Castillo. Date of birth: July 9, 1985. Place: Tegucigalpa, "
        "Francisco Morazán.",
        "Mother: Rosa Castillo Mejía. Father: Carlos Ramírez Flores.",
        "Issued in Tegucigalpa on September 3, 2026.",
    ]
    doc(ex / "birth-certificate.en.pdf", "Certified Birth Record [English translation]", birth_en)
    doc(ex / "petitioner-green-card.pdf", "Permanent Resident Card (FICTIONAL SAMPLE)", [
        "United States of America — Permanent Resident",
        "Surname: RAMÍREZ CASTILLO. Given name: ANA. Country of birth: Honduras.",
        "USCIS No.: 000-000-000 (fictional). Resident since: 03/15/2012.",
        "Front and back of the card, copied on one page.",
    ])
    signed_scan(HERE / "declarations" / "witness-signed.pdf")
    # A scan stored sideways with EXIF orientation 6, as phones and some scanners do.
    img = Image.new("RGB", (640, 450), (226, 232, 240))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 640, 70], fill=(30, 60, 110))
    d.text((20, 25), "REPUBLICA DE HONDURAS - PASAPORTE (FICTIONAL SAMPLE)", fill=(255, 255, 255))
    d.rectangle([30, 110, 200, 330], outline=(90, 90, 90), width=3)
    for i, line in enumerate(["Apellidos / Surname: RAMIREZ CASTILLO", "Nombres / Given names: LUCIA FERNANDA",
                              "Nacimiento / Birth: 14 MAR 1988", "No. P0000000 (fictional)"]):
        d.text((230, 120 + 40 * i), line, fill=(0, 0, 0))
    # Scanned on a letter-size flatbed at 150 dpi: the page around the passport stays white.
    page = Image.new("RGB", (1275, 1650), (250, 250, 248))
    page.paste(img, (150, 150))
    stored = page.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=80, exif=exif.tobytes(), dpi=(150, 150))
    (ex / "passport.jpg").write_bytes(buf.getvalue())


if __name__ == "__main__":
    main()
