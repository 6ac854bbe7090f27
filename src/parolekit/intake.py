"""Inspect every input file: what it really is, whether it opens, its pages and their selection."""

from __future__ import annotations

import hashlib
import os
import stat
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .errors import CaseError
from .images import ImageProblem, image_pages
from .manifest import Case, text_files
from .pagecheck import dropped_pages, lost_pages
from .paths import check_path, check_text_paths
from .selection import SelectionError, describe, parse_selection

IMAGE_KINDS = {"jpeg": "JPEG image", "png": "PNG image", "gif": "GIF image", "tiff": "TIFF image",
               "heic": "HEIC photo", "bmp": "BMP image", "webp": "WebP image"}
_EXT_KIND = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif",
             ".tif": "tiff", ".tiff": "tiff", ".heic": "heic", ".heif": "heic", ".bmp": "bmp",
             ".webp": "webp"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"MiHE", b"MiHB"}


def sniff(head: bytes) -> str:
    """What a file is by its first bytes: pdf, jpeg, png, ..., 'empty', 'text' or 'unknown'."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    # What people save by mistake under a .pdf name: a sign-in page, an Office file, an archive.
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "html"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "office"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    try:
        head[:512].decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


_KIND_WORDS = {"pdf": "a PDF", "empty": "empty (0 bytes)", "text": "plain text, not a PDF or image",
               "unknown": "not a PDF or an image", **{k: f"a {v}" for k, v in IMAGE_KINDS.items()}}
# Files that are documents, just not ones parolekit can paginate: say what they are and the fix.
_OTHER_DOCUMENTS = {
    "html": "a web page (HTML), probably a sign-in or error page saved instead of the document; "
            "download the document again and check it opens",
    "zip": "a ZIP archive or an Office document (.docx, .xlsx, .odt); open it and export or print "
           "it to PDF",
    "office": "a Microsoft Office document (.doc, .xls); open it and export or print it to PDF",
    "rtf": "a Rich Text (RTF) document; open it and export or print it to PDF",
}


@dataclass(frozen=True)
class FileStat:
    """What the file system says about a file: any write, truncation or replacement changes it."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class NotRegular(OSError):
    """The name leads to a pipe, device or socket: reading it would wait forever or never end."""


@dataclass
class Source:
    """One input file as it will be used: its pages, selection and an open PDF of them."""

    ref: tuple  # manifest key path of the file value, e.g. ('exhibits', 2, 'file')
    relative: str
    path: Path
    kind: str = ""
    sha256: str = ""
    size: int = 0
    page_count: int = 0
    pages: list[int] = field(default_factory=list)
    pdf: pikepdf.Pdf | None = None
    warnings: list[str] = field(default_factory=list)
    cleaned: bool = False  # active content removed (in memory) before its pages are copied
    page_sizes: list[float] | None = None  # estimated bytes per selected page, for volumes
    stat: FileStat | None = None  # as it was when hashed; check_unchanged compares against it
    image_dpi: list[float] | None = None  # an image's pages: each frame's own dpi, before resampling
    ocr_pages: list[int] = field(default_factory=list)  # 1-based file pages given a text layer (ocr.py)
    keep: list = field(default_factory=list)  # PDFs its pages borrow objects from (OCR layers), closed with it
    recompressed: dict | None = None  # its scans re-encoded to fit a size cap (compression.py), for the receipt

    @property
    def selection(self) -> str:
        return describe(self.pages, self.page_count)


def file_refs(case: Case) -> list[tuple[tuple, str, str | None, str | None]]:
    """Every input file named by the manifest: (key path, relative path, pages, password_env)."""
    m = case.manifest
    refs: list[tuple[tuple, str, str | None, str | None]] = []
    for i, form in enumerate(m.forms):
        refs.append((("forms", i, "file"), form.file, form.pages, form.password_env))
    for i, decl in enumerate(m.declarations):
        if decl.signed_file:
            refs.append((("declarations", i, "signed_file"), decl.signed_file, None, None))
    for i, ex in enumerate(m.exhibits):
        if ex.files:
            for j, rel in enumerate(ex.files):
                refs.append((("exhibits", i, "files", j), rel, None, ex.password_env))
        elif ex.file:  # (an unavailable document has none)
            refs.append((("exhibits", i, "file"), ex.file, ex.pages, ex.password_env))
        if ex.translation:
            t = ex.translation
            refs.append((("exhibits", i, "translation", "file"), t.file, t.pages, t.password_env))
            if t.signed_certificate:
                refs.append((("exhibits", i, "translation", "signed_certificate"), t.signed_certificate, None, None))
    return refs


