"""The build pipeline: load, validate, inspect, plan, render, assemble, write, verify."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .assemble import Bookmark, Piece, assemble
from .errors import CaseError, Interrupted, ParolekitError, Problem
from .intake import Source, TextInput, check_unchanged, inspect_sources, snapshot_texts
from .labels import label
from .manifest import Case, load_case
from .output import (Written, check_output_path, discard, input_paths, stage_pdf, write_packet,
                     write_signing_copies, write_volumes)
from .plan import ExhibitSpec, PagePlan, Part, plan_pages
from .publish import OutputLock
from .render import exhibit_pages, sections
from .render.doc import Rendered
from .render.letter import LetterError, cover_letter, letter_body, report as report_letter
from .rules.engine import check_for_build
from .validate import check_case, read_text
from .volumes import (MB, PAGE_OVERHEAD, PageTooLarge, Volume, earlier_outputs, page_sizes, place_volumes,
                      split_volumes, volume_parts, volume_path)

Progress = Callable[[str], None]
MAX_PLAN_ROUNDS = 6
MAX_SIZE_ROUNDS = 4  # re-splits when a written volume turns out over the limit


@dataclass
class BuildResult:
    """What a build made: the page plan, the files written and any warnings."""

    manifest: Path
    output: Path
    receipt: Path
    plan: PagePlan
    pages: int
    sha256: str
    files: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    signing: list[Path] = field(default_factory=list)


def build_packet(manifest: Path | str, output: Path | str | None = None, *,
                 allow_paths: list[Path] | None = None, max_file_mb: float | None = None,
                 progress: Progress | None = None, signing_copies: bool = False) -> BuildResult:
    """Build one case's packet. Raises a ParolekitError (with located problems) on bad input.

    With *signing_copies*, the generated declarations and certificates are also written unstamped
    (to `<packet>.signing/`), for wet signature: a signed packet page would carry a stamp twice.
    """
    started = time.perf_counter()
    step = progress or (lambda _stage: None)
    step("load")
    case = load_case(manifest)
    case.allow = list(allow_paths or [])
    step("validate")
    check_case(case)
    step("inspect")
    sources = inspect_sources(case, allow_paths)
    texts = snapshot_texts(case)  # printed and hashed from the same bytes
    out_path = check_output_path(case, output, sources)
    check_for_build(case, sources)
    if case.problems.errors:
        raise CaseError(f"{case.name}: the case has problems", case.problems.sorted())
    with OutputLock(out_path) as lock:  # one build at a time writes this packet
        try:
            return _build(case, sources, texts, out_path, lock, max_file_mb, step, started,
                          signing_copies)
        except KeyboardInterrupt:
            raise Interrupted(lock.state()) from None
        except (ParolekitError, MemoryError):
            raise
        except Exception:
            # An input cut short or rewritten while its pages were copied fails deep in qpdf; say
            # so (exit 1, naming it) rather than as a corrupt input or a bug.
            if not check_unchanged(case, sources, texts):
                raise CaseError(f"{case.name}: an input changed while the packet was being built",
                                case.problems.sorted()) from None
            raise


def _build(case: Case, sources: list[Source], texts: dict[tuple, TextInput], out_path: Path,
           lock: OutputLock, max_file_mb, step: Progress, started: float,
           signing_copies: bool = False) -> BuildResult:
    m = case.manifest
    paper = m.output.paper
    by_ref = {src.ref: src for src in sources}

    step("render")
    fixed: dict[str, Rendered] = {}
    specs: list[ExhibitSpec] = []
    sheets: dict[str, tuple[str, str]] = {}  # separator key -> (label, title), rendered together
    n = 0
    for i, decl in enumerate(m.declarations):
        n += 1
        lab = label(n, m.output.labels)
        title = decl.title or f"Declaration of {decl.declarant.name}"
        sheets[f"separator:{decl.id}"] = (f"Exhibit {lab}", title)
        if decl.signed_file:
            src = by_ref[("declarations", i, "signed_file")]
            parts = [Part("declaration", decl.id, len(src.pages), title, _ref(src.ref))]
        else:
            snap = texts.get(("declarations", i, "text"))
            r = exhibit_pages.declaration(decl, snap.text if snap else read_text(case, decl.text or ""),
                                          paper)
            fixed[f"declaration:{decl.id}"] = r
            parts = [Part("declaration", decl.id, r.pages, title, f"declaration:{decl.id}")]
        date = decl.executed.date.isoformat() if decl.executed and decl.executed.date else ""
        specs.append(ExhibitSpec(decl.id, lab, title, date, tuple(parts), True))
    for i, ex in enumerate(m.exhibits):
        n += 1
        lab = label(n, m.output.labels)
        sheets[f"separator:{ex.id}"] = (f"Exhibit {lab}", ex.title)
        parts = []
        refs = [("exhibits", i, "files", j) for j in range(len(ex.files))] if ex.files else \
            [("exhibits", i, "file")]
        for ref in refs:
            src = by_ref[ref]
            parts.append(Part("document", ex.id, len(src.pages), ex.title, _ref(ref)))
        if ex.translation:
            src = by_ref[("exhibits", i, "translation", "file")]
            parts.append(Part("translation", ex.id, len(src.pages), "English translation", _ref(src.ref)))
            cert = exhibit_pages.translation_certificate(ex, f"Exhibit {lab}", m.case.date, paper)
            fixed[f"certificate:{ex.id}"] = cert
            parts.append(Part("certificate", ex.id, cert.pages, "Certificate of translation",
                              f"certificate:{ex.id}"))
        specs.append(ExhibitSpec(ex.id, lab, ex.title, ex.date.isoformat() if ex.date else "",
                                 tuple(parts)))

    fixed.update(zip(sheets, exhibit_pages.separators(list(sheets.values()), paper)))

    step("plan")
    snap = texts.get(("cover_letter", "file"))
    body = snap.text if snap else letter_body(case)
    template = case.resolve(m.cover_letter.template) if m.cover_letter and m.cover_letter.template else None
    front_forms = [Part("form", f"form:{i}", len(by_ref[("forms", i, "file")].pages), _form_title(m, f),
                        _ref(("forms", i, "file"))) for i, f in enumerate(m.forms)]
    limit = max_file_mb or m.output.max_file_mb
    rendered: dict[str, Rendered] = {}

    def settle(factors: dict[str, float]) -> tuple[PagePlan, list[Volume]]:
        # A good first guess saves a round of rendering: ~24 one-line index rows fit on a page.
        counts = {"cover": 1, "index": max(1, -(-(len(specs) + 4) // 24)),
                  "chronology": 1 if m.chronology else 0, "claims": 1 if m.claims else 0}
        vols: list[Volume] = []
        for _round in range(MAX_PLAN_ROUNDS):
            # Front matter cites pages that depend on its own length (and, with volumes, on where
            # the volumes break): re-plan until both settle.
            front = [Part("cover", "cover", counts["cover"], "Cover letter", "cover"), *front_forms,
                     Part("index", "index", counts["index"], "Index of exhibits", "index"),
                     Part("chronology", "chronology", counts["chronology"], "Chronology", "chronology"),
                     Part("claims", "claims", counts["claims"], "Claims and evidence", "claims")]
            plan = plan_pages(front, specs)
            before = vols
            if limit:
                sizes = _page_bytes(plan, {**fixed, **rendered}, by_ref, factors)
                try:
                    vols = split_volumes(plan, sizes, limit * MB)
                except PageTooLarge as e:
                    _too_large(case, plan, e.page, e.size, limit)
                    raise CaseError(f"{case.name}: the packet cannot be split into volumes",
                                    case.problems.sorted()) from None
                plan = place_volumes(plan, vols)
            rendered["cover"] = _cover_letter(case, plan, body, template, paper)
            rendered["index"] = sections.exhibit_index(m, plan, paper, volumes=max(len(vols), 1))
            if m.chronology:
                rendered["chronology"] = sections.chronology(m, plan, paper)
            if m.claims:
                rendered["claims"] = sections.claims(m, plan, paper)
            new = {k: (rendered[k].pages if k in rendered else 0) for k in counts}
            if new == counts and (not limit or vols == before):
                return plan, vols
            counts = new
        # Lengths only grow with page numbers' digits, so this is a bug, not a problem of the case.
        raise ParolekitError(f"{case.name}: the page plan did not settle; please report this")

    bookmarks_of = lambda plan: _bookmarks(m, plan, by_ref)  # noqa: E731
    producer = f"parolekit {__version__}"
    lookup = fixed  # rendered front matter joins it below, per plan
    # Read before the receipt is overwritten: files of an earlier, different split go once the
    # new set is in place (never an input, whatever an old receipt says).
    keep = input_paths(case, sources)
    earlier = {p: d for p, d in earlier_outputs(out_path).items() if p.resolve() not in keep}
    if not limit:
        plan, _ = settle({})
        step("assemble")
        lookup = {**fixed, **rendered}
        pieces = [Piece(rendered=lookup[part.ref]) if part.ref in lookup else
                  Piece(source=by_ref[_unref(part.ref)]) for _start, part in plan.parts]
        pdf = assemble(plan, pieces, bookmarks_of(plan), title=m.case.title,
                       date_iso=m.case.date.isoformat(), producer=producer,
                       bates_prefix=m.output.bates_prefix, release_sources=True,
                       fit_paper=paper if m.output.fit_to_paper else None)
        step("write")
        step("verify")  # the staged file is read back before it replaces anything
        files = [write_packet(case, pdf, out_path, plan, sources, lock, earlier, texts)]
        pdf.close()
        del pdf, pieces
    else:
        factors: dict[str, float] = {}
        for _attempt in range(MAX_SIZE_ROUNDS):
            plan, vols = settle(factors)
            step("assemble")
            lookup = {**fixed, **rendered}
            staged, over = _stage_volumes(m, plan, vols, lookup, by_ref, bookmarks_of(plan), producer,
                                          out_path, limit)
            if not over:
                break
            discard([tmp for tmp, _f, _p in staged])
            # Estimates were low for these volumes: scale what went into them, then split again.
            sizes = _page_bytes(plan, lookup, by_ref, factors)
            for v, actual in over:
                ratio = 1.05 * actual / max(sum(sizes[v.first - 1:v.last]), 1.0)
                for _a, part, _skip in volume_parts(plan, v):
                    factors[part.ref] = factors.get(part.ref, 1.0) * ratio
        else:
            case.add(("output", "max_file_mb") if m.output.max_file_mb else (),
                     "volume-limit-unreachable", f"could not split the packet into volumes under "
                     f"{limit:g} MB (tried {MAX_SIZE_ROUNDS} times); raise output.max_file_mb or "
                     "lower output.max_dpi")
            raise CaseError(f"{case.name}: the packet cannot be split into volumes",
                            case.problems.sorted())
        step("write")
        step("verify")
        files = write_volumes(case, staged, out_path, plan, sources, lock, earlier, texts)
    for src in sources:  # the copied page data (about the inputs' size) is shared with them
        if src.pdf is not None:
            src.pdf.close()
            src.pdf = None
    # Generated pages before any stamp: a declaration signed on a packet page would be stamped twice.
    signing = write_signing_copies(plan, fixed, out_path) if signing_copies else []
    warnings = [p for p in case.problems.sorted() if p.severity == "warning"]
    return BuildResult(case.path, files[0].path, files[0].receipt, plan, plan.total, files[0].sha256,
                       files, warnings, time.perf_counter() - started, signing)


def _stage_volumes(m, plan: PagePlan, vols: list[Volume], lookup: dict, by_ref: dict,
                   bookmarks: list[Bookmark], producer: str, out_path: Path, limit: float):
    """Assemble and save each volume to a temporary file; report those over the limit."""
    names = [(volume_path(out_path, v.number, v.count).name, v.first, v.last) for v in vols]
    staged: list[tuple[Path, Path, tuple[int, int]]] = []
    over: list[tuple[Volume, int]] = []
    try:
        for v in vols:
            cut = volume_parts(plan, v)
            pieces = [Piece(rendered=lookup[part.ref], skip=skip) if part.ref in lookup else
                      Piece(source=by_ref[_unref(part.ref)], skip=skip) for _a, part, skip in cut]
            title = m.case.title + (f" (Volume {v.number} of {v.count})" if v.count > 1 else "")
            pdf = assemble(plan, pieces, _volume_bookmarks(bookmarks, plan, v), title=title,
                           date_iso=m.case.date.isoformat(), producer=producer,
                           bates_prefix=m.output.bates_prefix, page_offset=v.first - 1,
                           volume=(v.number, v.count), plan_parts=[(a, part) for a, part, _s in cut],
                           volume_files=names, fit_paper=m.output.paper if m.output.fit_to_paper else None)
            final = volume_path(out_path, v.number, v.count)
            tmp = stage_pdf(pdf, final)
            pdf.close()  # free this volume before the next is built
            staged.append((tmp, final, (v.first, v.last)))
            size = tmp.stat().st_size
            if size > limit * MB:
                over.append((v, size))
    except BaseException:
        discard([tmp for tmp, _f, _p in staged])
        raise
    return staged, over


def _volume_bookmarks(bookmarks: list[Bookmark], plan: PagePlan, v: Volume) -> list[Bookmark]:
    """A volume that opens in the middle of an exhibit gets an "(continued)" bookmark for it."""
    if v.count <= 1:
        return bookmarks
    by_page = {b.page: b for b in bookmarks}
    extra = []
    for place in plan.exhibits.values():
        if place.start < v.first <= place.end:
            b = by_page.get(place.start)
            extra.append(Bookmark(f"Exhibit {place.label}: {place.title} (continued)", v.first,
                                  list(b.children) if b else [], b.source if b else None))
    return extra + bookmarks


def _page_bytes(plan: PagePlan, lookup: dict, by_ref: dict, factors: dict[str, float]) -> list[float]:
    """Estimated bytes of every packet page: its input's share, rendered sizes, stamp overhead."""
    out: list[float] = []
    for _start, part in plan.parts:
        factor = factors.get(part.ref, 1.0)
        if part.ref.startswith("src:") and part.ref not in lookup:
            sizes = _source_page_sizes(by_ref[_unref(part.ref)])
            out.extend(s * factor + PAGE_OVERHEAD for s in sizes[:part.pages])
            continue
        # rendered sections; front matter not rendered yet counts as a text page
        per = lookup[part.ref].bytes_per_page if part.ref in lookup else 30_000.0
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
    ref = _unref(info.part.ref) if info and info.part.ref.startswith("src:") else \
        (("output", "max_file_mb") if case.manifest.output.max_file_mb else ())
    case.add(ref, "volume-limit-unreachable",
             f"packet page {page}{where} is about {size / MB:.1f} MB on its own, over the "
             f"{limit:g} MB volume limit, so no split can help; lower output.max_dpi, compress that "
             "file, or raise output.max_file_mb / --max-file-mb")


