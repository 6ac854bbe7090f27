"""The packet's layout: exhibit parts and generated pages, front matter settled against its own page numbers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from .assemble import Bookmark, Piece
from . import profiles
from .errors import CaseError, ParolekitError
from .intake import Source
from .grouping import groups, labels, packet_order
from .manifest import Case, is_inline_text, read_text
from .model import Pin
from .plan import ExhibitSpec, PagePlan, Part, PinError, plan_pages
from .prepare import Prepared
from .selection import source_numbers
from .render import brief, budget, court, exhibit_pages, grounds, sections
from .render.doc import Rendered
from .render.letter import LetterError, cover_letter, is_template, letter_body, record_error, render_text
from .response import front_notice, new_exhibits, pin_pages, read_earlier
from .volumes import (MB, PAGE_OVERHEAD, PageTooLarge, Volume, exhibit_volumes, page_sizes, place_volumes,
                      split_volumes)

MAX_PLAN_ROUNDS = 6
SECTION_TITLES = {"court-cover": "Cover page", "service": "Proof of service", "cover": "Cover letter", "response": "Response to the grounds", "index": "Index of exhibits",
                  "chronology": "Chronology", "claims": "Claims and evidence", "budget": "Financial plan"}


@dataclass
class Layout:
    """What goes into the packet before page numbers are known.

    A part's `ref` is a key-path tuple for an input's pages (`("exhibits", 2, "file")`) or the
    key of a rendering (`"declaration:decl-ana"`, `"cover"`) in `rendered`.
    """

    specs: list[ExhibitSpec]
    forms: list[Part]  # filed forms, right after the cover letter
    rendered: dict[str, Rendered] = field(default_factory=dict)  # fixed pages first, front matter later
    by_ref: dict[tuple, Source] = field(default_factory=dict)
    notice: list[Part] = field(default_factory=list)  # the notice answered, when it leads the packet
    new: set[str] = field(default_factory=set)  # exhibits the earlier filing did not have
    # declarations whose text cites pages: rendering key -> (index, Markdown template)
    cited: dict[str, tuple[int, str]] = field(default_factory=dict)
    court: list[Part] = field(default_factory=list)  # a court filing's cover page, first of all
    back: list[Part] = field(default_factory=list)  # after the exhibits: its proof of service

    def piece(self, part: Part, skip: int = 0) -> Piece:
        """Where *part*'s pages come from."""
        if isinstance(part.ref, tuple):
            return Piece(source=self.by_ref[part.ref], skip=skip)
        return Piece(rendered=self.rendered[part.ref], skip=skip)


def lay_out(prep: Prepared) -> Layout:
    """Declarations, then exhibits (group by group when grouped), each after its separator sheet;
    their generated pages rendered."""
    m, paper = prep.case.manifest, prep.case.manifest.output.paper
    by_ref = prep.by_ref
    fixed: dict[str, Rendered] = {}
    specs: list[ExhibitSpec] = []
    cited: dict[str, tuple[int, str]] = {}
    sheets: dict[str, tuple[str, str]] = {}  # separator key -> (label, title), rendered together
    notice = front_notice(m)
    frozen = _frozen(prep)
    items = packet_order(m, skip=notice, frozen={i for i, _ in frozen}, append=m.output.freeze_new == "append")
    labs = labels(m, items, frozen)
    for it in items:
        lab = labs[it.id]
        if it.kind == "declaration":
            spec = _declaration(prep, it.index, lab, fixed, cited)
        else:
            spec = _exhibit(prep, it.index, lab, fixed)
        specs.append(replace(spec, group=it.group))
        sheets[f"separator:{it.id}"] = (f"Exhibit {lab}", spec.title)
    fixed.update(zip(sheets, exhibit_pages.separators(list(sheets.values()), paper)))
    forms = [Part("form", f"form:{i}", len(by_ref[("forms", i, "file")].pages), _form_title(m, f),
                  ("forms", i, "file")) for i, f in enumerate(m.forms)]
    front, back = _court_pages(m, fixed, m.output.paper)
    return Layout(specs, forms, fixed, by_ref, _notice_parts(prep, notice), _new_since_earlier(prep), cited,
                  front, back)


