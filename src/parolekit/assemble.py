"""Assemble the packet with pikepdf: pages in plan order, stamps, bookmarks, links, page labels."""

from __future__ import annotations

import gc
import io
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from .intake import Source
from .plan import PagePlan
from .render.doc import Rendered
from .sanitize import clean_pages, flatten_forms, named_dests
from .sheet import CLOSE, prepare
from .render.markdown import LINK_SCHEME
from .tagging import Tree, finish as finish_tags
from .stamp import EMBEDDED, FONT, RESOURCE, embedded_font, footer_text, stamp_stream, strip_stream


@dataclass
class Piece:
    """Where the pages of one plan part come from: a rendered section or an input's selection."""

    rendered: Rendered | None = None
    source: Source | None = None
    skip: int = 0  # pages of the part left out at its start (it began in the previous volume)


@dataclass
class Bookmark:
    title: str
    page: int  # 1-based packet page
    children: list["Bookmark"] = field(default_factory=list)
    source: Source | None = None  # nest this source's own outline under the bookmark


@contextmanager
def _gc_paused():
    # The collector costs 10-20% on thousands of page objects that are never garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


LANGUAGE = "en-US"  # /Lang of every packet


def assemble(plan: PagePlan, pieces: list[Piece], bookmarks: list[Bookmark], *, title: str,
             date_iso: str, producer: str, bates_prefix: str | None = None, label_word: str = "Exhibit",
             page_offset: int = 0, volume: tuple[int, int] | None = None,
             plan_parts: list | None = None, volume_files: list[tuple[str, int, int]] | None = None,
             release_sources: bool = False, fit_paper: str | None = None, pdfa: bool = False) -> pikepdf.Pdf:
    """A new PDF holding the planned pages (all, or one volume's parts); not yet saved.

    For a volume, *plan_parts* are its (first page, part) runs, *page_offset* the packet pages in
    earlier volumes, and *volume_files* (file name, first page, last page) of every volume, so links
    to exhibits in another volume open that file at the right page.

    *release_sources* closes each input once its pages are copied (and sets `source.pdf` to None):
    pikepdf has already read their data into the packet, and each open input holds memory of its
    own (~30 MB over 500 files). Only when no later call needs them, i.e. not between volumes.

    An input's pages get a footer strip of their own (or, with *fit_paper*, are fitted onto that
    paper above one): the stamp never covers what the client gave. With *pdfa* the stamps are set
    in an embedded font (Source Serif), as PDF/A requires of every font.
    """
    parts = plan_parts if plan_parts is not None else plan.parts
    out = pikepdf.new()
    # A large whole packet is merged by qpdf, which reads page data from the files while saving
    # instead of into memory now (see _merge); otherwise pages are copied here, in memory.
    size = _input_bytes(pieces)
    spec: list[dict] | None = [] if release_sources and size >= STREAM_ABOVE else None
    files: dict[int, str] = {}  # renderings and cleaned inputs written for qpdf's merge
    tmp = tempfile.TemporaryDirectory(prefix="parolekit-") if spec is not None else None
    opened: dict[int, tuple[pikepdf.Pdf, list]] = {}
    # page objects of each source, keyed by source identity: (objgen) -> packet page
    landing: dict[tuple[int, tuple[int, int]], int] = {}
    kids: list = []  # copied page dictionaries, in packet order
    from_input: list[bool] = []  # per copied page: an input's (True) or parolekit's own
    outlines: dict[int, list[OutlineItem]] = {}  # a released input's own bookmarks, made in time
    tree = Tree(names={p.id: f"{label_word} {p.label}: {p.title}" for p in plan.exhibits.values()})
    released: list[Source] = []
    # Merged by qpdf, pages exist only after the merge: their tags are made then, in the same order.
    deferred: list[tuple] = []
    last_use = {id(p.source): id(p) for p in pieces if p.source is not None}  # its last piece
    with _gc_paused():
        for (start, part), piece in zip(parts, pieces):
            at = len(from_input)  # this part's first page among the copied ones
            if piece.rendered is not None:
                r = piece.rendered
                first = r.first + piece.skip
                from_input.extend([False] * part.pages)
                if spec is not None:
                    spec.append(_pages_of(_file_for(tmp, files, r.data), range(first, first + part.pages)))
                    deferred.append((part, at, r, first, None, None))
                    continue
                if id(r.data) not in opened:  # one open per rendering, however many parts share it
                    pdf = pikepdf.open(io.BytesIO(r.data))
                    opened[id(r.data)] = (pdf, list(pdf.pages))
                copied = [out.copy_foreign(p.obj) for p in opened[id(r.data)][1][first:first + part.pages]]
                tree.generated(out, part.title, part.kind, part.key, at, copied, r, first)
                kids.extend(copied)
            else:
                src = piece.source
                assert src is not None and src.pdf is not None
                plain = spec is not None and _streamable(src)  # before cleaning, which marks it
                if not src.cleaned:
                    flatten_forms(src.pdf)
                src_pages = list(src.pdf.pages)  # after flattening, which may rewrite pages
                chosen = [src_pages[i] for i in src.pages]
                if not src.cleaned:
                    clean_pages(src.pdf, chosen, {p.obj.objgen for p in chosen})
                    src.cleaned = True
                if piece.skip or part.pages != len(chosen):
                    chosen = chosen[piece.skip:piece.skip + part.pages]
                for k, page in enumerate(chosen):
                    landing[(id(src), page.obj.objgen)] = start + k
                from_input.extend([True] * len(chosen))
                if spec is not None:  # a plain input as it is on disk, any other as cleaned here
                    name = str(src.path) if plain else _file_for(tmp, files, src.pdf)
                    spec.append(_pages_of(name, src.pages[piece.skip:piece.skip + len(chosen)]))
                    deferred.append((part, at, None, 0, src, chosen))
                    if release_sources and last_use.get(id(src)) == id(piece) and _bare(src.pdf):
                        # qpdf reads its pages from the file; no tags or bookmarks to take from
                        # it later: close it now rather than hold every input open over the merge.
                        src.pdf.close()
                        src.pdf = None
                else:
                    copied = [out.copy_foreign(page.obj) for page in chosen]
                    tree.exhibit(out, part.title, part.kind, part.key, at, src.pdf, chosen, copied)
                    kids.extend(copied)
                if release_sources:
                    released.append(src)
                    if spec is None:
                        _release(src, outlines, landing, page_offset, kids)
        if spec is not None:
            out, kids = _merge(spec, tmp)
            _tag_merged(out, kids, tree, deferred)
            for src in released:
                _release(src, outlines, landing, page_offset, kids)
        pages = _page_tree(out, kids) if spec is None else list(out.pages)
        _drop_dangling_links(pages)
        _stamp(out, pages, from_input, plan, parts, page_offset, bates_prefix, label_word, volume,
               fit_paper, pdfa)
        _links(out, pages, plan, parts, pieces, page_offset, volume_files, tree)
        _outline(out, bookmarks, landing, page_offset, pages, outlines)
        _metadata(out, title, date_iso, producer, page_offset)
        finish_tags(out, pages, tree)
    out._parolekit_opened = opened  # type: ignore[attr-defined]  # keep sources alive until saved
    out._parolekit_large = size >= LARGE  # type: ignore[attr-defined]  # output.stage_pdf: hash it meanwhile
    return out


