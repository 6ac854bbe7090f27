"""E-mails as exhibits: headers as sent, the body, then the PDF and image attachments as pages."""

from __future__ import annotations

import json
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, photo, require_poppler, text_pdf
from parolekit.intake.htmltext import html_text
from parolekit.intake.message import read_eml, sent_at
from parolekit.pipeline import build_packet


def _eml(path: Path, tmp: Path, *, html_only: bool = False, other: bool = True) -> Path:
    msg = EmailMessage()
    msg["From"] = "Ana Ejemplo <ana@example.org>"
    msg["To"] = "Legal Aid Clinic <intake@example.net>"
    msg["Cc"] = "Luis Ejemplo <luis@example.org>"
    msg["Date"] = "Tue, 03 Nov 2026 14:05:00 -0500"
    msg["Subject"] = "=?utf-8?q?Amenaza_recibida_=E2=80=94_threat_received?="
    if html_only:
        msg.set_content("<html><head><style>p{color:red}</style></head><body><p>They came to the "
                        "house <b>again</b>.</p><ul><li>Monday night</li><li>Friday</li></ul></body></html>",
                        subtype="html")
    else:
        msg.set_content("They came to the house again on Monday.\nWe are afraid to go out.\n\nAna")
        msg.add_alternative("<p>HTML twin of the body</p>", subtype="html")
    msg.add_attachment(text_pdf(tmp / "threat.pdf", pages=2, title="Threat note").read_bytes(),
                       maintype="application", subtype="pdf", filename="threat.pdf")
    msg.add_attachment(photo(tmp / "door.jpg", size=(320, 240)).read_bytes(), maintype="image",
                       subtype="jpeg", filename="door.jpg")
    if other:
        msg.add_attachment(b"PK\x03\x04 not really", maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="statement.docx")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(msg))
    return path


def _case(tmp_path: Path) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
  - id: threat
    title: E-mail reporting the threat
    file: exhibits/threat.eml
""")


def _text(pdf: Path, first: int, last: int) -> str:
    require_poppler()
    return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_an_eml_becomes_its_page_then_its_attachments_pages_each_bookmarked(tmp_path):
    _eml(tmp_path / "exhibits" / "threat.eml", tmp_path / "made")
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    receipt = json.loads(result.receipt.read_text())
    ex = next(e for e in receipt["exhibits"] if e["id"] == "threat")
    # separator, the e-mail page, the PDF's 2 pages, the photo's page
    assert ex["pages"] == 1 + 1 + 2 + 1
    page = _text(result.output, ex["start"] + 1, ex["start"] + 1)
    for words in ("Ana Ejemplo <ana@example.org>", "intake@example.net", "Luis Ejemplo",
                  "November 3, 2026, 14:05 (UTC-05:00)", "Amenaza recibida", "threat received",
                  "They came to the house again on Monday.", "statement.docx", "not shown", "threat.pdf"):
        assert words in page, words
    assert "HTML twin" not in page  # the plain body is the one shown
    assert "Threat note page 1" in _text(result.output, ex["start"] + 2, ex["start"] + 2)
    assert "Threat note page 2" in _text(result.output, ex["start"] + 3, ex["start"] + 3)
    with pikepdf.open(result.output) as pdf:
        photo_page = pdf.pages[ex["start"] + 3]
        assert "/XObject" in photo_page.obj.Resources, "the JPEG attachment is a page with the image on it"
        with pdf.open_outline() as outline:
            node = next(o for o in outline.root if o.title.startswith("Exhibit B"))
            kids = [k.title for k in node.children]
    assert kids == ["E-mail: Amenaza recibida \u2014 threat received", "Attachment: threat.pdf",
                    "Attachment: door.jpg"]
    warned = [p for p in result.warnings if p.code == "email-attachment-not-shown"]
    assert len(warned) == 1 and "'statement.docx'" in warned[0].message
    assert warned[0].path == "exhibits[threat].file"
    [entry] = [i for i in receipt["inputs"] if i["path"] == "exhibits/threat.eml"]
    assert entry["kind"] == "eml" and entry["converted"]["attachments_shown"] == ["threat.pdf", "door.jpg"]
    assert entry["converted"]["attachments_not_shown"] == ["statement.docx"]


def test_an_html_only_email_prints_its_words_not_its_markup(tmp_path):
    _eml(tmp_path / "exhibits" / "threat.eml", tmp_path / "made", html_only=True, other=False)
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    ex = next(e for e in json.loads(result.receipt.read_text())["exhibits"] if e["id"] == "threat")
    page = _text(result.output, ex["start"] + 1, ex["start"] + 1)
    assert "They came to the house again." in page and "\u2022 Monday night" in page
    assert "color:red" not in page and "<p>" not in page
    assert not [p for p in result.warnings if p.code == "email-attachment-not-shown"]


def test_dates_print_in_the_senders_zone_as_sent():
    msg = read_eml(b"From: a@example.org\r\nDate: Sat, 31 Oct 2026 23:30:00 +0530\r\nSubject: x\r\n\r\nbody\r\n")
    assert dict(msg.headers)["Date"] == "October 31, 2026, 23:30 (UTC+05:30)"
    assert "Cc" not in dict(msg.headers)
    unknown = read_eml(b"From: a@example.org\r\nDate: Sat, 31 Oct 2026 23:30:00 -0000\r\n\r\nbody\r\n")
    assert dict(unknown.headers)["Date"] == "October 31, 2026, 23:30 (time zone not given)"
    assert sent_at(None, " garbled date ") == "garbled date"


def test_html_text_keeps_blocks_and_list_items_and_drops_scripts():
    got = html_text("<div>One &amp; two<br>three</div><script>alert(1)</script><ol><li>a</li><li>b</li></ol>")
    assert got == "One & two\nthree\n\n\u2022 a\n\u2022 b"


@pytest.mark.parametrize("name", ["threat.eml"])
def test_an_eml_that_is_really_a_pdf_is_refused(tmp_path, name):
    text_pdf(tmp_path / "exhibits" / name, title="Not mail")
    from parolekit.prepare import prepare

    prep = prepare(_case(tmp_path), read_texts=False)
    assert [p.code for p in prep.case.problems.items] == ["file-wrong-type"]


def test_an_email_in_a_script_the_font_lacks_is_built_with_a_warning(tmp_path):
    path = tmp_path / "exhibits" / "threat.eml"
    path.parent.mkdir(parents=True)
    # Sinhala: no shipped font has it (CJK, Arabic and the rest print since render/scripts.py)
    path.write_bytes("From: a@example.org\nSubject: Threat\nContent-Type: text/plain; "
                     "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\u0dc3\u0dd2\u0d82\u0dc4\u0dbd\n".encode())
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    [p] = [p for p in result.warnings if p.code == "email-unprintable"]
    assert p.path == "exhibits[threat].file" and "print the e-mail to PDF" in p.message
