"""A size cap re-encodes scans before splitting further: a lossless PNG scan that blocked a small cap now fits."""

from __future__ import annotations

import io
import json
import random

import pikepdf
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from factory import CASE_HEAD, manifest, pixel_difference, render_page, require_poppler, scan_image, text_pdf

from parolekit import build_packet
from parolekit.errors import CaseError

MB = 1_000_000


def _noisy(size=(1700, 2200), seed=1) -> Image.Image:
    """A scanned page as a phone photographs it: words over paper grain (PNG keeps every grain)."""
    img = scan_image(["Lease agreement", "Apartment 4B", "Signed by the landlord"], size=size, mode="RGB")
    rnd = random.Random(seed)
    noise = Image.effect_noise(size, 40).convert("RGB")
    img = Image.blend(img, noise, 0.25)
    d = ImageDraw.Draw(img)
    d.rectangle([200, 1500, 600, 1800], fill=(rnd.randrange(256), 90, 40))
    return img


def _case(tmp_path):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2, title="Letter")
    _noisy().save(tmp_path / "exhibits" / "lease.png")  # no dpi: read as 200 dpi, 8.5 x 11 in
    # A born-digital page with a large picture on it: text and image together are never re-encoded.
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER, invariant=1)
    c.drawString(72, 740, "Country report with a photograph")
    c.drawImage(ImageReader(_noisy((700, 500), seed=2)), 72, 300, 468, 334)
    c.showPage()
    c.save()
    (tmp_path / "exhibits" / "report.pdf").write_bytes(buf.getvalue())
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: lease
    title: Lease
    file: exhibits/lease.png
  - id: report
    title: Country report
    file: exhibits/report.pdf
""")
    return tmp_path / "case.yaml"


def _largest_image(pdf: pikepdf.Pdf, page: int) -> bytes:
    xo = pdf.pages[page - 1].Resources.XObject
    return max((xo[k].read_raw_bytes() for k in xo.keys() if xo[k].get("/Subtype") == "/Image"), key=len)


def test_a_lossless_scan_that_blocked_a_small_cap_is_recompressed_to_fit(tmp_path):
    require_poppler()
    case = _case(tmp_path)
    assert (tmp_path / "exhibits" / "lease.png").stat().st_size > 3 * MB
    plain = build_packet(case, tmp_path / "plain.pdf")
    assert plain.files[0].bytes > 3 * MB
    capped = build_packet(case, tmp_path / "capped.pdf", max_file_mb=2)
    # It fits: one file under the cap (re-encoding came before any split), and it says what it did.
    assert len(capped.files) == 1 and capped.files[0].bytes <= 2 * MB
    warning = next(p for p in capped.warnings if p.code == "scans-recompressed")
    assert "lease.png" in warning.message and "page 1" in warning.message and "2 MB cap" in warning.message
    entry = json.loads(capped.receipt.read_text())["recompressed"]
    assert [e["key"] for e in entry] == ["exhibits[lease].file"]
    assert entry[0]["file_pages"] == "1" and entry[0]["bytes_after"] < entry[0]["bytes_before"]
    assert entry[0]["dpi"] is None or entry[0]["dpi"] >= 150
    # The input is unchanged, and the page shows the same picture.
    assert (tmp_path / "exhibits" / "lease.png").stat().st_size > 3 * MB
    start = next(e for e in json.loads(capped.receipt.read_text())["exhibits"] if e["id"] == "lease")["start"]
    assert pixel_difference(render_page(plain.output, start + 1), render_page(capped.output, start + 1)) < 4
    # Born-digital pages are untouched: the letter renders identically, the report's photo keeps its bytes.
    letter = next(e for e in json.loads(capped.receipt.read_text())["exhibits"] if e["id"] == "letter")["start"]
    assert pixel_difference(render_page(plain.output, letter + 1), render_page(capped.output, letter + 1)) == 0
    report = next(e for e in json.loads(capped.receipt.read_text())["exhibits"] if e["id"] == "report")["start"]
    with pikepdf.open(plain.output) as a, pikepdf.open(capped.output) as b:
        assert _largest_image(a, report + 1) == _largest_image(b, report + 1)


def test_under_the_cap_nothing_is_recompressed(tmp_path):
    case = _case(tmp_path)
    r = build_packet(case, tmp_path / "big.pdf", max_file_mb=50)
    assert not any(p.code == "scans-recompressed" for p in r.warnings)
    assert "recompressed" not in json.loads(r.receipt.read_text())


def test_a_cap_below_the_floor_still_fails_naming_the_page(tmp_path):
    case = _case(tmp_path)
    try:
        build_packet(case, tmp_path / "tiny.pdf", max_file_mb=0.05)
    except CaseError as e:
        assert any(p.code == "volume-limit-unreachable" for p in e.problems)
    else:
        raise AssertionError("a 50 kB cap cannot be met")
