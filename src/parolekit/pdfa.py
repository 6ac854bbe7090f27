"""PDF/A-2b: XMP metadata, an sRGB output intent, embedded fonts, printable annotations, unique subset names."""

from __future__ import annotations

import functools
import hashlib
import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .intake import Source
from .manifest import Case
from .pdfscan import page_list

_SUBSET = re.compile(r"^/([A-Z]{6})\+(.+)$")
_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_SHOW = {"Tj", "TJ", "'", '"'}
# Annotation flags: Print on; Invisible, Hidden, ToggleNoView and NoView off (PDF/A-2, 6.3.2).
PRINT, FORBIDDEN = 4, 1 | 2 | 32 | 256
ICC_DATE = bytes([0x07, 0xEA, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2026-01-01 00:00:00: same bytes every build
_DEPTH = 4


def wanted(case: Case) -> bool:
    return bool(case.manifest.output.pdfa)


# --- the inputs: what cannot be made conformant -------------------------------------------------


def check_sources(case: Case, sources: list[Source]) -> None:
    """Warn, per input, about pages PDF/A cannot hold as they are: text in fonts that are not
    embedded (no font program to embed), CMYK images against the sRGB output intent."""
    for src in sources:
        if src.pdf is None or src.kind != "pdf":
            continue
        fonts: dict[str, list[int]] = {}
        cmyk: list[int] = []
        pages = list(src.pdf.pages)
        for index in src.pages:
            page = pages[index]
            for name in _missing_fonts(page.obj, page):
                fonts.setdefault(name, []).append(index + 1)
            if _has_cmyk(_resources(page.obj)):
                cmyk.append(index + 1)
        reasons = []
        if fonts:
            every = sorted({p for ps in fonts.values() for p in ps})
            reasons.append(f"{_pages(every)} text in fonts that are not embedded ({', '.join(sorted(fonts))})")
        if cmyk:
            reasons.append(f"{_pages(cmyk)} CMYK images")
        if reasons:
            case.add(src.ref, "pdfa-not-conformant",
                     f"'{src.relative}': {'; '.join(reasons)}, so the packet is marked PDF/A-2b but "
                     "these pages do not conform. Export the document again as PDF/A (or print it to "
                     "PDF with fonts embedded), then build again")


def _pages(numbers: list[int]) -> str:
    return f"page {numbers[0]} has" if len(numbers) == 1 else f"pages {page_list(numbers)} have"


def _resources(obj: Dictionary):
    node, hops = obj, 0
    while isinstance(node, Dictionary) and hops < 64:
        if "/Resources" in node:
            return node.Resources
        node, hops = node.get("/Parent"), hops + 1
    return Dictionary()


def _embedded(font: Dictionary) -> bool:
    if font.get("/Subtype") == Name.Type3:
        return True  # its glyphs are content streams in the file
    if font.get("/Subtype") == Name.Type0:
        kids = font.get("/DescendantFonts")
        font = kids[0] if isinstance(kids, Array) and len(kids) else Dictionary()
    desc = font.get("/FontDescriptor")
    return isinstance(desc, Dictionary) and any(k in desc for k in _FILES)


def _shown(stream_owner) -> set[str]:
    """Font resource names that show text in this content (page or form), not merely set by Tf."""
    used, current = set(), None
    try:
        ops = pikepdf.parse_content_stream(stream_owner)
    except (pikepdf.PdfError, TypeError, ValueError):
        return used
    for operands, op in ops:
        name = str(op)
        if name == "Tf" and operands:
            current = str(operands[0])
        elif name in _SHOW and current:
            used.add(current)
    return used


def _missing_fonts(obj: Dictionary, owner, depth: int = 0) -> set[str]:
    """Base names of fonts that show text on this page (or its forms) without being embedded."""
    res = _resources(obj) if depth == 0 else obj.get("/Resources", Dictionary())
    out: set[str] = set()
    fonts = res.get("/Font") if isinstance(res, Dictionary) else None
    if isinstance(fonts, Dictionary):
        bare = {str(k) for k in fonts.keys() if isinstance(fonts[k], Dictionary) and not _embedded(fonts[k])}
        if bare:
            for key in bare & _shown(owner):
                out.add(str(fonts[key].get("/BaseFont", key))[1:])
    xobjects = res.get("/XObject") if isinstance(res, Dictionary) else None
    if isinstance(xobjects, Dictionary) and depth < _DEPTH:
        for key in xobjects.keys():
            xo = xobjects[key]
            if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == Name.Form:
                out |= _missing_fonts(xo, xo, depth + 1)
    return out


def _has_cmyk(res, depth: int = 0) -> bool:
    xobjects = res.get("/XObject") if isinstance(res, Dictionary) else None
    if not isinstance(xobjects, Dictionary):
        return False
    for key in xobjects.keys():
        xo = xobjects[key]
        if not isinstance(xo, pikepdf.Stream):
            continue
        if xo.get("/Subtype") == Name.Image and xo.get("/ColorSpace") == Name.DeviceCMYK:
            return True
        if xo.get("/Subtype") == Name.Form and depth < _DEPTH and _has_cmyk(xo.get("/Resources"), depth + 1):
            return True
    return False


# --- the packet: what parolekit makes conformant -----------------------------------------------


def make_pdfa(pdf: pikepdf.Pdf) -> None:
    """Mark the assembled packet PDF/A-2b and make what parolekit controls conform to it."""
    stamp = _stamp_font(pdf)
    for page in pdf.pages:
        _printable(page.obj)
        if stamp is not None:
            _replace_unused(page.obj, page, stamp)
    _unique_subsets(pdf)
    _output_intent(pdf)
    _xmp(pdf)
    pdf._parolekit_pdfa = True  # type: ignore[attr-defined]  # output.save_pdf writes PDF 1.7 at most


def _stamp_font(pdf: pikepdf.Pdf):
    """The packet's embedded stamp font (assemble put it on every page as /PKStamp...)."""
    for page in pdf.pages:
        fonts = _resources(page.obj).get("/Font", Dictionary())
        for key in fonts.keys():
            if str(key).startswith("/PKStamp") and _embedded(fonts[key]):
                return fonts[key]
    return None


def _printable(page: Dictionary) -> None:
    annots = page.get("/Annots")
    if not isinstance(annots, Array):
        return
    for annot in annots:
        if isinstance(annot, Dictionary):
            flags = int(annot.get("/F", 0)) if isinstance(annot.get("/F", 0), int) else 0
            annot.F = (flags | PRINT) & ~FORBIDDEN


def _replace_unused(obj: Dictionary, owner, stamp, depth: int = 0) -> None:
    """A font that is set but never shows text (reportlab opens every page with Helvetica) is
    pointed at the embedded stamp font: nothing changes on the page, and no font is left bare."""
    res = _resources(obj) if depth == 0 else obj.get("/Resources")
    if not isinstance(res, Dictionary):
        return
    if depth == 0:  # the page's own copy: a resource dictionary shared with another page stays as it was
        res = obj.Resources = Dictionary({k: res[k] for k in res.keys()})
    fonts = res.get("/Font")
    if isinstance(fonts, Dictionary):
        bare = [k for k in fonts.keys() if isinstance(fonts[k], Dictionary) and not _embedded(fonts[k])]
        if bare:
            shown = _shown(owner)
            unused = [k for k in bare if str(k) not in shown]
            if unused:
                fonts = res.Font = Dictionary({k: fonts[k] for k in fonts.keys()})  # this page's own
                for key in unused:
                    fonts[key] = stamp
    xobjects = res.get("/XObject")
    if isinstance(xobjects, Dictionary) and depth < _DEPTH:
        for key in xobjects.keys():
            xo = xobjects[key]
            if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == Name.Form:
                _replace_unused(xo, xo, stamp, depth + 1)


def _unique_subsets(pdf: pikepdf.Pdf) -> None:
    """Each distinct font subset gets its own tag (reportlab names every one AAAAAA+...): the tag
    is derived from the subset's font program, so the same subset keeps the same name."""
    taken: dict[str, bytes] = {}
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        m = _SUBSET.match(str(obj.get("/BaseFont", "")))
        if not m:
            continue
        target = obj
        if obj.get("/Subtype") == Name.Type0 and isinstance(obj.get("/DescendantFonts"), Array):
            target = obj.DescendantFonts[0]
        desc = target.get("/FontDescriptor")
        program = next((desc[k] for k in _FILES if isinstance(desc, Dictionary) and k in desc), None)
        digest = hashlib.sha256(program.read_raw_bytes() if program is not None else repr(obj.objgen).encode()).digest()
        tag, n = _tag(digest, 0), 0
        while tag in taken and taken[tag] != digest:
            n += 1
            tag = _tag(digest, n)
        taken[tag] = digest
        name = Name(f"/{tag}+{m.group(2)}")
        obj.BaseFont = name
        if target is not obj:
            target.BaseFont = name
        if isinstance(desc, Dictionary):
            desc.FontName = name


def _tag(digest: bytes, n: int) -> str:
    value = int.from_bytes(hashlib.sha256(digest + bytes([n])).digest()[:8], "big")
    letters = []
    for _ in range(6):
        value, r = divmod(value, 26)
        letters.append(chr(65 + r))
    return "".join(letters)


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile made by LittleCMS (through Pillow), with a fixed creation date."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = ICC_DATE
    return bytes(data)


def _output_intent(pdf: pikepdf.Pdf) -> None:
    profile = pdf.make_stream(srgb_profile())
    profile.N = 3
    intent = Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
                        Info=String("sRGB IEC61966-2.1"), RegistryName=String("http://www.color.org"),
                        DestOutputProfile=profile)
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])


def _xmp(pdf: pikepdf.Pdf) -> None:
    """XMP metadata saying what the info dictionary says, and that this is PDF/A-2b."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(pdf.docinfo, delete_missing=False, raise_failure=False)
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
