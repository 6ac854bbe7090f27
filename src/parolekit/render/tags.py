"""Structure of generated pages: which flowable is which element, and its marked content as drawn."""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, field

from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable, Paragraph, Table
from reportlab.platypus.flowables import Image, PTOContainer

ARTIFACT = -2  # a flowable drawn only as decoration (a table's header repeated on a later page)
ROOT = 0
# Paragraph styles that are headings; every other paragraph is a P (a bulleted one an LI).
HEADINGS = {"title": "H1", "brief-h1": "H1", "label": "H1", "heading": "H2", "brief-h2": "H2",
            "continued": "H2", "brief-h3": "H3"}
NUMBERED = {"numbered"}  # a declaration's numbered paragraphs are paragraphs, not a list

_current: contextvars.ContextVar["Tags | None"] = contextvars.ContextVar("parolekit_tags", default=None)


@dataclass
class Tags:
    """Elements of one rendering in reading order. kids[i] holds ("n", child), ("m", page, mcid)
    (marked content on a 0-based page of the rendering) or ("a", page, index in the page's /Annots)."""

    roles: list[str] = field(default_factory=lambda: [""])  # node 0: the rendering itself
    alts: list[str] = field(default_factory=lambda: [""])
    kids: list[list[tuple]] = field(default_factory=lambda: [[]])
    _mcids: dict[int, int] = field(default_factory=dict)

    def node(self, role: str, parent: int, alt: str = "") -> int:
        self.roles.append(role)
        self.alts.append(alt)
        self.kids.append([])
        n = len(self.roles) - 1
        self.kids[parent].append(("n", n))
        return n

    def mcid(self, page: int) -> int:
        n = self._mcids.get(page, 0)
        self._mcids[page] = n + 1
        return n


class Figure(Flowable):
    """A drawing as a Figure element, its Alt text for screen readers."""

    def __init__(self, inner: Flowable, alt: str):
        super().__init__()
        self.inner, self.alt = inner, alt
        self._pk_node: int | None = None

    def wrap(self, aw, ah):
        self.width, self.height = self.inner.wrapOn(self.canv, aw, ah)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def drawOn(self, canvas, x, y, _sW=0):
        marked(self, canvas, lambda: self.inner.drawOn(canvas, x, y, _sW))


def recording(tags: Tags):
    """Context for a build: flowables drawn meanwhile record their marked content in *tags*."""
    return _current.set(tags)


def stop(token) -> None:
    _current.reset(token)


def marked(flowable, canvas, draw) -> None:
    """Draw *flowable* inside marked content for its element (or as an artifact): the element
    learns its MCID on this page, and any link the drawing made becomes a Link child."""
    tags = _current.get()
    node = flowable.__dict__.get("_pk_node")
    if tags is None or node is None:
        draw()
        return
    if node == ARTIFACT or flowable.__dict__.get("_pk_drawn") is tags:  # drawn again: a repeat
        canvas._code.append(_Mark("/Artifact BMC"))
        draw()
        canvas._code.append(_Mark("EMC"))
        return
    flowable._pk_drawn = tags
    page = canvas.getPageNumber() - 1
    mcid = tags.mcid(page)
    canvas._code.append(_Mark(f"/{tags.roles[node]} <</MCID {mcid}>> BDC"))
    before = len(canvas._annotationrefs)
    draw()
    canvas._code.append(_Mark("EMC"))
    tags.kids[node].append(("m", page, mcid))
    for j in range(before, len(canvas._annotationrefs)):
        tags.kids[tags.node("Link", node)].append(("a", page, j))


class _Mark(str):
    """A marked-content operator `marked` wrote into a canvas's code (reportlab writes none)."""


# Painting operators: a run of a page's code outside marked content with one of them is an artifact.
PAINT = frozenset({"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"})
_STRINGS = re.compile(r"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>", re.S)


def mark_page(code: list) -> list:
    """A page's code with each run outside marked content that paints (a table's rules, shading,
    text drawn untagged, a letterhead) wrapped as an /Artifact, so a screen reader reads only the
    tagged text. Done as the page is rendered (doc.render's canvas): the assembled page need not
    be parsed again. reportlab escapes the parentheses inside its strings, so a string is one
    match of _STRINGS, and what is left splits into operators and operands."""
    out: list = []
    run: list = []
    depth = 0
    for entry in code:
        if type(entry) is _Mark:
            if depth == 0:
                _flush(out, run)
            depth += -1 if entry == "EMC" else 1
            out.append(entry)
        elif depth:
            out.append(entry)
        else:
            run.append(entry)
    _flush(out, run)
    return out


def _flush(out: list, run: list) -> None:
    if run and _paints(run):
        out.append("/Artifact BMC")
        out.extend(run)
        out.append("EMC")
    else:
        out.extend(run)
    run.clear()


def _paints(run: list) -> bool:
    text = " ".join(run)
    if "BI" in text.split():  # an inline image (its data is not operators); or a string "BI": paints too
        return True
    return not PAINT.isdisjoint(_STRINGS.sub(" ", text).split())


def tag_story(story: list, tags: Tags) -> None:
    """Give each flowable of *story* its element (in place; drawings are wrapped as Figures)."""
    _walk(story, ROOT, tags)


