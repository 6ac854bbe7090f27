"""Make an assembled packet meet its filing profile: links, bookmarks, opening zoom, COPY marks."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import profiles
from .model import Manifest
from .stamp import display_matrix, mark_font, resource, visible_box

COPY = "COPY"
COPY_FONT = "Helvetica-Bold"  # a standard font, as the draft mark uses
COPY_EMBEDDED = "PKSerif-Bold"  # where every font must be embedded (PDF/A), as the draft mark does
COPY_SIZE = 20.0
COPY_TOP = 30.0  # points from the page's top edge to the mark's baseline, in the top margin


def applies(m: Manifest) -> bool:
    return profiles.active(m) is not None


def conform(pdf: pikepdf.Pdf, m: Manifest) -> None:
    """Change *pdf* in place, keeping its pages and their order, as the case's profile asks."""
    s = profiles.active(m)
    if s is None:
        return
    if s.links is False:
        strip_links(pdf)
    if s.bookmarks is False and "/Outlines" in pdf.Root:
        del pdf.Root["/Outlines"]
        pdf.Root.PageMode = Name.UseNone
    if s.zoom:
        open_at_zoom(pdf, s.zoom)
    if s.copy_marks:
        mark_copy(pdf, embedded=m.output.pdfa)


def strip_links(pdf: pikepdf.Pdf) -> int:
    """Remove every link annotation (the inputs' and parolekit's own); how many were removed."""
    removed = 0
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        keep = Array([a for a in annots if not (isinstance(a, Dictionary) and a.get("/Subtype") == Name.Link)])
        removed += len(annots) - len(keep)
        page.obj.Annots = keep
    return removed


def open_at_zoom(pdf: pikepdf.Pdf, percent: int) -> None:
    """Open on the first page at *percent* zoom (UK e-bundles: 100%), left and top as they are."""
    if len(pdf.pages) == 0:
        return
    pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.XYZ, None, None, percent / 100])


def mark_copy(pdf: pikepdf.Pdf, embedded: bool = False) -> None:
    """"COPY" centred in the top margin of every page, as a pagination artifact (USCIS: each page
    of a copy filed where a copy is required); *embedded*: in an embedded font, for PDF/A."""
    font, face, codes = mark_font(pdf, embedded, COPY_EMBEDDED, COPY_FONT, COPY)
    for page in pdf.pages:
        obj = page.obj
        name = resource(obj, "/Font", "/PKCopy", font)
        box = visible_box(obj.get("/MediaBox"), obj.get("/CropBox"))
        matrix, w, h = display_matrix(box, int(obj.get("/Rotate", 0) or 0) % 360)
        x = (w - stringWidth(COPY, face, COPY_SIZE)) / 2
        cm = " ".join(f"{v:.3f}" for v in matrix)
        text = codes.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        page.contents_add(pikepdf.Stream(pdf, (
            f"\n/Artifact <</Type /Pagination>> BDC q {cm} cm 0 g BT /{name} {COPY_SIZE:g} Tf "
            f"{x:.2f} {h - COPY_TOP:.2f} Td (").encode("latin-1") + text + b") Tj ET Q EMC\n"), prepend=False)
