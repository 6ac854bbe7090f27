"""Images become pages of their own size, upright, with alpha on white and JPEG bytes untouched."""

from __future__ import annotations

import zlib

import pikepdf
import pytest
from PIL import Image

from factory import photo
from parolekit.images import image_matrix, image_pages


def _page(path, max_dpi=300):
    pdf = pikepdf.new()
    image_pages(path, pdf, max_dpi)
    return pdf, list(pdf.pages)


def test_no_dpi_means_200(tmp_path):
    img = tmp_path / "scan.png"
    Image.new("RGB", (400, 600), "white").save(img)
    _, pages = _page(img)
    assert [float(v) for v in pages[0].mediabox] == [0, 0, 144, 216]  # 400 px / 200 dpi = 2 in


def test_jpeg_is_embedded_byte_for_byte(tmp_path):
    src = photo(tmp_path / "p.jpg", size=(240, 160), dpi=150)
    _, pages = _page(src)
    xobj = pages[0].Resources.XObject.Im0
    assert xobj.Filter == "/DCTDecode" and xobj.read_raw_bytes() == src.read_bytes()
    assert [float(v) for v in pages[0].mediabox] == [0, 0, 115.2, 76.8]


def test_alpha_is_flattened_on_white(tmp_path):
    src = tmp_path / "a.png"
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(src)  # fully transparent red
    _, pages = _page(src)
    xobj = pages[0].Resources.XObject.Im0
    assert xobj.ColorSpace == "/DeviceRGB" and "/SMask" not in xobj
    raw = zlib.decompress(xobj.read_raw_bytes())
    assert set(raw) == {255}


def test_multipage_tiff_gives_one_page_per_frame(tmp_path):
    src = tmp_path / "fax.tiff"
    frames = [Image.new("1", (200, 300), 1) for _ in range(3)]
    frames[0].save(src, save_all=True, append_images=frames[1:], dpi=(100, 100))
    _, pages = _page(src)
    assert len(pages) == 3 and [float(v) for v in pages[0].mediabox] == [0, 0, 144, 216]


@pytest.mark.parametrize("orientation", [1, 2, 3, 4, 5, 6, 7, 8])
def test_orientation_matrix_maps_stored_top_left_where_exif_says(orientation):
    # Stored top-left pixel is image-space (0, 1); where EXIF puts it on the displayed page:
    expected = {1: (0, 1), 2: (1, 1), 3: (1, 0), 4: (0, 0), 5: (0, 1), 6: (1, 1), 7: (1, 0), 8: (0, 0)}
    a, b, c, d, e, f = image_matrix(orientation, 1.0, 1.0)
    x, y = c + e, d + f
    assert (round(x), round(y)) == expected[orientation]


def test_scan_above_max_dpi_is_downsampled(tmp_path):
    src = tmp_path / "hi.png"
    Image.new("L", (1200, 1200), 200).save(src, dpi=(600, 600))
    _, pages = _page(src, max_dpi=300)
    xobj = pages[0].Resources.XObject.Im0
    assert (int(xobj.Width), int(xobj.Height)) == (600, 600)
    assert [float(v) for v in pages[0].mediabox] == [0, 0, 144, 144]  # size on paper unchanged


def test_fax_resolution_is_not_square(tmp_path):
    """A standard-mode fax page: 1728 x 1100 px at 204 x 98 dpi is 8.47 x 11.22 in, portrait
    (a sheet's size, so not shrunk: images are fitted only beyond letter's width or A4's height)."""
    src = tmp_path / "fax.tif"
    Image.new("1", (1728, 1100), 1).save(src, dpi=(204, 98))
    _, pages = _page(src)
    w, h = (float(v) for v in pages[0].mediabox[2:])
    assert round(h / w, 3) == round((1100 / 98) / (1728 / 204), 3)  # 1.325, not 0.637
    assert w <= 612 and h <= 842