def _frozen(prep: Prepared) -> tuple[tuple[str, str], ...]:
    """The (id, label) pairs of the receipt `output.freeze` names: labels that stay put."""
    snap = prep.texts.get(("output", "freeze")) if prep.case.manifest.output.freeze else None
    if snap is None:
        return ()
    try:
        return read_earlier(snap.text).labels
    except ValueError:
        return ()  # reported by validation; a build with errors never gets here


def _declaration(prep: Prepared, i: int, lab: str, fixed: dict, cited: dict) -> ExhibitSpec:
    """A declaration: its signed scan, or its text rendered now (or, when it cites pages, once planned)."""
    m, case = prep.case.manifest, prep.case
    decl = m.declarations[i]
    title = decl.title or f"Declaration of {decl.declarant.name}"
    if decl.signed_file:
        src = prep.by_ref[("declarations", i, "signed_file")]
        parts = [Part("declaration", decl.id, len(src.pages), title, src.ref,
                      source_numbers([src])[0], src.page_count)]
    else:
        snap = prep.texts.get(("declarations", i, "text"))
        text = snap.text if snap else read_text(case, decl.text or "")
        key = f"declaration:{decl.id}"
        if is_template(text):  # it cites pages: rendered with the front matter, once planned
            cited[key] = (i, text)
            parts = [Part("declaration", decl.id, 1, title, key, (1,), 1)]
        else:
            r = fixed[key] = exhibit_pages.declaration(decl, text, m.output.paper)
            parts = [Part("declaration", decl.id, r.pages, title, key, tuple(range(1, r.pages + 1)), r.pages)]
    date = decl.executed.date.isoformat() if decl.executed and decl.executed.date else ""
    return ExhibitSpec(decl.id, lab, title, date, tuple(parts), True)


def _exhibit_files(prep: Prepared, i: int) -> list[Source]:
    exhibit = prep.case.manifest.exhibits[i]
    refs = [("exhibits", i, "files", j) for j in range(len(exhibit.files))] if exhibit.files else \
        [("exhibits", i, "file")]
    return [prep.by_ref[ref] for ref in refs] if not exhibit.unavailable else []


def _exhibit(prep: Prepared, i: int, lab: str, fixed: dict) -> ExhibitSpec:
    """An exhibit's document, translation and certificate (or its statement of unavailability)."""
    m, by_ref = prep.case.manifest, prep.by_ref
    exhibit = m.exhibits[i]
    date = exhibit.date.isoformat() if exhibit.date else ""
    if exhibit.unavailable:  # its statement cites pages, so it is rendered with the front matter
        parts = [Part("unavailable", exhibit.id, 1, exhibit.title, f"unavailable:{exhibit.id}")]
        return ExhibitSpec(exhibit.id, lab, exhibit.title, date, tuple(parts), unavailable=True)
    files = _exhibit_files(prep, i)
    numbers, of = source_numbers(files), sum(src.page_count for src in files)
    parts = [Part("document", exhibit.id, len(src.pages), exhibit.title, src.ref, nums, of)
             for src, nums in zip(files, numbers)]
    if exhibit.translation:
        src = by_ref[("exhibits", i, "translation", "file")]
        parts.append(Part("translation", exhibit.id, len(src.pages), "English translation", src.ref))
        if exhibit.translation.signed_certificate:  # the translator's own, signed
            src = by_ref[("exhibits", i, "translation", "signed_certificate")]
            parts.append(Part("certificate", exhibit.id, len(src.pages), "Certificate of translation", src.ref))
        else:
            cert = exhibit_pages.translation_certificate(exhibit, f"Exhibit {lab}", m.case.date, m.output.paper)
            fixed[f"certificate:{exhibit.id}"] = cert
            parts.append(Part("certificate", exhibit.id, cert.pages, "Certificate of translation",
                              f"certificate:{exhibit.id}"))
    return ExhibitSpec(exhibit.id, lab, exhibit.title, date, tuple(parts))


