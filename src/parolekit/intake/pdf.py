"""PDF inputs: opened with qpdf (a password from the environment), their selected pages decoded."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pikepdf

from ..manifest import Case
from ..pagecheck import dropped_pages, lost_pages
from ..selection import describe
from .converter import FileType, Opening, Tool
from .source import Source

TYPES = (FileType("pdf", (".pdf",), ("pdf",), "a PDF"),)
TOOL: Tool | None = None  # nothing to install: pikepdf and Pillow are dependencies


def open_source(case: Case, src: Source, opening: Opening) -> bool:
    """Open *src* as the PDF it is; False (with a located problem) when it cannot be used."""
    return _open_pdf(case, src, opening.password_env)


def check_pages(case: Case, src: Source) -> bool:
    """Every selected page's content decodes."""
    return _check_pages(case, src)


def check_selected(case: Case, src: Source) -> bool:
    """After the selection across `files:`: a repaired file may lose only pages left out."""
    return not src.warnings or _check_truncated(case, src)


def tool_found() -> bool:
    return True


def _open_pdf(case: Case, src: Source, password_env: str | None) -> bool:
    # An unset variable matters only if the file really needs a password: it is tried without.
    password = os.environ.get(password_env, "") if password_env else ""
    try:
        pdf = pikepdf.open(src.path, password=password)
        count = len(pdf.pages)
    except pikepdf.PasswordError:
        if password_env and not password:
            case.add(src.ref, "file-password-missing", f"'{src.relative}' needs the password in "
                     f"${password_env}, which is not set; export {password_env}=... and build again")
        elif password_env:
            case.add(src.ref, "file-password-wrong", f"'{src.relative}': the password in "
                     f"${password_env} does not open it; check the password")
        else:
            case.add(src.ref, "file-encrypted", f"'{src.relative}' is encrypted with a password; "
                     "set `password_env: NAME` on this exhibit and export NAME=<password>")
        return False
    except OSError as e:
        case.add(src.ref, "file-unreadable", f"'{src.relative}' cannot be opened ({e.strerror}); "
                 "check its permissions, or build fewer cases at once")
        return False
    except (pikepdf.PdfError, RuntimeError, ValueError, OverflowError) as e:
        case.add(src.ref, "file-corrupt", f"'{src.relative}' is damaged and cannot be repaired "
                 f"({_short(e)}); download or export it again (if this is the only copy, open it in a "
                 "PDF reader and print it to a new PDF)")
        return False
    src.pdf = pdf
    src.page_count = count
    src.warnings = [_unpath(str(w), src.path) for w in pdf.get_warnings()]
    if src.warnings:
        case.add(src.ref, "file-repaired", f"'{src.relative}' is damaged and was repaired on reading "
                 f"({_short_text(_first_detail(src.warnings))}); check its pages in the packet, "
                 "or get a fresh copy")
    return True


def _check_pages(case: Case, src: Source) -> bool:
    """Decode the content of every selected page: a page that cannot be read would print blank."""
    assert src.pdf is not None
    pages = list(src.pdf.pages)  # once: pikepdf's pages[i] walks the page tree on every call
    bad: list[int] = []
    reason = ""
    for i in src.pages:
        try:
            contents = pages[i].obj.get("/Contents")
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            size = 0
            for stream in streams:
                if isinstance(stream, pikepdf.Stream):
                    size += _decoded_size(stream, MAX_PAGE_CONTENT - size)
        except _TooLarge:
            case.add(src.ref, "content-too-large", f"'{src.relative}': page {i + 1}'s drawing "
                     f"instructions expand to more than {MAX_PAGE_CONTENT // 1_000_000} MB (a "
                     "decompression bomb, or a page no viewer can show); print it to a new PDF or "
                     "leave the page out with `pages:`")
            return False
        except (pikepdf.PdfError, RuntimeError, ValueError, OverflowError, zlib.error) as e:
            bad.append(i + 1)
            reason = reason or _short_text(_unpath(str(e), src.path))
    if not bad:
        return True
    which = describe([b - 1 for b in bad], -1)
    case.add(src.ref, "file-corrupt", f"'{src.relative}' is damaged: page{'s' if len(bad) > 1 else ''} "
             f"{which} cannot be read ({reason}) and would print blank or garbled; download or "
             "export it again, or leave those pages out with `pages:`")
    return False


def _check_truncated(case: Case, src: Source) -> bool:
    """A repaired file whose selected pages lost what they draw (or whose page tree lost pages)
    is refused: cut off mid-download, it would print those pages blank or without their text."""
    assert src.pdf is not None
    dropped = dropped_pages(src.warnings)
    lost, what = lost_pages(src.pdf, src.pages, src.warnings)
    if not dropped and not lost:
        return True
    said = []
    if lost:
        which = describe(sorted(lost), -1).replace(",", ", ")
        many = len(lost) > 1
        said.append(f"page{'s' if many else ''} {which} lost what {'they draw' if many else 'it draws'} "
                    f"({what}) and would print blank or incomplete")
    if dropped:
        said.append(f"{dropped} of its pages {'are' if dropped > 1 else 'is'} gone altogether")
    case.add(src.ref, "file-truncated", f"'{src.relative}' is incomplete (cut off by an interrupted "
             f"download or copy, or damaged): {'; '.join(said)}; download or copy it again"
             + ("; or leave those pages out with `pages:`" if not dropped else ""))
    return False


# A page's content streams, decoded; real pages are kilobytes, dense vector maps a few MB.
MAX_PAGE_CONTENT = 100_000_000


class _TooLarge(Exception):
    pass


def _decoded_size(stream: pikepdf.Stream, budget: int) -> int:
    """Decode *stream* in bounded pieces (never whole in memory) and return its length.

    Plain Flate, by far the usual content filter, is inflated here chunk by chunk: 1.5 MB of
    zlib can expand to gigabytes. Other filters expand little and are left to qpdf.
    """
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    if filters != pikepdf.Name.FlateDecode or "/DecodeParms" in stream:
        size = len(stream.read_bytes())
        if size > budget:
            raise _TooLarge
        return size
    data = stream.read_raw_bytes()
    inflate = zlib.decompressobj()
    size = 0
    while data:
        size += len(inflate.decompress(data, 1 << 20))
        if size > budget:
            raise _TooLarge
        data = inflate.unconsumed_tail
        if inflate.eof:
            break
    return size


def _short(e: Exception) -> str:
    text = str(e).split(": ", 1)[-1] if ": " in str(e) else str(e)
    return text[:160]


def _unpath(text: str, path: Path) -> str:
    """qpdf's message without the absolute path it starts with (the manifest names the file)."""
    return text.replace(str(path), path.name)


def _first_detail(warnings: list[str]) -> str:
    for w in warnings:
        if not w.endswith("file is damaged"):
            return w
    return warnings[0]


def _short_text(text: str) -> str:
    # qpdf says "file.pdf (object 3 0, offset 79): stream inflate: ...": keep the plain part.
    if "): " in text:
        return text.rsplit("): ", 1)[-1][:160]
    return text.split(": ", 1)[-1][:160]
