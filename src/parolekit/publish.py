"""Put a staged packet in place as one step: a lock beside it, a journal, ordered renames."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError
from .volumes import remove_stale

# Signals a user sends to stop a build: held back while the files are renamed, so that a
# Ctrl-C or SIGTERM cannot land between the packet's rename and its receipt's.
_HELD = {signal.SIGINT, signal.SIGTERM}


def lock_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.lock")


@dataclass
class Move:
    """One staged file and where it goes."""

    tmp: Path
    final: Path


@dataclass
class Commit:
    """What a commit puts in place (in order: packet files, then the receipt) and what it removes."""

    moves: list[Move]
    remove: dict[Path, str] = field(default_factory=dict)  # earlier outputs (path -> sha256), unless written again


class OutputLock:
    """An exclusive lock on one output name, held through an open file.

    The kernel drops a flock when its holder dies, even by kill -9, so a lock is never stale;
    what a killed build left (its journal, its .part files) is dealt with by the next one.
    """

    def __init__(self, final: Path):
        self.final = final
        self.path = lock_path(final)
        self.fd: int | None = None
        self.recovered: list[Path] = []  # files a killed build's journal put in place
        self.cleaned: list[Path] = []  # its leftover temporary files, removed
        self.committed = False  # the new packet and its receipt are in place

    def state(self) -> str:
        """What the output folder holds now, for a message after an interruption."""
        if self.committed:
            return f"the new packet {self.final.name} and its receipt were already in place"
        return (f"nothing was replaced: the earlier {self.final.name} and its receipt, if any, are "
                "unchanged, and no partial packet was left")

    def acquire(self) -> "OutputLock":
        """Take the lock (making its folder); finish a killed build's commit; clear its temps."""
        if self.fd is not None:
            return self
        for _attempt in range(20):
            try:
                self.final.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                raise OutputError(f"cannot write to {self.final.parent} ({e.strerror}); check the "
                                  "folder exists and is writable") from e
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputError(f"another build is writing {self.final.name} right now; wait "
                                      "for it to finish, or choose another output with -o") from None
                raise OutputError(f"cannot lock {self.final.name} ({e.strerror})") from e
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a lock file its last holder removed while we were opening it
                self.fd = fd
                break
            os.close(fd)
        else:
            raise OutputError(f"cannot lock {self.final.name}; remove {self.path.name} and try again")
        self.recovered = _recover(self.fd)
        self.cleaned = remove_leftovers(self.final)
        return self

    def journal(self, commit: Commit) -> None:
        """Write what is about to happen, so a build killed halfway is finished by the next one."""
        data = {"moves": [[str(m.tmp), str(m.final)] for m in commit.moves],
                "remove": {str(p): d for p, d in commit.remove.items()}}
        _rewrite(self.fd, json.dumps(data).encode())

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()  # while still held: nobody can take a lock on the name meanwhile
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def commit(lock: OutputLock, work: Commit) -> None:
    """Rename every staged file into place, receipt last, with stop signals held back meanwhile.

    Before: every staged file is complete and synced, so rolling forward is always right. If a
    rename fails, files already moved get their earlier versions back (kept as hard links).
    """
    lock.acquire()
    backups = _keep_earlier(work.moves)
    lock.journal(work)
    held = _hold_signals()
    done: list[Move] = []
    try:
        for move in work.moves:
            _move(move.tmp, move.final)
            done.append(move)
    except OSError as e:
        for move in reversed(done):  # the earlier packet and receipt come back together
            if move.final in backups:
                os.replace(backups.pop(move.final), move.final)
            else:
                move.final.unlink(missing_ok=True)
        discard(backups.values())
        discard(m.tmp for m in work.moves)
        _rewrite(lock.fd, b"")
        _release_signals(held)
        where = next((m.final for m in work.moves if m not in done), lock.final)
        raise OutputError(f"cannot put {where.name} in place ({e.strerror}); the earlier packet and "
                          "its receipt, if any, are unchanged. Check the output folder is writable "
                          "and not a mounted file") from e
    lock.committed = True
    try:
        discard(backups.values())
        remove_stale(work.remove, [m.final for m in work.moves])  # never a file just written
        _rewrite(lock.fd, b"")
    finally:
        _release_signals(held)  # a held Ctrl-C is raised now: the new packet is already whole


def _move(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)  # a separate function: tests pause or kill the build right here


def _keep_earlier(moves: list[Move]) -> dict[Path, Path]:
    """Hard links to the files about to be replaced, so a failed commit can restore them."""
    out: dict[Path, Path] = {}
    for move in moves:
        if move.final.is_file():
            keep = move.tmp.with_name(move.tmp.name[:-len(".part")] + ".old.part")
            try:
                os.link(move.final, keep)
                out[move.final] = keep
            except OSError:
                continue  # a file system without hard links: no rollback for this file
    return out


def _recover(fd: int) -> list[Path]:
    """Finish a commit a killed build journalled: its staged files are whole, so roll forward."""
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 1 << 20)
    if not raw.strip():
        return []
    try:
        data = json.loads(raw)
        moves = [Move(Path(t), Path(f)) for t, f in data["moves"]]
        remove = {Path(p): str(d) for p, d in data.get("remove", {}).items()}
    except (ValueError, KeyError, TypeError):
        _rewrite(fd, b"")
        return []
    done = []
    if all(m.tmp.is_file() or m.final.is_file() for m in moves):
        for m in moves:
            if m.tmp.is_file():
                os.replace(m.tmp, m.final)
                done.append(m.final)
        remove_stale(remove, [m.final for m in moves])
    _rewrite(fd, b"")
    return done


def remove_leftovers(final: Path) -> list[Path]:
    """Temporary files of earlier, killed builds of this output (its volumes and receipt too)."""
    stem = re.escape(final.stem)
    pattern = re.compile(rf"\.{stem}(\.vol\d+-of-\d+)?(\.pdf|\.receipt\.json)\.[0-9a-f]{{8}}(\.old)?\.part")
    removed = []
    try:
        names = [p for p in final.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return []
    for p in names:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


def _rewrite(fd: int | None, data: bytes) -> None:
    if fd is None:
        return
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)


def discard(paths) -> None:
    """Remove temporary files; a cleanup that fails must not hide why it was needed."""
    for p in list(paths):
        with contextlib.suppress(OSError):
            p.unlink()


def _hold_signals():
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)


def _release_signals(previous) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
