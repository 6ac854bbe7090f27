"""Regenerate the fictional sample documents of examples/rfe-response (run from the repo root).

    python examples/tools/make_rfe_response.py

Every person, institution, place, account and number in them is invented; the notice imitates the
layout of a USCIS Form I-797E but is marked on every page as a fictional sample, not a USCIS form.
The receipt number, dates and grounds match examples/rfe-response/case.yaml.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from parolekit.render.fonts import FAMILY, register

HERE = Path(__file__).resolve().parents[1] / "rfe-response"

RECEIPT = "IOE0912345678"
NOTICE_DATE = "December 4, 2026"
DUE_DATE = "March 1, 2027"
SAMPLE = "FICTIONAL SAMPLE for parolekit's example: not issued by USCIS, not a USCIS form."


def _styles():
    register()
    ss = getSampleStyleSheet()
    return {
        "body": ss["BodyText"].clone("b", fontName=FAMILY, fontSize=11, leading=15),
        "small": ss["BodyText"].clone("s", fontName=FAMILY, fontSize=9, leading=12),
        "head": ss["Title"].clone("t", fontName=FAMILY + "-Bold", fontSize=15),
        "h2": ss["Heading2"].clone("h", fontName=FAMILY + "-Bold", fontSize=12.5, spaceBefore=10),
        "cell": ss["BodyText"].clone("c", fontName=FAMILY, fontSize=9.5, leading=12),
    }


def _table(rows: list[list[str]], widths=None, bold_last: bool = False, heads: tuple[int, ...] = (0,)) -> Table:
    st = _styles()
    cells = [[Paragraph(str(c), st["cell"]) for c in row] for row in rows]
    style = [("GRID", (0, 0), (-1, -1), 0.4, "grey"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    style += [("BACKGROUND", (0, n), (-1, n), "#e8e8e8") for n in heads]
    if bold_last:
        style.append(("BACKGROUND", (0, -1), (-1, -1), "#f2f2f2"))
    return Table(cells, colWidths=widths, style=style, hAlign="LEFT")


def doc(path: Path, title: str, pages: list[list], footer: str | None = None) -> None:
    """A document of one or more pages; each page is a list of paragraphs (str) or flowables."""
    st = _styles()
    story: list = [Paragraph(title, st["head"]), Spacer(1, 8)]
    for n, page in enumerate(pages):
        if n:
            story.append(PageBreak())
        for item in page:
            story.append(Paragraph(item, st["body"]) if isinstance(item, str) else item)

    def foot(canvas, d):
        canvas.saveState()
        canvas.setFont(FAMILY, 8.5)
        text = footer or "Fictional sample document."
        if len(pages) > 1:
            text += f"   Page {d.page} of {len(pages)}"
        canvas.drawString(0.9 * inch, 0.55 * inch, text)
        canvas.restoreState()

    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=LETTER, invariant=1, title=title, leftMargin=0.9 * inch,
                      rightMargin=0.9 * inch, topMargin=0.8 * inch, bottomMargin=0.9 * inch).build(
        story, onFirstPage=foot, onLaterPages=foot)


def notice(path: Path) -> None:
    """The Request for Evidence: page 1 the notice, pages 2-3 the grounds (as case.yaml quotes them)."""
    st = _styles()
    w = LETTER[0] - 1.8 * inch
    facts = _table([
        ["Receipt Number", "Case Type", "Received Date", "Notice Date"],
        [RECEIPT, "I-131 - Application for Travel Document (humanitarian parole)", "08/14/2026", "12/04/2026"],
        ["Applicant", "Beneficiary", "Page", "Response due"],
        ["KARLA YAMILETH CÁRCAMO FLORES", "DARWIN JOSUÉ CÁRCAMO FLORES (born 05/22/1991)", "1 of 3",
         "03/01/2027"],
    ], widths=[1.45 * inch, w - 4.25 * inch, 1.3 * inch, 1.5 * inch], heads=(0, 2))
    page1 = [
        Paragraph("Department of Homeland Security<br/>U.S. Citizenship and Immigration Services "
                  "(fictional sample)", st["small"]),
        Spacer(1, 6), facts, Spacer(1, 14),
        "KARLA YAMILETH CÁRCAMO FLORES<br/>c/o Priya Raman, Bayou City Immigration Clinic<br/>"
        "2200 Fannin St, Suite 310<br/>Houston, TX 77002",
        Spacer(1, 10),
        "This notice is in reference to the Form I-131 filed for the above beneficiary, requesting "
        "humanitarian parole for medical treatment. The evidence in the record is not sufficient to "
        "establish eligibility. Additional evidence is required before a decision can be made.",
        "The evidence requested is described on pages 2 and 3 of this notice. Please submit all of "
        "it at one time, together with a copy of this notice placed on top of your response.",
        f"<b>Your response must be received in this office by {DUE_DATE}.</b> If you do not respond "
        "by that date, the request may be decided on the record as it stands or denied as "
        "abandoned. The time to respond cannot be extended.",
        "Send your response to: USCIS Humanitarian Affairs Branch, Attn: RFE Response, "
        "P.O. Box 0000, City, ST 00000 (fictional address).",
    ]
    page2 = [
        Paragraph(f"Receipt Number {RECEIPT} · Notice Date {NOTICE_DATE}", st["small"]),
        Paragraph("EVIDENCE REQUESTED", st["h2"]),
        Paragraph("1. Current medical evidence", st["h2"]),
        "The physician's letter in the record is dated March 3, 2026, more than six months before "
        "this notice. <b>The medical evidence is not current and does not address whether the "
        "treatment is available in Honduras.</b>",
        "Submit an updated letter from the treating physician, on letterhead, stating the "
        "beneficiary's current diagnosis and prognosis, the treatment required and its expected "
        "length, and whether that treatment can be obtained in Honduras or a neighboring country.",
        Paragraph("2. Relationship of the petitioner and the beneficiary", st["h2"]),
        "The petitioner states that she is the beneficiary's sister and will care for him during "
        "treatment. <b>The record does not contain the beneficiary's birth certificate establishing "
        "the claimed sibling relationship.</b>",
        "Submit the beneficiary's birth certificate naming his parents. If it does not exist or "
        "cannot be obtained, submit a certification from the civil registry stating why, and "
        "secondary evidence as described in 8 CFR 103.2(b)(2), which may include affidavits "
        "of two or more persons with personal knowledge of the beneficiary's birth.",
    ]
    page3 = [
        Paragraph(f"Receipt Number {RECEIPT} · Notice Date {NOTICE_DATE}", st["small"]),
        Paragraph("3. Financial support", st["h2"]),
        "The Form I-134 in the record is signed by the petitioner, whose stated income does not "
        "cover the estimated cost of care. <b>The record does not establish how the costs of "
        "treatment, housing and travel will be met.</b>",
        "Submit an itemized estimate from the treating U.S. provider; evidence of the funds of each "
        "person or organization who will pay, such as bank statements or a written commitment of "
        "financial assistance; evidence of the identity of each person who will pay; and a new "
        "Form I-134 from any additional financial supporter.",
        Paragraph("How to respond", st["h2"]),
        "Submit the requested evidence with a copy of this notice on top. Documents in a language "
        "other than English must be accompanied by a full English translation certified by the "
        "translator (8 CFR 103.2(b)(3)).",
        f"<b>Your response must be received by {DUE_DATE}.</b>",
        Spacer(1, 16),
        "Humanitarian Affairs Branch<br/>U.S. Citizenship and Immigration Services (fictional sample)",
    ]
    doc(path, "REQUEST FOR EVIDENCE", [page1, page2, page3], footer=f"Form I-797E · {SAMPLE}")


def main() -> None:
    ex = HERE / "exhibits"
    st = _styles()
    notice(ex / "rfe-notice.pdf")

    doc(ex / "euceda-letter.pdf", "Hospital General del Norte (fictional) — Orthopaedic Oncology", [[
        "San Pedro Sula, Honduras, December 7, 2026",
        "To the U.S. Citizenship and Immigration Services:",
        "I am the treating orthopaedic oncologist of Mr. Darwin Josué Cárcamo Flores, born May 22, "
        "1991, whom I have followed since October 2024. I examined him again on December 1, 2026, "
        "and write this letter to update my letter of March 3, 2026.",
        "<b>Diagnosis.</b> Recurrent giant-cell tumour of bone of the distal left femur, first "
        "curetted in November 2024 and recurrent since August 2025 despite twelve months of "
        "denosumab. The December 1 imaging shows cortical breakthrough and a high risk of "
        "pathological fracture.",
        "<b>Prognosis.</b> Without resection the tumour will destroy the knee joint; a fracture "
        "through the lesion would leave amputation above the knee as the only treatment. With "
        "resection and reconstruction he is expected to walk unaided and to return to work.",
        "<b>Treatment required.</b> En bloc resection of the distal femur and reconstruction with a "
        "modular tumour endoprosthesis, followed by about sixteen weeks of rehabilitation and "
        "follow-up near the operating center. It should take place within the next three months.",
    ], [
        "<b>Availability in Honduras.</b> This operation is not performed in any public or private "
        "hospital in Honduras. No hospital in the country stocks modular tumour endoprostheses or "
        "has an orthopaedic oncology team trained to implant them. I have asked the two regional "
        "referral centres we work with, in Guatemala City and San José; neither can accept a "
        "foreign patient for this procedure within the next six months.",
        "Mercy Ridge Medical Center in Houston has reviewed his imaging and pathology and accepted "
        "him. I recommend that he travel there as soon as possible, accompanied by a family member.",
        "I am available to answer any question about this letter.",
        Spacer(1, 26),
        "Dra. Marisol Euceda Paz, MD<br/>Orthopaedic Oncology, Hospital General del Norte "
        "(fictional)<br/>Medical license CMH-00000 (fictional)",
    ]])

    doc(ex / "acceptance-letter.pdf", "Mercy Ridge Medical Center (fictional) — Letter of Acceptance", [[
        "Houston, Texas, November 30, 2026",
        "Our orthopaedic oncology service has reviewed the imaging and pathology of Mr. Darwin Josué "
        "Cárcamo Flores and accepts him for en bloc resection of the distal left femur and "
        "endoprosthetic reconstruction. Surgery will be scheduled within four weeks of his arrival; "
        "inpatient care of about nine days is followed by sixteen weeks of outpatient "
        "rehabilitation and follow-up, after which he may travel home.",
        "Dr. Owen Whitfield, MD, Chief of Orthopaedic Oncology",
    ]])

    w = LETTER[0] - 1.8 * inch
    cols = [w - 1.6 * inch, 1.6 * inch]
    doc(ex / "cost-estimate.pdf", "Mercy Ridge Medical Center (fictional) — Estimate of Charges", [[
        "Patient: Darwin Josué Cárcamo Flores. Estimate prepared November 30, 2026.",
        "<b>Part 1 — Surgery and inpatient stay</b>",
        _table([["Item", "USD"], ["Pre-operative evaluation and imaging", "6,800.00"],
                ["Surgeon, anaesthesia and operating room", "24,900.00"],
                ["Modular tumour endoprosthesis (implant)", "27,400.00"],
                ["Inpatient stay, about 9 days", "13,400.00"], ["Total, part 1", "72,500.00"]],
               widths=cols, bold_last=True),
        Spacer(1, 8),
        "Part 1 is eligible for the Charity Care Program (see the program's letter).",
    ], [
        "<b>Part 2 — Rehabilitation and follow-up (outpatient)</b>",
        _table([["Item", "USD"], ["Physical therapy, 3 sessions a week for 16 weeks", "9,600.00"],
                ["Clinic visits and imaging, 4 visits", "3,100.00"],
                ["Medication and supplies", "1,200.00"], ["Total, part 2", "13,900.00"]],
               widths=cols, bold_last=True),
        Spacer(1, 8),
        "Part 2 is not covered by the Charity Care Program and must be paid in advance of the first "
        "session.",
        "Patient Financial Services, Mercy Ridge Medical Center (fictional)",
    ]])

    doc(ex / "charity-award.pdf", "Mercy Ridge Medical Center (fictional) — Charity Care Program", [[
        "December 2, 2026",
        "Re: Darwin Josué Cárcamo Flores",
        "The Charity Care Program of Mercy Ridge Medical Center has approved financial assistance "
        "covering the charges for part 1 of the estimate of November 30, 2026 (surgery and "
        "inpatient stay), in the amount of USD 72,500.00. The award is held for the patient "
        "for twelve months from the date of this letter.",
        "The program's funds are held in its restricted endowment; its audited statement for 2025 "
        "is available on request.",
        "Lena Ochoa, Director, Charity Care Program",
    ]])

    doc(ex / "lodging-offer.pdf", "Bayou Family Lodge (fictional) — Offer of Lodging", [[
        "December 3, 2026",
        "We offer Ms. Karla Yamileth Cárcamo Flores a furnished ground-floor one-bedroom unit, a "
        "ten-minute walk from Mercy Ridge Medical Center, for her brother, for five months from "
        "the date of arrival, at USD 1,250.00 a month including utilities.",
        "Reservations, Bayou Family Lodge (fictional), Houston, Texas",
    ]])

    doc(ex / "travel-quote.pdf", "Viajes Morazán (fictional travel agency) — Quotation", [[
        "Tegucigalpa, December 5, 2026. Quotation valid for 30 days.",
        _table([["Passenger", "Route", "HNL"],
                ["Darwin Josué Cárcamo Flores", "TGU–IAH–TGU, open return, wheelchair assistance", "15,600.00"],
                ["Karla Yamileth Cárcamo Flores (escort)", "IAH–TGU–IAH, open return", "15,600.00"],
                ["Total", "", "31,200.00"]],
               widths=[2.6 * inch, w - 3.9 * inch, 1.3 * inch], bold_last=True),
        Spacer(1, 8),
        "Prices in lempiras (HNL), taxes included.",
    ]])

    doc(ex / "flores-bank.pdf", "Gulf Shore Federal Credit Union (fictional) — Statement", [[
        "Member: Rafael Antonio Flores Banegas, Houston, Texas. Savings account ending in 0000.",
        "Statement period: November 1 to November 30, 2026.",
        _table([["Summary", "USD"], ["Opening balance, November 1", "36,918.42"],
                ["Deposits", "4,801.75"], ["Withdrawals", "3,300.00"],
                ["Closing balance, November 30", "38,420.17"]], widths=cols, bold_last=True),
    ], [
        "<b>Transactions</b>",
        _table([["Date", "Description", "USD"],
                ["11/07", "Payroll deposit, Harbor Logistics (fictional)", "+2,400.88"],
                ["11/12", "Transfer to checking", "-1,650.00"],
                ["11/21", "Payroll deposit, Harbor Logistics (fictional)", "+2,400.87"],
                ["11/26", "Transfer to checking", "-1,650.00"]],
               widths=[0.8 * inch, w - 2.4 * inch, 1.6 * inch]),
        Spacer(1, 8),
        "This statement is a fictional sample; no such account exists.",
    ]])

    doc(ex / "petitioner-bank.pdf", "Lone Star Community Bank (fictional) — Letter of Deposit", [[
        "December 1, 2026",
        "We confirm that Ms. Karla Yamileth Cárcamo Flores holds a savings account with us (ending in "
        "0000), opened in 2019, with a balance on this date of USD 9,800.00.",
        "Branch manager, Lone Star Community Bank (fictional), Houston, Texas",
    ]])

    doc(ex / "flores-passport.pdf", "United States Passport (FICTIONAL SAMPLE)", [[
        "Surname: FLORES BANEGAS. Given names: RAFAEL ANTONIO. Nationality: United States of America.",
        "Place of birth: Honduras. Passport No. 000000000 (fictional).",
        "Copy of the data page.",
    ]])
    doc(ex / "petitioner-green-card.pdf", "Permanent Resident Card (FICTIONAL SAMPLE)", [[
        "Surname: CÁRCAMO FLORES. Given name: KARLA YAMILETH. Country of birth: Honduras.",
        "USCIS No.: 000-000-000 (fictional). Resident since: 06/02/2015.",
        "Front and back of the card, copied on one page.",
    ]])
    doc(ex / "passport.pdf", "República de Honduras — Pasaporte / Passport (FICTIONAL SAMPLE)", [[
        "Apellidos / Surname: CÁRCAMO FLORES. Nombres / Given names: DARWIN JOSUÉ.",
        "Fecha de nacimiento / Date of birth: 22 MAY 1991. Lugar / Place: Santa Rita de Oriente.",
        "Pasaporte No. / Passport No. H0000000 (fictional).",
    ]])

    cna_es = [
        "República de Honduras — Registro Civil Municipal de Santa Rita de Oriente (FICTICIO)",
        "<b>CONSTANCIA DE NO EXISTENCIA DE REGISTRO</b>",
        "La suscrita Registradora Civil Municipal hace constar que el libro de inscripciones de "
        "nacimiento del año 1991 de este municipio fue destruido en el incendio que consumió el "
        "archivo municipal el 14 de marzo de 2019, y que no existe copia microfilmada ni digital.",
        "Por tanto, no es posible extender certificación del acta de nacimiento de DARWIN JOSUÉ "
        "CÁRCAMO FLORES, quien según declaración de su madre nació en este municipio el 22 de mayo "
        "de 1991.",
        "Se extiende la presente a solicitud de la interesada en Santa Rita de Oriente, el 9 de "
        "diciembre de 2026.",
        "Lcda. Iris Maradiaga, Registradora Civil Municipal (ficticia)",
    ]
    doc(ex / "registry-cna.es.pdf", "Constancia de No Existencia de Registro", [cna_es],
        footer="Documento ficticio de muestra.")
    cna_en = [
        "Republic of Honduras — Municipal Civil Registry of Santa Rita de Oriente (FICTIONAL)",
        "<b>CERTIFICATE OF NON-EXISTENCE OF RECORD</b>",
        "The undersigned Municipal Civil Registrar certifies that the book of birth registrations "
        "for the year 1991 of this municipality was destroyed in the fire that consumed the "
        "municipal archive on March 14, 2019, and that no microfilm or digital copy exists.",
        "It is therefore not possible to issue a certified copy of the birth record of DARWIN JOSUÉ "
        "CÁRCAMO FLORES, who according to his mother's statement was born in this municipality on "
        "May 22, 1991.",
        "Issued at the request of the interested party in Santa Rita de Oriente on December 9, 2026.",
        "Iris Maradiaga, Municipal Civil Registrar (fictional)",
    ]
    doc(ex / "registry-cna.en.pdf", "Certificate of Non-Existence of Record [English translation]",
        [cna_en])

    # A copy of the application as filed, for reference (the response does not refile it).
    doc(ex / "i-131-as-filed.pdf", "Form I-131 as filed (SAMPLE — fictional placeholder, not a USCIS form)", [[
        f"Copy of the Form I-131 filed on August 14, 2026, receipt number {RECEIPT}; this page stands "
        "in for the application as filed.", Paragraph("Fictional sample.", st["small"])]])
    doc(HERE / "forms" / "i-134.pdf", "Form I-134 (SAMPLE — fictional placeholder, not a USCIS form)", [[
        "This page stands in for the completed form, signed by the new financial supporter, "
        "Rafael Antonio Flores Banegas.", Paragraph("Fictional sample.", st["small"])]] * 2)

if __name__ == "__main__":
    main()
