"""An input's page made ready for its footer: earlier stamps removed, then a strip of its own or a fit onto paper."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

from .stamp import FONT, RESOURCE, Box, Layout, _num, display_matrix, layout, visible_box

PAPER = {"letter": (612.0, 792.0), "a4": (595.276, 841.89)}
EDGE = 18.0  # points: the side and top margin of a page fitted onto paper
# A prepared page's content begins with "q" (and a clip); its stamp begins by closing it.
CLOSE = b"\nQ\n"
FOOTER_KEY = Name("/PKFooter")  # on the page: the strip parolekit gave it, so a rebuild reuses it
_BOXES = ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox")

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Ready:
    """Where a prepared page's footer goes: its visible box, rotation and the strip's height."""

    box: Box
    rotate: int
    strip: float


def prepare(out: pikepdf.Pdf, page: pikepdf.Page, text: str, rotate: int,
            paper: str | None, clips: dict, font=None, face: str = FONT) -> tuple[Ready, Layout]:
    """Give an input's page room for *text* without covering any of its content.

    A page that already has a parolekit strip (it comes from an earlier packet) keeps it and
    loses its old stamp. Otherwise, with *paper*, the page is fitted onto that paper above a
    strip (pages smaller than the area keep their true size, centred); without, the page is
    extended below its bottom edge by the strip. Either way the page's own content is clipped to
    what it showed before, so nothing it hid comes into view. *font* is this packet's own stamp
    font: pages sharing resources with one already stamped are not taken for earlier packets'.
    The page's content is left inside a saved graphics state: its stamp begins with CLOSE.
    """
    obj = page.obj
    earlier = unstamp(out, obj, font)
    box = visible_box(obj.get("/MediaBox", [0, 0, 612, 792]), obj.get("/CropBox"))
    if earlier is not None:
        push = clips.get("push")
        if push is None:
            push = clips["push"] = out.make_indirect(pikepdf.Stream(out, b"q\n"))
        page.contents_add(push, prepend=True)  # closed by the stamp (CLOSE)
        _matrix, w, h = display_matrix(box, rotate)
        return Ready(box, rotate, earlier), layout(text, w, h, face)
    if paper:
        return _fit(out, page, text, box, rotate, PAPER[paper], clips, face)
    _matrix, w, h = display_matrix(box, rotate)
    lay = layout(text, w, h, face)
    return _extend(out, page, box, rotate, lay.strip, clips), lay


def _extend(out, page: pikepdf.Page, box: Box, rotate: int, strip: float, clips: dict) -> Ready:
    """The page grows by *strip* below its displayed bottom edge; its content stays where it was."""
    grown = _grown(box, rotate, strip)
    key = (box.x0, box.y0, box.x1, box.y1)
    clip = clips.get(key)
    if clip is None:  # shared by every page of the same box: one small stream, not one per page
        clip = clips[key] = out.make_indirect(pikepdf.Stream(
            out, f"q {_num(box.x0)} {_num(box.y0)} {_num(box.x1 - box.x0)} {_num(box.y1 - box.y0)} "
                 f"re W n\n".encode()))
    _reframe(out, page, clip, grown, rotate, strip, box, fitted=False, clips=clips)
    return Ready(grown, rotate, strip)


@functools.lru_cache(maxsize=64)
def _grown(box: Box, rotate: int, strip: float) -> Box:
    """*box* (displayed with *rotate*) extended by *strip* below its displayed bottom edge."""
    matrix, w, h = display_matrix(box, rotate)
    return _bounds(matrix, [(0, -strip), (w, -strip), (0, h), (w, h)])


def _fit(out, page: pikepdf.Page, text: str, box: Box, rotate: int,
         paper: tuple[float, float], clips: dict, face: str = FONT) -> tuple[Ready, Layout]:
    """The page scaled (never enlarged) into the paper above a footer strip, upright, centred."""
    to_user, w, h = display_matrix(box, rotate)
    # Upright paper unless the page is too big for it and turning the sheet shrinks it less: a
    # landscape plan goes on a landscape sheet, an ID card on an upright one at its true size.
    options = []
    for pw, ph in (paper, (paper[1], paper[0])):
        lay = layout(text, pw, ph, face)
        avail_w, avail_h = pw - 2 * EDGE, ph - EDGE - lay.strip
        options.append((min(1.0, avail_w / w, avail_h / h), pw, ph, lay, avail_w, avail_h))
    upright, turned = options
    scale, pw, ph, lay, avail_w, avail_h = turned if turned[0] > upright[0] + 1e-9 else upright
    strip = lay.strip
    tx, ty = EDGE + (avail_w - scale * w) / 2, strip + (avail_h - scale * h) / 2
    m = _then(_invert(to_user), (scale, 0, 0, scale, tx, ty))
    wrap = out.make_indirect(pikepdf.Stream(
        out, f"q {' '.join(_num(v) for v in m)} cm {_num(box.x0)} {_num(box.y0)} "
             f"{_num(box.x1 - box.x0)} {_num(box.y1 - box.y0)} re W n\n".encode()))
    _move_annotations(page.obj, m)
    sheet = Box(0.0, 0.0, pw, ph)
    _reframe(out, page, wrap, sheet, 0, strip, box, fitted=True, clips=clips)
    return Ready(sheet, 0, strip), lay


def _reframe(out: pikepdf.Pdf, page: pikepdf.Page, wrap, box: Box, rotate: int, strip: float,
             shown: Box, fitted: bool, clips: dict) -> None:
    """The page's new box and its record: the strip, and *shown* (what the input showed, in its
    own user space) so anyone can check that all of it is still on the page."""
    obj = page.obj
    page.contents_add(wrap, prepend=True)  # closed by the stamp (CLOSE)
    obj.MediaBox = Array([box.x0, box.y0, box.x1, box.y1])
    for name in _BOXES:  # the strip is part of the page for viewers and printers alike
        if name in obj:
            del obj[name]
    if rotate:
        obj.Rotate = rotate
    elif "/Rotate" in obj:
        del obj["/Rotate"]
    key = ("footer", round(strip, 3), fitted, shown)
    record = clips.get(key)
    if record is None:  # one object for every page with the same strip and box, not one each
        record = clips[key] = out.make_indirect(Dictionary(
            Strip=round(strip, 3), Fitted=fitted, Box=Array([shown.x0, shown.y0, shown.x1, shown.y1])))
    obj[FOOTER_KEY] = record


def unstamp(out: pikepdf.Pdf, obj: Dictionary, font=None) -> float | None:
    """Remove the footers an earlier parolekit build drew on this page; the strip it had, if any.

    Recognised by the stamp font's resource name: marked stamps (/Artifact with /PKStamp) and the
    unmarked ones of earlier versions (a white band, then text in /PKStamp). Only pages using that
    font are parsed, so other inputs cost nothing.
    """
    res = obj.get("/Resources")
    fonts = res.get("/Font") if isinstance(res, Dictionary) else None
    if not isinstance(fonts, Dictionary):
        return None
    own = font.objgen if font is not None else None
    ours = [k for k in fonts.keys() if k.startswith("/" + RESOURCE)
            and not (fonts[k].is_indirect and fonts[k].objgen == own)]
    if not ours:
        return None
    page = pikepdf.Page(obj)
    try:
        ops = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return None  # unreadable content is intake's to refuse; leave it as it is
    kept = _without_stamps(ops, set(ours))
    if len(kept) != len(ops):
        # The font entry stays: resources may be shared with pages not yet unstamped.
        obj.Contents = pikepdf.Stream(out, pikepdf.unparse_content_stream(kept))
    footer = obj.get(FOOTER_KEY)
    if isinstance(footer, Dictionary) and "/Strip" in footer:
        return float(footer.Strip)
    return None


def _without_stamps(ops: list, fonts: set[str]) -> list:
    out, i = [], 0
    while i < len(ops):
        end = _stamp_end(ops, i, fonts)
        if end is None:
            out.append(ops[i])
            i += 1
        else:
            i = end + 1
    return out


def _stamp_end(ops: list, i: int, fonts: set[str]) -> int | None:
    """Index of the last instruction of a parolekit stamp starting at *i*, or None."""
    op = str(ops[i].operator)
    if op == "BDC":
        props = ops[i].operands[1] if len(ops[i].operands) > 1 else None
        if isinstance(props, Dictionary) and "/PKStamp" in props:
            return _find(ops, i, "EMC")
        return None
    # Unmarked (before marking): q <cm> 1 g <band> re f BT 0 g /PKStamp.. Tf ... ET Q
    pattern = ["q", "cm", "g", "re", "f", "BT", "g", "Tf"]
    if op != "q" or i + len(pattern) > len(ops):
        return None
    if [str(o.operator) for o in ops[i:i + len(pattern)]] != pattern:
        return None
    tf = ops[i + 7].operands
    if not tf or str(tf[0]) not in fonts:
        return None
    et = _find(ops, i + 7, "ET")
    if et is None or et + 1 >= len(ops) or str(ops[et + 1].operator) != "Q":
        return None
    return et + 1


def _find(ops: list, i: int, name: str) -> int | None:
    for j in range(i + 1, len(ops)):
        if str(ops[j].operator) == name:
            return j
    return None


def _move_annotations(obj: Dictionary, m: Matrix) -> None:
    """Links and notes follow the content they sit on when the page is scaled onto paper."""
    annots = obj.get("/Annots")
    if not isinstance(annots, Array):
        return
    for a in annots:
        if not isinstance(a, Dictionary):
            continue
        rect = a.get("/Rect")
        if isinstance(rect, Array) and len(rect) == 4:
            x0, y0, x1, y1 = (float(v) for v in rect)
            b = _bounds(m, [(x0, y0), (x1, y0), (x0, y1), (x1, y1)])
            a.Rect = Array([b.x0, b.y0, b.x1, b.y1])
        quads = a.get("/QuadPoints")
        if isinstance(quads, Array) and len(quads) % 2 == 0:
            vals = [float(v) for v in quads]
            a.QuadPoints = Array([c for k in range(0, len(vals), 2)
                                  for c in _apply(m, vals[k], vals[k + 1])])


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _bounds(m, points) -> Box:
    xs, ys = zip(*(_apply(m, x, y) for x, y in points))
    return Box(min(xs), min(ys), max(xs), max(ys))


def _then(m: Matrix, n: Matrix) -> Matrix:
    """*m* applied first, then *n* (PDF's row-vector convention: m x n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _invert(m) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in m)
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)
