"""Reading inputs safely: never blocking on a pipe, hashed in blocks, changes while read caught."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..errors import CaseError
from ..manifest import Case
from .sniff import sniff
from .source import FileStat, Source


class NotRegular(OSError):
    """The name leads to a pipe, device or socket: reading it would wait forever or never end."""


class ChangedWhileRead(OSError):
    """The file's size or times moved while it was being hashed: someone is writing it."""


def read_facts(path: Path, hash_it) -> tuple[str, str, int, FileStat]:
    """Kind, SHA-256, size and stat, reading in blocks: a 2 GB scan never sits in memory whole.

    The first bytes decide: a file that is not a usable input (a 10 GB video named .pdf, a saved
    sign-in page) is not hashed at all (`hash_it(path, kind)` says no). Opened without blocking,
    so a pipe swapped in for the file cannot hang the build.
    """
    with open_input(path) as fh:
        fd = fh.fileno()
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegular(path)
        head = fh.read(1024)
        kind = sniff(head)
        if not hash_it(path, kind):  # check_kind will refuse it
            return kind, "", before.st_size, FileStat.of(before)
        digest, size = _digest(fh, head)
        after = os.fstat(fd)
    facts = FileStat.of(after)
    if facts != FileStat.of(before) or size != facts.size:
        raise ChangedWhileRead(path)
    return kind, digest, size, facts


def read_whole(path: Path) -> tuple[bytes, FileStat]:
    """The whole of a regular file and its stat; never blocks on a pipe."""
    with open_input(path) as fh:
        fd = fh.fileno()
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegular(path)
        data = fh.read()
        after = os.fstat(fd)
    facts = FileStat.of(after)
    if facts != FileStat.of(before) or len(data) != facts.size:
        raise ChangedWhileRead(path)
    return data, facts


def open_input(path: Path):
    """*path* opened for reading without waiting: a pipe with no writer opens at once (and is
    then refused as not a regular file) instead of blocking until someone writes to it."""
    return open(path, "rb", opener=lambda name, flags: os.open(name, flags | getattr(os, "O_NONBLOCK", 0)))


def _digest(fh, head: bytes) -> tuple[str, int]:
    """SHA-256 and length of *head* and the rest of *fh*."""
    digest = hashlib.sha256(head)
    size = len(head)
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def changed(case: Case, src: Source) -> None:
    case.add(src.ref, "input-changed", f"'{src.relative}' changed while the packet was being built; "
             "nothing was written. Build again when it is no longer being edited or downloaded")


def check_unchanged(case: Case, sources: list[Source], texts: dict | None = None) -> bool:
    """Whether every input is still what was hashed; each one that is not is input-changed.

    Call it after the packet (every volume) is saved to its temporary file and before it is put
    in place: pages are copied from the inputs while saving. A file whose stat is unchanged is
    not read again; one whose stat moved (a touch, a copy of the same bytes) is re-hashed.
    *texts* are the TextInputs read by snapshot_texts.
    """
    ok = True
    items = [(s.ref, s.relative, s.path, s.stat, s.sha256) for s in sources if s.stat is not None]
    items += [(t.ref, t.relative, t.path, t.stat, t.sha256) for t in (texts or {}).values()]
    for ref, relative, path, facts, digest in items:
        if not _still(case, relative, path, facts, digest):
            changed(case, Source(ref, relative, path))
            ok = False
    return ok


def ensure_unchanged(case: Case, sources: list[Source], texts: dict | None = None) -> None:
    """check_unchanged, raising CaseError (exit 1) when an input changed; the caller writes nothing."""
    if not check_unchanged(case, sources, texts):
        raise CaseError(f"{case.name}: an input changed while the packet was being built",
                        case.problems.sorted())


def _still(case: Case, relative: str, path: Path, facts: FileStat, digest: str) -> bool:
    try:
        if case.resolve(relative) != path:  # a symbolic link now leads somewhere else
            return False
        now = FileStat.of(os.stat(path))
        if now == facts:
            return True
        with open_input(path) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return False
            again, size = _digest(fh, b"")
    except (OSError, ValueError):
        return False  # gone, or no longer readable
    return again == digest and size == facts.size
