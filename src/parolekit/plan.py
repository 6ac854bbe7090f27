"""The page plan: a pure function from section and exhibit lengths to every packet page number."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    """A run of pages from one origin: a generated section or an input file's selection."""

    kind: str  # cover | form | index | chronology | claims | separator | document | translation | certificate | declaration | interpretation
    key: str  # which section, form or exhibit id it belongs to
    pages: int
    title: str = ""
    # Which input (its manifest key path) or rendering (its key) supplies the pages; opaque to
    # the planner, read by layout.Layout.piece.
    ref: tuple | str = ""


@dataclass(frozen=True)
class ExhibitSpec:
    """An exhibit (or declaration) to place: its separator sheet, then its parts in order."""

    id: str
    label: str
    title: str
    date: str = ""
    parts: tuple[Part, ...] = ()
    is_declaration: bool = False


@dataclass(frozen=True)
class Placement:
    """Where an exhibit landed: packet pages start..end (1-based, inclusive)."""

    id: str
    label: str
    title: str
    date: str
    start: int  # the separator sheet
    end: int
    first_content: int  # first page after the separator
    content_pages: int
    is_declaration: bool = False
    volume: int = 1
    last_volume: int = 0  # when the exhibit runs on into later volumes (0: same as volume)

    @property
    def range(self) -> str:
        return f"{self.start}" if self.start == self.end else f"{self.start}\u2013{self.end}"

    @property
    def volumes(self) -> str:
        """"2", or "2\u20133" for an exhibit cut across volumes."""
        last = max(self.last_volume, self.volume)
        return str(self.volume) if last == self.volume else f"{self.volume}\u2013{last}"


@dataclass(frozen=True)
class PageInfo:
    """What the footer of one packet page says."""

    number: int
    part: Part
    exhibit: str = ""  # label, when the page belongs to an exhibit
    within: int = 0  # page within the exhibit's content (0 on the separator sheet)
    of: int = 0


@dataclass
class PagePlan:
    parts: list[tuple[int, Part]] = field(default_factory=list)  # (first packet page, part)
    exhibits: dict[str, Placement] = field(default_factory=dict)
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (start, end)
    total: int = 0

    def page_info(self) -> list[PageInfo]:
        """Footer facts for every page, in packet order."""
        label_of = {p.id: p for p in self.exhibits.values()}
        out: list[PageInfo] = []
        for start, part in self.parts:
            place = label_of.get(part.key) if part.kind not in _FRONT else None
            for i in range(part.pages):
                n = start + i
                if place is None:
                    out.append(PageInfo(n, part))
                elif part.kind == "separator":
                    out.append(PageInfo(n, part, place.label, 0, place.content_pages))
                else:
                    out.append(PageInfo(n, part, place.label, n - place.first_content + 1,
                                        place.content_pages))
        return out

    def cite(self, exhibit_id: str) -> int:
        """The page where the exhibit begins (its separator sheet)."""
        return self.exhibits[exhibit_id].start


_FRONT = {"cover", "form", "index", "chronology", "claims"}


def plan_pages(front: list[Part], exhibits: list[ExhibitSpec]) -> PagePlan:
    """Lay out front matter then exhibits; every page number in the packet comes from here."""
    plan = PagePlan()
    n = 1
    for part in front:
        if part.pages <= 0:
            continue
        plan.parts.append((n, part))
        key = part.key if part.kind == "form" else part.kind
        s, _ = plan.sections.get(key, (n, n))
        plan.sections[key] = (s, n + part.pages - 1)
        n += part.pages
    for ex in exhibits:
        start = n
        plan.parts.append((n, Part("separator", ex.id, 1, ex.title, f"separator:{ex.id}")))
        n += 1
        content = 0
        for part in ex.parts:
            if part.pages <= 0:
                continue
            plan.parts.append((n, part))
            n += part.pages
            content += part.pages
        plan.exhibits[ex.id] = Placement(ex.id, ex.label, ex.title, ex.date, start, n - 1,
                                         start + 1, content, ex.is_declaration)
    plan.total = n - 1
    return plan
