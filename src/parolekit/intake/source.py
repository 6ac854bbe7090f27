"""One input file as a build uses it, and where the manifest names input files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..manifest import Case
from ..selection import describe


@dataclass(frozen=True)
class FileStat:
    """What the file system says about a file: any write, truncation or replacement changes it."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass
class Source:
    """One input file as it will be used: its pages, selection and an open PDF of them."""

    ref: tuple  # manifest key path of the file value, e.g. ('exhibits', 2, 'file')
    relative: str
    path: Path
    kind: str = ""
    sha256: str = ""
    size: int = 0
    page_count: int = 0
    pages: list[int] = field(default_factory=list)
    pdf: pikepdf.Pdf | None = None
    warnings: list[str] = field(default_factory=list)
    cleaned: bool = False  # active content removed (in memory) before its pages are copied
    page_sizes: list[float] | None = None  # estimated bytes per selected page, for volumes
    stat: FileStat | None = None  # as it was when hashed; check_unchanged compares against it
    image_dpi: list[float] | None = None  # an image's pages: each frame's own dpi, before resampling
    # Pages made from the file (office, e-mail): what from, by what, the made PDF's hash (receipt).
    converted: dict | None = None
    ocr_pages: list[int] = field(default_factory=list)  # 1-based file pages given a text layer (ocr.py)
    keep: list = field(default_factory=list)  # PDFs its pages borrow objects from (OCR layers), closed with it
    recompressed: dict | None = None  # its scans re-encoded to fit a size cap (compression.py), for the receipt
    # Cache entries made for this input (staged file, final name): put in place only when the
    # packet is, so a failed build leaves nothing (intake/cache.py).
    cache_staged: list[tuple[Path, Path]] = field(default_factory=list)
    cache_made: list[Path] = field(default_factory=list)  # folders made for them (deepest first)

    @property
    def selection(self) -> str:
        return describe(self.pages, self.page_count)


def file_refs(case: Case) -> list[tuple[tuple, str, str | None, str | None]]:
    """Every input file named by the manifest: (key path, relative path, pages, password_env)."""
    m = case.manifest
    refs: list[tuple[tuple, str, str | None, str | None]] = []
    for i, form in enumerate(m.forms):
        refs.append((("forms", i, "file"), form.file, form.pages, form.password_env))
    for i, decl in enumerate(m.declarations):
        if decl.signed_file:
            refs.append((("declarations", i, "signed_file"), decl.signed_file, None, None))
    for i, ex in enumerate(m.exhibits):
        if ex.files:
            for j, rel in enumerate(ex.files):
                refs.append((("exhibits", i, "files", j), rel, None, ex.password_env))
        elif ex.file:  # (an unavailable document has none)
            refs.append((("exhibits", i, "file"), ex.file, ex.pages, ex.password_env))
        if ex.translation:
            t = ex.translation
            refs.append((("exhibits", i, "translation", "file"), t.file, t.pages, t.password_env))
            if t.signed_certificate:
                refs.append((("exhibits", i, "translation", "signed_certificate"), t.signed_certificate, None, None))
    return refs
