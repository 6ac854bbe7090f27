"""Render the README's pictures from the example packets (run from the repo root after building them).

    parolekit build examples/medical-parole/case.yaml examples/rfe-response/case.yaml \
        examples/family-reunification/case.yaml examples/asylum/case.yaml
    python examples/tools/make_readme_images.py

Needs pdftoppm (poppler). Writes docs/img/packet-overview.png and docs/img/chronology.png (from the
medical-parole packet), docs/img/response-table.png (from the rfe-response packet),
docs/img/declaration-dari.png (from the family-reunification packet), and docs/img/asylum-brief.png
and docs/img/asylum-index.png (from the asylum packet).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import font_source_serif_pro
from PIL import Image, ImageDraw, ImageFont, ImageOps
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
PACKET = ROOT / "examples" / "medical-parole" / "build" / "packet.pdf"
RFE_PACKET = ROOT / "examples" / "rfe-response" / "build" / "packet.pdf"
DARI_PACKET = ROOT / "examples" / "family-reunification" / "build" / "packet.pdf"
ASYLUM_PACKET = ROOT / "examples" / "asylum" / "build" / "packet.pdf"
OUT = ROOT / "docs" / "img"
FONT = Path(font_source_serif_pro.__file__).parent / "files" / "SourceSerifPro-Regular.ttf"


def render(page: int, dpi: int, folder: Path, crop: tuple[int, int, int, int] | None = None,
           packet: Path = PACKET) -> Image.Image:
    """One packet page (1-based) as an RGB image."""
    prefix = folder / f"p{page}-{dpi}"
    args = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
    if crop:
        x, y, w, h = crop
        args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    subprocess.run([*args, str(packet), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


def pages_by_role() -> list[tuple[int, str]]:
    """Pick the pages that show the packet's structure, found by their text (not hard-coded)."""
    texts = [" ".join((p.extract_text() or "").split()) for p in PdfReader(PACKET).pages]

    def first(pred, start: int = 0) -> int:
        return next(n for n in range(start, len(texts)) if pred(texts[n])) + 1

    cover = 1
    index = first(lambda t: t.startswith("INDEX OF EXHIBITS"))
    chrono = first(lambda t: t.startswith("CHRONOLOGY"))
    claims = first(lambda t: t.startswith("SUMMARY OF CLAIMS"))
    sep_a = first(lambda t: t.startswith("EXHIBIT A"))
    expert = first(lambda t: "Qualifications" in t and t.startswith("DECLARATION OF"))
    signed = first(lambda t: "Fictional sample: a signed declaration" in t)
    original = first(lambda t: "Servicio de Hematología" in t)
    cert = first(lambda t: t.startswith("CERTIFICATE OF TRANSLATION"))
    return [(cover, "Cover letter"), (index, "Index of exhibits"), (chrono, "Chronology + timeline"),
            (claims, "Claims and evidence"), (sep_a, "Separator sheet"),
            (sep_a + 1, "Declaration + interpreter"), (expert, "Expert declaration"),
            (signed, "Signed declaration (scan)"), (original, "Exhibit in Spanish"),
            (original + 1, "English translation"), (cert, "Certificate of translation")]


def overview(folder: Path) -> Path:
    chosen = pages_by_role()
    thumbs = [render(n, 28, folder) for n, _ in chosen]
    w, h = thumbs[0].size
    cols, pad, caption = 6, 10, 30
    rows = (len(thumbs) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * (w + pad) + pad, rows * (h + pad + caption) + pad), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(FONT), 12)
    small = ImageFont.truetype(str(FONT), 10)
    for i, ((number, name), thumb) in enumerate(zip(chosen, thumbs)):
        x = pad + (i % cols) * (w + pad)
        y = pad + (i // cols) * (h + pad + caption)
        sheet.paste(thumb, (x, y))
        draw.rectangle([x - 1, y - 1, x + w, y + h], outline=(170, 170, 170))
        draw.text((x + w / 2, y + h + 4), name, fill=(20, 20, 20), font=font, anchor="ma")
        draw.text((x + w / 2, y + h + 18), f"page {number}", fill=(110, 110, 110), font=small, anchor="ma")
    path = OUT / "packet-overview.png"
    sheet.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def chronology(folder: Path) -> Path:
    number = pages_by_role()[2][0]
    dpi = 90
    # Letter paper is 8.5 x 11 in: the heading, the figure and the table, above the footer.
    image = render(number, dpi, folder, crop=(int(0.6 * dpi), int(0.6 * dpi), int(7.3 * dpi), int(9.6 * dpi)))
    box = ImageOps.invert(image).getbbox()  # trim the blank page below the table
    if box:
        image = image.crop((0, 0, image.width, min(image.height, box[3] + 12)))
    path = OUT / "chronology.png"
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def response_table(folder: Path) -> Path:
    """The RFE example's "Response to the grounds" page, whole, found by its heading."""
    texts = [" ".join((p.extract_text() or "").split()) for p in PdfReader(RFE_PACKET).pages]
    number = next(n for n, t in enumerate(texts, start=1) if t.startswith("RESPONSE TO THE GROUNDS"))
    image = render(number, 60, folder, packet=RFE_PACKET)
    path = OUT / "response-table.png"
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def declaration_dari(folder: Path) -> Path:
    """The family-reunification example's declaration: a Dari name beside its transliteration."""
    texts = [" ".join((p.extract_text() or "").split()) for p in PdfReader(DARI_PACKET).pages]
    number = next(n for n, t in enumerate(texts, start=1) if t.startswith("DECLARATION OF"))
    dpi = 90
    image = render(number, dpi, folder, crop=(int(0.6 * dpi), int(0.6 * dpi), int(7.3 * dpi), int(5.6 * dpi)),
                   packet=DARI_PACKET)
    path = OUT / "declaration-dari.png"
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def _trimmed(image: Image.Image, margin: int = 12) -> Image.Image:
    """*image* without the blank page below its last mark."""
    box = ImageOps.invert(image).getbbox()
    return image.crop((0, 0, image.width, min(image.height, box[3] + margin))) if box else image


def asylum_pages(folder: Path) -> list[Path]:
    """The asylum example's brief (the top of its argument: a numbered list, bullets, pin cites into
    the declarations and the excerpted country report) and its index."""
    texts = [" ".join((p.extract_text() or "").split()) for p in PdfReader(ASYLUM_PACKET).pages]
    brief = next(n for n, t in enumerate(texts, start=1) if t.startswith("V. Argument"))
    index = next(n for n, t in enumerate(texts, start=1) if t.startswith("INDEX OF EXHIBITS"))
    dpi = 80
    out = []
    for number, name, bottom in ((brief, "asylum-brief.png", 6.8), (index, "asylum-index.png", 9.6)):
        image = render(number, dpi, folder, crop=(int(0.7 * dpi), int(0.6 * dpi), int(7.1 * dpi),
                                                  int(bottom * dpi)), packet=ASYLUM_PACKET)
        path = OUT / name
        _trimmed(image).quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        out.append(path)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for path in (overview(Path(tmp)), chronology(Path(tmp)), response_table(Path(tmp)),
                     declaration_dari(Path(tmp)), *asylum_pages(Path(tmp))):
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
