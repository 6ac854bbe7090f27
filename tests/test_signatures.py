"""Signatures: "/s/ Name" electronic signatures, a translator's signed certificate filed in place of
the generated one, and signing copies only for what is still to be signed by hand.

Fixture: `_case` makes a folder with a Spanish letter, its translation, a one-page scan of the
certificate the translator signed, and a declaration; *signature* and *signed* vary them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet


def _case(root: Path, signature: str = "wet", signed: bool = False, translator: bool = True) -> Path:
    text_pdf(root / "exhibits" / "carta.pdf", pages=1, title="Carta")
    text_pdf(root / "exhibits" / "carta.en.pdf", pages=1, title="Letter translated")
    text_pdf(root / "exhibits" / "cert-signed.pdf", pages=1, title="Signed certificate scan")
    who = ('      translator: {name: Luis Ortega, address: "77 Bay St, Houston, TX 77002", '
           'phone: "+1 713 555 0199"}\n') if translator else ""
    return manifest(root / "case.yaml", CASE_HEAD + f"""\
declarations:
  - id: decl
    declarant: {{name: Test Beneficiary, role: beneficiary}}
    text: I am the beneficiary.
    executed: {{date: 2026-11-10, place: "Houston, Texas", in_us: true, signature: "{signature}"}}
exhibits:
  - id: carta
    title: Carta del médico
    file: exhibits/carta.pdf
    language: es
    translation:
      file: exhibits/carta.en.pdf
      signature: "{signature}"
{who}""" + ("      signed_certificate: exhibits/cert-signed.pdf\n" if signed else ""))


def _texts(out: Path) -> list[str]:
    require_poppler()
    n = len(pikepdf.open(out).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(out), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, n + 1)]


def test_electronic_signatures_print_slash_s_on_the_line(tmp_path):
    out = build_packet(_case(tmp_path, "/s/"), tmp_path / "p.pdf").output
    texts = _texts(out)
    decl = next(t for t in texts if "DECLARATION OF TEST BENEFICIARY" in t)
    cert = next(t for t in texts if "CERTIFICATE OF TRANSLATION" in t)
    assert "/s/ Test Beneficiary" in decl and "/s/ Luis Ortega" in cert


def test_wet_signatures_leave_the_line_blank(tmp_path):
    out = build_packet(_case(tmp_path), tmp_path / "p.pdf").output
    assert not any("/s/" in t for t in _texts(out))


def test_a_signed_certificate_is_filed_instead_of_the_generated_one(tmp_path):
    out = build_packet(_case(tmp_path, signed=True, translator=False), tmp_path / "p.pdf").output
    texts = _texts(out)
    assert not any("CERTIFICATE OF TRANSLATION" in t for t in texts)
    scan = [n for n, t in enumerate(texts, 1) if "Signed certificate scan page 1" in t]
    translated = [n for n, t in enumerate(texts, 1) if "Letter translated page 1" in t]
    assert scan and translated and scan[0] == translated[0] + 1  # right after the translation
    receipt = json.loads(out.with_suffix(".receipt.json").read_text())
    assert any(i.get("file", "").endswith("cert-signed.pdf") or "cert-signed.pdf" in json.dumps(i)
               for i in receipt["inputs"])
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        carta = next(item for item in outline.root if "Carta" in item.title)
        assert [c.title for c in carta.children][-1] == "Certificate of translation"


def test_a_translation_needs_a_translator_or_a_signed_certificate(tmp_path):
    problems = lint_manifest(_case(tmp_path, translator=False)).problems
    assert any("signed_certificate" in p.message and "translator" in p.message for p in problems)


def test_signing_copies_leave_out_what_is_signed_electronically(tmp_path):
    wet = build_packet(_case(tmp_path / "wet"), tmp_path / "wet" / "p.pdf", signing_copies=True)
    assert sorted(p.name.split(".", 1)[1] for p in wet.signing) == ["certificate.pdf", "declaration.pdf"]
    e = build_packet(_case(tmp_path / "e", "/s/"), tmp_path / "e" / "p.pdf", signing_copies=True)
    assert e.signing == []
