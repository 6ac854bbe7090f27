"""Footer stamps: "Page N of M" and "Exhibit C, p. 2 of 5" as a tiny content stream per page."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "Helvetica"  # a standard font: no embedding, and every viewer extracts it as text
EMBEDDED = "PKSerif"  # Source Serif (OFL, shipped): the stamp's face where every font must be embedded (PDF/A)
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


def _pdf_string(value: str, face: str = FONT) -> str:
    # The embedded face's first subset holds ASCII at its own codes (see embedded_font).
    value = value.encode("ascii" if face == EMBEDDED else "latin-1", "replace").decode("latin-1")
    return value.replace("\\", "\\\\") \
        .replace("(", "\\(").replace(")", "\\)")


SEPARATOR = "   |   "
MIN_READABLE = 4.0  # points; below this one line becomes a stack of short lines


def _fit(lines: list[str], w: float, h: float, base: float, face: str = FONT) -> float:
    widest = max(stringWidth(line, face, 1.0) for line in lines)
    share = 0.3 if len(lines) == 1 else 0.45  # a stack may take a little more of the height
    return min(base, 0.92 * w / widest, share * h / (1 + 1.15 * (len(lines) - 1)))


def _stacks(parts: list[str]):
    """The ways to stack *parts* on 2..n lines, keeping their order, halves balanced by length."""
    for n in range(2, len(parts) + 1):
        per = -(-len(parts) // n)
        yield [SEPARATOR.join(parts[i:i + per]) for i in range(0, len(parts), per)]


# Every stamp is a pagination artifact: screen readers skip it, and a later build recognises it
# (by the /PKStamp key) and removes it when the page comes back as an input.
ARTIFACT = "/Artifact <</Type /Pagination /Subtype /Footer /PKStamp true>> BDC"


@dataclass(frozen=True)
class Layout:
    lines: list[str]
    size: float  # points
    leading: float

    @property
    def height(self) -> float:
        return self.size + self.leading * (len(self.lines) - 1)

    @property
    def strip(self) -> float:
        """Height of a footer strip of its own: the text with a clear gap above and below."""
        return self.height + 2 * max(0.75 * self.size, 4.0)


def layout(text: str, w: float, h: float, face: str = FONT) -> Layout:
    """The footer's size for a page displayed *w* x *h*: 8 pt on letter, larger on huge pages,
    smaller on tiny ones; where one line would shrink below legibility, its parts are stacked."""
    scale = min(w, h) / LETTER_SHORT
    base = BASE_SIZE * scale if scale > 1 else BASE_SIZE
    lines = [text]
    size = _fit(lines, w, h, base, face)
    if size < MIN_READABLE:
        for stack in _stacks(text.split(SEPARATOR)):
            fit = _fit(stack, w, h, base, face)
            if fit > size:
                lines, size = stack, fit
    size = max(size, 0.5)
    return Layout(lines, size, size * 1.15)


def stamp_stream(text: str, mediabox, cropbox, rotate: int, font: str = RESOURCE, face: str = FONT) -> bytes:
    """Content that draws *text* centred in the bottom margin on a white band, upright.

    For pages parolekit rendered itself, whose bottom margin is empty by construction; an
    input's page gets a strip of its own instead (strip_stream), so nothing of it is covered.
    """
    box = visible_box(mediabox, cropbox)
    matrix, w, h = display_matrix(box, int(rotate or 0))
    lay = layout(text, w, h, face)
    pad = lay.size * 0.35
    y = min(max(lay.size * 1.6, 10.0), h * 0.1)  # baseline of the last line
    width = max(stringWidth(line, face, lay.size) for line in lay.lines)
    x0 = (w - width) / 2
    band = (x0 - pad, y - 0.25 * lay.size - pad / 2, width + 2 * pad, lay.height + pad)
    return _draw(lay, matrix, w, y, font, f"1 g {' '.join(_num(v) for v in band)} re f ", face)


def strip_stream(text: str, box: Box, rotate: int, strip: float, lay: Layout,
                 font: str = RESOURCE, face: str = FONT) -> bytes:
    """Content that draws *text* centred in the bottom *strip* of the page (in display space),
    a strip that holds nothing of the page's own content."""
    matrix, w, _h = display_matrix(box, int(rotate or 0))
    y = (strip - lay.height) / 2 + 0.2 * lay.size  # baseline of the last line, centred in the strip
    return _draw(lay, matrix, w, y, font, "", face)


