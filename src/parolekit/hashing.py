"""SHA-256 of files, read in blocks (a 2 GB scan never sits in memory whole), and of a packet as it is written."""

from __future__ import annotations

import errno
import hashlib
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

BLOCK = 1 << 20
PROTOCOL = "parolekit-seal-1"  # the child's answers begin with it: parent and child are the same code
STALLED = 60.0  # seconds past reading the whole file at 20 MB/s: the child is given up on
SYNC_EVERY = 64 * BLOCK  # the child flushes what is written to disk this often (see _head_start)


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return sha256_open(fh)


def open_same(path: Path, writer: int | None) -> int:
    """A read-only descriptor of *path*, checked to be the very file open for writing as
    *writer* (if given): a file put in its place meanwhile would be hashed for the packet."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    if writer is not None:
        a, b = os.fstat(fd), os.fstat(writer)
        if (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino):
            os.close(fd)
            raise OSError(errno.ESTALE, f"{path} was replaced while it was written")
    return fd


def sha256_open(fh) -> str:
    """SHA-256 of a file open for reading, from its start (it is left at its end)."""
    h = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(BLOCK), b""):
        h.update(block)
    return h.hexdigest()


class Prefix:
    """SHA-256 of a file read from the front, sealed in one step: see `seal`."""

    def __init__(self, source: Path | int, writer: int | None = None):
        """*source* is a path or a descriptor open for reading (which this then owns); with
        *writer*, a path must name the file open for writing as that descriptor."""
        fd = source if isinstance(source, int) else open_same(source, writer)
        self._fh = open(fd, "rb", buffering=0)  # noqa: SIM115  # closed by close(); reads go to the file
        self._h = hashlib.sha256()
        self._pos = 0

    def _read(self, end: int) -> None:
        while self._pos < end:
            data = self._pread(min(BLOCK, end - self._pos), self._pos)
            if not data:
                raise OSError("the file is shorter than written")
            self._h.update(data)
            self._pos += len(data)

    def _pread(self, n: int, at: int) -> bytes:
        self._fh.seek(at)
        return self._fh.read(n)

    def seal(self, at: int, spots: tuple[int, ...], size: int) -> tuple[str, str]:
        """The /ID for a file whose placeholder begins at *at*: the first 16 bytes (32 hex digits)
        of the SHA-256 of the bytes before it; and the SHA-256 of the whole file (*size* bytes)
        once those digits are written at each of *spots*. The file itself is not changed."""
        if at < self._pos or any(not at <= x <= size - 32 for x in spots):
            raise ValueError("the placeholder is not where it was said to be")
        self._read(at)
        ident = self._h.copy().hexdigest()[:32]
        rest = bytearray(self._pread(size - at, at))
        if len(rest) != size - at:
            raise OSError("the file is shorter than written")
        for x in spots:
            rest[x - at:x - at + 32] = ident.encode()
        self._h.update(rest)
        self._pos = size
        return ident, self._h.hexdigest()

    def close(self) -> None:
        self._fh.close()


class Follower:
    """`Prefix.seal` by a child process that hashes the file while it is still being written,
    *lag* bytes behind its end: qpdf's writer holds the GIL, so a thread here could not help, but
    a process on the other core makes the packet's SHA-256 cost no time of its own (1 s of 1.5 GB
    at 20,000 pages).

    Only for a file written front to back (qpdf writes a non-linearized PDF in one pass, through
    a pipeline that cannot seek). The bytes read are at least *lag* below the file's size, so
    they were written by write() calls that have returned, which POSIX guarantees a read sees.
    If the child cannot start or fails, the file is hashed here, from the start: same digests.
    """

    def __init__(self, path: Path, lag: int, writer: int | None = None):
        """*writer*: the descriptor the file is written through; what the child reads is
        checked to be that same file."""
        self._path, self._writer = path, writer
        self._child: subprocess.Popen | None = None
        if not _interpreter():
            return  # no Python to run the child with (frozen, embedded, uWSGI): hashed here
        # The child reads the file through a descriptor opened and checked here, never by its
        # name, so it hashes what is written even if the name were given to another file.
        posix = os.name == "posix"
        try:
            fd = open_same(path, writer) if posix else None
        except OSError:
            return  # hashed here, where the same check fails with its reason
        # -P: not the working directory (the case folder) first on its path; and this very
        # package first, so the child speaks the same PROTOCOL as the parent.
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(Path(__file__).resolve().parents[1]), *filter(None, [os.environ.get("PYTHONPATH")])]))
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-P", "-m", "parolekit.hashing", f"fd:{fd}" if posix else str(path), str(lag)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                pass_fds=(fd,) if posix else ())
        except OSError:
            pass  # no process to spare: hashed here
        finally:
            if fd is not None:
                os.close(fd)  # the child has its own copy

    def seal(self, at: int, spots: tuple[int, ...], size: int) -> tuple[str, str]:
        child = self._child
        if child is not None:
            try:
                # A child stalled (a hung network share) is given up on, not waited for forever:
                # the whole file read at 20 MB/s, and a minute more.
                out, _err = child.communicate(" ".join(str(v) for v in ("seal", at, size, *spots)) + "\n",
                                              timeout=STALLED + size / 20e6)
                answer = out.split()
                if len(answer) == 3 and answer[0] == PROTOCOL and len(answer[1]) == 32 and len(answer[2]) == 64:
                    return answer[1], answer[2]
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        self.close()
        here = Prefix(self._path, self._writer)
        try:
            return here.seal(at, spots, size)
        finally:
            here.close()

    def close(self) -> None:
        """Stop the child (it never outlives the write, even a failed one)."""
        child, self._child = self._child, None
        if child is not None:
            if child.poll() is None:
                child.kill()
            child.wait()
            for f in (child.stdin, child.stdout):
                if f:
                    try:
                        f.close()
                    except OSError:
                        pass


def _interpreter() -> bool:
    """Whether sys.executable is a Python that `-m` runs a module with (under uWSGI or an
    embedding application it is the host program, whose -m means something else)."""
    exe = os.path.basename(sys.executable or "").lower()
    return not getattr(sys, "frozen", False) and exe.startswith(("python", "pypy"))


def _head_start(fd: int) -> None:
    """Flush what is written so far to disk: the writer's own fsync, which still decides, then
    has little left to wait for (0.5 s of 1.5 GB at 20,000 pages)."""
    try:
        getattr(os, "fdatasync", os.fsync)(fd)  # macOS has only fsync
    except OSError:
        pass  # a file system that will not: the writer's fsync does it all


def _follow(path: str, lag: int) -> None:
    """The child: hash the file (*path*, or "fd:N" for a descriptor it was given) as it grows until told `seal AT SIZE SPOT...`; answer the /ID's
    hex digits and the whole file's SHA-256 ("error" if it cannot), and exit."""
    commands: queue.Queue[str] = queue.Queue()

    def listen() -> None:
        for line in sys.stdin:
            commands.put(line)
        commands.put("")  # the parent is gone

    threading.Thread(target=listen, daemon=True).start()
    prefix = Prefix(int(path[3:]) if path.startswith("fd:") else Path(path))
    fd = prefix._fh.fileno()
    while True:
        try:
            behind = os.fstat(fd).st_size - lag - prefix._pos >= BLOCK
            line = commands.get_nowait() if behind else commands.get(timeout=0.005)
        except queue.Empty:
            if behind:
                prefix._read(prefix._pos + BLOCK)
                if prefix._pos % SYNC_EVERY == 0:
                    _head_start(fd)
            continue
        if not line.strip():
            return  # the parent is gone
        word, *numbers = line.split()
        try:
            if word == "seal":
                at, size, *spots = (int(v) for v in numbers)
                print(PROTOCOL, *prefix.seal(at, tuple(spots), size), flush=True)
        except (OSError, ValueError):
            print("error", flush=True)
        return


if __name__ == "__main__":
    _follow(sys.argv[1], int(sys.argv[2]))
