"""Footer stamps: "Page N of M" and "Exhibit C, p. 2 of 5" as a tiny content stream per page."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "Helvetica"  # a standard font: no embedding, and every viewer extracts it as text
RESOURCE = "PKStamp"
BASE_SIZE = 8.0
LETTER_SHORT = 612.0


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float


def visible_box(mediabox, cropbox) -> Box:
    """The part of the page a viewer shows: the CropBox clipped to the MediaBox."""
    mx0, my0, mx1, my1 = _norm(mediabox)
    if cropbox is None:
        return Box(mx0, my0, mx1, my1)
    cx0, cy0, cx1, cy1 = _norm(cropbox)
    box = Box(max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1))
    return box if box.x1 > box.x0 and box.y1 > box.y0 else Box(mx0, my0, mx1, my1)


def _norm(box) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def display_matrix(box: Box, rotate: int) -> tuple[tuple[float, ...], float, float]:
    """Matrix from upright display space (origin bottom-left as the reader sees it) to user space."""
    r = rotate % 360
    w, h = box.x1 - box.x0, box.y1 - box.y0
    if r == 90:
        return (0, 1, -1, 0, box.x1, box.y0), h, w
    if r == 180:
        return (-1, 0, 0, -1, box.x1, box.y1), w, h
    if r == 270:
        return (0, -1, 1, 0, box.x0, box.y1), h, w
    return (1, 0, 0, 1, box.x0, box.y0), w, h


def _pdf_string(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\") \
        .replace("(", "\\(").replace(")", "\\)")


def stamp_stream(text: str, mediabox, cropbox, rotate: int, font: str = RESOURCE) -> bytes:
    """Content that draws *text* centred in the bottom margin on a white band, upright."""
    box = visible_box(mediabox, cropbox)
    matrix, w, h = display_matrix(box, int(rotate or 0))
    scale = max(min(w, h) / LETTER_SHORT, 0.2)
    size = BASE_SIZE * max(scale, 1.0) if scale > 1 else BASE_SIZE
    unit = stringWidth(text, FONT, 1.0)
    size = min(size, 0.92 * w / unit, 0.3 * h)  # fit tiny pages whole
    size = max(size, 0.5)
    width = unit * size
    pad = size * 0.35
    margin = min(max(size * 1.6, 10.0), h * 0.1)
    x = (w - width) / 2
    y = margin
    band = (x - pad, y - 0.25 * size - pad / 2, width + 2 * pad, size + pad)
    m = " ".join(_num(v) for v in matrix)
    return (f"q {m} cm 1 g {' '.join(_num(v) for v in band)} re f "
            f"BT 0 g /{font} {_num(size)} Tf {_num(x)} {_num(y)} Td ({_pdf_string(text)}) Tj ET Q"
            ).encode("latin-1")


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def footer_text(number: int, total: int, exhibit: str = "", within: int = 0, of: int = 0,
                bates: str = "", volume: tuple[int, int] | None = None, label_word: str = "Exhibit") -> str:
    parts = []
    if exhibit:
        parts.append(f"{label_word} {exhibit}, p. {within} of {of}" if within else f"{label_word} {exhibit}")
    parts.append(f"Page {number} of {total}")
    if volume and volume[1] > 1:
        parts.append(f"Volume {volume[0]} of {volume[1]}")
    if bates:
        parts.append(bates)
    return "   |   ".join(parts)