def _draw(lay: Layout, matrix, w: float, y: float, font: str, band: str, face: str = FONT) -> bytes:
    out = [f"{ARTIFACT} q {_numbers(tuple(matrix))} cm {band}BT 0 g /{font} {_num(lay.size)} Tf"]
    prev_x, prev_y = 0.0, 0.0
    for i, line in enumerate(lay.lines):
        lx = (w - stringWidth(line, face, lay.size)) / 2
        ly = y + lay.leading * (len(lay.lines) - 1 - i)
        out.append(f"{_num(lx - prev_x)} {_num(ly - prev_y)} Td ({_pdf_string(line, face)}) Tj")
        prev_x, prev_y = lx, ly
    out.append("ET Q EMC")
    return " ".join(out).encode("latin-1")


@functools.lru_cache(maxsize=64)
def _numbers(values: tuple) -> str:
    # A packet's pages share a handful of matrices: each is written out once, not once a page.
    return " ".join(_num(v) for v in values)


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
    return SEPARATOR.join(parts)


def mark_font(pdf, embedded: bool, embedded_face: str, face: str, text: str):
    """(font object, face, *text* as its codes) for a mark drawn on every page: an embedded subset
    of *embedded_face* (PDF/A), else the standard Type 1 *face* in WinAnsi."""
    from pikepdf import Dictionary, Name

    if embedded:
        font, codes = embedded_text(pdf, embedded_face, text)
        return font, embedded_face, codes
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/" + face),
                                        Encoding=Name.WinAnsiEncoding))
    return font, face, text.encode("cp1252")


def resource(page_obj, kind: str, base: str, obj) -> str:
    """A name for *obj* in the page's *kind* resources ("/Font", "/ExtGState") that takes no name
    the page already uses (the same object keeps its name), without the slash."""
    from pikepdf import Dictionary, Name

    res = page_obj.get("/Resources")
    if not isinstance(res, Dictionary):
        res = page_obj.Resources = Dictionary()
    names = res.get(kind)
    if not isinstance(names, Dictionary):
        names = res[kind] = Dictionary()
    i = 0
    while True:
        name = Name(base + (str(i) if i else ""))
        existing = names.get(name)
        if existing is None:
            names[name] = obj
            return str(name)[1:]
        if existing.is_indirect and existing.objgen == obj.objgen:
            return str(name)[1:]
        i += 1


def embedded_font(pdf):
    """The stamp's font for PDF/A: Source Serif's printable ASCII as one embedded subset, each
    character at its own code (so stamps are written as plain ASCII strings), copied into *pdf*."""
    return embedded_text(pdf, EMBEDDED, "".join(chr(i) for i in range(32, 127)))[0]


def embedded_text(pdf, face: str, text: str):
    """An embedded subset of *face* holding *text*'s characters, copied into *pdf*, and *text*
    as that subset's codes (for a Tj string)."""
    src, key, codes = _font_source(face, text)
    return pdf.copy_foreign(src.pages[0].Resources.Font[key]), codes


@functools.cache
def _font_source(face: str, text: str):
    """A one-page PDF drawing *text* in *face*, made once per process (copies read their data
    from it): its embedded font's resource name and the string's bytes as drawn."""
    import io

    import pikepdf
    from reportlab.pdfgen import canvas

    from .render.fonts import register

    register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont(face, 8)
    c.drawString(0, 0, text)
    c.showPage()
    c.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    fonts = pdf.pages[0].Resources.Font
    key = next(k for k in fonts.keys() if "/FontDescriptor" in fonts[k])
    current, codes = None, b""
    for operands, op in pikepdf.parse_content_stream(pdf.pages[0]):
        if str(op) == "Tf":
            current = str(operands[0])
        elif str(op) == "Tj" and current == str(key):
            codes = bytes(operands[0])
    return pdf, key, codes