def _notice_parts(prep: Prepared, notice: str | None) -> list[Part]:
    """The notice answered, when it leads the packet: before the cover letter, no separator or label."""
    m = prep.case.manifest
    i = next((k for k, e in enumerate(m.exhibits) if e.id == notice), None)
    if i is None:
        return []
    files = _exhibit_files(prep, i)
    numbers, of = source_numbers(files), sum(src.page_count for src in files)
    return [Part("notice", f"notice:{notice}", len(src.pages), m.exhibits[i].title, src.ref, nums, of)
            for src, nums in zip(files, numbers)]


def _court_pages(m, fixed: dict[str, Rendered], paper: str) -> tuple[list[Part], list[Part]]:
    """A court filing opens with the ICPM cover page and ends with its proof of service (none
    when ECAS serves it); neither cites a page, so both are rendered once, here."""
    if m.case.forum != "immigration-court" or m.case.court is None:
        return [], []
    r = fixed["court-cover"] = court.cover_page(m, paper)
    front = [Part("court-cover", "court-cover", r.pages, SECTION_TITLES["court-cover"], "court-cover")]
    if m.service is None or m.service.method == "ecas":
        return front, []
    r = fixed["service"] = court.proof_of_service(m, paper)
    return front, [Part("service", "service", r.pages, SECTION_TITLES["service"], "service")]


def has_letter(m) -> bool:
    """A USCIS filing opens with its cover letter; a court filing has the ICPM cover page instead,
    and a letter (to the clerk) only when the manifest gives `cover_letter:`."""
    return m.case.forum != "immigration-court" or m.cover_letter is not None


def _new_since_earlier(prep: Prepared) -> set[str]:
    """Exhibits not in the earlier filing whose receipt the response names (none without one)."""
    r = prep.case.manifest.response
    snap = prep.texts.get(("response", "earlier_receipt")) if r and r.earlier_receipt else None
    if snap is None:
        return set()
    try:
        earlier = read_earlier(snap.text)
    except ValueError:
        return set()  # reported by validation; a build with errors never gets here
    hashes = {src.ref: src.sha256 for src in prep.sources} | {k: t.sha256 for k, t in prep.texts.items()}
    return new_exhibits(prep.case.manifest, earlier, hashes)


def settle(prep: Prepared, layout: Layout, limit: float | None,
           factors: dict) -> tuple[PagePlan, list[Volume]]:
    """The page plan and the pages that cite it (rendered into `layout.rendered`), at a fixed point.

    Front matter and unavailable-document statements cite pages that depend on their own length
    (and, with volumes, on where the volumes break): re-plan until both settle.
    """
    case, m = prep.case, prep.case.manifest
    snap = prep.texts.get(("cover_letter", "file"))
    body = snap.text if snap else letter_body(case)
    template = case.resolve(m.cover_letter.template) if m.cover_letter and m.cover_letter.template else None
    # A good first guess saves a round of rendering the front matter (see sections.index_guess).
    counts = {"cover": 1 if has_letter(m) else 0, "brief": 1 if m.brief else 0, "response": 1 if m.response else 0,
              "index": sections.index_guess(layout.specs, _pages_guess(layout), m.output.paper),
              "chronology": 1 if m.chronology else 0, "claims": 1 if m.claims else 0,
              "budget": 1 if m.budget else 0}
    counts.update({part.ref: part.pages for spec in layout.specs for part in spec.parts
                   if part.kind == "unavailable" or part.ref in layout.cited})
    vols: list[Volume] = []
    for round_ in range(MAX_PLAN_ROUNDS):
        # The forms follow the letter (and a response's table), as filed; then the brief argues.
        front = [*layout.court, *layout.notice, Part("cover", "cover", counts["cover"], "Cover letter", "cover"),
                 Part("response", "response", counts["response"], SECTION_TITLES["response"], "response"),
                 *layout.forms,
                 Part("brief", "brief", counts["brief"], m.brief.title if m.brief else "", "brief"),
                 *(Part(k, k, counts[k], SECTION_TITLES[k], k) for k in ("index", "chronology", "claims",
                                                                          "budget"))]
        plan = plan_pages(front, [_sized(spec, counts, layout.cited) for spec in layout.specs], layout.back)
        plan.cite_separator = m.output.cite_to == "separator"
        plan.group_titles = {g.key: g.title for g in groups(m)}
        if round_ == 0:  # (a statement's or citing declaration's length is known only once rendered)
            check_pins(case, plan, skip={s.id for s in layout.specs
                                         if s.unavailable or any(p.ref in layout.cited for p in s.parts)})
        before = vols
        if limit:
            sizes = page_bytes(plan, layout, factors)
            try:
                split = exhibit_volumes if profiles.per_exhibit(m) else split_volumes
                vols = split(plan, sizes, limit * MB)
            except PageTooLarge as e:
                _too_large(case, plan, e.page, e.size, limit)
                raise CaseError(f"{case.name}: the packet cannot be split into volumes",
                                case.problems.sorted()) from None
            plan = place_volumes(plan, vols)
        if not _render_declarations(prep, layout, plan, counts):
            # The front matter may cite a page of a declaration that cites: render it once the
            # plan holds that declaration at its true length, not the first guess of one page.
            counts = {**counts, **{k: layout.rendered[k].pages for k in layout.cited}}
            continue
        _render_cited(prep, layout, plan, body, template, max(len(vols), 1))
        new = {k: (layout.rendered[k].pages if k in layout.rendered else 0) for k in counts}
        if new == counts and (not limit or vols == before):
            check_pins(case, plan)  # now every length is final
            return plan, vols
        counts = new
    # Lengths only grow with page numbers' digits, so this is a bug, not a problem of the case.
    raise ParolekitError(f"{case.name}: the page plan did not settle; please report this")


