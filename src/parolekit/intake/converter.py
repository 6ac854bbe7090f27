"""The one interface every input converter module has (see registry.py for the list)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..manifest import Case
from .source import Source


@dataclass(frozen=True)
class FileType:
    """A kind of input file: its name in the receipt, its extensions, what sniff() says of it."""

    kind: str  # Source.kind and the receipt's "kind": "pdf", "jpeg", "docx"
    extensions: tuple[str, ...]  # lower case, with the dot
    sniffed: tuple[str, ...]  # what sniff() may say of such a file's first bytes
    words: str  # "a PDF", "a Word document": what a problem calls it


@dataclass(frozen=True)
class Opening:
    """What a converter may need besides the file itself."""

    password_env: str | None = None  # the variable holding a PDF's password
    max_dpi: int = 300  # images are downsampled past this
    cache: Path | None = None  # a folder for converted PDFs, keyed by the input's SHA-256
    paper: str = "letter"  # pages parolekit draws itself (an e-mail's page) are of this size


@dataclass(frozen=True)
class Tool:
    """A program a converter runs: found at the start of a build, or the build stops at once."""

    name: str  # "LibreOffice"
    install: str  # the fix, e.g. "apt-get install -y libreoffice-writer-nogui ..."


class Converter(Protocol):
    """A converter module: `TYPES` it takes, and the three steps `inspect_sources` calls.

    `open_source` sets `src.pdf` and `src.page_count` (the pages the exhibit shows), or records a
    located problem and returns False; `check_pages` runs once `pages:` is applied, and
    `check_selected` once `pages:` across `files:` is. `TOOL`, when not None, is a program that
    must be installed before any file of these types is opened (`tool_found()` says whether it is).
    """

    TYPES: tuple[FileType, ...]
    TOOL: Tool | None

    def open_source(self, case: Case, src: Source, opening: Opening) -> bool: ...

    def check_pages(self, case: Case, src: Source) -> bool: ...

    def check_selected(self, case: Case, src: Source) -> bool: ...

    def tool_found(self) -> bool: ...
