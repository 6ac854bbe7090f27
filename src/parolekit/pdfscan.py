"""Read-only inspection of input PDFs for lint: active content, forms, scans, odd page sizes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Dictionary, Name

from .intake import Source
from .manifest import Case

LETTER = (612.0, 792.0)
A4 = (595.276, 841.89)
SIZE_TOLERANCE = 0.10  # 10% either way: letter and A4 both pass, legal (8.5 x 14 in) does not
_MM = 72 / 25.4
# Documents scanned at their true size, which print as they are: ID cards (ISO/IEC 7810 ID-1,
# ID-2), a passport's page and its open spread (ID-3), passport photos (2 x 2 in, 35 x 45 mm) and
# photo prints (3.5 x 5, 4 x 6, 5 x 7 in). Decided by the page's size alone, not by the exhibit's
# title or category: a legal-size "passport" is still an odd page, an ID card is one whatever it is called.
TRUE_SIZES = (
    (53.98 * _MM, 85.60 * _MM), (74 * _MM, 105 * _MM), (88 * _MM, 125 * _MM), (125 * _MM, 176 * _MM),
    (144.0, 144.0), (35 * _MM, 45 * _MM), (252.0, 360.0), (288.0, 432.0), (360.0, 504.0),
)
# A true size is a size only when it is close: a 5.3 x 6.5 in page is no 5 x 7 in print.
TRUE_SIZE_TOLERANCE = 0.05
MIN_DPI = 150
_MAX_DEPTH = 4  # form XObjects nest; scans do not hide their text deeper than this


@dataclass
class Scan:
    """What one input's selected pages contain (1-based page numbers within the file)."""

    javascript: bool = False
    attachments: int = 0
    form_fields: int = 0
    dynamic_xfa: bool = False
    no_text: list[int] = field(default_factory=list)
    low_dpi: list[tuple[int, int]] = field(default_factory=list)  # (page, dpi)
    odd_size: list[tuple[int, float, float]] = field(default_factory=list)  # (page, w in, h in)
    scans: list[int] = field(default_factory=list)  # scanned pages (OCR'd or not): images, no real text


def _inherited(page: Dictionary, key: str):
    node, hops = page, 0
    while isinstance(node, Dictionary) and hops < 64:
        if key in node:
            return node[key]
        node, hops = node.get("/Parent"), hops + 1
    return None


def _box(page: Dictionary) -> tuple[float, float]:
    box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox")
    try:
        x0, y0, x1, y1 = (float(v) for v in box)
        return abs(x1 - x0), abs(y1 - y0)
    except (TypeError, ValueError):
        return LETTER


def _content(resources, depth: int = 0) -> tuple[bool, list[tuple[int, int]]]:
    """(has fonts, image pixel sizes) in *resources* and the form XObjects it draws."""
    if not isinstance(resources, Dictionary) or depth > _MAX_DEPTH:
        return False, []
    fonts = resources.get("/Font")
    has_text = isinstance(fonts, Dictionary) and len(fonts.keys()) > 0
    images: list[tuple[int, int]] = []
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, Dictionary):
        for key in xobjects.keys():
            xo = xobjects.get(key)
            if not isinstance(xo, pikepdf.Stream):
                continue
            subtype = xo.get("/Subtype")
            if subtype == Name.Image:
                try:
                    images.append((int(xo.get("/Width", 0)), int(xo.get("/Height", 0))))
                except (TypeError, ValueError):
                    pass
            elif subtype == Name.Form:
                text, more = _content(xo.get("/Resources"), depth + 1)
                has_text = has_text or text
                images.extend(more)
    return has_text, images


def _fits(w: float, h: float) -> bool:
    """Letter or A4, or an ID card, passport or photo at its true size (either way up)."""
    short, long_ = sorted((w, h))
    return any(abs(short - s) <= s * tol and abs(long_ - lg) <= lg * tol
               for sizes, tol in (((LETTER, A4), SIZE_TOLERANCE), (TRUE_SIZES, TRUE_SIZE_TOLERANCE))
               for s, lg in sizes)


