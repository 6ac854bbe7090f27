"""E-mails as exhibits: a page of headers and body, then its PDF and image attachments' pages.

The e-mail file is the evidence (its hash in the receipt); the exhibit's pages are made from
it here. Other attachments are listed on the e-mail page and named in a warning.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pikepdf

from ..images import ImageProblem, image_pages
from ..manifest import Case
from ..render.fonts import describe, unprintable
from ..render.message import Carried, message_page
from . import pdf as pdf_input
from .converter import FileType, Opening, Tool
from .files import open_input
from .message import Attachment, Message, read_eml
from .sniff import sniff
from .source import Source

# An .eml is text: its header lines are ASCII, but an 8-bit body may start within the first bytes.
TYPES = (FileType("eml", (".eml",), ("text", "unknown"), "an e-mail (.eml)"),)
TOOL: Tool | None = None
_IMAGES = {"jpeg": "JPEG image", "png": "PNG image", "gif": "GIF image", "tiff": "TIFF image",
           "heic": "HEIC photo", "bmp": "BMP image", "webp": "WebP image"}


def tool_found() -> bool:
    return True


def check_pages(case: Case, src: Source) -> bool:
    """An attached PDF's pages are decoded as an input PDF's are (a bomb stays a bomb in an e-mail)."""
    return pdf_input.check_pages(case, src)


def check_selected(case: Case, src: Source) -> bool:
    return True


def open_source(case: Case, src: Source, opening: Opening) -> bool:
    """Read the .eml and make its pages; False (with a located problem) when it cannot be read."""
    try:
        with open_input(src.path) as fh:
            message = read_eml(fh.read())
    except (OSError, ValueError, LookupError) as e:
        case.add(src.ref, "file-corrupt", f"'{src.relative}' cannot be read as an e-mail ({e}); "
                 "save it again from the mail program, or print it to PDF")
        return False
    return message_exhibit(case, src, message, opening)


def message_exhibit(case: Case, src: Source, message: Message, opening: Opening) -> bool:
    """The e-mail page and its attachments' pages as src.pdf, each attachment bookmarked."""
    shown: list[tuple[str, pikepdf.Pdf]] = []
    carried: list[Carried] = []
    left_out: list[str] = []
    for att in message.attachments:
        pdf, what, why = _attachment_pages(att, opening.max_dpi)
        if pdf is None:
            carried.append(Carried(att.name, what, f"not shown: {why}"))
            left_out.append(f"'{att.name}' ({what})")
        else:
            shown.append((att.name, pdf))
            pages = len(pdf.pages)
            carried.append(Carried(att.name, what, f"shown after this e-mail ({pages} page{'s' * (pages > 1)})"))
    bad = unprintable(message.body + " ".join(value for _name, value in message.headers))
    if bad:
        case.add(src.ref, "email-unprintable", f"'{src.relative}' has characters the packet font "
                 f"cannot print ({describe(bad)}); they would print as blanks. If they matter, print "
                 "the e-mail to PDF from the mail program and name the PDF")
    page = message_page(message.headers, message.body, carried, opening.paper)
    src.pdf = _combined(page.data, message.subject, shown)
    src.page_count = len(src.pdf.pages)
    src.converted = {"from": src.kind, "by": "parolekit",
                     "attachments_shown": [name for name, _pdf in shown],
                     "attachments_not_shown": [c.name for c in carried if c.shown.startswith("not shown")]}
    if left_out:
        case.add(src.ref, "email-attachment-not-shown", f"'{src.relative}' carries attachments that "
                 f"are not PDFs or images: {', '.join(left_out)}; they are listed on the e-mail page. "
                 "Add any that are evidence as exhibits of their own")
    return True


def _attachment_pages(att: Attachment, max_dpi: int) -> tuple[pikepdf.Pdf | None, str, str]:
    """(its pages or None, what it is, why it is not shown)."""
    kind = sniff(att.data[:1024])
    if kind == "pdf":
        try:
            pdf = pikepdf.open(io.BytesIO(att.data))
            return pdf, f"PDF, {len(pdf.pages)} page{'s' * (len(pdf.pages) > 1)}", ""
        except pikepdf.PasswordError:
            return None, "PDF", "it is encrypted; save it and add it as an exhibit with `password_env:`"
        except (pikepdf.PdfError, RuntimeError, ValueError) as e:
            return None, "PDF", f"it is damaged ({str(e)[-80:]}); save it and check it opens"
    if kind in _IMAGES:
        with tempfile.TemporaryDirectory(prefix="parolekit-mail-") as folder:
            path = Path(folder) / f"attachment.{kind}"
            path.write_bytes(att.data)
            pdf = pikepdf.new()
            try:
                image_pages(path, pdf, max_dpi)
            except ImageProblem as e:
                return None, _IMAGES[kind], str(e)
            # Self-contained: the temporary file goes away with the folder.
            return _reopened(pdf), _IMAGES[kind], ""
    what = Path(att.name).suffix.lstrip(".").upper() + " file" if Path(att.name).suffix else "file"
    return None, what, "not a PDF or image; add it as an exhibit of its own if it is evidence"


def _combined(page: bytes, subject: str, shown: list[tuple[str, pikepdf.Pdf]]) -> pikepdf.Pdf:
    """The e-mail page, then each attachment's pages, with a bookmark for each."""
    out = pikepdf.open(io.BytesIO(page))
    marks = [(f"E-mail: {subject}" if subject else "E-mail", 0)]
    for name, pdf in shown:
        marks.append((f"Attachment: {name}", len(out.pages)))
        out.pages.extend(pdf.pages)
    with out.open_outline() as outline:
        for title, index in marks:
            outline.root.append(pikepdf.OutlineItem(title[:200], index))
    return _reopened(out)


def _reopened(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    """*pdf* saved to memory and opened again: pages copied from elsewhere no longer need their
    source open, so nothing leaks a file handle or a temporary file."""
    buf = io.BytesIO()
    pdf.save(buf)
    return pikepdf.open(io.BytesIO(buf.getvalue()))
