"""Declarations, interpreter and translation certificates, read back from the built packet."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, text_pdf
from parolekit.pipeline import build_packet
from parolekit.render.exhibit_pages import CLAUSE_ABROAD, CLAUSE_US
from parolekit.render.words import language_name, long_date

CASE = CASE_HEAD + """\
declarations:
  - id: decl-abroad
    declarant: {name: María José Pérez López, role: beneficiary}
    text: declarations/maria.md
    executed: {date: 2026-11-10, place: "Tegucigalpa, Honduras", in_us: false}
    interpreter: {name: Luis Ortega, language: es, address: "77 Bay St, Houston, TX"}
  - id: decl-us
    declarant: {name: Ana Pérez, role: petitioner}
    text: |
      I am the sister of the beneficiary and live in Houston.

      I will support her
      during her treatment.
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
  - id: decl-expert
    declarant:
      name: Dr. Nguyễn Thị Hương
      role: expert
      qualifications: |
        I am a board-certified hematologist with twenty years of practice.

        I direct the cellular therapy program of a university hospital.
    text: |
      Relapsed B-cell leukemia in adults is treated with CAR-T cell therapy.
    executed: {date: 2026-11-14, place: "Houston, Texas", in_us: "true"}
  - id: decl-signed
    declarant: {name: Witness Person, role: witness}
    signed_file: declarations/witness-signed.pdf
    executed: {date: 2026-11-01, place: "Houston, Texas"}
exhibits:
  - id: letter-es
    title: Carta de la Dra. Ruiz
    file: exhibits/carta.pdf
    language: es
    translation:
      file: exhibits/carta.en.pdf
      translator:
        name: Luis Ortega
        address: [77 Bay St, "Houston, TX 77002"]
        phone: "+1 713 555 0199"
        email: lortega@example.org
  - id: birth-vi
    title: Giấy khai sinh (birth certificate)
    file: exhibits/birth.pdf
    language: vi
    translation:
      file: exhibits/birth.en.pdf
      date: 2026-09-30
      translator: {name: Trần Văn Minh, address: "9 Oak Ave, Garden Grove, CA 92840", phone: "+1 714 555 0101"}
  - id: report
    title: Country report
    file: exhibits/report.pdf
"""

MARIA = """\
My name is María José Pérez López. I was born in
Tegucigalpa, Honduras.

In January 2025 I was diagnosed with leukemia.

## After the diagnosis

My doctor told me the treatment is not available here:

- not in public hospitals;
- not in private clinics.

