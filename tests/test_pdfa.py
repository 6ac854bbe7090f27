"""output.pdfa: the written packet has each PDF/A-2b property (checked with pikepdf; veraPDF is not installable here)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess

import pikepdf
from reportlab.pdfgen import canvas

from factory import CASE_HEAD, manifest, photo, require_poppler, text_pdf

from parolekit import build_packet
from parolekit.render.fonts import register


def embedded_pdf(path, title: str, pages: int = 2):
    """A born-digital PDF whose text is set in an embedded font (Source Serif)."""
    register()
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for k in range(1, pages + 1):
        c.setFont("PKSerif", 12)
        c.drawString(72, 720, f"{title} page {k}")
        c.linkURL("https://example.org/", (72, 700, 200, 715))
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())


def _case(tmp_path, extra: str = "", helvetica: bool = False):
    embedded_pdf(tmp_path / "exhibits" / "letter.pdf", "Letter")
    embedded_pdf(tmp_path / "exhibits" / "report.pdf", "Report", pages=3)
    photo(tmp_path / "exhibits" / "photo.jpg", size=(300, 200), dpi=100)
    rows = ""
    if helvetica:
        text_pdf(tmp_path / "exhibits" / "old.pdf", pages=3, title="Old scan export")
        rows = "  - id: old\n    title: An old export\n    file: exhibits/old.pdf\n"
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
chronology:
  - date: 2026-10-02
    event: The doctor wrote
    exhibits: [letter]
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: report
    title: Country report
    file: exhibits/report.pdf
  - id: photo
    title: Photo
    file: exhibits/photo.jpg
""" + rows + "output:\n  pdfa: true\n" + extra)
    return tmp_path / "case.yaml"


def _fonts(pdf):
    return [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]


def _program(font):
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    desc = font.get("/FontDescriptor")
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if desc is not None and key in desc:
            return desc[key]
    return None


def test_a_pdfa_packet_has_every_pdfa_2b_property(tmp_path):
    case = _case(tmp_path)
    r = build_packet(case)
    assert not [p for p in r.warnings if p.code == "pdfa-not-conformant"]
    assert json.loads(r.receipt.read_text())["pdfa"] == "2b"
    with pikepdf.open(r.output) as pdf:
        assert r.output.read_bytes().startswith(b"%PDF-1.7") or pdf.pdf_version <= "1.7"
        # XMP metadata saying what the info dictionary says, and PDF/A-2b.
        meta = pdf.open_metadata()
        info = pdf.docinfo
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == str(info.Title)
        assert meta["pdf:Producer"] == str(info.Producer) and meta["xmp:CreatorTool"] == str(info.Creator)
        assert meta["xmp:CreateDate"].startswith("2026-11-20") and meta["xmp:ModifyDate"].startswith("2026-11-20")
        assert str(info.CreationDate).startswith("D:20261120")
        assert "/Filter" not in pdf.Root.Metadata  # XMP is stored as plain text
        # An sRGB output intent with an RGB ICC profile.
        (intent,) = list(pdf.Root.OutputIntents)
        assert intent.S == "/GTS_PDFA1" and "sRGB" in str(intent.OutputConditionIdentifier)
        icc = intent.DestOutputProfile
        data = icc.read_bytes()
        assert int(icc.N) == 3 and data[36:40] == b"acsp" and data[16:20] == b"RGB "
        # Every font embedded: the stamps' too (Source Serif, not Helvetica).
        fonts = _fonts(pdf)
        assert fonts and all(_program(f) is not None for f in fonts), [str(f.get("/BaseFont")) for f in fonts
                                                                        if _program(f) is None]
        stamp = pdf.pages[0].Resources.Font.PKStamp
        assert "SourceSerifPro" in str(stamp.BaseFont)
        # Each distinct subset has a name of its own; the same subset keeps one name.
        by_name: dict[str, set[str]] = {}
        for f in fonts:
            program = _program(f)
            by_name.setdefault(str(f.BaseFont), set()).add(hashlib.sha256(program.read_raw_bytes()).hexdigest())
        assert all(len(v) == 1 for v in by_name.values()), by_name
        programs = {next(iter(v)) for v in by_name.values()}
        assert len(by_name) == len(programs) > 3
        # Every annotation (the index's links, the exhibits' own) prints and is not hidden.
        annots = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert any(a.Subtype == "/Link" for a in annots)
        assert all(int(a.get("/F", 0)) & 4 and not int(a.get("/F", 0)) & (1 | 2 | 32 | 256) for a in annots)


def test_the_stamps_still_read_and_builds_repeat(tmp_path):
    require_poppler()
    case = _case(tmp_path)
    first = build_packet(case).output.read_bytes()
    again = build_packet(case).output.read_bytes()
    assert first == again
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "case.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Page 1 of" in text


def test_an_exhibit_with_fonts_not_embedded_is_named(tmp_path):
    case = _case(tmp_path, helvetica=True)
    r = build_packet(case)
    (warning,) = [p for p in r.warnings if p.code == "pdfa-not-conformant"]
    assert warning.path == "exhibits[old].file" and "old.pdf" in warning.message
    assert "pages 1-3" in warning.message and "Helvetica" in warning.message


def test_every_packet_shows_its_title_has_a_language_and_marks_stamps_as_artifacts(case_dir):
    r = build_packet(case_dir / "case.yaml")
    with pikepdf.open(r.output) as pdf:
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.Lang) == "en-US"
        assert "/OutputIntents" not in pdf.Root and "/Metadata" not in pdf.Root  # PDF/A only when asked
        for page in pdf.pages:
            contents = page.obj.Contents
            data = b"".join(c.read_bytes() for c in contents) if isinstance(contents, pikepdf.Array) \
                else contents.read_bytes()
            assert b"/Artifact <</Type /Pagination /Subtype /Footer" in data


def test_a_pdfa_draft_embeds_its_mark_too(tmp_path):
    case = _case(tmp_path)
    r = build_packet(case, draft=True)
    with pikepdf.open(r.output) as pdf:
        assert all(_program(f) is not None for f in _fonts(pdf))
        page = pdf.pages[0]
        contents = b"".join(c.read_bytes() for c in page.obj.Contents) \
            if isinstance(page.obj.Contents, pikepdf.Array) else page.obj.Contents.read_bytes()
        assert b"/Watermark>> BDC" in contents and b"not for filing) Tj" in contents