def _tag_merged(out, kids: list, tree, deferred: list[tuple]) -> None:
    """The structure of parts merged by qpdf, made once their pages are in *out*: as in memory."""
    for part, at, rendered, first, src, chosen in deferred:
        copied = kids[at:at + part.pages]
        if rendered is not None:
            tree.generated(out, part.title, part.kind, part.key, at, copied, rendered, first)
        else:
            tree.exhibit(out, part.title, part.kind, part.key, at, src.pdf, chosen, copied)


def _release(src: Source, outlines: dict, landing: dict, offset: int, kids: list) -> None:
    """The input's own bookmarks, re-pointed at packet pages, then the input closed."""
    outlines[id(src)] = _source_outline(src, landing, offset, kids)
    if src.pdf is not None:  # (an input with neither is closed as soon as its pages are listed)
        src.pdf.close()
        src.pdf = None


def _bare(pdf: pikepdf.Pdf) -> bool:
    """An input with no structure tree and no bookmarks: nothing is read from it after the merge."""
    return "/StructTreeRoot" not in pdf.Root and "/Outlines" not in pdf.Root


STREAM_ABOVE = 256 * 1024 * 1024  # bytes of input past which pages are streamed, not held in memory
LARGE = 16 * 1024 * 1024  # bytes of input past which the packet is hashed while written (hashing.Follower)
OPEN_FILES = 200  # inputs qpdf keeps open while merging; past this it reopens each as needed
_PAGE_ACTIVE = ("/Annots", "/AA", "/B", "/PresSteps")  # what sanitize.clean_pages removes


