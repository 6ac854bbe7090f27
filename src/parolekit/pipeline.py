"""The build pipeline: load, validate, inspect, plan, render, assemble, write, verify."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pikepdf

from . import __version__
from .assemble import Bookmark, Piece, assemble
from .errors import CaseError, Problem, display_path
from .intake import Source, inspect_sources
from .labels import label
from .manifest import Case, load_case
from .output import Written, check_output_path, write_packet
from .plan import ExhibitSpec, PagePlan, Part, plan_pages
from .render import exhibit_pages, sections
from .render.doc import Rendered
from .render.letter import cover_letter, default_body
from .validate import check_case, read_text

Progress = Callable[[str], None]
MAX_PLAN_ROUNDS = 6


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


def load_and_check(manifest: Path | str, allow_paths: list[Path] | None = None,
                   open_pdfs: bool = True) -> tuple[Case, list[Source]]:
    """The first three stages, shared by build and lint: problems accumulate on the case."""
    case = load_case(manifest)
    check_case(case)
    sources = inspect_sources(case, allow_paths, open_pdfs=open_pdfs)
    return case, sources


def build_packet(manifest: Path | str, output: Path | str | None = None, *,
                 allow_paths: list[Path] | None = None, max_file_mb: float | None = None,
                 progress: Progress | None = None) -> BuildResult:
    """Build one case's packet. Raises a ParolekitError (with located problems) on bad input."""
    started = time.perf_counter()
    step = progress or (lambda _stage: None)
    step("load")
    case = load_case(manifest)
    step("validate")
    check_case(case)
    step("inspect")
    sources = inspect_sources(case, allow_paths)
    out_path = check_output_path(case, output, sources)
    if case.problems.errors:
        raise CaseError(f"{case.name}: the case has problems", case.problems.sorted())
    m = case.manifest
    paper = m.output.paper
    by_ref = {src.ref: src for src in sources}

    step("render")
    fixed: dict[str, Rendered] = {}
    specs: list[ExhibitSpec] = []
    n = 0
    for i, decl in enumerate(m.declarations):
        n += 1
        lab = label(n, m.output.labels)
        title = decl.title or f"Declaration of {decl.declarant.name}"
        fixed[f"separator:{decl.id}"] = exhibit_pages.separator(f"Exhibit {lab}", title, paper)
        if decl.signed_file:
            src = by_ref[("declarations", i, "signed_file")]
            parts = [Part("declaration", decl.id, len(src.pages), title, _ref(src.ref))]
        else:
            r = exhibit_pages.declaration(decl, read_text(case, decl.text or ""), paper)
            fixed[f"declaration:{decl.id}"] = r
            parts = [Part("declaration", decl.id, r.pages, title, f"declaration:{decl.id}")]
        date = decl.executed.date.isoformat() if decl.executed and decl.executed.date else ""
        specs.append(ExhibitSpec(decl.id, lab, title, date, tuple(parts), True))
    for i, ex in enumerate(m.exhibits):
        n += 1
        lab = label(n, m.output.labels)
        fixed[f"separator:{ex.id}"] = exhibit_pages.separator(f"Exhibit {lab}", ex.title, paper)
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

    step("plan")
    body = _letter_body(case)
    template = case.resolve(m.cover_letter.template) if m.cover_letter and m.cover_letter.template else None
    front_forms = [Part("form", f"form:{i}", len(by_ref[("forms", i, "file")].pages), f"Form {f.name}",
                        _ref(("forms", i, "file"))) for i, f in enumerate(m.forms)]
    counts = {"cover": 1, "index": 1, "chronology": 1 if m.chronology else 0,
              "claims": 1 if m.claims else 0}
    rendered: dict[str, Rendered] = {}
    plan = None
    for _round in range(MAX_PLAN_ROUNDS):
        # Front matter cites pages that depend on its own length: re-plan until it settles.
        front = [Part("cover", "cover", counts["cover"], "Cover letter", "cover"), *front_forms,
                 Part("index", "index", counts["index"], "Index of exhibits", "index"),
                 Part("chronology", "chronology", counts["chronology"], "Chronology", "chronology"),
                 Part("claims", "claims", counts["claims"], "Claims and evidence", "claims")]
        plan = plan_pages(front, specs)
        rendered["cover"] = cover_letter(m, plan, body, template, paper)
        rendered["index"] = sections.exhibit_index(m, plan, paper)
        if m.chronology:
            rendered["chronology"] = sections.chronology(m, plan, paper)
        if m.claims:
            rendered["claims"] = sections.claims(m, plan, paper)
        new = {k: (rendered[k].pages if k in rendered else 0) for k in counts}
        if new == counts:
            break
        counts = new
    else:  # pragma: no cover - lengths only grow with page numbers' digits
        raise CaseError(f"{case.name}: the page plan did not settle; please report this")
    assert plan is not None

    step("assemble")
    pieces = []
    lookup = {**fixed, **rendered}
    for _start, part in plan.parts:
        if part.ref in lookup:
            pieces.append(Piece(rendered=lookup[part.ref]))
        else:
            pieces.append(Piece(source=by_ref[_unref(part.ref)]))
    bookmarks = _bookmarks(m, plan, by_ref)
    producer = f"parolekit {__version__}"
    pdf = assemble(plan, pieces, bookmarks, title=m.case.title, date_iso=m.case.date.isoformat(),
                   producer=producer, bates_prefix=m.output.bates_prefix)

    step("write")
    written = write_packet(case, pdf, out_path, plan, sources)
    step("verify")
    with pikepdf.open(written.path) as check:
        if len(check.pages) != plan.total:
            written.path.unlink(missing_ok=True)
            raise CaseError(f"{case.name}: the written packet has {len(check.pages)} pages but the "
                            f"plan has {plan.total}; nothing was kept. Please report this.")
    warnings = [p for p in case.problems.sorted() if p.severity == "warning"]
    return BuildResult(case.path, written.path, written.receipt, plan, plan.total, written.sha256,
                       [written], warnings, time.perf_counter() - started)


def _ref(ref: tuple) -> str:
    return "src:" + "\x1f".join(str(p) for p in ref)


def _unref(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in text[4:].split("\x1f"))


def _letter_body(case: Case) -> str:
    cl = case.manifest.cover_letter
    if cl and cl.body:
        return cl.body
    if cl and cl.file:
        return case.resolve(cl.file).read_text(encoding="utf-8")
    return default_body(case.manifest)


def _bookmarks(m, plan: PagePlan, by_ref: dict) -> list[Bookmark]:
    out: list[Bookmark] = []
    titles = {"cover": "Cover letter", "index": "Index of exhibits", "chronology": "Chronology",
              "claims": "Claims and evidence"}
    placed = {}
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
            parent = placed[part.key]
            if src is not None and src.pdf is not None and "/Outlines" in src.pdf.Root:
                parent.children.append(Bookmark("Document", start, source=src) if len(
                    [p for p in plan.parts if p[1].key == part.key and p[1].kind == "document"]) > 1
                    else Bookmark("", -1, source=src))
        elif part.kind == "translation":
            placed[part.key].children.append(Bookmark("English translation", start))
        elif part.kind == "certificate":
            placed[part.key].children.append(Bookmark("Certificate of translation", start))
    # An exhibit's own bookmarks hang directly under it when it has a single file.
    for b in placed.values():
        flat: list[Bookmark] = []
        for child in b.children:
            if child.page == -1:
                b.source = child.source
            else:
                flat.append(child)
        b.children = flat
    return out


def describe_path(path: Path) -> str:
    return display_path(path)
