"""Scans above output.max_dpi are downsampled; JPEGs at or below it pass through byte for byte."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, photo


def _build(cli, folder: Path, image: Path, extra: str = "") -> Path:
    manifest(folder / "case.yaml", CASE_HEAD + f"""\
output:
  file: packet.pdf
{extra}exhibits:
  - id: scan
    title: Scanned record
    file: {image.relative_to(folder).as_posix()}
""")
    code, _out, err = cli("build", folder / "case.yaml", "-q")
    assert code == 0, err
    return folder / "packet.pdf"


def _only_image(packet: Path):
    """(image XObject's raw bytes, /Width, /Height, page width pt, page height pt, filter)."""
    found = []
    with pikepdf.open(packet) as pdf:
        for page in pdf.pages:
            xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
            for _name, x in xobjects.items():
                if x.get("/Subtype") == "/Image":
                    box = [float(v) for v in page.obj.PKFooter.Box]  # the image's page, less the footer strip
                    found.append((x.read_raw_bytes(), int(x.Width), int(x.Height), box[2] - box[0],
                                  box[3] - box[1], str(x.get("/Filter"))))
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("name", ["scan.png", "scan.jpg"])
def test_a_600_dpi_scan_comes_out_at_300_dpi(cli, tmp_path, name):
    image = photo(tmp_path / name, size=(1200, 1800), dpi=600)
    _raw, width, height, page_w, page_h, _f = _only_image(_build(cli, tmp_path, image))
    assert (page_w, page_h) == pytest.approx((1200 * 72 / 600, 1800 * 72 / 600))  # same paper size
    assert (width, height) == (600, 900)
    assert width / (page_w / 72) == pytest.approx(300)


def test_max_dpi_from_the_manifest_is_honoured(cli, tmp_path):
    image = photo(tmp_path / "scan.jpg", size=(1000, 1500), dpi=200)
    raw, width, _h, page_w, _ph, _f = _only_image(_build(cli, tmp_path, image, "  max_dpi: 100\n"))
    assert width == 500 and width / (page_w / 72) == pytest.approx(100)
    assert raw != image.read_bytes()


@pytest.mark.parametrize("dpi", [200, 300])
def test_a_jpeg_at_or_below_the_limit_passes_through_byte_identical(cli, tmp_path, dpi):
    image = photo(tmp_path / "scan.jpg", size=(800, 600), dpi=dpi)
    raw, width, height, page_w, _ph, filt = _only_image(_build(cli, tmp_path, image))
    assert raw == image.read_bytes()
    assert filt == "/DCTDecode" and (width, height) == (800, 600)
    assert width / (page_w / 72) == pytest.approx(dpi)
