"""Put a staged packet in place as one step: a lock beside it, a journal, ordered renames."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError
from .volumes import remove_stale

# Signals a user sends to stop a build: held back through the commit, so that a Ctrl-C or
# SIGTERM cannot land between the packet's rename and its receipt's, nor before the cleanup.
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
        self.mixed = ""  # a failed commit that could not be undone: what the folder holds then

    def state(self) -> str:
        """What the output folder holds now, for a message after an interruption."""
        if self.mixed:
            return self.mixed
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
        try:
            self.recovered = _recover(self.fd)
        except OSError as e:
            os.close(self.fd)  # (the lock file is kept: its journal is finished on the next try)
            self.fd = None
            raise OutputError(f"cannot finish putting in place the {self.final.name} of an earlier "
                              f"build that was stopped ({_why(e)}); the folder may hold its new "
                              f"packet beside the earlier receipt. {_advice(e)}") from e
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

    Before: every staged file is complete and synced, so rolling forward is always right. A
    failure before the first rename removes every staged file (nothing was replaced); if a rename
    fails, files already moved get their earlier versions back (kept as hard links).
    """
    try:
        with _StopSignalsHeld():  # a held Ctrl-C is raised on leaving: the new pair is whole
            backups = _prepare(lock, work)
            _put_in_place(lock, work, backups)
            lock.committed = True
            _tidy(lock, work, backups)
    except BaseException:
        discard(m.tmp for m in work.moves)  # a signal just before the hold began (once moved: gone)
        raise


def _prepare(lock: OutputLock, work: Commit) -> dict[Path, Path]:
    """The lock, links to the files about to be replaced, then the journal. On any failure (no
    space for the journal, say) the staged files and links are removed: nothing was replaced."""
    backups: dict[Path, Path] = {}
    step = ""
    try:
        lock.acquire()
        step = f"keep the earlier {lock.final.name} for a rollback"
        _keep_earlier(work.moves, backups)
        step = f"write the commit journal {lock.path.name}"
        lock.journal(work)
    except BaseException as e:
        _abandon(lock, work, backups)
        if isinstance(e, OSError):
            raise OutputError(_unchanged_message(step, e)) from e
        raise
    return backups


def _put_in_place(lock: OutputLock, work: Commit, backups: dict[Path, Path]) -> None:
    """The renames; if one fails, those done are undone and the staged files removed."""
    done: list[Move] = []
    try:
        for move in work.moves:
            _move(move.tmp, move.final)
            done.append(move)
    except OSError as e:
        where = work.moves[len(done)].final
        lost = _roll_back(done, backups)
        _abandon(lock, work, backups)
        if not lost:
            raise OutputError(_unchanged_message(f"put {where.name} in place", e)) from e
        lock.mixed = (f"{where.name} could not be put in place ({_why(e)}), nor the earlier "
                      f"{_names(lost)} brought back: the new {_names(lost)} is beside the earlier "
                      f"{where.name}, and they do not belong together")
        raise OutputError(f"{lock.mixed}. Do not file this packet; build again once the folder is "
                          "writable") from e


def _roll_back(done: list[Move], backups: dict[Path, Path]) -> list[Path]:
    """Bring back the earlier version of each file already moved; returns those it could not."""
    lost = []
    for move in reversed(done):  # the earlier packet and receipt come back together
        try:
            if move.final in backups:
                os.replace(backups[move.final], move.final)
                del backups[move.final]
            else:
                move.final.unlink(missing_ok=True)  # there was none before
        except OSError:
            lost.append(move.final)
    return lost


def _abandon(lock: OutputLock, work: Commit, backups: dict[Path, Path]) -> None:
    """Nothing of this commit goes ahead: its journal first (so no later build finishes it),
    then its staged files and links."""
    with contextlib.suppress(OSError):
        _rewrite(lock.fd, b"")
    discard([*backups.values(), *(m.tmp for m in work.moves)])


