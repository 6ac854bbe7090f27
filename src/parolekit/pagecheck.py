"""Pages of a repaired PDF that lost what they draw: content, fonts or images cut off with the file."""

from __future__ import annotations

import re
import zlib

import pikepdf

# How qpdf says, while repairing, that it kept an object but dropped its stream data.
_EMPTIED = re.compile(r"\(object (\d+) (\d+), offset \d+\): unable to recover stream data")
_READ_ERRORS = (pikepdf.PdfError, RuntimeError, ValueError, OverflowError, TypeError, zlib.error)
_MAX_DEPTH = 8  # Form XObjects inside Form XObjects: real files nest two or three deep


def lost_pages(pdf: pikepdf.Pdf, indices: list[int], warnings: list[str]) -> tuple[list[int], str]:
    """The pages among *indices* (0-based) whose content, fonts or images the repair lost, and
    what the first of them lost ("font F1 missing").

    Only meaningful for a file qpdf repaired: there an object it could not find reads as null,
    so a key that names an object (`/Contents 25 0 R`) but holds null is something the file had
    and lost, and so is a font or image the content uses that its resources no longer hold. A
    page without /Contents is blank on purpose and is not a loss. Only what the page uses is
    checked (the fonts its text is set in, the images and forms it draws): a shared resource
    dictionary often lists fonts a page never uses. Call it only for a repaired file: in a
    healthy one a dangling reference is legal, and the check would cost time for nothing.
    """
    emptied = {(int(m[1]), int(m[2])) for w in warnings for m in _EMPTIED.finditer(w)}
    pages = list(pdf.pages)  # once: pikepdf's pages[i] walks the page tree on every call
    lost: list[int] = []
    first = ""
    for i in indices:
        what = _page_loss(pages[i].obj, emptied)
        if what:
            lost.append(i)
            first = first or f"page {i + 1}: {what}"
    return lost, first


def _page_loss(page: pikepdf.Dictionary, emptied: set) -> str:
    entries = dict(page.items())  # keeps keys whose value is null; .keys() and `in` drop them
    if "/Contents" not in entries:
        return ""  # drawn nothing, never had content: a blank page
    contents = entries["/Contents"]
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    if not streams:
        return ""
    for stream in streams:
        if not isinstance(stream, pikepdf.Stream):
            return "content missing"
        if stream.objgen in emptied:
            return "content missing"
        try:
            stream.read_bytes()
        except _READ_ERRORS:
            return "content unreadable"
    return _drawing_loss(page, _resources(page), emptied, set(), 0)


def _resources(page: pikepdf.Dictionary):
    """The page's /Resources, inherited from the page tree when the page has none of its own;
    None when the entry is there but its object was lost."""
    node, seen = page, set()
    while isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
        seen.add(node.objgen)
        entries = dict(node.items())
        if "/Resources" in entries:
            return entries["/Resources"]
        node = entries.get("/Parent")
    return pikepdf.Dictionary()


def _drawing_loss(owner, resources, emptied: set, seen: set, depth: int) -> str:
    """What *owner* (a page or Form XObject) draws with that is gone: the font of its text, an
    image, or a form's own content."""
    try:
        ops = pikepdf.parse_content_stream(owner, "Tf Do")
    except _READ_ERRORS:
        return "content unreadable"
    fonts = _names(ops, "Tf")
    shown = _names(ops, "Do")
    if not fonts and not shown:
        return ""
    if not isinstance(resources, pikepdf.Dictionary):
        return "fonts and images missing"
    # A name the content uses that the resources do not hold counts as lost too: qpdf replaces
    # a page's lost /Resources with an empty dictionary ("Resources is missing or invalid;
    # repairing"), and the text set in a font that is not there does not print.
    for name in sorted(fonts):
        font = _resource(resources, "/Font", name)
        if not isinstance(font, pikepdf.Dictionary) or _font_parts_lost(font, emptied):
            return f"font {name[1:]} missing"
    for name in sorted(shown):
        xobject = _resource(resources, "/XObject", name)
        if not isinstance(xobject, pikepdf.Stream) or xobject.objgen in emptied:
            return "image or drawing missing"
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            if not _image_readable(xobject):
                return "image unreadable"
        elif subtype == pikepdf.Name.Form and xobject.objgen not in seen and depth < _MAX_DEPTH:
            seen.add(xobject.objgen)
            try:
                xobject.read_bytes()
            except _READ_ERRORS:
                return "drawing unreadable"
            own = dict(xobject.stream_dict.items())
            inner = own["/Resources"] if "/Resources" in own else resources
            what = _drawing_loss(xobject, inner, emptied, seen, depth + 1)
            if what:
                return what
    return ""


