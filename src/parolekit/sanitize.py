"""Strip active content from an exhibit before its pages are copied; keep links that still land."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

# Annotations that carry files, media or scripts do not belong in a filing.
_DROP_ANNOTS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D", "/Widget"}
_SAFE_ACTIONS = {"/URI", "/GoTo"}
# Web and mail links only: javascript:, file: and \\server\share links run code or leak
# the reader's Windows credentials when clicked.
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def flatten_forms(pdf: pikepdf.Pdf) -> bool:
    """Burn form-field values into page content so they print as shown; True when there were any."""
    acro = pdf.Root.get("/AcroForm")
    if acro is None:
        return False
    try:
        if "/XFA" in acro:
            del acro["/XFA"]  # the AcroForm fields carry the same values for printing
        if _filled_without_appearance(pdf):
            # Some fillers store the value but no picture of it; qpdf draws one only when asked.
            acro.NeedAppearances = True
        pdf.generate_appearance_streams()
    except Exception:  # a damaged form still flattens what appearances it has
        pass
    try:
        pdf.flatten_annotations("all")
    except Exception:
        pass
    return True


def _filled_without_appearance(pdf: pikepdf.Pdf) -> bool:
    """True when a widget has a value (its own or its field's) but no appearance stream."""
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        for annot in annots:
            if not isinstance(annot, Dictionary) or annot.get("/Subtype") != Name.Widget:
                continue
            if "/AP" in annot:
                continue
            field, depth = annot, 0
            while isinstance(field, Dictionary) and depth < 32:
                value = field.get("/V")
                if value is not None and str(value) not in ("", "/Off"):
                    return True
                field, depth = field.get("/Parent"), depth + 1
    return False


def named_dests(pdf: pikepdf.Pdf):
    """A lookup from destination name to explicit destination array."""
    cache: dict[str, object] = {}
    names = None
    try:
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            names = pikepdf.NameTree(pdf.Root.Names.Dests)
    except Exception:
        names = None
    old = pdf.Root.get("/Dests")

    def lookup(key) -> object | None:
        k = str(key)
        if k in cache:
            return cache[k]
        found = None
        try:
            if names is not None and k in names:
                found = names[k]
            elif old is not None and Name(k if k.startswith("/") else "/" + k) in old:
                found = old[Name(k if k.startswith("/") else "/" + k)]
        except Exception:
            found = None
        if isinstance(found, Dictionary) and "/D" in found:
            found = found.D
        cache[k] = found
        return found

    return lookup


def clean_pages(pdf: pikepdf.Pdf, pages: list[pikepdf.Page], kept: set[tuple[int, int]]) -> None:
    """Remove scripts, attachments and dead links from *pages* (in memory; the file is untouched).

    *kept* holds the object ids of the pages that will be in the packet; internal links to any
    other page are dropped, named destinations become explicit ones.
    """
    lookup = named_dests(pdf)
    for page in pages:
        obj = page.obj
        for key in ("/AA", "/B", "/PresSteps"):
            if key in obj:
                del obj[key]
        annots = obj.get("/Annots")
        if not isinstance(annots, Array):
            if annots is not None:
                del obj["/Annots"]
            continue
        keep = Array()
        for annot in annots:
            if not isinstance(annot, Dictionary):
                continue
            if _clean_annot(annot, lookup, kept):
                if "/P" in annot:
                    annot.P = obj
                keep.append(annot)
        obj.Annots = keep


def _clean_annot(annot: Dictionary, lookup, kept: set[tuple[int, int]]) -> bool:
    subtype = str(annot.get("/Subtype", ""))
    if subtype in _DROP_ANNOTS:
        return False
    if "/AA" in annot:
        del annot["/AA"]
    if "/Popup" in annot and not isinstance(annot.get("/Popup"), Dictionary):
        del annot["/Popup"]
    action = annot.get("/A")
    if action is not None:
        kind = str(action.get("/S", "")) if isinstance(action, Dictionary) else ""
        if kind not in _SAFE_ACTIONS or (kind == "/URI" and not _safe_uri(action.get("/URI"))):
            del annot["/A"]
            return subtype != "/Link"
        if "/Next" in action:
            del action["/Next"]
        if kind == "/GoTo":
            dest = _resolve(action.get("/D"), lookup)
            if dest is None or not _lands(dest, kept):
                return False
            del annot["/A"]
            annot.Dest = dest
            return True
        return True
    if "/Dest" in annot:
        dest = _resolve(annot.Dest, lookup)
        if dest is None or not _lands(dest, kept):
            return False
        annot.Dest = dest
    return True


def _safe_uri(uri) -> bool:
    try:
        text = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else str(uri or "")
    except Exception:
        return False
    return text.strip().lower().startswith(_SAFE_SCHEMES)


def _resolve(dest, lookup):
    if isinstance(dest, (pikepdf.String, Name)):
        dest = lookup(dest)
    return dest if isinstance(dest, Array) and len(dest) >= 1 else None


def _lands(dest: Array, kept: set[tuple[int, int]]) -> bool:
    target = dest[0]
    return isinstance(target, Dictionary) and target.is_indirect and target.objgen in kept
