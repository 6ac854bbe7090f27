"""Putting a packet in place: old pair or new pair at every moment, one build per output, no leaks."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, text_pdf
from parolekit import output, publish
from parolekit.errors import EXIT_OUTPUT, CaseError, OutputError
from parolekit.pipeline import build_packet
from parolekit.publish import OutputLock

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and flock")
WAIT = 60  # seconds: a hang guard for child processes, not a speed expectation

# Runs the real CLI with a hook in publish._move: after the N-th rename it acts (a signal to
# itself, or kill -9), so the fault lands exactly between two renames, not at a lucky moment.
DRIVER = """
import os, signal, sys
from parolekit import publish
real_move, calls = publish._move, [0]
def move_then_act(tmp, final):
    real_move(tmp, final)
    calls[0] += 1
    if calls[0] == int(os.environ["PK_AFTER_MOVE"]):
        os.kill(os.getpid(), getattr(signal, os.environ["PK_SIGNAL"]))
publish._move = move_then_act
from parolekit.cli import main
sys.argv = ["parolekit", "build", *sys.argv[1:]]
main()
"""

# Ctrl-C at the worst moment, the way a terminal sends it to a process with a second thread (a
# batch worker has its queue's feeder): after the N-th rename a thread started beforehand, which
# does not block the signal, sends SIGINT to the whole process. PK_WORKER runs the build as a
# batch worker does, with its signal handlers; otherwise through the CLI.
THREAD_DRIVER = """
import os, signal, sys, threading
from pathlib import Path
from parolekit import publish
go, sent = threading.Event(), threading.Event()
def sender():
    go.wait()
    os.kill(os.getpid(), signal.SIGINT)
    sent.set()
threading.Thread(target=sender, daemon=True).start()
real_move, calls = publish._move, [0]
def move_then_ctrl_c(tmp, final):
    real_move(tmp, final)
    calls[0] += 1
    if calls[0] == int(os.environ["PK_AFTER_MOVE"]):
        go.set()
        sent.wait()
publish._move = move_then_ctrl_c
if os.environ.get("PK_WORKER"):
    from parolekit import batch
    batch._init_worker(None)
    batch._build_in_worker(0, Path(sys.argv[1]), None, None, [], False)
    sys.exit("the build was not interrupted")
from parolekit.cli import main
sys.argv = ["parolekit", "build", *sys.argv[1:]]
main()
"""

# Pauses the first build once its packet is staged, so a second build can try the same output.
PAUSE = """
import os, sys, time
from parolekit import output
real = output.check_pages
def pause(*args):
    real(*args)
    open(os.environ["PK_MARK"], "w").close()
    time.sleep(120)
output.check_pages = pause
from parolekit.cli import main
sys.argv = ["parolekit", "build", *sys.argv[1:]]
main()
"""


def _case(folder: Path, title: str = "Letter", extra: str = "") -> Path:
    text_pdf(folder / "exhibits" / "letter.pdf", pages=2, title=title)
    return manifest(folder / "case.yaml", CASE_HEAD + extra + """\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