def _names(ops, operator: str) -> set[str]:
    """The resource names (first operand) given to *operator* in parsed content *ops*."""
    wanted = pikepdf.Operator(operator)
    return {str(op.operands[0]) for op in ops
            if op.operator == wanted and op.operands and isinstance(op.operands[0], pikepdf.Name)}


def _resource(resources: pikepdf.Dictionary, kind: str, name: str):
    """resources[kind][name], or None when it is not there (never named, or its object lost)."""
    group = dict(resources.items()).get(kind)
    if not isinstance(group, pikepdf.Dictionary):
        return None
    return dict(group.items()).get(name)


def _font_parts_lost(font: pikepdf.Dictionary, emptied: set) -> bool:
    """Whether a part the font names is gone: its widths, encoding, descriptor, embedded font
    program or a composite font's descendant. The text would print misspaced, in a substitute
    font, or as boxes."""
    entries = dict(font.items())
    # Not even for the 14 fonts every viewer has: poppler sets Helvetica whose descriptor was
    # lost without its spaces, and one whose /Widths were lost misspaced.
    if any(entries.get(key, True) is None for key in ("/Widths", "/Encoding")):
        return True
    if "/DescendantFonts" in entries:
        kids = entries["/DescendantFonts"]
        if not isinstance(kids, pikepdf.Array) or not kids or not isinstance(kids[0], pikepdf.Dictionary):
            return True
        entries = dict(kids[0].items())
    if "/FontDescriptor" not in entries:
        return False
    descriptor = entries["/FontDescriptor"]
    if not isinstance(descriptor, pikepdf.Dictionary):
        return True
    for key, value in descriptor.items():
        if key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if not isinstance(value, pikepdf.Stream) or value.objgen in emptied:
                return True
    return False


# Decoding is checked in pieces and thrown away: an image can expand to hundreds of megabytes.
_IMAGE_BUDGET = 1 << 30


def _image_readable(image: pikepdf.Stream) -> bool:
    """Whether the image's data is there and, where qpdf can decode it, decodes (Flate checked
    chunk by chunk). JPEG, fax, JBIG2 and JPEG 2000 data are not decoded by qpdf (read_bytes
    refuses them), so for those only that the data is there is checked."""
    try:
        raw = image.read_raw_bytes()
    except _READ_ERRORS:
        return False
    if not raw:
        return False
    filters = image.get("/Filter")
    chain = list(filters) if isinstance(filters, pikepdf.Array) else [filters] if filters else []
    if any(f in _UNDECODED for f in chain):
        return True
    if chain == [pikepdf.Name.FlateDecode]:
        return _inflates(raw)
    try:
        image.read_bytes()
    except _READ_ERRORS:
        return False
    return True


_UNDECODED = {pikepdf.Name.DCTDecode, pikepdf.Name.CCITTFaxDecode, pikepdf.Name.JBIG2Decode,
              pikepdf.Name.JPXDecode, pikepdf.Name("/DCT"), pikepdf.Name("/CCF")}


def _inflates(raw: bytes) -> bool:
    """Whether zlib data decodes to something. Data that stops before zlib's end marker still
    shows what it has: only bytes that are not zlib count as unreadable."""
    inflate = zlib.decompressobj()
    size = 0
    try:
        while raw and size <= _IMAGE_BUDGET:
            size += len(inflate.decompress(raw, 1 << 20))
            raw = inflate.unconsumed_tail
            if inflate.eof:
                break
    except zlib.error:
        return False
    return size > 0


# qpdf's word, while reading a repaired page tree, for a page whose own object was lost: it
# leaves the page out, and the document comes back shorter than it was.
_DROPPED = re.compile(r"Pages tree includes non-dictionary object")


def dropped_pages(warnings: list[str]) -> int:
    """How many pages the repaired page tree named but qpdf left out because they were lost."""
    return sum(1 for w in warnings if _DROPPED.search(w))
