"""`build --ocr`: scanned pages gain an invisible text layer, look the same, and are OCR'd once per input."""

from __future__ import annotations

import json
import subprocess
import sys

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, pixel_difference, render_page, require_ocr, require_poppler, scan_pdf, \
    text_pdf

from parolekit import build_packet

SCAN_WORDS = [["Certificate of Residence", "Municipal Registry Office", "Issued to Test Beneficiary"],
              ["Second page of the certificate", "Signed by the Registrar"]]
SPANISH = [["Acta de nacimiento", "Registro Civil de Tegucigalpa", "Nombre de la madre"]]


def _case(tmp_path):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2, title="Letter")
    scan_pdf(tmp_path / "exhibits" / "residence.pdf", SCAN_WORDS)
    scan_pdf(tmp_path / "exhibits" / "acta.pdf", SPANISH)
    text_pdf(tmp_path / "exhibits" / "acta-en.pdf", title="Birth certificate translation")
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: residence
    title: Certificate of residence
    file: exhibits/residence.pdf
  - id: acta
    title: Birth certificate
    file: exhibits/acta.pdf
    language: es
    translation:
      file: exhibits/acta-en.pdf
      translator: {name: Luis Example, address: "1 Main St, Houston, TX", phone: "555-0100"}
""")
    return tmp_path / "case.yaml"


def _pages(receipt, ident):
    ex = next(e for e in json.loads(receipt.read_text())["exhibits"] if e["id"] == ident)
    return ex["start"], ex["end"]


def _text(pdf, first, last):
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_scans_yield_their_words_and_look_the_same(tmp_path):
    require_ocr()
    require_poppler()
    case = _case(tmp_path)
    plain = build_packet(case, tmp_path / "plain.pdf")
    done = build_packet(case, tmp_path / "ocr.pdf", ocr=True)
    assert done.pages == plain.pages and done.ocr_pages == 3 and done.ocr_cached == 0
    start, end = _pages(done.receipt, "residence")
    assert "Certificate" not in _text(plain.output, start + 1, end)  # image-only before
    words = " ".join(_text(done.output, start + 1, end).split())
    for expected in ("Certificate of Residence", "Municipal Registry Office", "Signed by the Registrar"):
        assert expected in words
    a_start, _ = _pages(done.receipt, "acta")
    acta = " ".join(_text(done.output, a_start + 1, a_start + 1).split())
    assert "Acta de nacimiento" in acta and "Registro Civil" in acta  # read in Spanish
    # The receipt names the packet pages that gained a layer: the scans' pages, nothing else.
    entry = json.loads(done.receipt.read_text())["ocr"]
    assert entry["count"] == 3
    assert entry["pages"] == f"{start + 1}-{end}, {a_start + 1}"
    assert {i["key"] for i in entry["inputs"]} == {"exhibits[residence].file", "exhibits[acta].file"}
    # The look is unchanged: every page renders as it did without OCR (the text is invisible).
    for page in range(1, done.pages + 1):
        assert pixel_difference(render_page(plain.output, page), render_page(done.output, page)) < 0.5, page
    # Born-digital pages are untouched: the letter's pages carry no layer.
    with pikepdf.open(done.output) as pdf:
        l_start, l_end = _pages(done.receipt, "letter")
        for n in range(l_start + 1, l_end + 1):
            assert not any(str(k).startswith("/PKOCR") for k in pdf.pages[n - 1].Resources.get("/XObject", {}).keys())
        assert any(str(k).startswith("/PKOCR") for k in pdf.pages[start].Resources.XObject.keys())


def test_a_rebuild_ocrs_only_the_exhibit_that_changed(tmp_path):
    require_ocr()
    case = _case(tmp_path)
    first = build_packet(case, tmp_path / "out" / "packet.pdf", ocr=True)
    assert (first.ocr_pages, first.ocr_cached) == (3, 0)
    assert (tmp_path / "out" / ".parolekit-cache" / "ocr").is_dir()
    again = build_packet(case, tmp_path / "out" / "packet.pdf", ocr=True)
    assert (again.ocr_pages, again.ocr_cached) == (3, 3)  # nothing OCR'd again
    assert again.output.read_bytes() == first.output.read_bytes()
    scan_pdf(tmp_path / "exhibits" / "acta.pdf", [["Acta de matrimonio", "Registro Civil"]])
    changed = build_packet(case, tmp_path / "out" / "packet.pdf", ocr=True)
    assert (changed.ocr_pages, changed.ocr_cached) == (3, 2)  # only the changed one
    cached = changed.output.read_bytes()
    fresh = build_packet(case, tmp_path / "out" / "packet.pdf", ocr=True, cache=False)
    assert fresh.ocr_cached == 0 and fresh.output.read_bytes() == cached  # byte-identical


def _parolekit(*args):
    done = subprocess.run([sys.executable, "-m", "parolekit", *map(str, args)], capture_output=True, text=True)
    return done.returncode, done.stderr


def test_ocr_from_the_manifest_and_the_cli(tmp_path):
    """In a real process: OCRmyPDF's worker processes and stream handling, as a user runs it."""
    require_ocr()
    case = _case(tmp_path)
    case.write_text(case.read_text() + "output:\n  ocr: true\n")
    code, err = _parolekit("build", case)
    assert code == 0, err
    assert "OCR gave 3 scanned pages a text layer" in err and "from the cache" not in err
    code, err = _parolekit("build", case)
    assert code == 0 and "(3 from the cache)" in err
    code, err = _parolekit("build", case, "--no-cache")
    assert code == 0 and "OCR gave 3 scanned pages a text layer" in err and "from the cache" not in err