I will return to Honduras after my treatment.
"""


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    base = tmp_path_factory.mktemp("legal")
    (base / "declarations").mkdir()
    (base / "declarations" / "maria.md").write_text(MARIA, encoding="utf-8")
    text_pdf(base / "declarations" / "witness-signed.pdf", pages=3, title="Signed witness declaration")
    text_pdf(base / "exhibits" / "carta.pdf", pages=2, title="Carta original")
    text_pdf(base / "exhibits" / "carta.en.pdf", pages=2, title="Letter translation")
    text_pdf(base / "exhibits" / "birth.pdf", pages=1, title="Giay khai sinh")
    text_pdf(base / "exhibits" / "birth.en.pdf", pages=1, title="Birth translation")
    text_pdf(base / "exhibits" / "report.pdf", pages=1, title="Report")
    manifest(base / "case.yaml", CASE)
    result = build_packet(base / "case.yaml")
    texts = [_flat(p.extract_text() or "") for p in PdfReader(result.output).pages]
    return result, texts


def _pages(packet, exhibit_id: str) -> list[str]:
    """The content pages of one exhibit (its separator sheet excluded)."""
    result, texts = packet
    place = result.plan.exhibits[exhibit_id]
    return texts[place.first_content - 1:place.end]


def test_clause_follows_where_the_declaration_was_signed(packet):
    abroad = " ".join(_pages(packet, "decl-abroad"))
    us = " ".join(_pages(packet, "decl-us"))
    assert CLAUSE_ABROAD in abroad
    assert CLAUSE_US in us
    assert "under the laws of the United States of America" not in us
    expert = " ".join(_pages(packet, "decl-expert"))
    assert CLAUSE_US in expert and "laws of the United States" not in expert


def test_caption_numbered_paragraphs_and_execution(packet):
    text = " ".join(_pages(packet, "decl-abroad"))
    assert text.startswith("DECLARATION OF MARÍA JOSÉ PÉREZ LÓPEZ")
    # Each Markdown paragraph is numbered in turn; a heading and list items are not; a line
    # that wraps in the source stays in its paragraph.
    numbered = [(m.group(1), m.group(2)) for m in re.finditer(r"(?<![\w.])(\d)\. (\w+ \w+)", text)]
    assert numbered == [("1", "My name"), ("2", "In January"), ("3", "My doctor"), ("4", "I will")]
    assert "I was born in Tegucigalpa" in text
    assert "After the diagnosis" in text and "not in private clinics" in text
    assert "Executed on November 10, 2026, at Tegucigalpa, Honduras." in text
    # the clause, then the execution line, then the typed name under the signature line
    assert text.index(CLAUSE_ABROAD) < text.index("Executed on") < text.rindex("María José Pérez López")
    us = " ".join(_pages(packet, "decl-us"))
    assert "1. I am the sister" in us and "2. I will support her during her treatment." in us
    assert "Executed on November 12, 2026, at Houston, Texas." in us


def test_expert_declaration_opens_with_qualifications(packet):
    text = " ".join(_pages(packet, "decl-expert"))
    assert text.startswith("DECLARATION OF DR. NGUYỄN THỊ HƯƠNG")
    q = text.index("Qualifications")
    assert q < text.index("1. I am a board-certified hematologist")
    assert text.index("2. I direct the cellular therapy") < text.index("3. Relapsed B-cell leukemia")


def test_interpreter_certificate_only_when_asked(packet):
    text = " ".join(_pages(packet, "decl-abroad"))
    cert = text[text.index("CERTIFICATE OF INTERPRETATION"):]
    assert text.index("Executed on") < text.index("CERTIFICATE OF INTERPRETATION")
    assert "I, Luis Ortega, certify that I am competent to interpret between Spanish and English" in cert
    assert ("read the foregoing declaration of María José Pérez López to the declarant in "
            "Spanish, a language that the declarant understands") in cert
    assert "The declarant stated that they understood the contents of the " \
           "declaration before signing it" in cert
    assert cert.count("María José Pérez López") == 1  # named once, then "the declarant"
    assert "Date: November 10, 2026" in cert and "77 Bay St, Houston, TX" in cert
    for other in ("decl-us", "decl-expert"):
        assert "CERTIFICATE OF INTERPRETATION" not in " ".join(_pages(packet, other))


def test_signed_scan_replaces_the_rendered_text(packet):
    result, texts = packet
    place = result.plan.exhibits["decl-signed"]
    assert place.content_pages == 3 and place.end - place.start == 3
    pages = _pages(packet, "decl-signed")
    for k in range(1, 4):
        assert f"Signed witness declaration page {k}" in pages[k - 1]
        assert f"Exhibit {place.label}, p. {k} of 3" in pages[k - 1]
    assert not any("DECLARATION OF WITNESS" in p for p in pages)


@pytest.mark.parametrize("exhibit_id, original, translation, pages", [
    ("letter-es", "Carta original", "Letter translation", 2),
    ("birth-vi", "Giay khai sinh", "Birth translation", 1),
])
def test_certificate_of_translation_follows_its_translation(packet, exhibit_id, original, translation,
                                                             pages):
    content = _pages(packet, exhibit_id)
    assert len(content) == 2 * pages + 1
    for k in range(pages):
        assert f"{original} page {k + 1}" in content[k]
        assert f"{translation} page {k + 1}" in content[pages + k]
    cert = content[-1]
    assert cert.startswith("CERTIFICATE OF TRANSLATION")
    assert "complete and accurate" in cert
    assert not any("CERTIFICATE OF TRANSLATION" in p for p in content[:-1])


def test_certificate_of_translation_has_every_element(packet):
    result, _ = packet
    es = _pages(packet, "letter-es")[-1]
    label = result.plan.exhibits["letter-es"].label
    assert "I, Luis Ortega, certify that I am competent to translate from Spanish into English" in es
    assert (f"English translation of the document titled “Carta de la Dra. Ruiz” (Exhibit {label}), "
            "which is in Spanish, is complete and accurate") in es
    assert "Address: 77 Bay St Houston, TX 77002" in es
    assert "Telephone: +1 713 555 0199" in es and "Email: lortega@example.org" in es
    assert "Date: November 20, 2026" in es  # the case date by default
    # the typed name under the signature line comes after the attestation
    assert es.index("complete and accurate") < es.rindex("Luis Ortega")
    vi = _pages(packet, "birth-vi")[-1]
    assert "I, Trần Văn Minh, certify that I am competent to translate from Vietnamese into English" in vi
    assert "“Giấy khai sinh (birth certificate)”" in vi
    assert "Address: 9 Oak Ave, Garden Grove, CA 92840" in vi and "Telephone: +1 714 555 0101" in vi
    assert "Date: September 30, 2026" in vi  # translation.date when given


def test_english_exhibit_has_no_certificate(packet):
    assert not any("CERTIFICATE" in p for p in _pages(packet, "report"))


@pytest.mark.parametrize("code, name", [
    ("es", "Spanish"), ("ES", "Spanish"), ("pt-BR", "Portuguese"), ("ht", "Haitian Creole"),
    ("fa", "Persian (Farsi)"), ("prs", "Dari"), ("mam", "Mam"), ("quc", "K\u2019iche\u2019"),
    ("uk", "Ukrainian"), ("vi", "Vietnamese"), ("Spanish", "Spanish"), ("xx", "xx"),
])
def test_language_names(code, name):
    assert language_name(code) == name


def test_long_dates():
    assert long_date("2026-11-20") == "November 20, 2026"
    assert long_date("2025-03") == "March 2025" and long_date("2025") == "2025"


# --- bad input: exit 1, the manifest line, nothing written -------------------------------------

BAD_HEAD = CASE_HEAD + """\
exhibits:
  - id: report
    title: Country report
    file: exhibits/report.pdf
