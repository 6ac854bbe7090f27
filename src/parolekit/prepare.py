"""The stages build and lint share: load the manifest, validate it, inspect its inputs, place the output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .intake import Source, TextInput, inspect_sources, snapshot_texts
from .intake.cache import drop_staged
from .manifest import Case, load_case
from .ocr import check_tools, wanted
from .output import cache_folder, check_output_path, default_output
from .validate import check_case

# Every stage a build reports, in order (batch shows them per running case).
STAGES = ("load", "validate", "inspect", "render", "plan", "assemble", "write", "verify")

Progress = Callable[[str], None]


@dataclass
class Prepared:
    """A case checked and its inputs open: what every later stage reads."""

    case: Case
    sources: list[Source]
    output: Path
    texts: dict[tuple, TextInput] = field(default_factory=dict)  # text inputs as read, by key path

    _by_ref: tuple = field(default=(None, -1, {}), repr=False, compare=False)

    @property
    def by_ref(self) -> dict[tuple, Source]:
        """The inputs by key path; built once (it was rebuilt per exhibit, 1.2 s at 2,762 exhibits)
        and again only if the list of inputs is replaced or grows."""
        key, count, table = self._by_ref
        if key is not self.sources or count != len(self.sources):
            table = {src.ref: src for src in self.sources}
            self._by_ref = (self.sources, len(self.sources), table)
        return table


def prepare(manifest: Path | str, output: Path | str | None = None, *,
            allow_paths: list[Path] | None = None, step: Progress | None = None,
            read_texts: bool = True, draft: bool = False, ocr: bool | None = None,
            cache: bool = True) -> Prepared:
    """Load, validate and inspect a case; problems are recorded on the case, not raised.

    *read_texts* reads declaration and letter texts once, so the packet prints and the receipt
    hashes the same bytes (lint, which prints nothing, leaves it off). *ocr* is the build's --ocr
    (None for lint, which runs no tool): a build that OCRs checks its tools before anything else.
    Without *cache*, office conversions and images are made afresh, and nothing is read from or
    written to the cache.
    """
    report = step or (lambda _stage: None)
    report("load")
    case = load_case(manifest, keep_going=True)  # one typo must not hide the other problems
    case.allow = list(allow_paths or [])
    case.draft = draft
    case.ocr = bool(ocr)
    report("validate")
    case.check(check_case)
    if ocr is not None and wanted(case):  # before any input is opened: a missing tool fails at once
        check_tools(case)
        if case.problems.errors:
            return Prepared(case, [], default_output(case))
    report("inspect")
    # Office files converted to PDF, and images made into pages, are kept beside the packet by
    # content (.parolekit-cache/): made once.
    sources = inspect_sources(case, allow_paths, cache=cache_folder(case, output) if cache else None)
    texts = snapshot_texts(case) if read_texts else {}
    return Prepared(case, sources, check_output_path(case, output, sources), texts)


def close_sources(sources: list[Source]) -> None:
    """Close every input still open (pages copied into the packet share its data until then);
    cache entries not put in place by now (lint, a failed build) are removed."""
    drop_staged(sources)
    for src in sources:
        if src.pdf is not None:
            src.pdf.close()
            src.pdf = None
        for pdf in src.keep:
            pdf.close()
        src.keep.clear()
