"""Page selections ("1-3,5", "2-", "all") parsed into 0-based page indices."""

from __future__ import annotations

import re

_PART = re.compile(r"^\s*(\d+)?\s*(-)?\s*(\d+)?\s*$")


class SelectionError(ValueError):
    """A page selection that cannot be parsed or does not fit the document."""


def parse_selection(text: str | None, page_count: int) -> list[int]:
    """0-based indices for a 1-based inclusive selection such as "1-3,5" or "4-" (to the end).

    Pages keep the order written; a page may not be selected twice.
    """
    if text is None or str(text).strip().lower() in ("", "all"):
        return list(range(page_count))
    out: list[int] = []
    for part in str(text).split(","):
        m = _PART.match(part)
        if not m or (m[1] is None and m[3] is None):
            raise SelectionError(f"'{part.strip()}' is not a page or range; write pages like \"1-3,5\"")
        first = int(m[1]) if m[1] else 1
        last = (int(m[3]) if m[3] else page_count) if m[2] else first
        if first < 1 or last < 1:
            raise SelectionError("pages are numbered from 1")
        if last < first:
            raise SelectionError(f"'{part.strip()}' runs backwards; write it as {last}-{first}")
        if last > page_count:
            raise SelectionError(f"page {last} is out of range: the document has {page_count} "
                                 f"page{'s' if page_count != 1 else ''}; fix `pages:`")
        out.extend(range(first - 1, last))
    if len(set(out)) != len(out):
        raise SelectionError("a page is selected twice; list each page once")
    return out


def check_syntax(text: str) -> None:
    """Raise SelectionError when *text* is malformed, whatever the document's length."""
    parse_selection(text, 10**9)


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
