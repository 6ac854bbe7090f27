"""Input converters by file type: a new input type is one module, added to CONVERTERS.

Like yamllint's rules/__init__.py: each module says what it takes (`TYPES`) and how to open it
(the `converter.Converter` interface); this list is the only place that names them.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..manifest import Case
from . import image, mail, office, outlook, pdf
from .converter import FileType
from .source import Source

CONVERTERS: tuple[ModuleType, ...] = (pdf, image, office, mail, outlook)

_BY_EXTENSION: dict[str, tuple[ModuleType, FileType]] = {
    ext: (module, ftype) for module in CONVERTERS for ftype in module.TYPES for ext in ftype.extensions}

_KIND_WORDS = {"empty": "empty (0 bytes)", "text": "plain text, not a PDF or image",
               "unknown": "not a PDF or an image",
               **{ftype.kind: ftype.words for _m, ftype in _BY_EXTENSION.values() if ftype.sniffed == (ftype.kind,)}}
# Files that are documents, just not ones parolekit can paginate: say what they are and the fix.
_OTHER_DOCUMENTS = {
    "html": "a web page (HTML), probably a sign-in or error page saved instead of the document; "
            "download the document again and check it opens",
    "zip": "a ZIP archive or an Office document (.docx, .xlsx, .odt); if it is a document, give it "
           "its own extension (parolekit converts .docx, .xlsx and .odt), or export or print it to PDF",
    "office": "a Microsoft Office document (.doc, .xls) or an Outlook message; if it is a Word document "
              "or a message, name it .doc or .msg (parolekit converts both), or export or print it to PDF",
    "rtf": "a Rich Text (RTF) document; name it .rtf (parolekit converts it), or export or print it to PDF",
}


# The extensions beyond PDF and images, named in the unsupported-extension message.
_OTHERS = [ext for ext, (module, _t) in _BY_EXTENSION.items() if module not in (pdf, image)]


def converter_for(path: Path) -> tuple[ModuleType, FileType] | None:
    """The converter and file type that an input's extension names, or None."""
    return _BY_EXTENSION.get(path.suffix.lower())


def accepts(path: Path, sniffed: str) -> bool:
    """Whether a file of this name whose first bytes say *sniffed* is an input parolekit opens."""
    found = converter_for(path)
    return found is not None and sniffed in found[1].sniffed


def check_kind(case: Case, src: Source) -> bool:
    """The name and the first bytes agree on a type parolekit opens; src.kind becomes its kind."""
    actual = src.kind
    if actual == "empty":
        case.add(src.ref, "file-empty", f"'{src.relative}' is empty (0 bytes); replace it with "
                 "the real document")
        return False
    found = converter_for(src.path)
    if found is not None and actual in found[1].sniffed:
        src.kind = found[1].kind
        return True
    if actual == "office" and found is not None and found[1].sniffed == ("zip",):
        # Word and Excel save a password-protected .docx/.xlsx in the older container.
        case.add(src.ref, "file-wrong-type", f"'{src.relative}' is a password-protected Office document "
                 "(or an older .doc/.xls renamed); remove the password in Word or Excel and save again, "
                 "or export it to PDF")
    elif actual in _OTHER_DOCUMENTS:
        ext = src.path.suffix.lower() or "extension-less"
        case.add(src.ref, "file-wrong-type", f"this {ext} file ('{src.relative}') is "
                 f"{_OTHER_DOCUMENTS[actual]}")
    elif actual in ("text", "unknown"):
        case.add(src.ref, "file-wrong-type", f"'{src.relative}' is {_KIND_WORDS[actual]}; "
                 "give a PDF or an image (JPEG, PNG, TIFF, HEIC)")
    elif found is None:
        case.add(src.ref, "file-wrong-type", f"'{src.relative}' has an unsupported extension; "
                 f"give a .pdf, .jpg, .png, .tif or .heic file (or one of {', '.join(_OTHERS)})")
    else:
        ext = src.path.suffix.lower()
        case.add(src.ref, "file-wrong-type", f"this {ext} file is {_KIND_WORDS[actual]}; rename "
                 f"'{src.relative}' to match what it is, or export the right file")
    return False