def inspect_sources(case: Case, allow: list[Path] | None = None, open_pdfs: bool = True) -> list[Source]:
    """Open and check every input; problems go to case.problems (all of them, not the first)."""
    max_dpi = case.manifest.output.max_dpi
    check_text_paths(case, allow or [])
    sources: list[Source] = []
    seen: dict[str, tuple] = {}
    found = [(ref, relative, pages, password_env, path) for ref, relative, pages, password_env in file_refs(case)
             if (path := check_path(case, ref, relative, allow or [])) is not None]
    if open_pdfs:
        _ensure_file_handles(len(found))
    for (ref, relative, pages, password_env, path), fact in _prefetched(found):
        src = Source(ref, relative, path)
        try:
            src.kind, src.sha256, src.size, src.stat = fact.result()
        except NotRegular:
            case.add(ref, "file-not-a-file", f"'{relative}' is not a regular file (a device, pipe "
                     "or socket); name a saved PDF or image")
            continue
        except _ChangedWhileRead:
            _changed(case, src)
            continue
        except OSError as e:
            case.add(ref, "file-unreadable", f"'{relative}' cannot be read ({e.strerror}); "
                     "check its permissions")
            continue
        if not _check_kind(case, src):
            continue
        if src.sha256 in seen and seen[src.sha256] != ref:
            case.add(ref, "file-duplicate", f"'{relative}' has the same content as "
                     f"{case.keypath(seen[src.sha256])}; remove one of them")
        seen.setdefault(src.sha256, ref)
        if not open_pdfs:
            sources.append(src)
            continue
        if src.kind == "pdf":
            ok = _open_pdf(case, src, password_env)
        else:
            ok = _open_image(case, src, max_dpi)
        if not ok:
            continue
        if src.page_count == 0:
            case.add(ref, "file-no-pages", f"'{relative}' has no pages; re-export or replace it")
            continue
        try:
            src.pages = parse_selection(pages, src.page_count)
        except SelectionError as e:
            sel_ref = ref[:-1] + ("pages",) if ref[-1] == "file" else ref
            case.add(sel_ref, "pages-out-of-range" if "out of range" in str(e) else "pages-invalid",
                     f"{e} ('{relative}')")
            continue
        if src.kind == "pdf" and not _check_pages(case, src):
            continue
        sources.append(src)
    if open_pdfs:
        _select_across_files(case, sources)
        # After the selection across `files:`: leaving the lost pages out makes a file usable.
        sources = [src for src in sources if not src.warnings or _check_truncated(case, src)]
    return sources


@dataclass
class TextInput:
    """A text input (declaration text, letter body or template) as read once for the packet."""

    ref: tuple
    relative: str
    path: Path
    text: str
    sha256: str
    stat: FileStat


def snapshot_texts(case: Case) -> dict[tuple, TextInput]:
    """Read every text input once: the text printed and the hash in the receipt are the same bytes.

    Keyed by manifest key path. Inputs check_case already refused (missing, not UTF-8, a pipe)
    are left out without a second problem; one that changes while it is read is input-changed.
    """
    flagged = {p.path for p in case.problems.items if p.severity == "error"}
    out: dict[tuple, TextInput] = {}
    for ref, relative in text_files(case):
        if case.keypath(ref) in flagged:
            continue
        path = case.resolve(relative)
        try:
            data, facts = _read_whole(path)
            text = data.decode("utf-8")
        except NotRegular:
            case.add(ref, "file-not-a-file", f"'{relative}' is not a regular file (a device, pipe "
                     "or socket); name a saved text file")
        except _ChangedWhileRead:
            _changed(case, Source(ref, relative, path))
        except UnicodeDecodeError:
            case.add(ref, "file-not-utf8", f"'{relative}' is not UTF-8 text; save it as UTF-8")
        except (OSError, ValueError) as e:
            case.add(ref, "file-unreadable", f"'{relative}' cannot be read "
                     f"({getattr(e, 'strerror', None) or e}); check its permissions")
        else:
            # As Path.read_text gives it: universal newlines.
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            out[ref] = TextInput(ref, relative, path, text, hashlib.sha256(data).hexdigest(), facts)
    return out


