"""Volumes: cut a page plan into files under a size limit, on exhibit boundaries where possible."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf

from .hashing import sha256_file
from .plan import PagePlan, Part

MB = 1_000_000  # portals state limits in MB; the decimal megabyte is the stricter reading
PAGE_OVERHEAD = 600  # bytes per page for the page object, stamp stream and cross-reference
FILE_OVERHEAD = 40_000  # catalog, outline, page labels, shared fonts
HEADROOM = 0.97  # estimates are checked against the written files; aim a little under


@dataclass(frozen=True)
class Volume:
    """Packet pages first..last (inclusive) in file number `number` of `count`."""

    number: int
    count: int
    first: int
    last: int

    @property
    def pages(self) -> int:
        return self.last - self.first + 1


class PageTooLarge(Exception):
    """One page alone is over the limit: no split can help."""

    def __init__(self, page: int, size: float):
        super().__init__(page, size)
        self.page, self.size = page, size


def volume_path(path: Path, number: int, count: int, parts: str | None = None) -> Path:
    """packet.pdf -> packet.vol2-of-3.pdf (or, with a profile's *parts* "_Part{n}",
    packet_Part2.pdf); a single volume keeps the plain name."""
    if count <= 1:
        return path
    if parts:
        return path.with_name(f"{path.stem}{parts.replace('{n}', str(number))}{path.suffix}")
    return path.with_name(f"{path.stem}.vol{number}-of-{count}{path.suffix}")


def split_volumes(plan: PagePlan, page_bytes: list[float], limit_bytes: float) -> list[Volume]:
    """Ranges of pages, each estimated under *limit_bytes*.

    page_bytes[n - 1] is the estimated size of packet page n. Volume 1 starts with the front matter;
    an exhibit moves whole to the next volume when it does not fit, and only an exhibit larger than a
    volume is cut inside itself (at page boundaries).
    """
    budget = limit_bytes * HEADROOM - FILE_OVERHEAD
    for n, size in enumerate(page_bytes, start=1):
        if size > budget:
            raise PageTooLarge(n, size)
    groups = _groups(plan)
    ranges: list[list[int]] = []  # [first, last]
    used = 0.0
    for first, last in groups:
        size = sum(page_bytes[first - 1:last])
        if ranges and used + size <= budget:
            ranges[-1][1] = last
            used += size
        elif size <= budget:
            ranges.append([first, last])
            used = size
        else:
            # Larger than a volume: it begins a volume of its own and is cut at page boundaries.
            ranges.append([first, first - 1])
            used = 0.0
            for n in range(first, last + 1):
                if used + page_bytes[n - 1] > budget:
                    ranges.append([n, n - 1])
                    used = 0.0
                ranges[-1][1] = n
                used += page_bytes[n - 1]
    count = len(ranges)
    return [Volume(i, count, a, b) for i, (a, b) in enumerate(ranges, start=1)]


def _groups(plan: PagePlan) -> list[tuple[int, int]]:
    """Page runs that stay together when they can: the front matter, then each exhibit."""
    firsts = sorted(p.start for p in plan.exhibits.values())
    out: list[tuple[int, int]] = []
    front_end = (firsts[0] - 1) if firsts else plan.total
    if front_end >= 1:
        out.append((1, front_end))
    for place in sorted(plan.exhibits.values(), key=lambda p: p.start):
        out.append((place.start, place.end))
    last = out[-1][1] if out else 0
    if firsts and last < plan.total:  # back matter (a proof of service) after the last exhibit
        out.append((last + 1, plan.total))
    return out


def volume_of(volumes: list[Volume], page: int) -> Volume:
    for v in volumes:
        if v.first <= page <= v.last:
            return v
    raise ValueError(page)


def place_volumes(plan: PagePlan, volumes: list[Volume]) -> PagePlan:
    """The same plan with each exhibit's first and last volume recorded."""
    exhibits = {k: replace(p, volume=volume_of(volumes, p.start).number,
                           last_volume=volume_of(volumes, p.end).number)
                for k, p in plan.exhibits.items()}
    return replace(plan, parts=list(plan.parts), exhibits=exhibits, sections=dict(plan.sections))


