"""Inspect every input file: what it really is, whether it opens, its pages and their selection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..manifest import Case
from ..paths import check_path, check_text_paths
from ..selection import SelectionError, parse_selection
from .converter import Opening
from .files import ChangedWhileRead, NotRegular, changed, read_facts
from .registry import accepts, check_kind, converter_for
from .source import Source, file_refs


def inspect_sources(case: Case, allow: list[Path] | None = None, open_pdfs: bool = True,
                    cache: Path | None = None) -> list[Source]:
    """Open and check every input; problems go to case.problems (all of them, not the first).

    *cache* is the folder for PDFs converted from office files, by input hash (none: a
    temporary folder). A file whose converter needs a program that is not installed is refused
    before any file is opened, so a build fails at once, naming every such file.
    """
    max_dpi = case.manifest.output.max_dpi
    check_text_paths(case, allow or [])
    sources: list[Source] = []
    seen: dict[str, tuple] = {}
    found = [(ref, relative, pages, password_env, path) for ref, relative, pages, password_env in file_refs(case)
             if (path := check_path(case, ref, relative, allow or [])) is not None]
    if open_pdfs:
        found = [item for item in found if _tool_ready(case, item[0], item[1], item[-1])]
        _ensure_file_handles(len(found))
    for (ref, relative, pages, password_env, path), fact in _prefetched(found):
        src = Source(ref, relative, path)
        if not _read(case, src, fact):
            continue
        if src.sha256 in seen and seen[src.sha256] != ref:
            case.add(ref, "file-duplicate", f"'{relative}' has the same content as "
                     f"{case.keypath(seen[src.sha256])}; remove one of them")
        seen.setdefault(src.sha256, ref)
        if not open_pdfs:
            sources.append(src)
            continue
        converter = converter_for(path)[0]
        if not converter.open_source(case, src, Opening(password_env, max_dpi, cache, case.manifest.output.paper)):
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
        if not converter.check_pages(case, src):
            continue
        sources.append(src)
    if open_pdfs:
        _select_across_files(case, sources)
        # After the selection across `files:`: leaving the lost pages out makes a file usable.
        sources = [src for src in sources if converter_for(src.path)[0].check_selected(case, src)]
    return sources


def _tool_ready(case: Case, ref: tuple, relative: str, path: Path) -> bool:
    """The program this file's converter runs is installed; if not, a located tool-missing."""
    found = converter_for(path)
    if found is None or found[0].TOOL is None or found[0].tool_found():
        return True
    tool = found[0].TOOL
    case.add(ref, "tool-missing", f"'{relative}' is {found[1].words}; turning it into PDF pages needs "
             f"{tool.name}, which is not installed: {tool.install}; or open the file, export or print "
             "it to PDF, and name the PDF here")
    return False


def _read(case: Case, src: Source, fact) -> bool:
    """Kind, hash, size and stat from the prefetch; False (with a problem) if the file is unusable."""
    try:
        src.kind, src.sha256, src.size, src.stat = fact.result()
    except NotRegular:
        case.add(src.ref, "file-not-a-file", f"'{src.relative}' is not a regular file (a device, pipe "
                 "or socket); name a saved PDF or image")
        return False
    except ChangedWhileRead:
        changed(case, src)
        return False
    except OSError as e:
        case.add(src.ref, "file-unreadable", f"'{src.relative}' cannot be read ({e.strerror}); "
                 "check its permissions")
        return False
    return check_kind(case, src)


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
        futures = [pool.submit(read_facts, item[-1], accepts) for item in found]
        yield from zip(found, futures)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
