"""The packet's structure tree: generated pages' elements, exhibits' own tags, decorations as artifacts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from .render.tags import PAINT as RENDER_PAINT
from .render.doc import Rendered

PAINT = RENDER_PAINT | {"INLINE IMAGE"}  # as pikepdf names an inline image's instruction
EXHIBIT_KINDS = {"separator", "document", "translation", "certificate", "declaration", "unavailable"}
MAX_ELEMENTS = 200_000  # of one exhibit's tree: past this its tags are left out, never its pages
MAX_DEPTH = 100
COPIED = ("/T", "/Lang", "/Alt", "/E", "/ActualText")


@dataclass
class Section:
    """One plan part's pages in the packet: rendered by parolekit (*rendered*) or an input's,
    with the elements grafted from its own tree (*grafted*)."""

    title: str
    kind: str
    key: str
    start: int  # index of its first page in the packet file
    count: int
    rendered: Rendered | None = None
    first: int = 0  # the rendering's page at *start*
    grafted: list = field(default_factory=list)


@dataclass
class Tree:
    """What assembly learns on the way: sections in order, annotations as copied, MCIDs owned."""

    sections: list[Section] = field(default_factory=list)
    annots: dict[int, list] = field(default_factory=dict)  # generated page -> its /Annots as copied
    linked: dict[tuple[int, int], list] = field(default_factory=dict)  # (section, node) -> [(annot, page)]
    marks: dict[int, dict[int, Dictionary]] = field(default_factory=dict)  # page -> MCID -> element
    objr: list = field(default_factory=list)  # (annotation, element)
    rolemap: dict = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # exhibit id -> "Exhibit A: its title"

    def generated(self, out: pikepdf.Pdf, title: str, kind: str, key: str, start: int, pages: list,
                  rendered: Rendered, first: int) -> None:
        """Record a rendered part's pages (already copied at *start*) and mark their decorations."""
        self.sections.append(Section(title, kind, key, start, len(pages), rendered, first))
        for k, obj in enumerate(pages):
            annots = obj.get("/Annots")
            self.annots[start + k] = list(annots) if isinstance(annots, Array) else []
            if not rendered.marked:  # render.doc marks them as it renders
                mark_artifacts(out, obj)

    def exhibit(self, out: pikepdf.Pdf, title: str, kind: str, key: str, start: int, src_pdf: pikepdf.Pdf,
                chosen: list, copied: list) -> None:
        sec = Section(title, kind, key, start, len(copied))
        self.sections.append(sec)
        linked = len(self.objr)
        try:
            sec.grafted = _graft(out, src_pdf, chosen, copied, start, self)
        except Exception:  # a damaged tree is not worth failing a packet for: the pages stay as they are
            sec.grafted = []
            del self.objr[linked:]
            for idx in range(start, start + len(copied)):
                self.marks.pop(idx, None)


def mark_artifacts(out: pikepdf.Pdf, obj: Dictionary) -> None:
    """Wrap whatever a generated page paints outside its marked content (rules, shading, a
    letterhead) as an /Artifact, so a screen reader reads only the tagged text."""
    page = pikepdf.Page(obj)
    result: list = []
    run: list = []
    paints = False  # whether the run outside marked content paints anything
    depth, in_text = 0, False
    bmc, emc = Operator("BMC"), Operator("EMC")

    def flush():
        if paints:
            result.append(pikepdf.ContentStreamInstruction([Name.Artifact], bmc))
            result.extend(run)
            result.append(pikepdf.ContentStreamInstruction([], emc))
        else:
            result.extend(run)
        run.clear()

    for inst in pikepdf.parse_content_stream(page):
        op = str(inst.operator)  # once per instruction: the loop is most of this function's time
        if depth:
            result.append(inst)
            depth += 1 if op in ("BDC", "BMC") else -1 if op == "EMC" else 0
            continue
        if not in_text and op in ("BDC", "BMC"):
            flush()
            paints = False
            depth = 1
            result.append(inst)
            continue
        run.append(inst)
        if op in PAINT:
            paints = True
        elif op == "BT":
            in_text = True
        elif op == "ET":
            in_text = False
    flush()
    obj.Contents = out.make_stream(pikepdf.unparse_content_stream(result))


def finish(out: pikepdf.Pdf, pages: list[pikepdf.Page], tree: Tree) -> None:
    """Make the packet a tagged PDF: Document, a Part per exhibit and a Sect per part, in page order."""
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    finals = {i: {a.objgen for a in _annots(p.obj)} for i, p in enumerate(pages)}
    kids = Array()
    part = None
    for n, sec in enumerate(tree.sections):
        parent = doc
        if sec.kind in EXHIBIT_KINDS:
            if part is None or part[0] != sec.key:
                elem = _elem(out, "Part", doc, tree.names.get(sec.key, sec.key))
                part = (sec.key, elem, Array())
                kids.append(elem)
            parent = part[1]
        else:
            part = None
        sect = _elem(out, "Sect", parent, sec.title or sec.kind.capitalize())
        inner = (_built(out, sec, n, sect, pages, finals, tree) if sec.rendered is not None
                 else _adopt(sec.grafted, sect))
        if not inner:
            continue
        sect.K = Array(inner)
        if parent is doc:
            kids.append(sect)
        else:
            part[2].append(sect)
            part[1].K = part[2]
    doc.K = Array([k for k in kids if "/K" in k])
    root.K = Array([doc]) if len(doc.K) else Array()
    _parent_tree(out, root, pages, tree)
    if tree.rolemap:
        root.RoleMap = Dictionary(tree.rolemap)
    out.Root.StructTreeRoot = root
    out.Root.MarkInfo = Dictionary(Marked=True)


