"""Make fictional input files at test time: text PDFs of any size and rotation, photos and scans."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.pdfgen import canvas

SIZES = {"letter": LETTER, "a4": A4, "letter-landscape": landscape(LETTER), "a4-landscape": landscape(A4)}


def text_pdf(path: Path, pages: int = 1, size: str | tuple = "letter", title: str = "Document",
             lines: list[str] | None = None, rotate: int = 0, outline: bool = False) -> Path:
    """A PDF whose page k says "<title> page k" (extractable), optionally /Rotate'd."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = SIZES[size] if isinstance(size, str) else size
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(w, h), invariant=1)
    for k in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(min(54, w * 0.1), h - min(72, h * 0.3), f"{title} page {k}")
        c.setFont("Helvetica", 10)
        y = h - 100
        for line in lines or []:
            if y < 80:
                break
            c.drawString(54, y, line)
            y -= 14
        if outline:
            c.bookmarkPage(f"p{k}")
            c.addOutlineEntry(f"{title} section {k}", f"p{k}", level=0)
        c.showPage()
    c.save()
    data = buf.getvalue()
    if rotate:
        pdf = pikepdf.open(io.BytesIO(data))
        for p in pdf.pages:
            p.obj.Rotate = rotate
        pdf.save(path)
    else:
        path.write_bytes(data)
    return path


def photo(path: Path, size: tuple[int, int] = (400, 300), orientation: int = 1, dpi: int | None = None,
          fmt: str | None = None, mode: str = "RGB", text: str = "TOP") -> Path:
    """An image with a dark band at its visual top, so tests can tell which way is up."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    img = Image.new("RGB", (w, h), (235, 235, 235))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, max(4, h // 6)], fill=(20, 20, 20))
    d.text((10, h // 2), text, fill=(0, 0, 0))
    # Store it so that applying the EXIF orientation shows the band at the top.
    inverse = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
               8: Image.Transpose.ROTATE_270}
    if inverse.get(orientation):
        img = img.transpose(inverse[orientation])
    if mode != "RGB":
        img = img.convert(mode)
    kwargs: dict = {}
    fmt = fmt or {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF"}[
        path.suffix.lower()]
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    if fmt == "JPEG":
        exif = Image.Exif()
        if orientation != 1:
            exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
        kwargs["quality"] = 85
    img.save(path, fmt, **kwargs)
    return path


def manifest(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


CASE_HEAD = """\
parolekit: 1
case:
  title: Request for Humanitarian Parole
  kind: humanitarian-parole
  reasons: [medical]
  date: 2026-11-20
  beneficiaries:
    - name: Test Beneficiary
      birth_date: 1988-03-14
      citizenship: Honduras
  recipient:
    name: USCIS Humanitarian Affairs Branch
    address: [P.O. Box 0000, "City, ST 00000"]
"""


def shows_whole(ppage, shown, rotate: int) -> bool:
    """Whether packet page *ppage* holds all of *shown* (the input page's visible Box), unscaled,
    with parolekit's footer strip added below its displayed bottom edge and nowhere else."""
    from parolekit.stamp import display_matrix

    footer = ppage.obj.get("/PKFooter")
    if footer is None or bool(footer.Fitted):
        return False
    if [round(float(v), 3) for v in footer.Box] != [round(v, 3) for v in (shown.x0, shown.y0, shown.x1, shown.y1)]:
        return False
    m, w, h = display_matrix(shown, rotate)
    strip = float(footer.Strip)
    pts = [(m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
           for x, y in ((0, -strip), (w, -strip), (0, h), (w, h))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    want = [min(xs), min(ys), max(xs), max(ys)]
    got = [float(v) for v in ppage.obj.MediaBox]
    return all(abs(a - b) < 0.01 for a, b in zip(want, got)) and "/CropBox" not in ppage.obj


def require_poppler() -> None:
    """Skip the calling test where poppler's command-line tools are missing (CI installs them)."""
    import shutil

    import pytest

    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("needs poppler-utils (pdftotext, pdftoppm): apt-get install -y poppler-utils")


def scan_image(words: list[str], size: tuple[int, int] = (1275, 1650), mode: str = "L"):
    """A page of *words* drawn in Source Serif at 150 dpi letter size, as a scanner would give it."""
    from PIL import ImageFont

    import font_source_serif_pro

    font = ImageFont.truetype(str(Path(font_source_serif_pro.__file__).parent / "files" /
                                  "SourceSerifPro-Regular.ttf"), 44)
    img = Image.new(mode, size, 255 if mode == "L" else (255, 255, 255))
    d = ImageDraw.Draw(img)
    for i, line in enumerate(words):
        d.text((120, 150 + i * 90), line, fill=0 if mode == "L" else (0, 0, 0), font=font)
    d.rectangle([100, size[1] - 260, size[0] - 100, size[1] - 120], outline=0 if mode == "L" else (0, 0, 0), width=4)
    return img


def scan_pdf(path: Path, pages: list[list[str]], dpi: int = 150) -> Path:
    """An image-only PDF (no text layer, no fonts): each page one scanned image of its words."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = pikepdf.new()
    for words in pages:
        img = scan_image(words)
        w, h = img.size
        page = pdf.add_blank_page(page_size=(w * 72 / dpi, h * 72 / dpi))
        import zlib

        image = pikepdf.Stream(pdf, zlib.compress(img.tobytes()), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Image, Width=w, Height=h, BitsPerComponent=8,
                               ColorSpace=pikepdf.Name.DeviceGray, Filter=pikepdf.Name.FlateDecode)
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj.Contents = pdf.make_stream(f"q {w * 72 / dpi:.3f} 0 0 {h * 72 / dpi:.3f} 0 0 cm /Im0 Do Q".encode())
    pdf.save(path, deterministic_id=True)
    return path


def require_ocr() -> None:
    """Skip the calling test where OCRmyPDF or Tesseract (with Spanish) is missing (CI installs them)."""
    import shutil
    import subprocess

    import pytest

    pytest.importorskip("ocrmypdf", reason="needs the OCR extra: pip install -e '.[test,ocr]'")
    if shutil.which("tesseract") is None:
        pytest.skip("needs Tesseract: apt-get install -y tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa ghostscript")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "spa" not in langs:
        pytest.skip("needs Tesseract's Spanish data: apt-get install -y tesseract-ocr-spa")


def render_page(pdf: Path, page: int, dpi: int = 60):
    """Packet page *page* as a greyscale Pillow image, rendered by pdftoppm."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p"
        subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(out)], check=True)
        with Image.open(f"{out}.png") as img:
            return img.convert("L").copy()


def pixel_difference(a, b) -> float:
    """Mean absolute difference of two same-sized greyscale images, 0-255."""
    from PIL import ImageChops, ImageStat

    assert a.size == b.size, (a.size, b.size)
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]
