"""hashing: sealing a file's /ID and digest, here or by a child process that follows the writing."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time

import pytest

from parolekit import hashing


def _expected(data: bytes, at: int, spots: tuple[int, ...]) -> tuple[str, str]:
    ident = hashlib.sha256(data[:at]).hexdigest()[:32]
    sealed = bytearray(data)
    for x in spots:
        sealed[x:x + 32] = ident.encode()
    return ident, hashlib.sha256(sealed).hexdigest()


def _assert_child_seals(follower, data: bytes, back: int, monkeypatch) -> None:
    """The child's seal of *data* with the placeholder *back* bytes before its end is right."""
    monkeypatch.setattr(hashing, "Prefix", None)  # the answer must come from the child
    at = len(data) - back
    assert follower.seal(at, (at + 5,), len(data)) == _expected(data, at, (at + 5,))


def _write_slowly(fh, data: bytes, step: int) -> None:
    for i in range(0, len(data), step):
        fh.write(data[i:i + step])
        fh.flush()
        time.sleep(0.002)


@pytest.mark.parametrize("kind", ["prefix", "follower"])
def test_the_seal_is_the_prefix_digest_and_the_digest_of_the_file_with_it_written(tmp_path, kind):
    data = os.urandom(6 * hashing.BLOCK + 12345)
    path = tmp_path / "whole.bin"
    path.write_bytes(data)
    at = len(data) - 500
    spots = (at + 10, at + 60)
    h = hashing.Prefix(path) if kind == "prefix" else hashing.Follower(path, lag=0)
    try:
        assert h.seal(at, spots, len(data)) == _expected(data, at, spots)
    finally:
        h.close()
    assert path.read_bytes() == data  # sealing computes; the caller writes the digits


def test_the_follower_hashes_a_file_while_it_is_written(tmp_path, monkeypatch):
    data = os.urandom(12 * hashing.BLOCK + 999)
    path = tmp_path / "growing.bin"
    with open(path, "w+b") as fh:
        follower = hashing.Follower(path, lag=2 * hashing.BLOCK)
        try:
            writer = threading.Thread(target=_write_slowly, args=(fh, data, 64 << 10))
            writer.start()
            writer.join()
            time.sleep(1.0)  # the child catches up to 2 MB behind the end
            # Its first bytes changed now: a child that had not read them already would see it.
            fh.seek(0)
            fh.write(b"\0" * 100)
            fh.flush()
            _assert_child_seals(follower, data, 1000, monkeypatch)
        finally:
            follower.close()
    assert follower._child is None


def test_without_a_child_process_the_follower_hashes_here(tmp_path, monkeypatch):
    data = os.urandom(2 * hashing.BLOCK)
    path = tmp_path / "whole.bin"
    path.write_bytes(data)

    def refused(*_a, **_k):
        raise OSError("no processes left")

    monkeypatch.setattr(hashing.subprocess, "Popen", refused)
    h = hashing.Follower(path, lag=0)
    assert h.seal(100, (150,), len(data)) == _expected(data, 100, (150,))


def test_a_child_that_dies_is_replaced_by_hashing_here(tmp_path):
    data = os.urandom(2 * hashing.BLOCK)
    path = tmp_path / "whole.bin"
    path.write_bytes(data)
    h = hashing.Follower(path, lag=0)
    h._child.kill()
    h._child.wait()
    assert h.seal(hashing.BLOCK, (hashing.BLOCK + 1,), len(data)) == \
        _expected(data, hashing.BLOCK, (hashing.BLOCK + 1,))
    assert h._child is None


def test_a_placeholder_before_what_was_read_is_refused_not_sealed_wrong(tmp_path):
    path = tmp_path / "whole.bin"
    path.write_bytes(os.urandom(3 * hashing.BLOCK))
    h = hashing.Prefix(path)
    h._read(2 * hashing.BLOCK)
    with pytest.raises(ValueError):
        h.seal(10, (20,), 3 * hashing.BLOCK)
    with pytest.raises(ValueError):
        h.seal(2 * hashing.BLOCK, (3 * hashing.BLOCK - 5,), 3 * hashing.BLOCK)  # past the end
    h.close()