def _pages_guess(layout: Layout) -> int:
    """About how many pages the packet has (exhibits and their separators): the index's page
    column is as wide as its numbers."""
    return sum(part.pages for spec in layout.specs for part in spec.parts) + len(layout.specs) + 10


def _sized(spec: ExhibitSpec, counts: dict, cited: dict) -> ExhibitSpec:
    """*spec* with its statement of unavailability, or its declaration that cites pages, as
    long as it last rendered."""
    if not spec.unavailable and not any(p.ref in cited for p in spec.parts):
        return spec
    pages = [counts.get(p.ref, p.pages) for p in spec.parts]
    return replace(spec, parts=tuple(replace(p, pages=n, numbering=tuple(range(1, n + 1)), of=n)
                                     for p, n in zip(spec.parts, pages)))


def _render_cited(prep: Prepared, layout: Layout, plan: PagePlan, body: str, template, volumes: int) -> None:
    """Render every page that cites packet pages, against *plan*."""
    case, m = prep.case, prep.case.manifest
    paper, rendered = m.output.paper, layout.rendered
    if has_letter(m):
        rendered["cover"] = _cover_letter(case, plan, body, template, paper)
    if m.brief:
        snap = prep.texts.get(("brief", "file"))
        source = snap.text if snap else read_text(case, m.brief.file)
        rendered["brief"] = brief.brief(_cited_text(case, plan, source, ("brief", "file"), m.brief.file),
                                        m.brief.title, paper)
    if m.response:
        answers = {g.id: _cited_text(case, plan, g.answer, ("response", "grounds", i, "answer"))
                   for i, g in enumerate(m.response.grounds) if g.answer}
        rendered["response"] = grounds.response_table(m, plan, paper, answers, layout.new)
    rendered["index"] = sections.exhibit_index(m, plan, paper, volumes=volumes, new=layout.new)
    if m.chronology:
        rendered["chronology"] = sections.chronology(m, plan, paper)
    if m.claims:
        rendered["claims"] = sections.claims(m, plan, paper)
    if m.budget:
        rendered["budget"] = budget.budget_section(m, plan, paper)
    for i, ex in enumerate(m.exhibits):
        if ex.unavailable and ex.id in plan.exhibits:
            why = _cited_text(case, plan, ex.unavailable.explanation or "",
                              ("exhibits", i, "unavailable", "explanation"))
            rendered[f"unavailable:{ex.id}"] = exhibit_pages.unavailable(
                ex, f"Exhibit {plan.exhibits[ex.id].label}", why, plan, paper)


