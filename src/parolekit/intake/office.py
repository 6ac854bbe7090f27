"""Office files and saved web pages as exhibits: LibreOffice turns them into the PDF pages shown.

The evidence is the file the client gave: its hash is the input's, and the receipt says the
pages were converted from it (`Source.converted`).
"""

from __future__ import annotations

import pikepdf

from ..manifest import Case
from . import libreoffice
from .converter import FileType, Opening
from .source import Source

TYPES = (
    FileType("docx", (".docx",), ("zip",), "a Word document"),
    FileType("doc", (".doc",), ("office",), "a Word 97-2003 document"),
    FileType("odt", (".odt",), ("zip",), "an OpenDocument text"),
    FileType("rtf", (".rtf",), ("rtf",), "a Rich Text document"),
    FileType("xlsx", (".xlsx",), ("zip",), "an Excel workbook"),
    # A saved page may open with a comment or an XML declaration: sniff() calls that text.
    FileType("html", (".html", ".htm"), ("html", "text"), "a web page (HTML)"),
)
TOOL = libreoffice.TOOL
# Writer/Web's own PDF export drops headings; imported as a Writer document they print.
_FILTERS = {"html": ("HTML (StarWriter)", "pdf:writer_pdf_Export")}


def tool_found() -> bool:
    return libreoffice.tool_found()


def open_source(case: Case, src: Source, opening: Opening) -> bool:
    """Convert (or take from the cache) and open the PDF; False with a located problem if not."""
    try:
        made = libreoffice.convert(src.path, src.sha256, opening.cache, filters=_FILTERS.get(src.kind, ()))
    except libreoffice.ConversionFailed as e:
        case.add(src.ref, "file-not-converted", f"'{src.relative}': {e}; open it, export or print it "
                 "to PDF, and name the PDF here")
        return False
    try:
        pdf = pikepdf.open(made)
        count = len(pdf.pages)
    except (pikepdf.PdfError, OSError, RuntimeError, ValueError) as e:
        case.add(src.ref, "file-not-converted", f"'{src.relative}': LibreOffice made a PDF that cannot "
                 f"be read ({str(e)[:160]}); delete '{made}', or export the file to PDF yourself")
        return False
    src.pdf = pdf
    src.page_count = count
    # Not the converted PDF's hash: LibreOffice stamps each conversion with its time, and a receipt
    # must come out the same from the same inputs (the packet's own hash is in the receipt).
    src.converted = {"from": src.kind, "by": TOOL.name}
    return True


def check_pages(case: Case, src: Source) -> bool:
    return True  # LibreOffice's own output: nothing damaged to find


def check_selected(case: Case, src: Source) -> bool:
    return True

