"""The page plan: a pure function from section and exhibit lengths to every packet page number."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    """A run of pages from one origin: a generated section or an input file's selection."""

    # court-cover | notice | cover | brief | response | form | index | chronology | claims | budget
    # (front matter); separator | document | translation | certificate | declaration | unavailable
    # (exhibits); service (back matter, after the exhibits)
    kind: str
    key: str  # which section, form or exhibit id it belongs to
    pages: int
    title: str = ""
    # Which input (its manifest key path) or rendering (its key) supplies the pages; opaque to
    # the planner, read by layout.Layout.piece.
    ref: tuple | str = ""
    # The document's own number of each page, for pin cites: its page 17 may be the packet's
    # 243rd, after `pages:` left some out (empty: not citable by number, e.g. a translation).
    numbering: tuple[int, ...] = ()
    of: int = 0  # pages the document has in all, selected or not


@dataclass(frozen=True)
class ExhibitSpec:
    """An exhibit (or declaration) to place: its separator sheet, then its parts in order."""

    id: str
    label: str
    title: str
    date: str = ""
    parts: tuple[Part, ...] = ()
    is_declaration: bool = False
    unavailable: bool = False  # the document cannot be had: a statement stands in its place
    group: str = ""  # the grouping.Group it is filed under ("" when the packet is not grouped)


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
    unavailable: bool = False
    group: str = ""

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
    provisional: bool = False  # one page per part, before any file is read (lint's template check)
    cite_separator: bool = False  # output.cite_to: separator - citations name the separator sheet
    group_titles: dict[str, str] = field(default_factory=dict)  # grouping.Group key -> heading

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
        """The page a citation of the whole exhibit names: its document's first page (the
        separator sheet is blank but for the label), or the separator with output.cite_to."""
        if exhibit_id not in self.exhibits:
            return self.sections[f"notice:{exhibit_id}"][0]  # a leading notice has no separator
        place = self.exhibits[exhibit_id]
        return place.start if self.cite_separator or not place.content_pages else place.first_content

    def pin(self, exhibit_id: str, page: int) -> int:
        """The packet page of the document's own page *page* (as the source numbers it, across
        `files:`; a generated declaration's own pages). KeyError: no such exhibit; PinError: no
        such page, or one its `pages:` leaves out.
        """
        keys = (exhibit_id, f"notice:{exhibit_id}")
        parts = [(start, part) for start, part in self.parts if part.key in keys and part.kind != "separator"]
        if not parts:
            raise KeyError(exhibit_id)
        if self.provisional:  # one page per part: any page will do to try a template
            return parts[0][0]
        for start, part in parts:
            if page in part.numbering:
                return start + part.numbering.index(page)
        total = max((part.of for _s, part in parts), default=0)
        raise PinError(exhibit_id, page, total)

    def resolve(self, target: str) -> int | None:
        """The packet page a link goes to: "id" (where the exhibit begins), "id@3" (its page 3),
        "cite:id" (the page a citation of it names), "page:12" (a packet page); None when it is not
        in this packet."""
        if target.startswith("page:"):
            return int(target[5:])
        if target.startswith("cite:"):
            try:
                return self.cite(target[5:])
            except KeyError:
                return None
        ident, _, page = target.partition("@")
        try:
            if page:
                return self.pin(ident, int(page))
            if ident in self.exhibits:
                return self.exhibits[ident].start
            return self.sections[f"notice:{ident}"][0]
        except (KeyError, PinError):
            return None


class PinError(ValueError):
    """A pin cite to a page the document does not have, or that its `pages:` leaves out."""

    def __init__(self, exhibit_id: str, page: int, pages: int):
        if 1 <= page <= pages:
            text = (f"page {page} of '{exhibit_id}' is left out of the packet by its `pages:` "
                    "selection; cite a page the packet includes, or add it to `pages:`")
        else:
            text = f"'{exhibit_id}' has {pages} page{'s' if pages != 1 else ''}, so it has no page {page}"
        super().__init__(text)
        self.exhibit_id, self.page, self.pages = exhibit_id, page, pages


# Generated sections, not exhibits: their pages carry no exhibit stamp (the back matter too).
_FRONT = {"court-cover", "notice", "cover", "brief", "response", "form", "index", "chronology", "claims",
          "budget", "service"}


def plan_pages(front: list[Part], exhibits: list[ExhibitSpec], back: list[Part] | tuple = ()) -> PagePlan:
    """Lay out front matter, exhibits, then back matter (a court filing's proof of service);
    every page number in the packet comes from here."""
    plan = PagePlan()
    n = _sections(plan, front, 1)
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
                                         start + 1, content, ex.is_declaration,
                                         unavailable=ex.unavailable, group=ex.group)
    n = _sections(plan, back, n)
    plan.total = n - 1
    return plan


def _sections(plan: PagePlan, parts: list[Part] | tuple, n: int) -> int:
    """Place generated sections from page *n*; the next free page."""
    for part in parts:
        if part.pages <= 0:
            continue
        plan.parts.append((n, part))
        key = part.key if part.kind in ("form", "notice") else part.kind
        s, _ = plan.sections.get(key, (n, n))
        plan.sections[key] = (s, n + part.pages - 1)
        n += part.pages
    return n