def _input_bytes(pieces: list[Piece]) -> int:
    """The size of the inputs whose pages the packet holds.

    Past STREAM_ABOVE, a whole packet is merged by qpdf from the files: pikepdf's copy_foreign
    reads every stream of a copied page into memory at once (it sets qpdf's immediate copy, so
    that a source may be closed), and at 20,000 pages the whole packet would sit in memory.
    Below, the in-memory merge is kept: reading the pages back from the files while saving costs
    time (~0.2 s at 1,000 pages) that memory at that size does not need.
    """
    sources = {id(p.source): p.source for p in pieces if p.rendered is None and p.source is not None}
    return sum(src.size for src in sources.values())


def _streamable(src: Source) -> bool:
    """A PDF the build leaves as it is (no form, no annotations or page actions, not encrypted,
    repaired, OCR'd or recompressed): qpdf may copy its pages from the file itself."""
    pdf = src.pdf
    if pdf is None or src.kind != "pdf" or src.converted or src.warnings or src.cleaned:
        return False
    if src.ocr_pages or src.recompressed or src.keep:  # changed in memory: a text layer, re-encoded scans
        return False
    if pdf.is_encrypted or "/AcroForm" in pdf.Root:
        return False
    pages = list(pdf.pages)
    return not any(key in pages[i].obj for i in src.pages for key in _PAGE_ACTIVE)


def _file_for(tmp, files: dict[int, str], what) -> str:
    """A rendering's bytes, or an input as cleaned in memory, as a file qpdf can merge from."""
    if id(what) not in files:
        path = Path(tmp.name) / f"{len(files)}.pdf"
        if isinstance(what, bytes):
            path.write_bytes(what)
        else:
            what.save(path, encryption=False)
        files[id(what)] = str(path)
    return files[id(what)]


def _pages_of(name: str, indexes) -> dict:
    """qpdf's page spec for the 0-based *indexes* of *name*: runs of pages as "a-b"."""
    runs: list[str] = []
    for i in indexes:
        n = i + 1
        if runs and "-" not in runs[-1] and runs[-1] == str(n - 1):
            runs[-1] = f"{n - 1}-{n}"
        elif runs and "-" in runs[-1] and int(runs[-1].split("-")[1]) == n - 1:
            runs[-1] = f"{runs[-1].split('-')[0]}-{n}"
        else:
            runs.append(str(n))
    return {"file": name, "range": ",".join(runs)}


def _merge(spec: list[dict], tmp) -> tuple[pikepdf.Pdf, list]:
    """Every page of the packet in order, by qpdf's page merge (pikepdf.Job, as `qpdf --empty
    --pages`): it keeps a reference to each input and copies the data as the packet is written,
    reopening files past its open-files threshold, so memory stays flat however many pages."""
    job = pikepdf.Job({"inputFile": "", "empty": "", "outputFile": "-",
                       "keepFilesOpenThreshold": str(OPEN_FILES), "pages": spec})
    out = job.create_pdf()
    out._parolekit_job = (job, tmp)  # type: ignore[attr-defined]  # read while the packet is saved
    return out, [p.obj for p in out.pages]


def _drop_dangling_links(pages: list[pikepdf.Page]) -> None:
    """Remove links whose target page is not in this file (it went to another volume).

    qpdf turns a reference to a page it did not copy into null; a link to null goes nowhere.
    """
    here = {p.obj.objgen for p in pages}
    for page in pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array) or not len(annots):
            continue
        keep = Array([a for a in annots if not _dangling(a, here)])
        if len(keep) != len(annots):
            page.obj.Annots = keep


def _dangling(annot, here: set) -> bool:
    dest = annot.get("/Dest") if isinstance(annot, Dictionary) else None
    if not isinstance(dest, Array) or not len(dest):
        return False
    target = dest[0]
    return not (isinstance(target, Dictionary) and target.is_indirect and target.objgen in here)


def _page_tree(out: pikepdf.Pdf, kids: list) -> list[pikepdf.Page]:
    """Make *kids* the document's pages, in one flat /Pages node.

    `out.pages.extend()` costs O(pages so far) per call in pikepdf, quadratic over a 5,000-page
    packet (1.1 s of merging instead of 0.3 s); qpdf's copy of a page object already leaves out its
    /Parent, and pikepdf.open has pushed inherited attributes (/Resources, /MediaBox, /Rotate) down
    to each page.
    """
    seen: set[tuple[int, int]] = set()
    root = out.Root.Pages
    for i, obj in enumerate(kids):
        if obj.objgen in seen:  # the same page twice must be two page objects
            obj = kids[i] = out.make_indirect(Dictionary({k: obj[k] for k in obj.keys()}))
        seen.add(obj.objgen)
        obj.Parent = root
    root.Kids = Array(kids)
    root.Count = len(kids)
    pages = list(out.pages)
    if len(pages) != len(kids):  # pragma: no cover - a pikepdf whose page cache went stale
        raise RuntimeError("page tree out of step with the plan")
    return pages


