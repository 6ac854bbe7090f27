"""Page selections ("1-3,5", "2-", "all") parsed into 0-based page indices."""

from __future__ import annotations


class SelectionError(ValueError):
    """A page selection that cannot be parsed or does not fit the document."""


def parse_selection(text: str | None, page_count: int) -> list[int]:
    """0-based indices for a 1-based inclusive selection such as "1-3,5" or "4-" (to the end).

    Pages keep the order written; a page may not be selected twice.
    """
    if text is None or str(text).strip().lower() in ("", "all"):
        return list(range(page_count))
    out: list[int] = []
    for first, last, _written in _ranges(str(text), page_count):
        if last > page_count:
            raise SelectionError(f"page {last} is out of range: the document has {page_count} "
                                 f"page{'s' if page_count != 1 else ''}; fix `pages:`")
        if len(out) + last - first + 1 > page_count:  # more pages than exist: one is repeated
            raise SelectionError("a page is selected twice; list each page once")
        out.extend(range(first - 1, last))
    if len(set(out)) != len(out):
        raise SelectionError("a page is selected twice; list each page once")
    return out


def _ranges(text: str, page_count: int):
    """(first, last, written) for each comma-separated part, checked but not expanded."""
    for part in text.split(","):
        # Parsed by hand: a regex with optional groups between \s* backtracks for minutes on a
        # few hundred spaces.
        written = part.strip()
        start, dash, end = (p.strip() for p in written.partition("-"))
        if not _number(start) or not _number(end) or (not start and not end):
            raise SelectionError(f"'{written[:40]}' is not a page or range; write pages like "
                                 "\"1-3,5\"")
        if len(start) > 9 or len(end) > 9:
            raise SelectionError(f"'{written[:40]}' is not a page number a document can have")
        first = int(start) if start else 1
        last = (int(end) if end else page_count) if dash else first
        if first < 1 or last < 1:
            raise SelectionError("pages are numbered from 1; write pages like \"1-3,5\"")
        if last < first and dash and not end:  # "3-" on a 2-page document: nothing runs backwards
            raise SelectionError(f"page {first} is out of range: the document has {page_count} "
                                 f"page{'s' if page_count != 1 else ''}; fix `pages:`")
        if last < first:
            raise SelectionError(f"'{written}' runs backwards; write it as {last}-{first}")
        yield first, last, written


def _number(text: str) -> bool:
    """Empty, or ASCII digits only ('²' and '٣' are digits to str.isdigit, not to int())."""
    return text == "" or (text.isascii() and text.isdigit())


def check_syntax(text: str) -> None:
    """Raise SelectionError when *text* is malformed, whatever the document's length."""
    if text is None or str(text).strip().lower() in ("", "all"):
        return
    for _ in _ranges(str(text), 10**9):  # checked, never expanded: "2-" is not a billion pages
        pass


def describe(indices: list[int], page_count: int) -> str:
    """Compact 1-based description of *indices*, e.g. "1-3,5" (or "all")."""
    if indices == list(range(page_count)):
        return "all"
    runs: list[str] = []
    start = prev = None
    for i in indices:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            runs.append(f"{start + 1}" if start == prev else f"{start + 1}-{prev + 1}")
            start = prev = i
    if start is not None:
        runs.append(f"{start + 1}" if start == prev else f"{start + 1}-{prev + 1}")
    return ",".join(runs)


def source_numbers(sources) -> list[tuple[int, ...]]:
    """For each of an exhibit's files in order, the 1-based numbers of its selected pages, counted
    across the files as `pages:` beside `files:` counts them: what a pin cite's page means."""
    out: list[tuple[int, ...]] = []
    offset = 0
    for src in sources:
        out.append(tuple(offset + i + 1 for i in src.pages))
        offset += src.page_count
    return out