def _walk(items: list, parent: int, tags: Tags) -> None:
    lst = None
    for i, f in enumerate(items):
        if isinstance(f, Paragraph) and f.bulletText is not None and _style(f) not in NUMBERED:
            if lst is None:
                lst = tags.node("L", parent)
            _leaf(f, tags.node("LI", lst), tags, "LBody")
            continue
        if type(f).__name__ in ("Spacer", "CondPageBreak"):
            continue
        lst = None
        if isinstance(f, Paragraph):
            _leaf(f, parent, tags, HEADINGS.get(_style(f), "P"))
        elif _link(f):
            _linked(f, parent, tags, rows=False)
        elif isinstance(f, PTOContainer):
            _continued(f, parent, tags)
        elif isinstance(f, Table):
            _table(f, parent, tags)
        elif _contains(f):
            _walk(f._content, parent, tags)
        elif isinstance(f, (Drawing, Image)):
            fig = items[i] = Figure(f, getattr(f, "_pk_alt", ""))
            _leaf(fig, parent, tags, "Figure")
        elif isinstance(f, Figure):
            _leaf(f, parent, tags, "Figure")


def _link(f) -> bool:
    """A doc.LinkTo (known by its mark: doc.py imports this module)."""
    return getattr(f, "links_to", False)


def _style(p) -> str:
    """The style a paragraph was given ("title"), not the variant shaping made of it ("title-shaped")."""
    return p.style.name.removesuffix("-rtl").removesuffix("-shaped")


def _contains(f) -> bool:
    """KeepTogether, KeepInFrame and their kind: flowables drawn as a group."""
    return isinstance(getattr(f, "_content", None), list)


def _leaf(f, parent: int, tags: Tags, role: str) -> int:
    f._pk_node = n = tags.node(role, parent, getattr(f, "alt", "") if role == "Figure" else "")
    f._pk_drawn = None
    return n


def _artifact(items) -> None:
    for f in items:
        if isinstance(f, (Paragraph, Figure)):
            f._pk_node = ARTIFACT
        elif isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    _artifact(cell if isinstance(cell, (list, tuple)) else [cell])
        elif _contains(f):
            _artifact(f._content)


def _linked(f, parent: int, tags: Tags, rows: bool, header: bool = False) -> None:
    """A LinkTo: its content as usual, with a Link element (for the annotation assembly makes)
    holding its first paragraph's content."""
    first = len(tags.roles)
    if rows:
        _row(f.inner, parent, tags, header)
    else:
        _walk([f.inner], parent, tags)
    for n in range(first, len(tags.roles)):
        owner = _owner(f.inner, n)
        if owner is not None and isinstance(owner, Paragraph):
            owner._pk_node = f.node = tags.node("Link", n)
            return


def _owner(f, node: int):
    """The paragraph inside *f* whose element is *node*."""
    if getattr(f, "_pk_node", None) == node:
        return f
    if isinstance(f, Table):
        for row in f._cellvalues:
            for cell in row:
                for c in cell if isinstance(cell, (list, tuple)) else [cell]:
                    if (o := _owner(c, node)) is not None:
                        return o
    elif _contains(f):
        for c in f._content:
            if (o := _owner(c, node)) is not None:
                return o
    return None


def _continued(f: PTOContainer, parent: int, tags: Tags) -> None:
    """A table of one-row tables (tables.Continued): one Table element, a TR per row; what repeats
    on a later page ("(continued)" and the headers again) is an artifact."""
    table = None
    header = getattr(f, "_header", None)
    for c in f._content:
        info = getattr(c, "_ptoinfo", None)
        if info is not None and info.header:
            _artifact(info.header)
        inner = c.inner if _link(c) else c
        if isinstance(inner, Table) and len(inner._cellvalues[0]) > 1 or inner is header:
            if table is None:
                table = tags.node("Table", parent)
            if _link(c):
                _linked(c, table, tags, rows=True)
            else:
                _row(c, table, tags, header=c is header)
        else:
            _walk([c], parent if table is None else table, tags)


def _table(t: Table, parent: int, tags: Tags) -> None:
    if _layout(t):
        for row in t._cellvalues:  # a layout table (a signature block): its content in order
            for cell in row:
                _walk(list(cell) if isinstance(cell, (list, tuple)) else [cell], parent, tags)
        return
    table = tags.node("Table", parent)
    _row(t, table, tags, header=False)


def _layout(t: Table) -> bool:
    return all(len(row) == 1 for row in t._cellvalues)


def _row(t: Table, table: int, tags: Tags, header: bool) -> None:
    """Each row of *t* a TR under *table*; header rows' cells are TH."""
    hidden = _hidden(t)
    for r, row in enumerate(t._cellvalues):
        tr = tags.node("TR", table)
        cells = [c if isinstance(c, (list, tuple)) else [c] for c in row]
        bold = all(isinstance(x, Paragraph) and _style(x) == "cellb" for c in cells for x in c if x != "")
        head = header or r < (t.repeatRows if isinstance(t.repeatRows, int) else 0) or (r == 0 and bold)
        for col, cell in enumerate(cells):
            if (col, r) in hidden:
                continue  # covered by a spanning cell
            _walk(list(cell), tags.node("TH" if head else "TD", tr), tags)


def _hidden(t: Table) -> set[tuple[int, int]]:
    """(column, row) of the cells a SPAN covers (all but its first)."""
    rows, cols = len(t._cellvalues), len(t._cellvalues[0]) if t._cellvalues else 0
    out: set[tuple[int, int]] = set()
    for cmd in getattr(t, "_spanCmds", []):
        (c0, r0), (c1, r1) = cmd[1], cmd[2]
        c0, c1 = sorted((c0 % cols, c1 % cols))
        r0, r1 = sorted((r0 % rows, r1 % rows))
        out |= {(c, r) for c in range(c0, c1 + 1) for r in range(r0, r1 + 1)} - {(c0, r0)}
    return out