def test_the_child_exits_when_its_parent_goes_away(tmp_path):
    path = tmp_path / "whole.bin"
    path.write_bytes(b"x" * 100)
    h = hashing.Follower(path, lag=0)
    child = h._child
    child.stdin.close()  # what the parent's death does to the pipe
    assert child.wait(timeout=30) == 0
    h.close()


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX job control")
def test_a_stalled_child_is_given_up_on_and_the_file_hashed_here(tmp_path, monkeypatch):
    data = os.urandom(2 * hashing.BLOCK)
    path = tmp_path / "whole.bin"
    path.write_bytes(data)
    monkeypatch.setattr(hashing, "STALLED", 0.5)
    h = hashing.Follower(path, lag=0)
    child = h._child
    os.kill(child.pid, signal.SIGSTOP)  # as if stuck on a hung network share
    started = time.monotonic()
    assert h.seal(100, (150,), len(data)) == _expected(data, 100, (150,))
    assert time.monotonic() - started < 20
    assert child.returncode is not None  # killed, not left stopped


def test_the_child_runs_no_python_file_of_the_working_folder(tmp_path, monkeypatch):
    # The working folder is usually the case's: a queue.py or hashlib.py there must not run.
    marker = tmp_path / "ran"
    for name in ("queue.py", "hashlib.py", "threading.py"):
        (tmp_path / name).write_text(f"open({str(marker)!r}, 'w').close()\n")
    data = os.urandom(3 * hashing.BLOCK)
    path = tmp_path / "whole.bin"
    path.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hashing, "Prefix", None)  # the answer must come from the child
    h = hashing.Follower(path, lag=hashing.BLOCK)  # the placeholder is never behind the lag
    at = len(data) - 100
    assert h.seal(at, (at + 20,), len(data)) == _expected(data, at, (at + 20,))
    h.close()
    assert not marker.exists()


@pytest.mark.parametrize("exe", ["/usr/bin/uwsgi", "", "/opt/app/myapp"])
def test_no_child_is_started_when_the_executable_is_not_a_python(tmp_path, monkeypatch, exe):
    path = tmp_path / "whole.bin"
    path.write_bytes(b"x" * 100)
    monkeypatch.setattr(hashing.sys, "executable", exe)
    h = hashing.Follower(path, lag=0)
    assert h._child is None
    assert h.seal(10, (20,), 100) == _expected(b"x" * 100, 10, (20,))


@pytest.mark.parametrize("kind", ["prefix", "follower"])
def test_a_file_put_in_place_of_the_one_written_is_never_hashed_for_it(tmp_path, kind):
    data = os.urandom(3 * hashing.BLOCK)
    path = tmp_path / "packet.part"
    with open(path, "w+b") as fh:
        fh.write(data)
        fh.flush()
        other = tmp_path / "other"
        other.write_bytes(os.urandom(len(data)))
        other.replace(path)  # the name now means another file
        with pytest.raises(OSError, match="replaced"):
            h = hashing.Prefix(path, fh.fileno()) if kind == "prefix" else \
                hashing.Follower(path, lag=0, writer=fh.fileno())
            try:
                h.seal(len(data) - 100, (len(data) - 90,), len(data))
            finally:
                h.close()


@pytest.mark.skipif(os.name != "posix", reason="the child is handed a descriptor on POSIX only")
def test_the_child_reads_the_file_written_even_when_its_name_changes_hands(tmp_path, monkeypatch):
    data = os.urandom(4 * hashing.BLOCK + 77)
    path = tmp_path / "packet.part"
    with open(path, "w+b") as fh:
        follower = hashing.Follower(path, lag=0, writer=fh.fileno())
        try:
            (tmp_path / "other").write_bytes(os.urandom(len(data)))
            (tmp_path / "other").replace(path)  # after the child opened the file written
            fh.write(data)
            fh.flush()
            _assert_child_seals(follower, data, 200, monkeypatch)
        finally:
            follower.close()
