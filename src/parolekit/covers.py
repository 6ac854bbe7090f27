"""Volume cover sheets: each later volume of a court filing opens with a cover page listing what it holds."""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from .layout import SECTION_TITLES
from .model import Manifest
from .plan import PagePlan
from .render.court import volume_cover
from .render.doc import Rendered
from .volumes import Volume


def wanted(m: Manifest) -> bool:
    """A court filing split into volumes: each file is filed on its own, so each needs a cover."""
    return m.case.forum == "immigration-court" and m.case.court is not None


def render_covers(m: Manifest, plan: PagePlan, vols: list[Volume]) -> dict[int, Rendered]:
    """Volume number -> its cover sheet, for volumes 2 and on (volume 1 opens with the cover page)."""
    if not wanted(m) or len(vols) <= 1:
        return {}
    return {v.number: volume_cover(m, m.output.paper, (v.number, v.count), contents(plan, v))
            for v in vols[1:]}


def contents(plan: PagePlan, v: Volume) -> list[tuple[str, str]]:
    """(entry, packet pages) for every section and exhibit with pages in *v*, in page order; an
    exhibit begun in the volume before is "(continued)"."""
    found: list[tuple[int, str, str]] = []
    for place in plan.exhibits.values():
        a, b = max(place.start, v.first), min(place.end, v.last)
        if a <= b:
            more = " (continued)" if place.start < v.first else ""
            found.append((a, f"Exhibit {place.label}: {place.title}{more}", _span(a, b)))
    for key, (start, end) in plan.sections.items():
        a, b = max(start, v.first), min(end, v.last)
        if a <= b:
            kind = key.partition(":")[0]
            found.append((a, SECTION_TITLES.get(kind, kind.capitalize()), _span(a, b)))
    return [(entry, pages) for _a, entry, pages in sorted(found)]


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}\u2013{b}"


def prepend(pdf: pikepdf.Pdf, cover: Rendered, first: int) -> None:
    """Put *cover*'s pages before the volume's first, outside the packet's page numbers: the viewer
    labels them "Cover" and the volume's pages keep their printed numbers from *first*."""
    sheet = pikepdf.open(io.BytesIO(cover.data))
    for i, page in enumerate(list(sheet.pages)[cover.first:cover.first + cover.pages]):
        pdf.pages.insert(i, page)
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(P=pikepdf.String("Cover ")),
                                                 cover.pages, Dictionary(S=Name.D, St=first)]))
    if "/Outlines" in pdf.Root:  # the cover first in the bookmarks too
        with pdf.open_outline() as outline:
            outline.root.insert(0, pikepdf.OutlineItem("Cover page of this volume", 0, "Fit"))