def _render_declarations(prep: Prepared, layout: Layout, plan: PagePlan, counts: dict) -> bool:
    """Render every declaration whose text cites pages, against *plan*; False when one came out
    at another length than *counts* planned it."""
    case, m = prep.case, prep.case.manifest
    for key, (i, source) in layout.cited.items():
        decl = m.declarations[i]
        shown = None if is_inline_text(decl.text or "") else (decl.text or "").strip()
        layout.rendered[key] = exhibit_pages.declaration(
            decl, _cited_text(case, plan, source, ("declarations", i, "text"), shown), m.output.paper)
    return all(layout.rendered[key].pages == counts.get(key) for key in layout.cited)


def _cited_text(case: Case, plan: PagePlan, source: str, ref: tuple, file: str | None = None) -> str:
    """Manifest Markdown that may cite() pages, rendered; a failure is a located problem.
    Text read from *file* is named by it, and its lines are the file's."""
    shown = file or case.keypath(ref)
    try:
        return render_text(case.manifest, plan, source, shown, roots=case.roots)
    except LetterError as e:
        case.add(ref, "template-error", e.message if file else e.message.replace(f"{shown}, line", "line", 1))
        raise CaseError(f"{case.name}: {case.keypath(ref)} cannot be rendered", case.problems.sorted()) from None


def check_pins(case: Case, plan: PagePlan, skip: set[str] | frozenset = frozenset()) -> None:
    """Every pin cite (a ground's or budget line's exhibit pages, a ground's notice page) names
    pages the exhibit has: a citation to a page that is not there would send the reader nowhere."""
    m = case.manifest
    bad = len(case.problems.items)
    pins: list[tuple[tuple, Pin]] = []
    if m.response:
        r = m.response
        for i, g in enumerate(r.grounds):
            pins += [(("response", "grounds", i, "exhibits", j), pin) for j, pin in enumerate(g.exhibits)]
            if g.page:
                pins.append((("response", "grounds", i, "page"), Pin(id=r.notice, pages=str(g.page))))
    if m.budget:
        for section in ("costs", "resources"):
            for i, line in enumerate(getattr(m.budget, section)):
                pins += [(("budget", section, i, "exhibits", j), pin) for j, pin in enumerate(line.exhibits)]
    for part in ("chronology", "claims"):  # (an id alone cites where the exhibit begins: no pin)
        for i, item in enumerate(getattr(m, part)):
            pins += [((part, i, "exhibits", j, "pages"), pin) for j, pin in enumerate(item.exhibits)
                     if not isinstance(pin, str) and pin.pages]
    for ref, pin in pins:
        if pin.id in skip:
            continue
        try:
            pin_pages(plan, pin)
        except PinError as e:
            case.add(ref, "pin-out-of-range", f"{e} (pages are the document's own, as its source "
                     "numbers them, counted across `files:`)")
        except KeyError:
            pass  # an unknown id: reported by validation
    if len(case.problems.items) > bad:
        raise CaseError(f"{case.name}: a pin cite names a page that is not there", case.problems.sorted())


def page_bytes(plan: PagePlan, layout: Layout, factors: dict) -> list[float]:
    """Estimated bytes of every packet page: its input's share, rendered sizes, stamp overhead."""
    out: list[float] = []
    for _start, part in plan.parts:
        factor = factors.get(part.ref, 1.0)
        if isinstance(part.ref, tuple):
            sizes = _source_page_sizes(layout.by_ref[part.ref])
            out.extend(s * factor + PAGE_OVERHEAD for s in sizes[:part.pages])
            continue
        # rendered sections; front matter not rendered yet counts as a text page
        r = layout.rendered.get(part.ref)
        per = r.bytes_per_page if r is not None else 30_000.0
        out.extend([per * factor + PAGE_OVERHEAD] * part.pages)
    return out


def _source_page_sizes(src: Source) -> list[float]:
    """What each selected page of an input brings into the packet (measured once)."""
    cached = src.page_sizes
    if cached is None:
        cached = page_sizes(src.pdf, src.pages) if src.pdf is not None else [0.0] * len(src.pages)
        src.page_sizes = cached
    return cached