def _tidy(lock: OutputLock, work: Commit, backups: dict[Path, Path]) -> None:
    """The new pair is in place: remove the links, an earlier split's stale volumes, the journal.
    None of this can undo the commit; a journal left behind is only finished again (the same
    stale files removed) by the next build."""
    discard(backups.values())
    with contextlib.suppress(OSError):  # (the journal is kept when the removal fails halfway)
        remove_stale(work.remove, [m.final for m in work.moves])  # never a file just written
        _rewrite(lock.fd, b"")


def _unchanged_message(what: str, e: OSError) -> str:
    return (f"cannot {what} ({_why(e)}); nothing was replaced: the earlier packet and its receipt, "
            f"if any, are unchanged. {_advice(e)}")


def _why(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__


def _advice(e: OSError) -> str:
    if e.errno in _NO_SPACE:
        return "Free space on that disk (or raise the quota) and build again"
    return "Check the output folder is writable and not a mounted file, and build again"


def _names(paths: list[Path]) -> str:
    return " and ".join(p.name for p in paths)


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}

# os.link's answers on a file system without hard links (FAT, some network shares): the earlier
# file is copied instead. Any other failure (no space) stops the commit beforehand.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV, errno.ENOSYS}


def _move(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)  # a separate function: tests pause or kill the build right here


def _keep_earlier(moves: list[Move], out: dict[Path, Path]) -> None:
    """Hard links (into *out*) to the files about to be replaced, so a failed commit can restore
    them; filled as made, so that a failure halfway knows which to remove. Where the file system
    has no hard links (FAT on a USB stick, some shares), a synced copy: without one, a receipt
    that cannot go in place would leave the earlier receipt beside no packet at all."""
    for move in moves:
        if move.final.is_file():
            keep = move.tmp.with_name(move.tmp.name[:-len(".part")] + ".old.part")
            try:
                os.link(move.final, keep)
                out[move.final] = keep
            except OSError as e:
                if e.errno not in _NO_LINKS:
                    raise
                out[move.final] = keep  # named before the copy: one that fails halfway is removed too
                _copy_synced(move.final, keep)


def _copy_synced(src: Path, dst: Path) -> None:
    with open(src, "rb") as fin, open(dst, "xb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
        fout.flush()
        os.fsync(fout.fileno())


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


class _StopSignalsHeld:
    """Ctrl-C and SIGTERM noted, not acted on, until the block ends; then handed to their handlers.

    Blocking them (pthread_sigmask) is not enough: it covers one thread, and a process-wide
    signal goes to another thread if there is one (a batch worker's queue feeder, a progress
    bar's refresher), after which Python runs the handler in the main thread anyway, between any
    two steps of the commit: a worker stopped so left an .old.part, or a new packet beside the
    earlier receipt. So the handlers themselves are swapped for one that only notes the signal.
    """

    def __enter__(self) -> "_StopSignalsHeld":
        self.caught: list[int] = []
        self.previous: dict[int, object] = {}
        # Python runs handlers in the main thread only: in another, none can cut the commit short.
        self.holding = threading.current_thread() is threading.main_thread()
        try:
            for sig in _HELD if self.holding else ():
                if signal.getsignal(sig) is not None:  # (None: a handler Python cannot put back)
                    self.previous[sig] = signal.signal(sig, self._note)
        except BaseException:  # a signal while swapping: nothing is held, and none stays swapped
            self.__exit__()
            raise
        return self

    def _note(self, signum: int, frame) -> None:
        if self.holding:
            self.caught.append(signum)
        else:  # left installed by a signal while the handlers were put back: act as they would
            _act(self.previous[signum], signum, frame)

    def __exit__(self, *exc) -> None:
        self.holding = False
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(self.caught):
            _act(self.previous[sig], sig, None)


def _act(handler, signum: int, frame) -> None:
    """What *handler*, a signal's handler before the hold, does with it."""
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
