"""Filing-profile rules: what the channel a profile names asks of the packet, checked on its inputs."""

from __future__ import annotations

import pikepdf

from .. import pdfscan, profiles
from ..intake import Source
from ..manifest import Case
from ..pdfscan import page_list
from ..volumes import FILE_OVERHEAD, HEADROOM, MB
from .catalogue import emit

PAPERS = {"letter": pdfscan.LETTER, "a4": pdfscan.A4}
PAGE_TOLERANCE = 0.02  # 8.5 x 11 in within 2%: an A4 page is not a letter page


def check_profile(case: Case, sources: list[Source]) -> None:
    """Every rule of output.profile the packet would break, located at the input or setting."""
    m = case.manifest
    name = m.output.profile
    if name is None:
        return
    where = ("output", "profile")
    if name not in profiles.profiles():
        emit(case, where, "profile-unknown", f"'{name}' is not a filing profile; use one of "
             f"{', '.join(profiles.names())}")
        return
    s = profiles.active(m)
    _check_settings(case, name, s)
    if s.text_layer and not (case.ocr or m.output.ocr):  # OCR would add the layer
        _check_text(case, name, sources)
    if s.pdfa and not m.output.pdfa:
        emit(case, where, "profile-pdfa", f"profile {name} asks for PDF/A; set output.pdfa: true "
             "(or output.profile_settings.pdfa: false if this court does not)")
    if s.links is False:
        _check_links(case, name, sources)
    if s.page_size in PAPERS:
        _check_pages(case, name, s.page_size, sources)
    cap = profiles.max_file_mb(m)
    if cap:
        total = sum(src.size for src in sources if src.pdf is not None) / MB
        if total > cap * HEADROOM - FILE_OVERHEAD / MB:  # what a volume may hold (volumes.split_volumes)
            emit(case, ("output", "max_file_mb") if m.output.max_file_mb else where, "profile-size",
                 f"the inputs come to about {total:.2g} MB, more than one file under profile {name}'s "
                 f"{cap:g} MB cap holds beside the packet's own pages: the build splits it into volumes"
                 f"{' named ' + _part(s.part_names) if s.part_names else ''}; file each of them")


def _pages(numbers: list[int], plural: str, singular: str) -> str:
    return f"page {numbers[0]} {singular}" if len(numbers) == 1 else f"pages {page_list(numbers)} {plural}"


def _part(pattern: str) -> str:
    return "<name>" + pattern.replace("{n}", "1") + ".pdf, " + "<name>" + pattern.replace("{n}", "2") + ".pdf ..."


def _check_settings(case: Case, name: str, s) -> None:
    out = case.manifest.output
    fix = "or override the profile in output.profile_settings"
    if s.page_size in PAPERS and "paper" in out.model_fields_set and out.paper != s.page_size:
        emit(case, ("output", "paper"), "profile-setting-conflict",
             f"profile {name} files on {s.page_size} paper, not {out.paper}; remove output.paper {fix}")
    if s.page_size in PAPERS and "fit_to_paper" in out.model_fields_set and not out.fit_to_paper:
        emit(case, ("output", "fit_to_paper"), "profile-setting-conflict",
             f"profile {name} needs every page on {s.page_size} paper, which output.fit_to_paper: "
             f"false refuses; remove it {fix} (page_size: any)")
    if s.single_file and out.max_file_mb:
        emit(case, ("output", "max_file_mb"), "profile-setting-conflict",
             f"profile {name} takes the bundle as one PDF, which output.max_file_mb would split; "
             f"remove it {fix} (single_file: false)")
    if s.max_dpi and out.max_dpi > s.max_dpi:
        emit(case, ("output", "max_dpi") if "max_dpi" in out.model_fields_set else ("output", "profile"),
             "profile-setting-conflict", f"profile {name} takes scans of at most {s.max_dpi} dpi, and "
             f"output.max_dpi is {out.max_dpi}; set output.max_dpi: {s.max_dpi} {fix} (max_dpi)")
    target = (out.file or "packet.pdf").rsplit(".", 1)[-1].lower()
    if s.file_types is not None and target not in s.file_types:
        emit(case, ("output", "file") if out.file else ("output", "profile"), "profile-file-type",
             f"profile {name} accepts {', '.join(s.file_types)} files, and the packet is a .{target}; "
             f"write a PDF, {fix} (file_types)")


def _check_text(case: Case, name: str, sources: list[Source]) -> None:
    for src in sources:
        if src.pdf is None:
            continue
        scan = pdfscan.scan_pdf(src.pdf, src.pages, document=False, text=True)
        if scan.no_text:
            emit(case, src.ref, "profile-text-layer",
                 f"'{src.relative}': {_pages(scan.no_text, 'have', 'has')} no text layer, which "
                 f"profile {name} requires; build with --ocr (output.ocr: true) or OCR the file first")


def _check_links(case: Case, name: str, sources: list[Source]) -> None:
    for src in sources:
        if src.pdf is None:
            continue
        pages = list(src.pdf.pages)
        linked = [i + 1 for i in src.pages if _has_link(pages[i].obj)]
        if linked:
            emit(case, src.ref, "profile-links",
                 f"'{src.relative}': {_pages(linked, 'have', 'has')} links, which profile {name} "
                 "does not allow; the build removes every link (the index's too)")


def _has_link(page) -> bool:
    annots = page.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return False
    return any(isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == pikepdf.Name.Link for a in annots)


def _check_pages(case: Case, name: str, paper: str, sources: list[Source]) -> None:
    want = PAPERS[paper]
    if not case.manifest.output.fit_to_paper and "fit_to_paper" in case.manifest.output.model_fields_set:
        return  # the conflict is reported once, at output.fit_to_paper
    for src in sources:
        if src.pdf is None:
            continue
        pages = list(src.pdf.pages)
        odd = [i + 1 for i in src.pages if not _is_paper(pdfscan._box(pages[i].obj), want)]
        if odd:
            emit(case, src.ref, "profile-page-size",
                 f"'{src.relative}': {_pages(odd, 'are', 'is')} not {paper} size, which profile "
                 f"{name} requires; the build places them on {paper} pages (output.fit_to_paper)")


def _is_paper(size: tuple[float, float], want: tuple[float, float]) -> bool:
    w, h = sorted(size)
    return abs(w - want[0]) <= want[0] * PAGE_TOLERANCE and abs(h - want[1]) <= want[1] * PAGE_TOLERANCE
