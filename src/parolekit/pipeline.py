"""The build, read top to bottom: prepare, lay out, plan, assemble, write and verify, sign."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import drafts
from . import __version__
from .assemble import assemble
from .errors import CaseError, Interrupted, ParolekitError, Problem
from .finish import finish
from .intake import check_unchanged
from .intake.cache import keep_staged
from .layout import Layout, bookmarks, lay_out, page_bytes, settle, volume_bookmarks
from .output import (Written, discard, input_paths, signed_electronically, stage_pdf, write_packet,
                     write_signing_copies, write_volumes)
from .plan import PagePlan
from .prepare import STAGES, Prepared, Progress, close_sources, prepare
from .publish import OutputLock
from .rules.engine import check_for_build
from .volumes import MB, Volume, earlier_outputs, volume_parts, volume_path

__all__ = ["STAGES", "BuildResult", "build_packet"]
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
    drafts: list[Path] = field(default_factory=list)  # --docx: the Word drafts and the index CSV


def build_packet(manifest: Path | str, output: Path | str | None = None, *,
                 allow_paths: list[Path] | None = None, max_file_mb: float | None = None,
                 progress: Progress | None = None, signing_copies: bool = False,
                 draft: bool = False, word_drafts: bool = False, cache: bool = True) -> BuildResult:
    """Build one case's packet. Raises a ParolekitError (with located problems) on bad input.

    With *signing_copies*, the generated declarations and certificates are also written unstamped
    (to `<packet>.signing/`), for wet signature: a signed packet page would carry a stamp twice.
    With *draft*, every page is marked "DRAFT - not for filing" (finish.py) and the packet goes
    to `<name>.draft.pdf` unless *output* says where; it never replaces a final packet.
    With *word_drafts*, the exhibit list, cover letter and declarations are also written as Word
    drafts with the index as CSV (to `<packet>.drafts/`, drafts.py).
    Without *cache*, nothing is read from or written to `.parolekit-cache/` beside the packet
    (office conversions, images made into pages); the packet's bytes are the same either way.
    """
    started = time.perf_counter()
    step = progress or (lambda _stage: None)
    prep = prepare(manifest, output, allow_paths=allow_paths, step=step, draft=draft, cache=cache)
    try:
        return _build(prep, step, started, max_file_mb, signing_copies, word_drafts)
    finally:
        close_sources(prep.sources)  # and cache entries of a failed build are removed


def _build(prep: Prepared, step: Progress, started: float, max_file_mb: float | None,
           signing_copies: bool, word_drafts: bool) -> BuildResult:
    case = prep.case
    check_for_build(case, prep.sources)
    if word_drafts and not drafts.available():
        case.add((), "tool-missing", f"--docx writes Word drafts with python-docx, which is not "
                 f"installed: {drafts.INSTALL}")
    if case.problems.errors:
        raise CaseError(f"{case.name}: the case has problems", case.problems.sorted())
    with OutputLock(prep.output) as lock:  # one build at a time writes this packet
        try:
            step("render")
            layout = lay_out(prep)
            limit = max_file_mb or case.manifest.output.max_file_mb
            write = _write_split if limit else _write_whole
            plan, files = write(prep, layout, lock, step, limit)
        except KeyboardInterrupt:
            raise Interrupted(lock.state()) from None
        except (ParolekitError, MemoryError):
            raise
        except Exception:
            _input_changed(prep)
            raise
    keep_staged(prep.sources)  # the packet is in place: so are the cache entries made for it
    close_sources(prep.sources)
    # Generated pages before any stamp: a declaration signed on a packet page would be stamped twice.
    signing = write_signing_copies(plan, layout.rendered, prep.output, signed_electronically(case.manifest)) \
        if signing_copies else []
    words = drafts.write_drafts(prep, plan, prep.output, files[0].sha256) if word_drafts else []
    warnings = [p for p in case.problems.sorted() if p.severity == "warning"]
    return BuildResult(case.path, files[0].path, files[0].receipt, plan, plan.total, files[0].sha256,
                       files, warnings, time.perf_counter() - started, signing, words)


def _input_changed(prep: Prepared) -> None:
    """An input cut short or rewritten while its pages were copied fails deep in qpdf: say so
    (exit 1, naming it) rather than as a corrupt input or a bug."""
    if not check_unchanged(prep.case, prep.sources, prep.texts):
        raise CaseError(f"{prep.case.name}: an input changed while the packet was being built",
                        prep.case.problems.sorted()) from None


def _earlier(prep: Prepared) -> dict[Path, str]:
    """Files of an earlier, different split, removed once the new set is in place (never an input,
    whatever an old receipt says). Read before the receipt is overwritten."""
    keep = input_paths(prep.case, prep.sources)
    return {p: d for p, d in earlier_outputs(prep.output).items() if p.resolve() not in keep}


def _assemble_args(prep: Prepared) -> dict:
    out = prep.case.manifest.output
    return dict(title=prep.case.manifest.case.title, date_iso=prep.case.manifest.case.date.isoformat(),
                producer=f"parolekit {__version__}", bates_prefix=out.bates_prefix,
                fit_paper=out.paper if out.fit_to_paper else None)


def _write_whole(prep: Prepared, layout: Layout, lock: OutputLock, step: Progress,
                 _limit: None) -> tuple[PagePlan, list[Written]]:
    """One file: plan, assemble (each input closed once copied), write with its receipt."""
    step("plan")
    earlier = _earlier(prep)
    plan, _ = settle(prep, layout, None, {})
    step("assemble")
    pieces = [layout.piece(part) for _start, part in plan.parts]
    pdf = assemble(plan, pieces, bookmarks(plan, layout.by_ref), release_sources=True,
                   **_assemble_args(prep))
    finish(pdf, prep)
    step("write")
    step("verify")  # the staged file is read back before it replaces anything
    try:
        return plan, [write_packet(prep.case, pdf, prep.output, plan, prep.sources, lock, earlier,
                                   prep.texts)]
    finally:
        pdf.close()


def _write_split(prep: Prepared, layout: Layout, lock: OutputLock, step: Progress,
                 limit: float) -> tuple[PagePlan, list[Written]]:
    """Volumes under *limit* MB: split on estimates, write, and split again where one came out over."""
    step("plan")
    earlier = _earlier(prep)
    case = prep.case
    factors: dict = {}
    for _attempt in range(MAX_SIZE_ROUNDS):
        plan, vols = settle(prep, layout, limit, factors)
        step("assemble")
        staged, over = _stage_volumes(prep, layout, plan, vols, limit)
        if not over:
            step("write")
            step("verify")
            return plan, write_volumes(case, staged, prep.output, plan, prep.sources, lock, earlier,
                                       prep.texts)
        discard([tmp for tmp, _f, _p in staged])
        # Estimates were low for these volumes: scale what went into them, then split again.
        sizes = page_bytes(plan, layout, factors)
        for v, actual in over:
            ratio = 1.05 * actual / max(sum(sizes[v.first - 1:v.last]), 1.0)
            for _a, part, _skip in volume_parts(plan, v):
                factors[part.ref] = factors.get(part.ref, 1.0) * ratio
    case.add(("output", "max_file_mb") if case.manifest.output.max_file_mb else (),
             "volume-limit-unreachable", f"could not split the packet into volumes under "
             f"{limit:g} MB (tried {MAX_SIZE_ROUNDS} times); raise output.max_file_mb or "
             "lower output.max_dpi")
    raise CaseError(f"{case.name}: the packet cannot be split into volumes", case.problems.sorted())


def _stage_volumes(prep: Prepared, layout: Layout, plan: PagePlan, vols: list[Volume], limit: float):
    """Assemble and save each volume to a temporary file; report those over the limit."""
    out_path, title = prep.output, prep.case.manifest.case.title
    names = [(volume_path(out_path, v.number, v.count).name, v.first, v.last) for v in vols]
    marks = bookmarks(plan, layout.by_ref)
    args = _assemble_args(prep)
    del args["title"]
    staged: list[tuple[Path, Path, tuple[int, int]]] = []
    over: list[tuple[Volume, int]] = []
    try:
        for v in vols:
            cut = volume_parts(plan, v)
            pieces = [layout.piece(part, skip) for _a, part, skip in cut]
            pdf = assemble(plan, pieces, volume_bookmarks(marks, plan, v),
                           title=title + (f" (Volume {v.number} of {v.count})" if v.count > 1 else ""),
                           page_offset=v.first - 1, volume=(v.number, v.count),
                           plan_parts=[(a, part) for a, part, _s in cut], volume_files=names, **args)
            finish(pdf, prep)
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