def _stamp(out, pages, from_input, plan: PagePlan, parts, offset, bates_prefix, label_word, volume,
           fit_paper: str | None = None, pdfa: bool = False) -> None:
    if pdfa:
        font, face = embedded_font(out), EMBEDDED
    else:
        font, face = out.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                                  Encoding=Name.WinAnsiEncoding)), FONT
    push = out.make_indirect(pikepdf.Stream(out, b"q\n"))
    info = {p.number: p for p in plan.page_info()}
    wanted = {start + k for start, part in parts for k in range(part.pages)}
    numbers = sorted(wanted)
    clips: dict = {}
    for page, number, foreign in zip(pages, numbers, from_input):
        pi = info[number]
        bates = f"{bates_prefix}-{number:06d}" if bates_prefix else ""
        text = footer_text(number, plan.total, pi.exhibit, pi.within, pi.of, bates, volume, label_word)
        obj = page.obj
        rotate = _rotation(obj.get("/Rotate", 0))
        ready = prepare(out, page, text, rotate, fit_paper, clips, font, face) if foreign else None
        res = obj.get("/Resources")
        if not isinstance(res, Dictionary):
            res = obj.Resources = Dictionary()
        fonts = res.get("/Font")
        if not isinstance(fonts, Dictionary):
            fonts = res.Font = Dictionary()
        name = _font_name(fonts, font)
        if ready is not None:
            box, lay = ready
            page.contents_add(pikepdf.Stream(out, CLOSE + strip_stream(text, box.box, box.rotate, box.strip, lay,
                                                                       str(name)[1:], face)), prepend=False)
            continue
        stream = stamp_stream(text, obj.get("/MediaBox"), obj.get("/CropBox"), rotate, str(name)[1:], face)
        page.contents_add(push, prepend=True)
        page.contents_add(pikepdf.Stream(out, b"\nQ\n" + stream), prepend=False)


def _font_name(fonts: Dictionary, font) -> Name:
    """Our font's resource name on this page, never taking a name the page already uses."""
    i = 0
    while True:
        name = Name("/" + RESOURCE + (str(i) if i else ""))
        existing = fonts.get(name)
        if existing is None:
            fonts[name] = font
            return name
        if existing.is_indirect and existing.objgen == font.objgen:
            return name
        i += 1


def _rotation(value) -> int:
    try:
        return int(value) % 360
    except (TypeError, ValueError):
        return 0


def _links(out, pages, plan: PagePlan, parts, pieces, offset, volume_files=None, tree: Tree | None = None) -> None:
    for n, ((start, part), piece) in enumerate(zip(parts, pieces)):
        if piece.rendered is None:
            continue
        for i in range(start - 1 - offset, start - 1 - offset + part.pages):
            if 0 <= i < len(pages):
                _resolve_citations(pages[i], pages, plan, offset, volume_files)
        base = start - piece.skip - piece.rendered.first  # packet page of the rendering's page 0
        for link in piece.rendered.links:
            dest = plan.resolve(link.target)
            if dest is None:
                continue
            src_i, dst_i = base - 1 + link.page - offset, dest - 1 - offset
            if not (0 <= src_i < len(pages)):
                continue
            annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array(list(link.rect)),
                               Border=Array([0, 0, 0]))
            if 0 <= dst_i < len(pages):
                annot.Dest = Array([pages[dst_i].obj, Name.Fit])
            else:  # the exhibit is in another volume: open that file (same folder) at its page
                remote = _remote(volume_files, dest)
                if remote is None:
                    continue
                annot.A = Dictionary(S=Name.GoToR, F=pikepdf.String(remote[0]),
                                     D=Array([remote[1], Name.Fit]), NewWindow=False)
            obj = pages[src_i].obj
            if "/Annots" not in obj:
                obj.Annots = Array()
            annot = out.make_indirect(annot)
            obj.Annots.append(annot)
            if tree is not None and link.node >= 0:  # its Link element holds it (tagging.py)
                tree.linked.setdefault((n, link.node), []).append((annot, src_i))


