"""The build, read top to bottom: prepare, lay out, plan, assemble, write and verify, sign."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import covers, drafts, output, profiles
from . import __version__
from .assemble import assemble
from .errors import CaseError, Interrupted, ParolekitError, Problem
from .finish import finish
from .intake import check_unchanged
from .intake.cache import keep_staged
from .layout import Layout, bookmarks, lay_out, page_bytes, settle, volume_bookmarks
from .ocr import OcrRun, ocr_sources, wanted
from .output import (Staged, Written, discard, input_paths, signed_electronically, write_packet,
                     write_signing_copies, write_volumes)
from .pdfa import check_sources as check_pdfa_sources
from .pdfa import wanted as pdfa_wanted
from .plan import PagePlan
from .prepare import STAGES, Prepared, Progress, close_sources, prepare
from .publish import OutputLock
from .rules.engine import check_for_build
from .compression import fit_scans
from .compression import receipt_entry as compression_entry
from .volumes import (FILE_OVERHEAD, HEADROOM, MB, PAGE_OVERHEAD, Volume, earlier_outputs, volume_file,
                      volume_parts)

__all__ = ["STAGES", "BuildResult", "build_packet"]
MAX_SIZE_ROUNDS = 4  # re-splits when a written volume turns out over the limit
UNLIMITED_MB = 1e9  # files by exhibit with no size cap
FRONT_PAGES, FRONT_BYTES = 3, 30_000  # cover letter, index, chronology: a guess before they are rendered


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
    ocr_pages: int = 0  # scanned pages given a text layer (OCR'd now or taken from the cache)
    ocr_cached: int = 0  # of those, read from the cache


def build_packet(manifest: Path | str, output: Path | str | None = None, *,
                 allow_paths: list[Path] | None = None, max_file_mb: float | None = None,
                 progress: Progress | None = None, signing_copies: bool = False,
                 draft: bool = False, word_drafts: bool = False, ocr: bool = False,
                 cache: bool = True, profile: str | None = None) -> BuildResult:
    """Build one case's packet. Raises a ParolekitError (with located problems) on bad input.

    With *signing_copies*, the generated declarations and certificates are also written unstamped
    (to `<packet>.signing/`), for wet signature: a signed packet page would carry a stamp twice.
    With *draft*, every page is marked "DRAFT - not for filing" (finish.py) and the packet goes
    to `<name>.draft.pdf` unless *output* says where; it never replaces a final packet.
    With *word_drafts*, the exhibit list, cover letter and declarations are also written as Word
    drafts with the index as CSV (to `<packet>.drafts/`, drafts.py).
    With *ocr* (or `output.ocr`), scanned pages get a text layer (ocr.py). Without *cache*,
    nothing is read from or written to `.parolekit-cache/` beside the packet (OCR layers, office
    conversions, images made into pages); the packet's bytes are the same either way.
    """
    started = time.perf_counter()
    step = progress or (lambda _stage: None)
    prep = prepare(manifest, output, allow_paths=allow_paths, step=step, draft=draft, ocr=ocr, cache=cache)
    try:
        return _build(prep, step, started, max_file_mb, signing_copies, word_drafts, cache, profile)
    finally:
        close_sources(prep.sources)  # and the cache entries of a failed build are removed


def _build(prep: Prepared, step: Progress, started: float, max_file_mb: float | None,
           signing_copies: bool, word_drafts: bool, cache: bool, profile: str | None) -> BuildResult:
    case = prep.case
    _check_request(case, prep, max_file_mb, word_drafts, profile)
    profiles.apply(case.manifest)  # (after the checks, which tell the user's settings from these)
    with OutputLock(prep.output) as lock:  # one build at a time writes this packet
        try:
            ocr_run, layout, plan, files = _make(prep, lock, step, max_file_mb, cache)
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
                       files, warnings, time.perf_counter() - started, signing, words,
                       ocr_run.ocred + ocr_run.cached, ocr_run.cached)


def _check_request(case, prep: Prepared, max_file_mb: float | None, word_drafts: bool,
                   profile: str | None) -> None:
    """The build's own rules, the profile's and the court filing's, and options that cannot go
    together; all of them reported at once, before anything is written."""
    if profile:
        case.manifest.output.profile = profile
    check_for_build(case, prep.sources)  # the profile's and the court filing's rules too
    settings = profiles.active(case.manifest)
    if max_file_mb and settings is not None and settings.single_file:
        case.add(("output", "profile"), "profile-setting-conflict", f"profile {case.manifest.output.profile} "
                 "takes one PDF, which --max-file-mb would split; leave it out, or override "
                 "output.profile_settings.single_file")
    if word_drafts and not drafts.available():
        case.add((), "tool-missing", f"--docx writes Word drafts with python-docx, which is not "
                 f"installed: {drafts.INSTALL}")
    if case.problems.errors:
        raise CaseError(f"{case.name}: the case has problems", case.problems.sorted())


def _make(prep: Prepared, lock, step: Progress, max_file_mb: float | None, cache: bool):
    """OCR, render, plan, assemble, finish, write and verify: the stages that make the packet."""
    case = prep.case
    ocr_run = OcrRun()
    if wanted(case):
        step("ocr")
        ocr_run = ocr_sources(case, prep.sources, prep.output, cache=cache)
    if pdfa_wanted(case):  # what the inputs bring that PDF/A cannot hold, named by exhibit
        check_pdfa_sources(case, prep.sources)
    step("render")
    layout = lay_out(prep)
    limit = max_file_mb or profiles.max_file_mb(case.manifest)
    if profiles.per_exhibit(case.manifest) and not limit:
        limit = UNLIMITED_MB  # files by exhibit, whatever their size
    write = _write_split if limit else _write_whole
    plan, files = write(prep, layout, lock, step, limit)
    return ocr_run, layout, plan, files


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
                fit_paper=out.paper if out.fit_to_paper else None, pdfa=out.pdfa)


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
    try:
        staged = output.stage_pdf(pdf, prep.output)
    except BaseException:
        pdf.close()
        raise
    try:
        pdf.close()
        del pdf  # freed before the staged file is read back, which then reuses its memory
        step("verify")  # the staged file is read back before it replaces anything
    except BaseException:  # (write_packet removes it on its own failures)
        staged.path.unlink(missing_ok=True)
        raise
    return plan, [write_packet(prep.case, staged, prep.output, plan, prep.sources, lock, earlier,
                               prep.texts)]


def _write_split(prep: Prepared, layout: Layout, lock: OutputLock, step: Progress,
                 limit: float) -> tuple[PagePlan, list[Written]]:
    """Volumes under *limit* MB: split on estimates, write, and split again where one came out over."""
    step("plan")
    earlier = _earlier(prep)
    case = prep.case
    _fit_scans(prep, layout, limit)
    factors: dict = {}
    for _attempt in range(MAX_SIZE_ROUNDS):
        plan, vols = settle(prep, layout, limit, factors)
        step("assemble")
        staged, over, leads = _stage_volumes(prep, layout, plan, vols, limit)
        if not over:
            step("write")
            step("verify")
            return plan, write_volumes(case, staged, prep.output, plan, prep.sources, lock, earlier,
                                       prep.texts, cover_pages=leads)
        discard([tmp.path for tmp, _f, _p in staged])
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


def _fit_scans(prep: Prepared, layout: Layout, limit: float) -> None:
    """Over the cap, re-encode scans before splitting further (compression.py); say what was."""
    case, sources = prep.case, prep.sources
    pages = sum(len(s.pages) for s in sources) + sum(r.pages for r in layout.rendered.values()) + FRONT_PAGES
    other = (sum(r.bytes_per_page * r.pages for r in layout.rendered.values()) + FRONT_PAGES * FRONT_BYTES
             + pages * PAGE_OVERHEAD)
    for r in fit_scans(sources, other, limit * MB * HEADROOM - FILE_OVERHEAD):
        entry = compression_entry(case, r)
        r.src.recompressed = entry
        how = f"JPEG quality {r.quality}" + (f" at {r.dpi} dpi" if r.dpi else "")
        case.add(r.src.ref, "scans-recompressed",
                 f"'{r.src.relative}': scanned {'page' if len(r.pages) == 1 else 'pages'} "
                 f"{entry['file_pages']} re-encoded as {how} ({r.before / MB:.2f} MB -> {r.after / MB:.2f} MB) "
                 f"to fit the {limit:g} MB cap; the file itself is unchanged. Check the pages are legible, "
                 "or raise output.max_file_mb")


def _stage_volumes(prep: Prepared, layout: Layout, plan: PagePlan, vols: list[Volume], limit: float):
    """Assemble and save each volume to a temporary file; report those over the limit, and the
    pages of each one's cover sheet (a court filing's later volumes), by final path."""
    out_path, title = prep.output, prep.case.manifest.case.title
    parts = profiles.part_names(prep.case.manifest)
    sheets = covers.render_covers(prep.case.manifest, plan, vols)  # a court filing's later volumes
    # A link into another volume opens it at (page - first): its cover sheet's pages come before.
    names = [(volume_file(out_path, v, parts).name,
              v.first - (sheets[v.number].pages if v.number in sheets else 0), v.last) for v in vols]
    marks = bookmarks(plan, layout.by_ref)
    args = _assemble_args(prep)
    del args["title"]
    staged: list[tuple[Staged, Path, tuple[int, int]]] = []
    over: list[tuple[Volume, int]] = []
    try:
        for v in vols:
            cut = volume_parts(plan, v)
            pieces = [layout.piece(part, skip) for _a, part, skip in cut]
            pdf = assemble(plan, pieces, volume_bookmarks(marks, plan, v),
                           title=title + (f" (Volume {v.number} of {v.count})" if v.count > 1 else ""),
                           page_offset=v.first - 1, volume=None if v.name else (v.number, v.count),
                           plan_parts=[(a, part) for a, part, _s in cut], volume_files=names, **args)
            if v.number in sheets:
                covers.prepend(pdf, sheets[v.number], v.first)
            finish(pdf, prep)
            final = volume_file(out_path, v, parts)
            tmp = output.stage_pdf(pdf, final)
            pdf.close()  # free this volume before the next is built
            staged.append((tmp, final, (v.first, v.last)))
            if tmp.size > limit * MB:
                over.append((v, tmp.size))
    except BaseException:
        discard([tmp.path for tmp, _f, _p in staged])
        raise
    leads = {final: sheets[v.number].pages for v, (_t, final, _p) in zip(vols, staged) if v.number in sheets}
    return staged, over, leads
