"""The draft mark: "DRAFT - not for filing" across every page, translucent so nothing beneath is hidden."""

from __future__ import annotations

import math

import pikepdf
from pikepdf import Dictionary, Name
from reportlab.pdfbase.pdfmetrics import stringWidth

from .stamp import display_matrix, mark_font, resource, visible_box

TEXT = "DRAFT \u2014 not for filing"
FONT = "Helvetica-Bold"  # a standard font, as the footer stamps use: nothing to embed
EMBEDDED = "PKSerif-Bold"  # where every font must be embedded (PDF/A): Source Serif Bold, a subset
OPACITY = 0.28  # readable as a mark, and every word of the page under it stays legible


def mark_draft(pdf: pikepdf.Pdf, embedded: bool = False) -> None:
    """Draw the mark diagonally, corner to corner, on every page, as a marked watermark artifact
    (*embedded*: in an embedded font, for PDF/A)."""
    font, face, codes = mark_font(pdf, embedded, EMBEDDED, FONT, TEXT)
    state = pdf.make_indirect(Dictionary(Type=Name.ExtGState, ca=OPACITY, CA=OPACITY))
    for page in pdf.pages:
        obj = page.obj
        fname, gname = resource(obj, "/Font", "/PKDraft", font), resource(obj, "/ExtGState", "/PKDraftGS", state)
        rotate = int(obj.get("/Rotate", 0) or 0) % 360
        page.contents_add(pikepdf.Stream(pdf, _stream(obj.get("/MediaBox"), obj.get("/CropBox"), rotate,
                                                      fname, gname, face, codes)), prepend=False)


def _stream(mediabox, cropbox, rotate: int, font: str, state: str, face: str = FONT,
            codes: bytes = TEXT.encode("cp1252")) -> bytes:
    box = visible_box(mediabox, cropbox)
    matrix, w, h = display_matrix(box, rotate)
    angle = math.atan2(h, w)
    size = min(96.0, 0.72 * math.hypot(w, h) / (stringWidth(TEXT, face, 1.0) or 1.0))
    width = stringWidth(TEXT, face, size)
    c, s = math.cos(angle), math.sin(angle)
    # Start so that the text's middle (along and across) sits at the page's centre.
    x = w / 2 - c * width / 2 + s * size * 0.35
    y = h / 2 - s * width / 2 - c * size * 0.35
    cm = " ".join(_num(v) for v in matrix)
    tm = " ".join(_num(v) for v in (c, s, -s, c, x, y))
    text = codes.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return (f"\n/Artifact <</Type /Pagination /Subtype /Watermark>> BDC q {cm} cm /{state} gs 0.55 0 0 rg "
            f"BT /{font} {_num(size)} Tf {tm} Tm (").encode("latin-1") + text + b") Tj ET Q EMC\n"


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