"""


def _bad(tmp_path: Path, body: str) -> Path:
    text_pdf(tmp_path / "exhibits" / "report.pdf", pages=1, title="Report")
    return manifest(tmp_path / "case.yaml", BAD_HEAD + body)


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def _assert_refused(cli, case: Path, code: str, needle: str) -> str:
    exit_code, _out, err = cli("build", case)
    assert exit_code == 1, err
    line = _line_of(case, needle)
    assert re.search(rf"case\.yaml:{line}:\d+: error \[{code}\]", err), err
    assert "Traceback" not in err
    assert not (case.parent / "case.pdf").exists() and not list(case.parent.glob("**/*.pdf.tmp*"))
    assert sorted(p.name for p in case.parent.rglob("*.pdf")) == ["report.pdf"]
    return err


def test_expert_without_qualifications_is_refused(tmp_path, cli):
    case = _bad(tmp_path, """\
declarations:
  - id: decl-expert
    declarant: {name: Dr. Expert, role: expert}
    text: I reviewed the records.
    executed: {date: 2026-11-14, place: "Houston, Texas"}
""")
    err = _assert_refused(cli, case, "expert-qualifications-missing", "declarant: {name: Dr. Expert")
    assert "qualifications:" in err


def test_foreign_exhibit_without_translation_is_refused(tmp_path, cli):
    case = _bad(tmp_path, """\
  - id: letter-es
    title: Carta
    file: exhibits/report.pdf
    language: es
""")
    err = _assert_refused(cli, case, "translation-missing", "language: es")
    assert "8 CFR 103.2(b)(3)" in err


def test_translation_without_translator_is_refused(tmp_path, cli):
    case = _bad(tmp_path, """\
  - id: letter-es
    title: Carta
    file: exhibits/report.pdf
    language: es
    translation:
      file: exhibits/report.pdf
""")
    exit_code, _out, err = cli("build", case)
    assert exit_code == 1
    line = _line_of(case, "translation:")  # the key, or where its mapping begins
    assert re.search(rf"case\.yaml:({line}|{line + 1}):\d+: error", err), err
    assert "translator" in err and not (tmp_path / "case.pdf").exists()


def test_undated_declaration_is_refused(tmp_path, cli):
    case = _bad(tmp_path, """\
declarations:
  - id: decl-a
    declarant: {name: Ana Pérez, role: petitioner}
    text: I am the sister of the beneficiary.
    executed: {place: "Houston, Texas", in_us: true}
""")
    err = _assert_refused(cli, case, "declaration-undated", "executed: {place")
    assert "28 U.S.C. § 1746" in err


def test_all_legal_problems_are_reported_at_once(tmp_path, cli):
    case = _bad(tmp_path, """\
  - id: letter-es
    title: Carta
    file: exhibits/report.pdf
    language: es
