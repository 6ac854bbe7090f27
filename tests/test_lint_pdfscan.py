"""pdfscan on real-world files: scripts, attachments, forms, scans and odd sizes, without changing them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pytest

from factory import manifest, text_pdf

pytestmark = pytest.mark.corpus


def _scan(corpus: Path, name: str):
    from parolekit.pdfscan import scan_pdf

    with pikepdf.open(corpus / name) as pdf:
        return scan_pdf(pdf, list(range(len(pdf.pages))))


@pytest.mark.parametrize("name", ["openaction-javascript-print.pdf", "doc-level-javascript_autoprint.pdf",
                                  "acroform-js-incremental_irs-f1040nr.pdf"])
def test_javascript_is_found_wherever_it_hides(corpus, name):
    assert _scan(corpus, name).javascript  # OpenAction, the Names tree, and form-field actions


def test_attachments_forms_and_a_letter_cropbox(corpus):
    scan = _scan(corpus, "legal-mediabox-cropbox_linearized_attachment_irs-i1040nr.pdf")
    assert scan.attachments == 1 and scan.form_fields > 0
    assert scan.odd_size == []  # a legal MediaBox cropped to letter prints as letter
    assert _scan(corpus, "embedded-file-attachment.pdf").attachments == 1


def test_static_xfa_with_fields_is_a_form_not_a_dynamic_xfa(corpus):
    scan = _scan(corpus, "xfa-acroform_owner-aes-128_dd0293.pdf")
    assert scan.form_fields > 0 and not scan.dynamic_xfa


@pytest.mark.parametrize("name, pages", [("scan-jpeg-only_huckfinn-p22.pdf", [1]),
                                         ("scan-jbig2_rotate-90_linearized.pdf", [1]),
                                         ("mixed-page-sizes_6-pages.pdf", [1, 2, 3, 5, 6])])
def test_image_only_pages_have_no_text_layer(corpus, name, pages):
    assert _scan(corpus, name).no_text == pages


@pytest.mark.parametrize("name", ["cjk_japanese_jo.pdf", "type3-fonts_google-docs.pdf",
                                  "arabic_rotate-90-180-270-360.pdf", "cyrillic_kompas3d-drawing.pdf"])
def test_text_in_any_script_or_font_counts_as_text(corpus, name):
    scan = _scan(corpus, name)
    assert scan.no_text == [] and scan.low_dpi == []


def test_low_resolution_and_odd_sizes(corpus):
    mixed = _scan(corpus, "mixed-page-sizes_6-pages.pdf")
    assert mixed.low_dpi == [(3, 96), (4, 96), (5, 72), (6, 147)]  # 4 is OCR'd, yet still 96 dpi
    assert {p for p, _w, _h in mixed.odd_size} == {1, 2, 3, 4}  # 5 and 6 are letter
    tiny = _scan(corpus, "tiny-pages_144x18pt.pdf")
    assert [p for p, _w, _h in tiny.odd_size] == [1, 2, 3]
    huge = _scan(corpus, "huge-page-8400pt_ccitt-35000px.pdf")
    assert huge.odd_size and huge.low_dpi == []  # 35,000 px shrunk to letter is sharp


def test_rotated_and_offset_boxes_are_letter(corpus):
    scan = _scan(corpus, "boxes_rotations_mediabox-offset_cropbox.pdf")
    assert scan.odd_size == [] and not scan.javascript


def test_lint_never_changes_an_input(corpus, tmp_path):
    from parolekit.lint import lint_manifest

    names = ["xfa-acroform_owner-aes-128_dd0293.pdf", "acroform-js-incremental_irs-f1040nr.pdf",
             "embedded-file-attachment.pdf", "mixed-page-sizes_6-pages.pdf"]
    exhibits = ""
    for i, name in enumerate(names):
        (tmp_path / name).write_bytes((corpus / name).read_bytes())
        exhibits += f"  - id: ex-{i}\n    title: Exhibit {i}\n    file: {name}\n"
    before = {n: hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in names}
    text_pdf(tmp_path / "letter.pdf")
    m = manifest(tmp_path / "case.yaml", f"""\
parolekit: 1
case:
  title: Corpus
  kind: other
  date: 2026-11-20
  beneficiaries: [{{name: Test Person}}]
  recipient: {{name: USCIS}}
exhibits:
{exhibits}claims:
  - claim: All of them
    exhibits: [ex-0, ex-1, ex-2, ex-3]
""")
    codes = {(p.line, p.code) for p in lint_manifest(m).problems}
    assert codes == {(11, "pdf-javascript"), (11, "pdf-form-fields"), (14, "pdf-javascript"),
                     (14, "pdf-form-fields"), (17, "pdf-attachments"), (20, "pdf-no-text-layer"),
                     (20, "scan-low-resolution"), (20, "page-size-unusual")}
    assert before == {n: hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in names}