def _too_large(case: Case, plan: PagePlan, page: int, size: float, limit: float) -> None:
    """Locate a page too large for any volume at the input it comes from."""
    info = next((p for p in plan.page_info() if p.number == page), None)
    where = f" (Exhibit {info.exhibit}, p. {info.within})" if info and info.exhibit and info.within else ""
    ref = info.part.ref if info and isinstance(info.part.ref, tuple) else \
        (("output", "max_file_mb") if case.manifest.output.max_file_mb else ())
    case.add(ref, "volume-limit-unreachable",
             f"packet page {page}{where} is about {size / MB:.2g} MB on its own, over the "
             f"{limit:g} MB volume limit, so no split can help; lower output.max_dpi, compress that "
             "file, or raise output.max_file_mb / --max-file-mb")


def _cover_letter(case: Case, plan: PagePlan, body: str, template, paper: str) -> Rendered:
    """The cover letter; a template failure becomes a located problem of the case."""
    try:
        return cover_letter(case.manifest, plan, body, template, paper, roots=case.roots,
                            loaded=case.template_files)
    except LetterError as e:
        record_error(case, e)
        raise CaseError(f"{case.name}: the cover letter template failed", case.problems.sorted()) from None


def _form_title(m, form) -> str:
    """"Form I-131", naming the beneficiary when the case has several (one form each)."""
    people = m.case.beneficiaries
    if form.beneficiary and len(people) > 1 and form.beneficiary <= len(people):
        return f"Form {form.name} ({people[form.beneficiary - 1].name})"
    return f"Form {form.name}"


def bookmarks(plan: PagePlan, by_ref: dict) -> list[Bookmark]:
    """One bookmark per section and exhibit; an exhibit's own bookmarks nest beneath it."""
    out: list[Bookmark] = []
    documents = Counter(part.key for _s, part in plan.parts if part.kind == "document")
    placed: dict[str, Bookmark] = {}
    group: Bookmark | None = None  # the section heading exhibits nest under, when grouped
    group_key = ""
    for start, part in plan.parts:
        if part.kind == "brief":
            out.append(Bookmark(part.title, start))
        elif part.kind in SECTION_TITLES:
            out.append(Bookmark(SECTION_TITLES[part.kind], start))
        elif part.kind == "form":
            out.append(Bookmark(part.title, start, source=by_ref.get(part.ref)))
        elif part.kind == "notice" and part.key not in placed:
            placed[part.key] = Bookmark(f"Notice: {part.title}", start)
            out.append(placed[part.key])
        elif part.kind == "separator":
            place = plan.exhibits[part.key]
            placed[part.key] = Bookmark(f"Exhibit {place.label}: {place.title}", start)
            if place.group and place.group != group_key:  # a section's heading
                group, group_key = Bookmark(plan.group_titles.get(place.group, place.group), start), place.group
                out.append(group)
            (group.children if place.group and group else out).append(placed[part.key])
        elif part.kind in ("document", "declaration"):
            src = by_ref.get(part.ref) if isinstance(part.ref, tuple) else None
            if src is None or src.pdf is None or "/Outlines" not in src.pdf.Root:
                continue
            parent = placed[part.key]
            if documents[part.key] > 1:  # several files: each file's bookmarks under its own entry
                parent.children.append(Bookmark("Document", start, source=src))
            else:  # one file: its bookmarks hang directly under the exhibit
                parent.source = src
        elif part.kind == "translation":
            placed[part.key].children.append(Bookmark("English translation", start))
        elif part.kind == "certificate":
            placed[part.key].children.append(Bookmark("Certificate of translation", start))
    return out


def volume_bookmarks(marks: list[Bookmark], plan: PagePlan, v: Volume) -> list[Bookmark]:
    """A volume that opens in the middle of an exhibit gets an "(continued)" bookmark for it."""
    if v.count <= 1:
        return marks
    # (an exhibit's mark may sit under its section's heading, which shares its first page)
    by_page = {b.page: b for b in [*marks, *(c for m in marks for c in m.children)] if b.title.startswith("Exhibit ")}
    extra = []
    for place in plan.exhibits.values():
        if place.start < v.first <= place.end:
            b = by_page.get(place.start)
            extra.append(Bookmark(f"Exhibit {place.label}: {place.title} (continued)", v.first,
                                  list(b.children) if b else [], b.source if b else None))
    return extra + marks