def _read_whole(path: Path) -> tuple[bytes, FileStat]:
    """The whole of a regular file and its stat; never blocks on a pipe."""
    with _open_input(path) as fh:
        fd = fh.fileno()
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegular(path)
        data = fh.read()
        after = os.fstat(fd)
    facts = FileStat.of(after)
    if facts != FileStat.of(before) or len(data) != facts.size:
        raise _ChangedWhileRead(path)
    return data, facts


def check_unchanged(case: Case, sources: list[Source],
                    texts: dict[tuple, TextInput] | None = None) -> bool:
    """Whether every input is still what was hashed; each one that is not is input-changed.

    Call it after the packet (every volume) is saved to its temporary file and before it is put
    in place: pages are copied from the inputs while saving. A file whose stat is unchanged is
    not read again; one whose stat moved (a touch, a copy of the same bytes) is re-hashed.
    """
    ok = True
    items = [(s.ref, s.relative, s.path, s.stat, s.sha256) for s in sources if s.stat is not None]
    items += [(t.ref, t.relative, t.path, t.stat, t.sha256) for t in (texts or {}).values()]
    for ref, relative, path, facts, digest in items:
        if not _still(case, relative, path, facts, digest):
            _changed(case, Source(ref, relative, path))
            ok = False
    return ok


def ensure_unchanged(case: Case, sources: list[Source],
                     texts: dict[tuple, TextInput] | None = None) -> None:
    """check_unchanged, raising CaseError (exit 1) when an input changed; the caller writes nothing."""
    if not check_unchanged(case, sources, texts):
        raise CaseError(f"{case.name}: an input changed while the packet was being built",
                        case.problems.sorted())


def _still(case: Case, relative: str, path: Path, facts: FileStat, digest: str) -> bool:
    try:
        if case.resolve(relative) != path:  # a symbolic link now leads somewhere else
            return False
        now = FileStat.of(os.stat(path))
        if now == facts:
            return True
        with _open_input(path) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return False
            again, size = _digest(fh, b"")
    except (OSError, ValueError):
        return False  # gone, or no longer readable
    return again == digest and size == facts.size


def _select_across_files(case: Case, sources: list[Source]) -> None:
    """`pages:` beside `files:` counts the files' pages as one run, in the order of `files:`."""
    by_ref = {src.ref: src for src in sources}
    for i, ex in enumerate(case.manifest.exhibits):
        if not (ex.files and ex.pages):
            continue
        parts = [by_ref.get(("exhibits", i, "files", j)) for j in range(len(ex.files))]
        if any(src is None for src in parts):
            continue  # a file already has a problem of its own
        total = sum(len(src.pages) for src in parts)
        try:
            chosen = parse_selection(ex.pages, total)
        except SelectionError as e:
            case.add(("exhibits", i, "pages"), "pages-out-of-range" if "out of range" in str(e)
                     else "pages-invalid", f"{e} (the {total} pages of `files:`, counted in order)")
            continue
        picked: list[list[int]] = [[] for _ in parts]
        starts = [sum(len(src.pages) for src in parts[:j]) for j in range(len(parts))]
        current = 0
        for g in chosen:
            j = max(k for k, first in enumerate(starts) if first <= g)
            if j < current:
                case.add(("exhibits", i, "pages"), "pages-invalid", "pages from different files must "
                         "follow the order of `files:`; reorder `files:` instead")
                break
            current = j
            picked[j].append(parts[j].pages[g - starts[j]])
        else:
            for src, pages in zip(parts, picked):
                src.pages = pages