@pytest.mark.parametrize("missing", ["ocrmypdf", "tesseract", "spa"])
def test_a_missing_tool_fails_at_once_with_the_install_command(tmp_path, missing):
    """Run in a fresh interpreter with the tool hidden: exit 1, the command that installs it,
    and nothing rendered or written."""
    case = _case(tmp_path)
    hide = {
        "ocrmypdf": "sys.modules['ocrmypdf'] = None",
        "tesseract": "import shutil; w = shutil.which; shutil.which = lambda n, *a, **k: None if n == 'tesseract' else w(n, *a, **k)",
        "spa": "import parolekit.ocr as o; o.installed_languages = lambda: {'eng', 'osd'}",
    }[missing]
    script = (f"import sys; {hide}\n"
              "import parolekit.layout as lay\n"
              "def boom(*a, **k): raise SystemExit('rendered')\n"
              "lay.lay_out = boom\n"
              "import parolekit.pipeline as p; p.lay_out = boom\n"
              "from parolekit.cli import main; sys.argv = ['parolekit', 'build', sys.argv[1], '--ocr']; main()")
    done = subprocess.run([sys.executable, "-c", script, str(case)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "ocr-unavailable" in done.stderr and "rendered" not in done.stderr
    want = {"ocrmypdf": "pip install 'ocrmypdf>=17'", "tesseract": "apt-get install -y tesseract-ocr",
            "spa": "apt-get install -y tesseract-ocr-spa"}[missing]
    assert want in done.stderr
    assert not (tmp_path / "case.pdf").exists()


def test_lint_points_scans_to_ocr(tmp_path):
    from parolekit.lint import lint_manifest

    case = _case(tmp_path)
    result = lint_manifest(case)
    found = [p for p in result.problems if p.code == "pdf-no-text-layer"]
    assert found and all("--ocr" in p.message for p in found)
    case.write_text(case.read_text() + "output:\n  ocr: true\n")  # the build will OCR them: no advice
    assert not [p for p in lint_manifest(case).problems if p.code == "pdf-no-text-layer"]


def test_a_language_tesseract_cannot_read_is_read_as_english(tmp_path):
    require_ocr()
    case = _case(tmp_path)
    case.write_text(case.read_text().replace("language: es", "language: mam"))  # Mam, a Mayan language
    r = build_packet(case, tmp_path / "out.pdf", ocr=True)
    (warning,) = [p for p in r.warnings if p.code == "ocr-language-unsupported"]
    assert warning.path == "exhibits[acta].language" and "'mam'" in warning.message
    assert r.ocr_pages == 3


def test_an_ocr_failure_is_located_at_its_input(tmp_path, monkeypatch):
    require_ocr()
    import ocrmypdf

    from parolekit.errors import CaseError

    def broken(*_a, **_k):
        raise ocrmypdf.exceptions.InputFileError("cannot read the page")

    monkeypatch.setattr(ocrmypdf, "ocr", broken)
    case = _case(tmp_path)
    with pytest.raises(CaseError) as e:
        build_packet(case, tmp_path / "out.pdf", ocr=True, cache=False)
    (problem,) = [p for p in e.value.problems if p.code == "ocr-failed"]
    assert problem.path.startswith("exhibits[") and "cannot read the page" in problem.message
    assert not (tmp_path / "out.pdf").exists()