def prepend(pdf: pikepdf.Pdf, rendered: Rendered, count: int, title: str) -> None:
    """Tag *count* rendered pages just put before the packet's first (a volume's cover sheet):
    their Sect goes first in the Document, their MCIDs under new parent-tree keys."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return
    if not len(root.K):  # a volume of untagged scans: its Document begins with the cover
        root.K = Array([pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))])
    pages = list(pdf.pages)
    tree = Tree()
    tree.generated(pdf, title, "cover", "", 0, [p.obj for p in pages[:count]], rendered, rendered.first)
    doc = root.K[0]
    sect = _elem(pdf, "Sect", doc, title)
    inner = _built(pdf, tree.sections[0], 0, sect, pages, {i: {a.objgen for a in _annots(pages[i].obj)}
                                                           for i in range(count)}, tree)
    if not inner:
        return
    sect.K = Array(inner)
    doc.K = Array([sect, *doc.K])
    key = int(root.ParentTreeNextKey)
    nums = root.ParentTree.Nums
    for i, owned in sorted(tree.marks.items()):
        pages[i].obj.StructParents = key
        nums.extend([key, Array([owned.get(m) for m in range(max(owned) + 1)])])
        key += 1
    for annot, elem in tree.objr:
        annot.StructParent = key
        nums.extend([key, elem])
        key += 1
    root.ParentTreeNextKey = key


def _elem(out: pikepdf.Pdf, role: str, parent: Dictionary, title: str = "") -> Dictionary:
    elem = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + role), P=parent))
    if title:
        elem.T = pikepdf.String(title)
    return elem


def _adopt(elems: list, parent: Dictionary) -> list:
    for e in elems:
        e.P = parent
    return elems


def _built(out, sec: Section, n: int, sect: Dictionary, pages: list, finals: dict, tree: Tree) -> list:
    """The rendering's elements that have content on this section's pages."""
    tags = sec.rendered.tags
    if tags is None:
        return []
    lo, hi = sec.first, sec.first + sec.count

    def build(node: int, parent: Dictionary):
        elem = _elem(out, tags.roles[node], parent)
        kids = Array()
        for kid in tags.kids[node]:
            if kid[0] == "n":
                if (child := build(kid[1], elem)) is not None:
                    kids.append(child)
                continue
            if not lo <= kid[1] < hi:
                continue
            idx = sec.start + kid[1] - lo
            page = pages[idx].obj
            if kid[0] == "m":
                kids.append(Dictionary(Type=Name.MCR, Pg=page, MCID=kid[2]))
                tree.marks.setdefault(idx, {})[kid[2]] = elem
            else:
                copied = tree.annots.get(idx, [])
                annot = copied[kid[2]] if kid[2] < len(copied) else None
                if annot is not None and annot.objgen in finals[idx]:
                    kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=page))
                    tree.objr.append((annot, elem))
        for annot, idx in tree.linked.get((n, node), []):
            kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=pages[idx].obj))
            tree.objr.append((annot, elem))
        if not len(kids):
            return None
        elem.K = kids
        if tags.alts[node]:
            elem.Alt = pikepdf.String(tags.alts[node])
        return elem

    return [e for kid in tags.kids[0] if kid[0] == "n" and (e := build(kid[1], sect)) is not None]


def _parent_tree(out, root: Dictionary, pages: list, tree: Tree) -> None:
    """Page i's MCIDs under key i's array; each linked annotation a key of its own after those."""
    nums = Array()
    for i, page in enumerate(pages):
        owned = tree.marks.get(i)
        if not owned:
            if "/StructParents" in page.obj:  # an exhibit's own key, meaningless in this file
                del page.obj["/StructParents"]
            continue
        page.obj.StructParents = i
        nums.append(i)
        nums.append(Array([owned.get(m) for m in range(max(owned) + 1)]))
        if "/Annots" in page.obj:
            page.obj.Tabs = Name.S  # tab order follows the structure
    key = len(pages)
    linked = {a.objgen for a, _e in tree.objr}
    for page in pages:
        for annot in _annots(page.obj):
            if "/StructParent" in annot and annot.objgen not in linked:
                del annot["/StructParent"]
    for annot, elem in tree.objr:
        annot.StructParent = key
        nums.append(key)
        nums.append(elem)
        key += 1
    root.ParentTree = out.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = key


@dataclass
class _Graft:
    pages: dict  # source page objgen -> (packet index, copied page)
    annots: dict  # source annotation objgen -> copied annotation
    tree: Tree
    seen: set = field(default_factory=set)
    count: int = 0


def _graft(out, src_pdf: pikepdf.Pdf | None, chosen: list, copied: list, start: int, tree: Tree) -> list:
    """The input's own structure elements for the pages copied, re-pointed at the packet's pages
    (their MCIDs kept, their parent-tree keys made anew); elements on pages left out are dropped."""
    if src_pdf is None:  # closed early: it had no structure tree (assemble._bare)
        return []
    src_root = src_pdf.Root.get("/StructTreeRoot")
    if not isinstance(src_root, Dictionary):
        return []
    ctx = _Graft({}, {}, tree)
    for k, (page, obj) in enumerate(zip(chosen, copied)):
        ctx.pages[page.obj.objgen] = (start + k, obj)
        src_annots, new_annots = page.obj.get("/Annots"), obj.get("/Annots")
        if isinstance(src_annots, Array) and isinstance(new_annots, Array) and len(src_annots) == len(new_annots):
            for a, b in zip(src_annots, new_annots):
                if isinstance(a, Dictionary) and a.is_indirect:
                    ctx.annots[a.objgen] = b
    rolemap = src_root.get("/RoleMap")
    if isinstance(rolemap, Dictionary):
        for k in rolemap.keys():
            if isinstance(rolemap[k], Name) and k not in tree.rolemap:
                tree.rolemap[k] = Name(str(rolemap[k]))
    top = src_root.get("/K")
    out_elems = []
    for kid in (top if isinstance(top, Array) else [top] if top is not None else []):
        elem = _copy(out, kid, None, ctx, 0)
        if elem is not None:
            if elem.S == Name.Document:  # one Document per file: the exhibit's is a Part of ours
                elem.S = Name.Part
            out_elems.append(elem)
    return out_elems


def _copy(out, elem, pg, ctx: _Graft, depth: int):
    if depth > MAX_DEPTH or not isinstance(elem, Dictionary) or not isinstance(elem.get("/S"), Name):
        return None
    if elem.is_indirect:
        if elem.objgen in ctx.seen:
            return None
        ctx.seen.add(elem.objgen)
    ctx.count += 1
    if ctx.count > MAX_ELEMENTS:
        return None
    pg = elem.get("/Pg", pg)
    new = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name(str(elem.S))))
    for key in COPIED:
        if isinstance(elem.get(key), pikepdf.String):
            new[key] = pikepdf.String(bytes(elem[key]))
    for key in ("/A", "/C"):
        if (value := _plain(elem.get(key))) is not None:
            new[key] = value
    kids = Array()
    k = elem.get("/K")
    for kid in (k if isinstance(k, Array) else [k] if k is not None else []):
        if isinstance(kid, int):
            _mcr(kids, pg, kid, new, ctx)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
            if "/Stm" not in kid and isinstance(kid.get("/MCID"), int):  # content in a form XObject: left out
                _mcr(kids, kid.get("/Pg", pg), kid.MCID, new, ctx)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
            obj = kid.get("/Obj")
            annot = ctx.annots.get(obj.objgen) if isinstance(obj, Dictionary) and obj.is_indirect else None
            if annot is not None:
                objr = Dictionary(Type=Name.OBJR, Obj=annot)
                if (page := _page(pg, ctx)) is not None:
                    objr.Pg = page
                kids.append(objr)
                ctx.tree.objr.append((annot, new))
        elif (child := _copy(out, kid, pg, ctx, depth + 1)) is not None:
            child.P = new
            kids.append(child)
    if not len(kids):
        return None
    new.K = kids
    return new


def _page(pg, ctx: _Graft):
    hit = ctx.pages.get(pg.objgen) if isinstance(pg, Dictionary) and pg.is_indirect else None
    return hit[1] if hit else None


def _mcr(kids: Array, pg, mcid: int, elem: Dictionary, ctx: _Graft) -> None:
    hit = ctx.pages.get(pg.objgen) if isinstance(pg, Dictionary) and pg.is_indirect else None
    if hit is None:
        return  # its page is not in this part of the packet
    idx, page = hit
    kids.append(Dictionary(Type=Name.MCR, Pg=page, MCID=mcid))
    ctx.tree.marks.setdefault(idx, {})[mcid] = elem


def _plain(value, depth: int = 0):
    """A direct copy of attribute data (names, numbers, strings, arrays, dictionaries of them)."""
    if value is None or depth > 8:
        return None
    if isinstance(value, (bool, int, float)) or type(value).__name__ == "Decimal":
        return value
    if isinstance(value, Name):
        return Name(str(value))
    if isinstance(value, pikepdf.String):
        return pikepdf.String(bytes(value))
    if isinstance(value, Array):
        items = [_plain(v, depth + 1) for v in value]
        return None if any(i is None for i in items) else Array(items)
    if isinstance(value, Dictionary) and not isinstance(value, pikepdf.Stream):
        items = {k: _plain(value[k], depth + 1) for k in value.keys()}
        return None if any(v is None for v in items.values()) else Dictionary(items)
    return None


def _annots(obj: Dictionary) -> list:
    annots = obj.get("/Annots")
    return [a for a in annots if isinstance(a, Dictionary) and a.is_indirect] if isinstance(annots, Array) else []