def printed_dpi(pixels: tuple[int, int], page: tuple[float, float]) -> int:
    """Resolution of an image fitted to *page* once printed (oversized pages shrink to letter).

    The image is assumed to keep its aspect ratio, so the looser of the two axes decides: a
    square scan on a landscape page is not blamed for the margin beside it.
    """
    px_short, px_long = sorted(pixels)
    pt_short, pt_long = sorted(page)
    if pt_short <= 0 or pt_long <= 0:
        return 0
    scale = _print_scale(page)
    inches_short, inches_long = pt_short * scale / 72, pt_long * scale / 72
    return int(max(px_short / inches_short, px_long / inches_long))


def _print_scale(page: tuple[float, float]) -> float:
    """How much a page shrinks to print on letter paper (1: it fits as it is)."""
    pt_short, pt_long = sorted(page)
    return min(1.0, LETTER[0] / pt_short, LETTER[1] / pt_long) if pt_short > 0 and pt_long > 0 else 1.0


def _same_shape(pixels: tuple[int, int], page: tuple[float, float]) -> bool:
    a, b = sorted(pixels)
    c, d = sorted(page)
    return a > 0 and c > 0 and abs((b / a) / (d / c) - 1) < 0.05


def _is_js(action) -> bool:
    return isinstance(action, Dictionary) and (action.get("/S") == Name.JavaScript or "/JS" in action)


def _has_js_actions(obj) -> bool:
    if not isinstance(obj, Dictionary):
        return False
    if _is_js(obj.get("/A")):
        return True
    aa = obj.get("/AA")
    return isinstance(aa, Dictionary) and any(_is_js(aa.get(k)) for k in aa.keys())


def _names(root: Dictionary, tree: str) -> int:
    names = root.get("/Names")
    if not isinstance(names, Dictionary) or tree not in names:
        return 0
    try:
        return max(1, len(pikepdf.NameTree(names[tree]).keys()))
    except Exception:  # a malformed tree still means something is there
        return 1


def scan_pdf(pdf: pikepdf.Pdf, pages: list[int], document: bool = True, text: bool = True,
             source_dpi: list[float] | None = None) -> Scan:
    """Inspect *pages* (0-based) of *pdf* without changing it. *document*: look at the catalog too.

    *source_dpi*: for pages parolekit made from an image, each one's own resolution, judged in
    place of the (possibly downsampled) image it put on the page.
    """
    out = Scan()
    root = pdf.Root
    if document:
        out.javascript = _is_js(root.get("/OpenAction")) or _names(root, "/JavaScript") > 0 or \
            _has_js_actions(root)
        out.attachments = _names(root, "/EmbeddedFiles")
        acro = root.get("/AcroForm")
        if isinstance(acro, Dictionary):
            fields = acro.get("/Fields")
            out.form_fields = len(fields) if isinstance(fields, pikepdf.Array) else 0
            needs_render = bool(root.get("/NeedsRendering", False))
            out.dynamic_xfa = "/XFA" in acro and (needs_render or out.form_fields == 0)
    # Once: pikepdf's pages[i] costs time in proportion to the file's page count (it copies
    # qpdf's page list), which made scanning every page of a 20,000-page file quadratic.
    all_pages = list(pdf.pages)
    for index in pages:
        page = all_pages[index].obj
        number = index + 1
        w, h = _box(page)
        if not _fits(w, h):
            out.odd_size.append((number, w / 72, h / 72))
        annots = page.get("/Annots")
        if document and isinstance(annots, pikepdf.Array):
            for annot in annots:
                if not isinstance(annot, Dictionary):
                    continue
                if annot.get("/Subtype") == Name.FileAttachment:
                    out.attachments += 1
                if not out.javascript and _has_js_actions(annot):
                    out.javascript = True
        if document and not out.javascript and _has_js_actions(page):
            out.javascript = True
        has_text, images = _content(_inherited(page, "/Resources"))
        if not images:
            continue  # text or vector drawing only: nothing scanned
        if has_text and not (len(images) == 1 and _same_shape(images[0], (w, h))):
            continue  # a document with pictures, not an OCR'd full-page scan
        out.scans.append(number)
        if text and not has_text:
            out.no_text.append(number)
        if source_dpi is not None and index < len(source_dpi):
            dpi = int(source_dpi[index] / _print_scale((w, h)))
        else:
            dpi = printed_dpi(max(images, key=lambda s: s[0] * s[1]), (w, h))
        if 0 < dpi < MIN_DPI:
            out.low_dpi.append((number, dpi))
    return out