""")


def _pair_is_whole(folder: Path, stem: str = "case") -> dict:
    """The packet and its receipt belong together: the receipt's hash and pages are the file's."""
    pdf, receipt = folder / f"{stem}.pdf", folder / f"{stem}.receipt.json"
    data = json.loads(receipt.read_text(encoding="utf-8"))
    assert data["output"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    with pikepdf.open(pdf) as p:
        assert len(p.pages) == data["output"]["pages"]
    return data


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def _run(driver: str, case: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", driver, str(case)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=WAIT)


def _rebuild_with_new_content(case: Path) -> bytes:
    """Build once, then change an exhibit so the next packet differs; returns the first packet."""
    build_packet(case)
    first = (case.parent / "case.pdf").read_bytes()
    text_pdf(case.parent / "exhibits" / "letter.pdf", pages=3, title="Changed letter")
    return first


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_signal_just_after_the_packet_rename_leaves_the_new_pair(tmp_path, sig):
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    r = _run(DRIVER, case, PK_AFTER_MOVE="1", PK_SIGNAL=sig)
    assert r.returncode == 130, r.stderr
    assert "new packet case.pdf and its receipt were already in place" in r.stderr
    assert "Traceback" not in r.stderr
    data = _pair_is_whole(tmp_path)
    assert data["output"]["pages"] == 1 + 1 + 1 + 3  # cover, index, separator, the changed letter
    assert (tmp_path / "case.pdf").read_bytes() != first
    assert _temps(tmp_path) == []


@pytest.mark.parametrize("after_move", ["1", "2"])
@pytest.mark.parametrize("worker", ["", "1"], ids=["cli", "batch-worker"])
def test_ctrl_c_reaching_another_thread_mid_commit_leaves_the_new_pair_and_no_temporary_file(
        tmp_path, after_move, worker):
    """The signal is held back until the commit is over, the .old.part links removed included,
    even when it is delivered to another thread of the process (blocking it in this one is not
    enough: Python then runs the handler here anyway)."""
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    r = _run(THREAD_DRIVER, case, PK_AFTER_MOVE=after_move, PK_WORKER=worker)
    assert r.returncode == 130, r.stderr
    assert "Traceback" not in r.stderr
    if not worker:
        assert "new packet case.pdf and its receipt were already in place" in r.stderr
    assert _pair_is_whole(tmp_path)["output"]["pages"] == 6
    assert (tmp_path / "case.pdf").read_bytes() != first
    assert _temps(tmp_path) == []
    assert not publish.lock_path(tmp_path / "case.pdf").exists()  # nor a journal to finish


def test_kill_9_between_the_renames_is_finished_by_the_next_build(tmp_path):
    case = _case(tmp_path)
    _rebuild_with_new_content(case)
    old_receipt = (tmp_path / "case.receipt.json").read_bytes()
    r = _run(DRIVER, case, PK_AFTER_MOVE="1", PK_SIGNAL="SIGKILL")
    assert r.returncode == -signal.SIGKILL
    # The one moment no program can guard: the new packet is in, its receipt still staged...
    assert (tmp_path / "case.receipt.json").read_bytes() == old_receipt
    assert [t for t in _temps(tmp_path) if not t.endswith(".old.part")] == \
        [t for t in _temps(tmp_path) if t.startswith(".case.receipt.json.") and not t.endswith(".old.part")]
    assert len([t for t in _temps(tmp_path) if not t.endswith(".old.part")]) == 1
    # ...and the journal beside the packet lets whoever takes the lock next finish the job.
    with OutputLock(tmp_path / "case.pdf") as lock:
        assert lock.recovered == [tmp_path / "case.receipt.json"]
    _pair_is_whole(tmp_path)
    assert _temps(tmp_path) == []


def test_a_receipt_that_cannot_be_written_keeps_the_earlier_pair(tmp_path, monkeypatch):
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    first_receipt = (tmp_path / "case.receipt.json").read_bytes()

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.json, "dumps", full)
    with pytest.raises(OutputError) as e:
        build_packet(case)
    assert e.value.exit_code == EXIT_OUTPUT
    assert "case.receipt.json" in e.value.message and "unchanged" in e.value.message
    assert ".part" not in e.value.message
    assert (tmp_path / "case.pdf").read_bytes() == first
    assert (tmp_path / "case.receipt.json").read_bytes() == first_receipt
    assert _temps(tmp_path) == []


def test_a_receipt_that_cannot_be_put_in_place_rolls_the_packet_back(tmp_path):
    """The receipt's name is taken by a folder: the packet's rename is undone, exit 3."""
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    (tmp_path / "case.receipt.json").unlink()
    (tmp_path / "case.receipt.json").mkdir()
    (tmp_path / "case.receipt.json" / "keep").write_text("x")
    with pytest.raises(OutputError) as e:
        build_packet(case)
    assert e.value.exit_code == EXIT_OUTPUT
    assert "case.receipt.json" in e.value.message and "unchanged" in e.value.message
    assert (tmp_path / "case.pdf").read_bytes() == first
    assert _temps(tmp_path) == []


def test_a_packet_save_failure_names_the_packet_not_the_temporary_file(tmp_path, monkeypatch):
    case = _case(tmp_path)

    def full(self, *_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pikepdf.Pdf, "save", full)
    with pytest.raises(OutputError) as e:
        build_packet(case)
    assert e.value.exit_code == EXIT_OUTPUT
    assert "cannot write case.pdf (No space left on device)" in e.value.message
    assert ".part" not in e.value.message
    assert not (tmp_path / "case.pdf").exists() and _temps(tmp_path) == []


def test_a_second_build_of_the_same_output_is_refused_while_the_first_runs(tmp_path):
    case = _case(tmp_path)
    build_packet(case)
    before = (tmp_path / "case.pdf").read_bytes()
    mark = tmp_path / "staged.mark"
    first = subprocess.Popen([sys.executable, "-c", PAUSE, str(case)], text=True,
                             env={**os.environ, "PK_MARK": str(mark)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + WAIT
        while not mark.exists():
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first build never staged its packet"
            time.sleep(0.01)
        second = subprocess.run([sys.executable, "-m", "parolekit", "build", str(case)],
                                capture_output=True, text=True, timeout=WAIT)
        assert second.returncode == EXIT_OUTPUT, second.stderr
        assert "another build is writing case.pdf right now" in second.stderr
        assert (tmp_path / "case.pdf").read_bytes() == before  # the second touched nothing
    finally:
        first.send_signal(signal.SIGINT)
        _out, err = first.communicate(timeout=WAIT)
    assert first.returncode == 130, err
    assert "nothing was replaced" in err
    assert (tmp_path / "case.pdf").read_bytes() == before
    _pair_is_whole(tmp_path)
    assert _temps(tmp_path) == []


def test_the_lock_is_released_after_a_build_and_after_a_failure(tmp_path):
    case = _case(tmp_path)
    build_packet(case)
    assert not publish.lock_path(tmp_path / "case.pdf").exists()
    with OutputLock(tmp_path / "case.pdf"):
        with pytest.raises(OutputError, match="another build is writing case.pdf"):
            build_packet(case)
    build_packet(case)  # free again


def test_leftover_temporary_files_of_a_killed_build_are_removed(tmp_path):
    case = _case(tmp_path)
    ours = [".case.pdf.deadbeef.part", ".case.receipt.json.0123abcd.part",
            ".case.vol2-of-3.pdf.89abcdef.part", ".case.pdf.deadbeef.old.part"]
    theirs = [".other.pdf.deadbeef.part", "case.pdf.notes.part", ".case.pdf.xyz.part"]
    for name in ours + theirs:
        (tmp_path / name).write_bytes(b"%PDF-1.7 partial")
    build_packet(case)
    assert _temps(tmp_path) == sorted(theirs)


def test_manifest_output_outside_the_case_is_refused(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "x.pdf").write_bytes(b"%PDF-1.7 someone else's file")
    case = _case(tmp_path / "case", extra="output:\n  file: ../victim/x.pdf\n")
    with pytest.raises(CaseError) as e:
        build_packet(case)
    problem = next(p for p in e.value.problems if p.code == "output-outside-case")
    assert problem.path == "output.file" and problem.line > 0
    assert "-o" in problem.message
    assert (victim / "x.pdf").read_bytes() == b"%PDF-1.7 someone else's file"
    # Allowed explicitly, or named on the command line: the user meant it.
    build_packet(case, allow_paths=[victim])
    _pair_is_whole(victim, "x")
    r = build_packet(case, tmp_path / "filed" / "packet.pdf")
    assert r.output == (tmp_path / "filed" / "packet.pdf").resolve()


def test_receipt_paths_are_relative_to_the_case_even_when_o_is_elsewhere(tmp_path):
    case = _case(tmp_path / "case")
    r = build_packet(case, tmp_path / "filed" / "packet.pdf")
    data = json.loads(r.receipt.read_text(encoding="utf-8"))
    assert data["output"]["path"] == "../filed/packet.pdf"
    assert [i["path"] for i in data["inputs"]] == ["exhibits/letter.pdf"]
    assert (case.parent / data["output"]["path"]).resolve() == r.output


def test_running_out_of_memory_is_said_as_such(tmp_path, monkeypatch):
    from parolekit import batch, pipeline

    def no_memory(*_a, **_k):
        raise MemoryError

    monkeypatch.setattr(pipeline, "assemble", no_memory)
    o = batch.build_one(_case(tmp_path))
    assert not o.ok and o.exit_code == EXIT_OUTPUT
    assert "ran out of memory" in o.message and "corrupt" not in o.message
    assert _temps(tmp_path) == [] and not (tmp_path / "case.pdf").exists()


def test_a_packet_rename_refused_by_a_mount_exits_3_naming_the_packet(tmp_path, monkeypatch):
    """A file bind-mounted over case.pdf: rename onto it fails with EBUSY (faked at the rename)."""
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    real = publish._move

    def busy(tmp, final):
        if final.name == "case.pdf":
            raise OSError(errno.EBUSY, "Device or resource busy")
        real(tmp, final)

    monkeypatch.setattr(publish, "_move", busy)
    with pytest.raises(OutputError) as e:
        build_packet(case)
    assert e.value.exit_code == EXIT_OUTPUT
    assert e.value.message.startswith("cannot put case.pdf in place (Device or resource busy)")
    assert ".part" not in e.value.message and "unchanged" in e.value.message
    assert (tmp_path / "case.pdf").read_bytes() == first
    assert _temps(tmp_path) == []


# --- a full disk (or any failing write) at each step of the commit -----------------------------
def _no_space(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


def _failing_replace(monkeypatch, fails) -> None:
    """os.replace raising ENOSPC for the renames `fails(src, dst)` picks (every other one works:
    the cache renames its entries too)."""
    real = os.replace

    def replace(src, dst, *a, **k):
        if fails(Path(src).name, Path(dst).name):
            _no_space()
        return real(src, dst, *a, **k)

    monkeypatch.setattr(publish.os, "replace", replace)


def _staged(src: str) -> bool:
    return src.endswith(".part") and not src.endswith(".old.part")


def _failing_journal_fsync(monkeypatch, folder: Path) -> None:
    """fsync failing for the lock file only (the staged files are synced before it)."""
    real, lock = os.fsync, publish.lock_path(folder / "case.pdf")

    def fsync(fd):
        if lock.exists() and os.fstat(fd).st_ino == lock.stat().st_ino:
            _no_space()
        return real(fd)

    monkeypatch.setattr(publish.os, "fsync", fsync)


FAULTS_BEFORE_ANY_RENAME = {
    "journal": lambda mp, _folder: mp.setattr(publish.os, "pwrite", _no_space),
    "journal-fsync": _failing_journal_fsync,
    "rollback-link": lambda mp, _folder: mp.setattr(publish.os, "link", _no_space),
    "packet-rename": lambda mp, _folder: _failing_replace(mp, lambda src, dst: dst == "case.pdf"),
    # the packet is in place when the receipt's rename fails: it is rolled back
    "receipt-rename": lambda mp, _folder: _failing_replace(
        mp, lambda src, dst: dst == "case.receipt.json" and _staged(src)),
}


@pytest.mark.parametrize("fault", FAULTS_BEFORE_ANY_RENAME)
def test_a_full_disk_during_the_commit_keeps_the_earlier_pair_and_no_temporary_file(
        tmp_path, monkeypatch, cli, fault):
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    first_receipt = (tmp_path / "case.receipt.json").read_bytes()
    FAULTS_BEFORE_ANY_RENAME[fault](monkeypatch, tmp_path)
    code, _out, err = cli("build", case)
    monkeypatch.undo()
    assert code == EXIT_OUTPUT, err
    assert "No space left on device" in err and "nothing was replaced" in err, err
    assert "Free space" in err and "internal error" not in err and "Traceback" not in err
    assert (tmp_path / "case.pdf").read_bytes() == first
    assert (tmp_path / "case.receipt.json").read_bytes() == first_receipt
    assert _temps(tmp_path) == []
    assert not publish.lock_path(tmp_path / "case.pdf").exists()
    with OutputLock(tmp_path / "case.pdf") as lock:  # no journal that a later build would finish
        assert lock.recovered == [] and lock.cleaned == []
    assert cli("build", case)[0] == 0  # space again: the next build goes through
    assert _pair_is_whole(tmp_path)["output"]["pages"] == 6


def test_a_rollback_that_fails_too_says_which_files_the_folder_holds(tmp_path, monkeypatch, cli):
    """The receipt cannot go in place, nor the earlier packet come back: exit 3 naming the mix."""
    case = _case(tmp_path)
    _rebuild_with_new_content(case)
    first_receipt = (tmp_path / "case.receipt.json").read_bytes()
    _failing_replace(monkeypatch, lambda src, dst: dst == "case.receipt.json" and _staged(src)
                     or src.endswith(".old.part"))
    code, _out, err = cli("build", case)
    monkeypatch.undo()
    assert code == EXIT_OUTPUT, err
    assert "case.receipt.json could not be put in place (No space left on device), nor the " \
        "earlier case.pdf brought back" in err
    assert "Do not file this packet" in err and "Traceback" not in err
    assert (tmp_path / "case.receipt.json").read_bytes() == first_receipt
    with pikepdf.open(tmp_path / "case.pdf") as pdf:
        assert len(pdf.pages) == 6  # the new packet, as the message says
    assert _temps(tmp_path) == []
    assert cli("build", case)[0] == 0
    _pair_is_whole(tmp_path)


def test_a_journal_that_cannot_be_cleared_after_the_renames_is_no_failure(tmp_path, monkeypatch, cli):
    """The new pair is in place before the journal is cleared: a full disk then changes nothing,
    and the journal left behind is finished harmlessly by the next build."""
    case = _case(tmp_path)
    _rebuild_with_new_content(case)
    real, calls = os.pwrite, []

    def journal_then_full(fd, data, offset):
        calls.append(data)
        if not data:  # clearing it
            _no_space()
        return real(fd, data, offset)

    monkeypatch.setattr(publish.os, "pwrite", journal_then_full)
    code, _out, err = cli("build", case)
    monkeypatch.undo()
    assert code == 0, err
    assert calls[-1] == b""
    assert _pair_is_whole(tmp_path)["output"]["pages"] == 6
    assert _temps(tmp_path) == []
    assert cli("build", case)[0] == 0
    _pair_is_whole(tmp_path)


def test_a_killed_builds_commit_that_cannot_be_finished_exits_3_and_is_finished_later(
        tmp_path, monkeypatch, cli):
    case = _case(tmp_path)
    _rebuild_with_new_content(case)
    r = _run(DRIVER, case, PK_AFTER_MOVE="1", PK_SIGNAL="SIGKILL")  # the receipt still staged
    assert r.returncode == -signal.SIGKILL
    _failing_replace(monkeypatch, lambda src, dst: dst == "case.receipt.json")
    code, _out, err = cli("build", case)
    monkeypatch.undo()
    assert code == EXIT_OUTPUT, err
    assert "cannot finish putting in place the case.pdf of an earlier build that was stopped " \
        "(No space left on device)" in err and "Free space" in err and "Traceback" not in err
    with OutputLock(tmp_path / "case.pdf") as lock:  # its journal was kept for this
        assert lock.recovered == [tmp_path / "case.receipt.json"]
    _pair_is_whole(tmp_path)
    assert _temps(tmp_path) == []


def test_without_hard_links_the_earlier_pair_still_comes_back_when_the_receipt_cannot_go_in_place(
        tmp_path, monkeypatch, cli):
    """FAT, some shares: the earlier packet is kept as a copy, so the rollback has it."""
    case = _case(tmp_path)
    first = _rebuild_with_new_content(case)
    first_receipt = (tmp_path / "case.receipt.json").read_bytes()

    def no_links(*_a, **_k):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(publish.os, "link", no_links)
    _failing_replace(monkeypatch, lambda src, dst: dst == "case.receipt.json" and _staged(src))
    code, _out, err = cli("build", case)
    monkeypatch.undo()
    assert code == EXIT_OUTPUT and "nothing was replaced" in err, err
    assert (tmp_path / "case.pdf").read_bytes() == first
    assert (tmp_path / "case.receipt.json").read_bytes() == first_receipt
    assert _temps(tmp_path) == []