def volume_parts(plan: PagePlan, volume: Volume) -> list[tuple[int, Part, int]]:
    """The plan's parts cut to one volume: (first packet page, part, pages skipped at its start)."""
    out = []
    for start, part in plan.parts:
        end = start + part.pages - 1
        a, b = max(start, volume.first), min(end, volume.last)
        if a > b:
            continue
        piece = part if (a, b) == (start, end) else replace(part, pages=b - a + 1)
        out.append((a, piece, a - start))
    return out


def earlier_outputs(path: Path) -> dict[Path, str]:
    """Files an earlier build wrote for *path* (the plain packet or its volumes), by its receipt.

    Read before a build overwrites the receipt, so that files of a different split (a packet.pdf
    beside new volumes, or volumes of 3 beside volumes of 2) can be removed once the new set is in
    place: left there, someone would file the wrong one.
    """
    receipt = path.with_name(path.stem + ".receipt.json")
    try:
        data = json.loads(receipt.read_text(encoding="utf-8"))
        listed = [data["output"]] + list(data.get("volumes") or [])
        found = {}
        for item in listed:
            name = Path(str(item["path"])).name
            if name == path.name or _VOLUME_NAME.fullmatch(name) and name.startswith(path.stem) \
                    and name[len(path.stem):len(path.stem) + 1] in "._":
                found[path.with_name(name)] = str(item["sha256"])
        return found
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def remove_stale(earlier: dict[Path, str], written: list[Path], keep: set[Path] = frozenset()) -> list[Path]:
    """Delete earlier outputs not written this time, only if unchanged since (same SHA-256).

    *keep* names files never to delete whatever an old receipt says (the build's inputs).
    """

    keep = {p.resolve() for p in written} | set(keep)
    removed = []
    for path, digest in earlier.items():
        if path.resolve() in keep or not path.is_file():
            continue
        try:
            if sha256_file(path) == digest:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # not ours to fight over: it stays
    return removed


# a volume of the plain split, or one a profile names (ECAS: packet_Part2.pdf)
_VOLUME_NAME = re.compile(r".+(\.vol\d+-of-\d+|[._-]?[A-Za-z]*\d+)\.pdf")


def page_sizes(pdf, indices: list[int]) -> list[float]:
    """Estimated bytes each selected page brings into a packet: the streams and objects it reaches
    (contents, fonts, images, annotation appearances), each shared one counted on its first page.

    Better than a file-size share for the PDFs that matter here: a scan with one colour photo
    among grey pages, or a report whose fonts are embedded once.
    """
    pages = list(pdf.pages)
    seen: set[tuple[int, int]] = set()
    return [_reach(pages[i].obj, seen) for i in indices]


_SKIP = {"/Parent", "/P", "/Dest", "/A", "/Next", "/Prev", "/First", "/Last", "/Annots", "/B",
         "/Popup", "/IRT", "/StructParent", "/StructParents"}


def _reach(page, seen: set) -> float:
    total = 0.0
    stack = [(page.get("/Contents"), 0), (page.get("/Resources"), 0)]
    for annot in page.get("/Annots", []) or []:
        try:
            stack.append((annot.get("/AP"), 0))
        except (AttributeError, TypeError, ValueError):
            continue
    budget = 20_000  # objects per page: a guard against pathological graphs, not a real limit
    while stack and budget:
        obj, depth = stack.pop()
        budget -= 1
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) or depth > 12:
            continue  # numbers, names and strings are counted with their container
        try:
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
                total += 60  # the object's own entry and dictionary
            if isinstance(obj, pikepdf.Stream):
                length = obj.stream_dict.get("/Length")
                total += length if isinstance(length, int) else len(obj.read_raw_bytes())
                items = obj.stream_dict.items()
            elif isinstance(obj, pikepdf.Dictionary):
                items = obj.items()
            elif isinstance(obj, pikepdf.Array):
                items = ((None, v) for v in obj)
            else:
                continue
            for key, value in items:
                if key not in _SKIP:
                    stack.append((value, depth + 1))
        except (pikepdf.PdfError, ValueError, TypeError, RuntimeError):
            continue
    return total