def _ensure_file_handles(inputs: int) -> None:
    """Every open PDF holds a file handle until the packet is saved; macOS allows 256 by default,
    so a 300-exhibit asylum packet would fail. Raise the soft limit toward the hard one."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no such limit to raise
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = inputs + 256
        if soft != resource.RLIM_INFINITY and soft < want:
            target = want if hard == resource.RLIM_INFINITY else min(want, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (OSError, ValueError):
        pass


def _prefetched(found: list):
    """Each item with a future of its file's facts, hashed on two threads while the caller opens
    and checks files (hashlib runs without the GIL); what is left is cancelled if the caller stops."""
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        futures = [pool.submit(_read_facts, item[-1]) for item in found]
        yield from zip(found, futures)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class _ChangedWhileRead(OSError):
    """The file's size or times moved while it was being hashed: someone is writing it."""


def _read_facts(path: Path) -> tuple[str, str, int, FileStat]:
    """Kind, SHA-256, size and stat, reading in blocks: a 2 GB scan never sits in memory whole.

    The first bytes decide: a file that is not a usable PDF or image (a 10 GB video named .pdf,
    a saved sign-in page) is not hashed at all. Opened without blocking, so a pipe swapped in
    for the file cannot hang the build.
    """
    with _open_input(path) as fh:
        fd = fh.fileno()
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegular(path)
        head = fh.read(1024)
        kind = sniff(head)
        if _EXT_KIND.get(path.suffix.lower()) != kind:  # _check_kind will refuse it
            return kind, "", before.st_size, FileStat.of(before)
        digest, size = _digest(fh, head)
        after = os.fstat(fd)
    facts = FileStat.of(after)
    if facts != FileStat.of(before) or size != facts.size:
        raise _ChangedWhileRead(path)
    return kind, digest, size, facts


def _open_input(path: Path):
    """*path* opened for reading without waiting: a pipe with no writer opens at once (and is
    then refused as not a regular file) instead of blocking until someone writes to it."""
    return open(path, "rb", opener=lambda name, flags: os.open(name, flags | getattr(os, "O_NONBLOCK", 0)))


def _digest(fh, head: bytes) -> tuple[str, int]:
    """SHA-256 and length of *head* and the rest of *fh*."""
    digest = hashlib.sha256(head)
    size = len(head)
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def _changed(case: Case, src: Source) -> None:
    case.add(src.ref, "input-changed", f"'{src.relative}' changed while the packet was being built; "
             "nothing was written. Build again when it is no longer being edited or downloaded")


def _check_kind(case: Case, src: Source) -> bool:
    expected = _EXT_KIND.get(src.path.suffix.lower())
    actual = src.kind
    if actual == "empty":
        case.add(src.ref, "file-empty", f"'{src.relative}' is empty (0 bytes); replace it with "
                 "the real document")
        return False
    if actual in _OTHER_DOCUMENTS:
        ext = src.path.suffix.lower() or "extension-less"
        case.add(src.ref, "file-wrong-type", f"this {ext} file ('{src.relative}') is "
                 f"{_OTHER_DOCUMENTS[actual]}")
        return False
    if actual in ("text", "unknown"):
        case.add(src.ref, "file-wrong-type", f"'{src.relative}' is {_KIND_WORDS[actual]}; "
                 "give a PDF or an image (JPEG, PNG, TIFF, HEIC)")
        return False
    if expected is None:
        case.add(src.ref, "file-wrong-type", f"'{src.relative}' has an unsupported extension; "
                 "give a .pdf, .jpg, .png, .tif or .heic file")
        return False
    if expected != actual:
        ext = src.path.suffix.lower()
        case.add(src.ref, "file-wrong-type", f"this {ext} file is {_KIND_WORDS[actual]}; rename "
                 f"'{src.relative}' to match what it is, or export the right file")
        return False
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


def _open_image(case: Case, src: Source, max_dpi: int) -> bool:
    pdf = pikepdf.new()
    try:
        placed = image_pages(src.path, pdf, max_dpi)
    except ImageProblem as e:
        code = "image-too-large" if e.code == "image-too-large" else "file-corrupt"
        case.add(src.ref, code, f"'{src.relative}': {e}")
        return False
    src.pdf = pdf
    src.page_count = len(pdf.pages)
    src.image_dpi = [p.source_dpi for p in placed]
    return True


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
