"""The footer never covers an exhibit: its own strip, fitting onto paper, one stamp on a page used again.

Pages are rendered with poppler's pdftoppm at 72 dpi (one pixel per point) and their pixels read.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from factory import CASE_HEAD, manifest, photo, text_pdf
from parolekit.pipeline import build_packet

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftoppm, pdftotext) is not installed")
BORDER = 8  # points: the black frame the test documents draw right to their edges


def _framed(path: Path, size=(612, 792), rotate: int = 0, pages: int = 1) -> Path:
    """A document whose content reaches every edge: a black frame and a last line at the very bottom."""
    c = canvas.Canvas(str(path), pagesize=size)
    w, h = size
    for _ in range(pages):
        c.setFillGray(0)
        for x, y, bw, bh in ((0, 0, w, BORDER), (0, h - BORDER, w, BORDER), (0, 0, BORDER, h),
                             (w - BORDER, 0, BORDER, h)):
            c.rect(x, y, bw, bh, stroke=0, fill=1)
        c.setFont("Helvetica", 9)
        c.drawString(BORDER + 4, BORDER + 2, "Transfer no. 4471-0093 / signature line")
        c.showPage()
    c.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            for p in pdf.pages:
                p.obj.Rotate = rotate
            pdf.save(path)
    return path


def _case(folder: Path, exhibits: list[tuple[str, str]], output: str = "") -> Path:
    body = "".join(f"  - id: {i}\n    title: {i.title()}\n    file: {f}\n" for i, f in exhibits)
    return manifest(folder / "case.yaml", CASE_HEAD + "exhibits:\n" + body + output)


def _render(pdf: Path, page: int, tmp: Path) -> Image.Image:
    out = tmp / f"r{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", str(page), "-l", str(page), str(pdf), str(out)],
                   check=True)
    return Image.open(next(tmp.glob(f"r{page}*.png"))).convert("L")


def _text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _dark(img: Image.Image, box) -> float:
    """Share of dark pixels in *box* (left, top, right, bottom) of the image."""
    region = img.crop(box)
    px = region.tobytes()
    return sum(1 for v in px if v < 100) / max(len(px), 1)


def _content_pages(result, exhibit: str) -> range:
    place = result.plan.exhibits[exhibit]
    return range(place.first_content, place.end + 1)


@needs_poppler
@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_content_at_the_bottom_edge_stays_visible_beside_the_footer(tmp_path, rotate):
    _framed(tmp_path / "receipt.pdf", rotate=rotate)
    result = build_packet(_case(tmp_path, [("receipt", "receipt.pdf")]))
    n = _content_pages(result, "receipt")[0]
    img = _render(result.output, n, tmp_path)
    with pikepdf.open(result.output) as pdf:
        strip = round(float(pdf.pages[n - 1].obj.PKFooter.Strip))
    w, h = img.size
    shown_w, shown_h = (612, 792) if rotate in (0, 180) else (792, 612)
    assert (w, h) == (shown_w, shown_h + strip)  # the page grew by the strip, nothing was scaled
    inner = 3  # pixels inside the frame's outer edge
    # The frame is whole on all four sides, the bottom one included: no band was painted over it.
    assert _dark(img, (0, h - strip - BORDER + inner, w, h - strip - inner)) > 0.97
    assert _dark(img, (0, inner, w, BORDER - inner)) > 0.97
    assert _dark(img, (inner, 0, BORDER - inner, h - strip)) > 0.97
    assert _dark(img, (w - BORDER + inner, 0, w - inner, h - strip)) > 0.97
    # The footer is drawn in the strip, below the content, and reads as text.
    assert 0.005 < _dark(img, (0, h - strip + 1, w, h)) < 0.5
    text = _text(result.output, n)
    assert f"Page {n} of {result.pages}" in text
    if rotate == 0:
        assert "Transfer no. 4471-0093" in text


@needs_poppler
def test_fit_to_paper_shrinks_big_pages_and_keeps_small_ones_true_size(tmp_path):
    _framed(tmp_path / "tabloid.pdf", size=(792, 1224))
    _framed(tmp_path / "plan.pdf", size=(1224, 792))
    _framed(tmp_path / "card.pdf", size=(243, 153))  # an ID card, 3.375 x 2.125 in
    result = build_packet(_case(tmp_path, [("tabloid", "tabloid.pdf"), ("plan", "plan.pdf"),
                                           ("card", "card.pdf")],
                                "output:\n  paper: letter\n  fit_to_paper: true\n"))
    sizes = {}
    for ex in ("tabloid", "plan", "card"):
        n = _content_pages(result, ex)[0]
        img = _render(result.output, n, tmp_path)
        above = img.crop((0, 0, img.width, img.height - 30))  # leave the footer out
        dark = above.point(lambda v: 255 if v < 100 else 0).getbbox()  # the frame's extent
        sizes[ex] = (img.size, dark)
        assert f"Page {n} of {result.pages}" in _text(result.output, n)
    (pw, ph), (x0, y0, x1, y1) = sizes["tabloid"]
    assert (pw, ph) == (612, 792)
    assert x1 - x0 < 612 and y1 - y0 < 792 - 18 and x0 >= 17 and y0 >= 17  # inside the margins
    assert abs((x1 - x0) / (y1 - y0) - 792 / 1224) < 0.02  # scaled, not stretched
    (pw, ph), (x0, y0, x1, y1) = sizes["plan"]
    assert (pw, ph) == (792, 612)  # landscape paper for a landscape page
    (pw, ph), (x0, y0, x1, y1) = sizes["card"]
    assert (pw, ph) == (612, 792)
    assert abs((x1 - x0) - 243) <= 1 and abs((y1 - y0) - 153) <= 1  # true size
    assert abs((x0 + x1) / 2 - 306) <= 2  # centred across the sheet
    with pikepdf.open(result.output) as pdf:
        for n in _content_pages(result, "card"):
            assert bool(pdf.pages[n - 1].obj.PKFooter.Fitted)


def _footers(pdf: Path, page: int) -> int:
    return _text(pdf, page).count(" of ") - _text(pdf, page).count("p. ")


@needs_poppler
def test_a_packet_filed_again_shows_one_footer_per_page(tmp_path):
    first_case = tmp_path / "first"
    _framed(first_case.mkdir() or first_case / "receipt.pdf", pages=2)
    text_pdf(first_case / "letter.pdf", pages=2, title="Letter")
    first = build_packet(_case(first_case, [("receipt", "receipt.pdf"), ("letter", "letter.pdf")]))
    second_case = tmp_path / "second"
    second_case.mkdir()
    shutil.copy(first.output, second_case / "earlier-packet.pdf")
    second = build_packet(_case(second_case, [("earlier", "earlier-packet.pdf")]))
    pages = _content_pages(second, "earlier")
    assert len(pages) == first.pages
    with pikepdf.open(first.output) as a, pikepdf.open(second.output) as b:
        for k, n in enumerate(pages):
            text = _text(second.output, n)
            assert text.count(f"of {second.pages}") == 1, f"page {n}: {text!r}"
            assert f"of {first.pages}" not in text.replace(f"p. {k + 1} of {first.pages}", ""), \
                f"the earlier packet's footer is still on page {n}"
            old, new = a.pages[k].obj, b.pages[n - 1].obj
            if "/PKFooter" in old:  # an exhibit page keeps the strip it had, not a second one
                assert [float(v) for v in new.MediaBox] == [float(v) for v in old.MediaBox]
            else:  # parolekit's own page (cover, index): stamped in its margin then, a strip now
                grown = float(new.MediaBox[3]) - float(new.MediaBox[1])
                assert grown == pytest.approx(792 + float(new.PKFooter.Strip))


def _legacy_stamped(path: Path) -> Path:
    """A page stamped the way parolekit 0.1 did it: a white band and text in /PKStamp, unmarked."""
    text_pdf(path, title="Signed declaration")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        if "/Font" not in page.obj.Resources:
            page.obj.Resources.Font = pikepdf.Dictionary()
        page.obj.Resources.Font.PKStamp = font
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"\nQ\nq 1 0 0 1 0 0 cm 1 g 230 11 150 12 re f BT 0 g "
                                              b"/PKStamp 8 Tf 236 14 Td (Exhibit D, p. 1 of 1   |   "
                                              b"Page 31 of 77) Tj ET Q"), prepend=False)
        pdf.save(path)
    return path


@needs_poppler
def test_an_unmarked_stamp_of_an_earlier_version_is_removed(tmp_path):
    _legacy_stamped(tmp_path / "signed.pdf")
    assert "Page 31 of 77" in _text(tmp_path / "signed.pdf", 1)
    result = build_packet(_case(tmp_path, [("signed", "signed.pdf")]))
    n = _content_pages(result, "signed")[0]
    text = _text(result.output, n)
    assert "Page 31 of 77" not in text and "Exhibit D" not in text
    assert f"Page {n} of {result.pages}" in text and "Signed declaration" in text


def test_every_stamp_is_a_pagination_artifact(tmp_path):
    text_pdf(tmp_path / "a.pdf", pages=2, title="A")
    photo(tmp_path / "b.jpg")
    result = build_packet(_case(tmp_path, [("a", "a.pdf"), ("b", "b.jpg")]))
    with pikepdf.open(result.output) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            ops = pikepdf.parse_content_stream(page)
            marks = [o for o in ops if str(o.operator) == "BDC"
                     and str(o.operands[0]) == "/Artifact" and "/PKStamp" in o.operands[1]]
            assert len(marks) == 1, f"page {number}"
            props = marks[0].operands[1]
            assert props.Type == "/Pagination" and props.Subtype == "/Footer"
            # The footer's text is inside the artifact: from BDC to its EMC.
            start = ops.index(marks[0])
            end = next(i for i in range(start, len(ops)) if str(ops[i].operator) == "EMC")
            shown = b"".join(bytes(o.operands[0]) for o in ops[start:end] if str(o.operator) == "Tj")
            assert f"Page {number} of {result.pages}".encode() in shown