def _ref(ref: tuple) -> str:
    return "src:" + "\x1f".join(str(p) for p in ref)


def _unref(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in text[4:].split("\x1f"))


def _cover_letter(case: Case, plan: PagePlan, body: str, template, paper: str) -> Rendered:
    """The cover letter; a template failure becomes a located problem of the case."""
    try:
        return cover_letter(case.manifest, plan, body, template, paper, roots=case.roots,
                            loaded=case.template_files)
    except LetterError as e:
        report_letter(case, e)
        raise CaseError(f"{case.name}: the cover letter template failed", case.problems.sorted()) from None


def _form_title(m, form) -> str:
    """"Form I-131", naming the beneficiary when the case has several (one form each)."""
    people = m.case.beneficiaries
    if form.beneficiary and len(people) > 1 and form.beneficiary <= len(people):
        return f"Form {form.name} ({people[form.beneficiary - 1].name})"
    return f"Form {form.name}"


def _bookmarks(m, plan: PagePlan, by_ref: dict) -> list[Bookmark]:
    """One bookmark per section and exhibit; an exhibit's own bookmarks nest beneath it."""
    out: list[Bookmark] = []
    titles = {"cover": "Cover letter", "index": "Index of exhibits", "chronology": "Chronology",
              "claims": "Claims and evidence"}
    documents = Counter(part.key for _s, part in plan.parts if part.kind == "document")
    placed: dict[str, Bookmark] = {}
    for start, part in plan.parts:
        if part.kind in titles:
            out.append(Bookmark(titles[part.kind], start))
        elif part.kind == "form":
            out.append(Bookmark(part.title, start, source=by_ref.get(_unref(part.ref))))
        elif part.kind == "separator":
            place = plan.exhibits[part.key]
            placed[part.key] = Bookmark(f"Exhibit {place.label}: {place.title}", start)
            out.append(placed[part.key])
        elif part.kind in ("document", "declaration"):
            src = by_ref.get(_unref(part.ref)) if part.ref.startswith("src:") else None
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