def page_list(numbers: list[int], limit: int = 8) -> str:
    """'1-3, 7' for [1, 2, 3, 7]; long lists end with '... (N pages)'."""
    runs: list[str] = []
    start = prev = None
    for n in numbers + [None]:  # type: ignore[operator]
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            runs.append(f"{start}-{prev}" if prev != start else f"{start}")
        start = prev = n
    text = ", ".join(runs[:limit])
    return text + (f", ... ({len(numbers)} pages)" if len(runs) > limit else "")


def _pages(numbers: list[int], verb: str = "are") -> str:
    singular = {"are": "is", "print": "prints"}.get(verb, verb)
    if len(numbers) == 1:
        return f"page {numbers[0]} {singular}"
    return f"pages {page_list(numbers)} {verb}"


def check_sources(case: Case, sources: list[Source]) -> None:
    """Add the PDF-content warnings for every input that opened."""
    from .rules.catalogue import emit

    for src in sources:
        if src.pdf is None:
            continue
        is_pdf = src.kind == "pdf"
        is_form = src.ref[0] == "forms"
        scan = scan_pdf(src.pdf, src.pages, document=is_pdf, text=is_pdf, source_dpi=src.image_dpi)
        name = f"'{src.relative}'"
        if scan.javascript and not is_form:
            emit(case, src.ref, "pdf-javascript",
                 f"{name} contains JavaScript, which build removes; check nothing the reader "
                 "needs depends on it")
        if scan.attachments:
            emit(case, src.ref, "pdf-attachments",
                 f"{name} has {scan.attachments} embedded file(s), which build removes and the "
                 "officer never sees; add any that are evidence as exhibits of their own")
        if scan.dynamic_xfa:
            emit(case, src.ref, "pdf-xfa-form",
                 f"{name} is a dynamic XFA form with no printable pages of its own; open it in "
                 "Adobe Reader, print it to PDF, and use that file")
        elif scan.form_fields and not is_form:
            emit(case, src.ref, "pdf-form-fields",
                 f"{name} has fillable form fields, which build flattens; check the values "
                 "shown are final")
        if scan.no_text and not case.manifest.output.ocr:  # with output.ocr the build adds the layer
            emit(case, src.ref, "pdf-no-text-layer",
                 f"{name}: {_pages(scan.no_text)} scanned without a text layer; "
                 "build with --ocr (or set output.ocr: true) so the officer can search them")
        if scan.low_dpi:
            worst = min(d for _p, d in scan.low_dpi)
            emit(case, src.ref, "scan-low-resolution",
                 f"{name}: {_pages([p for p, _d in scan.low_dpi], 'print')} at "
                 f"{'as little as ' if len(scan.low_dpi) > 1 else ''}{worst} dpi (below {MIN_DPI}); "
                 "small print may be illegible. Re-scan at "
                 "200-300 dpi")
        if scan.odd_size:
            _p, w, h = scan.odd_size[0]
            how = "shrink to fit when printed" if max(w, h) * 72 > LETTER[1] else "print small"
            emit(case, src.ref, "page-size-unusual",
                 f"{name}: {_pages([p for p, _w, _h in scan.odd_size])} far from "
                 f"letter or A4 ({'e.g. ' if len(scan.odd_size) > 1 else ''}{w:.1f} x {h:.1f} in) "
                 f"and will {how}; re-scan or export "
                 "on letter-size pages")