declarations:
  - id: decl-expert
    declarant: {name: Dr. Expert, role: expert}
    text: I reviewed the records.
claims:
  - claim: Treatment is unavailable
    exhibits: [leter-es]
""")
    exit_code, _out, err = cli("build", case)
    assert exit_code == 1
    for code in ("translation-missing", "expert-qualifications-missing", "declaration-undated",
                 "unknown-citation"):
        assert f"[{code}]" in err, err
    assert "did you mean 'letter-es'" in err


def test_citation_of_an_unknown_id_is_refused(tmp_path, cli):
    case = _bad(tmp_path, """\
chronology:
  - date: 2025-01
    event: Diagnosed
    exhibits: [reprot]
""")
    err = _assert_refused(cli, case, "unknown-citation", "exhibits: [reprot]")
    assert "did you mean 'report'?" in err


def test_declaration_file_the_font_cannot_print_names_its_line(tmp_path, cli):
    # 𠀋 (CJK extension B) is beyond GB 2312, Big5 and JIS X 0208, the sets the shipped CJK fonts
    # cover (李雷 prints)
    (tmp_path / "decl.md").write_text("I am the sister, 李雷.\n\nMy name in Chinese is \U0002000B.\n",
                                      encoding="utf-8")
    case = _bad(tmp_path, """\
declarations:
  - id: decl-a
    declarant: {name: Ana Pérez, role: petitioner}
    text: decl.md
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
""")
    err = _assert_refused(cli, case, "text-unprintable", "text: decl.md")
    assert "'decl.md', line 3" in err and "CJK UNIFIED IDEOGRAPH" in err


def test_signature_page_carries_the_last_paragraph(tmp_path):
    # Nine such paragraphs fill page 1 exactly: without care the signature would stand alone.
    paragraphs = "\n\n".join(f"Paragraph {n} " + "words that fill the page " * 12 for n in range(1, 10))
    (tmp_path / "long.md").write_text(paragraphs, encoding="utf-8")
    text_pdf(tmp_path / "exhibits" / "report.pdf", pages=1, title="Report")
    manifest(tmp_path / "case.yaml", BAD_HEAD + """\
declarations:
  - id: decl-long
    declarant: {name: Ana Pérez, role: petitioner}
    text: long.md
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
""")
    result = build_packet(tmp_path / "case.yaml")
    place = result.plan.exhibits["decl-long"]
    assert place.content_pages >= 2
    pages = [_flat(p.extract_text()) for p in PdfReader(result.output).pages[place.first_content - 1:place.end]]
    signed = next(p for p in pages if "Executed on" in p)
    assert "9. Paragraph 9" in signed and CLAUSE_US in signed
    assert sum("Executed on" in p for p in pages) == 1


def test_the_example_shows_every_piece_of_legal_content(tmp_path):
    from parolekit.lint import lint_manifest

    example = Path(__file__).resolve().parents[1] / "examples" / "medical-parole" / "case.yaml"
    assert not [p for p in lint_manifest(example).problems if p.severity == "error"]
    result = build_packet(example, tmp_path / "packet.pdf")
    text = " ".join(_flat(p.extract_text() or "") for p in PdfReader(result.output).pages)
    assert CLAUSE_ABROAD in text and CLAUSE_US in text
    for piece in ("CERTIFICATE OF INTERPRETATION", "Qualifications", "CHRONOLOGY",
                  "proposed treatment window", "SUMMARY OF CLAIMS AND EVIDENCE",
                  "Fictional sample: a signed declaration"):
        assert piece in text, piece
    assert text.count("CERTIFICATE OF TRANSLATION") == 2
    letter = result.plan.exhibits["physician-letter"]
    assert f"(Exhibit {letter.label} at {letter.first_content})" in text  # the letter's body cites pages


@pytest.mark.parametrize("code, needs", [("en", False), ("EN", False), ("en-US", False), ("eng", False),
                                         ("es", True), ("es-MX", True), ("mam", True)])
def test_which_exhibits_need_a_translation(tmp_path, code, needs):
    from parolekit.lint import lint_manifest

    case = _bad(tmp_path, f"""\
  - id: other
    title: Other
    file: exhibits/report.pdf
    language: {code}
""")
    codes = {p.code for p in lint_manifest(case).problems}
    assert ("translation-missing" in codes) == needs