def _resolve_citations(page, pages, plan: PagePlan, offset: int, volume_files) -> None:
    """A citation in generated text is a link to "parolekit:<target>": point it at its page (in
    this file, or in the volume that has it), or drop it when no page answers."""
    annots = page.obj.get("/Annots")
    if not isinstance(annots, Array):
        return
    keep = Array()
    for annot in annots:
        action = annot.get("/A")
        uri = action.get("/URI") if isinstance(action, Dictionary) else None
        if uri is None or not str(uri).startswith(LINK_SCHEME):
            keep.append(annot)
            continue
        dest = plan.resolve(str(uri)[len(LINK_SCHEME):])
        if dest is None:
            continue
        del annot["/A"]
        annot.Border = Array([0, 0, 0])
        if 0 <= dest - 1 - offset < len(pages):
            annot.Dest = Array([pages[dest - 1 - offset].obj, Name.Fit])
        elif (remote := _remote(volume_files, dest)) is not None:
            annot.A = Dictionary(S=Name.GoToR, F=pikepdf.String(remote[0]), D=Array([remote[1], Name.Fit]),
                                 NewWindow=False)
        else:
            continue
        keep.append(annot)
    page.obj.Annots = keep


def _remote(volume_files, page: int) -> tuple[str, int] | None:
    for name, first, last in volume_files or []:
        if first <= page <= last:
            return name, page - first
    return None


def _fit(pages: list, idx: int) -> Array:
    # The page object itself: given an index, pikepdf looks the page up in the tree every time.
    page = pages[idx]
    return Array([page.obj if isinstance(page, pikepdf.Page) else page, Name.Fit])


def _outline(out, bookmarks: list[Bookmark], landing, offset: int, pages: list,
             made: dict[int, list[OutlineItem]] | None = None) -> None:
    count = len(pages)

    def item(b: Bookmark) -> OutlineItem | None:
        idx = b.page - 1 - offset
        if not (0 <= idx < count):
            return None
        node = OutlineItem(b.title, _fit(pages, idx))
        for child in b.children:
            c = item(child)
            if c is not None:
                node.children.append(c)
        if b.source is not None:
            if made is not None and id(b.source) in made:
                node.children.extend(made[id(b.source)])
            else:
                node.children.extend(_source_outline(b.source, landing, offset, pages))
        return node

    with out.open_outline() as outline:
        for b in bookmarks:
            node = item(b)
            if node is not None:
                outline.root.append(node)
    out.Root.PageMode = Name.UseOutlines


def _source_outline(src: Source, landing, offset: int, pages: list, limit: int = 2000) -> list[OutlineItem]:
    """The exhibit's own bookmarks, re-pointed at packet pages; entries to dropped pages vanish."""
    try:
        if src.pdf is None or "/Outlines" not in src.pdf.Root:
            return []
        seen = [0]
        lookup = named_dests(src.pdf)  # one name tree and cache for all of this outline's items
        with src.pdf.open_outline(strict=False) as outline:
            return _copy_items(src, lookup, outline.root, landing, offset, pages, seen, limit, 0)
    except Exception:  # a damaged outline is not worth failing a packet for
        return []


def _copy_items(src, lookup, items, landing, offset, pages, seen, limit, depth) -> list[OutlineItem]:
    out: list[OutlineItem] = []
    count = len(pages)
    if depth > 8:
        return out
    for it in items:
        seen[0] += 1
        if seen[0] > limit:
            break
        children = _copy_items(src, lookup, it.children, landing, offset, pages, seen, limit, depth + 1)
        page = _dest_page(src, it, lookup)
        n = landing.get((id(src), page)) if page is not None else None
        if n is None or not (0 <= n - 1 - offset < count):
            out.extend(children)  # keep reachable children of an unreachable parent
            continue
        node = OutlineItem(str(it.title or "")[:200], _fit(pages, n - 1 - offset))
        node.children.extend(children)
        out.append(node)
    return out


def _dest_page(src: Source, it: OutlineItem, lookup):
    dest = it.destination
    if dest is None and it.action is not None and it.action.get("/S") == Name.GoTo:
        dest = it.action.get("/D")
    if isinstance(dest, (pikepdf.String, Name)):
        dest = lookup(dest)
    if isinstance(dest, Array) and len(dest) and isinstance(dest[0], Dictionary) and dest[0].is_indirect:
        return dest[0].objgen
    if isinstance(dest, int):
        pages = src.pdf.pages
        return pages[dest].obj.objgen if 0 <= dest < len(pages) else None
    return None


def _metadata(out, title: str, date_iso: str, producer: str, offset: int) -> None:
    stamp = "D:" + date_iso.replace("-", "") + "000000Z"
    out.docinfo = out.make_indirect(Dictionary(Title=pikepdf.String(title), Producer=producer,
                                               Creator=producer, CreationDate=stamp, ModDate=stamp))
    # The viewer's title bar shows the case's title (not a file name), and the packet's language is
    # set for screen readers: the generated pages are English.
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.Root.Lang = pikepdf.String(LANGUAGE)
    # Viewer page numbers equal the printed ones ("Page N"), volumes included.
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D, St=offset + 1)]))
