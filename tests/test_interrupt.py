"""Ctrl-C or SIGTERM during a build: exit 130, and no packet, receipt or temporary file is left."""

from __future__ import annotations

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
from PIL import Image

from factory import CASE_HEAD, manifest, text_pdf

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

# Runs the real CLI; after the N-th PDF is saved to its temporary file it marks the moment and
# waits, so the signal lands while a .part file exists (a hook, not a race against the clock).
DRIVER = """
import os, sys, time
from parolekit import output
real_save, calls = output.save_pdf, [0]
def save_then_wait(pdf, path, *rest, **options):
    saved = real_save(pdf, path, *rest, **options)
    calls[0] += 1
    if calls[0] == int(os.environ["PK_PAUSE_AT_SAVE"]):
        open(os.environ["PK_MARK"], "w").close()
        time.sleep(120)
    return saved
output.save_pdf = save_then_wait
from parolekit.cli import main
sys.argv = ["parolekit", "build", *sys.argv[1:]]
main()
"""
WAIT = 60  # seconds: a hang guard for the child, not a speed expectation


def _leftovers(folder: Path) -> list[str]:
    # The cache's entries are whole (each renamed into place) and meant to stay; a half one is not.
    return sorted(p.name for p in folder.rglob("*") if p.suffix in (".pdf", ".part", ".json", ".tmp")
                  and "exhibits" not in p.parts and not (".parolekit-cache" in p.parts and p.suffix != ".tmp"))


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the build ended (exit {proc.returncode}) before the hook: {err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the build never reached the hook")
        time.sleep(0.01)


def _interrupt_at_save(case: Path, sig: int, save_number: int = 1) -> tuple[int, str]:
    mark = case.parent / "reached-save.mark"
    env = {**os.environ, "PK_PAUSE_AT_SAVE": str(save_number), "PK_MARK": str(mark)}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(case)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(mark, proc)
    assert [p for p in case.parent.rglob("*.part")], "the hook runs while the temporary file exists"
    proc.send_signal(sig)
    try:
        _out, err = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the build did not stop after the signal")
    mark.unlink()
    return proc.returncode, err


@pytest.fixture
def small_case(tmp_path: Path) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=3, title="Letter")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_while_saving_leaves_nothing(small_case, sig):
    code, err = _interrupt_at_save(small_case, sig)
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert _leftovers(small_case.parent) == []


def test_an_earlier_packet_survives_an_interrupted_rebuild(small_case):
    """Atomic replace: the packet from the last good build stays whole and in place."""
    env = {**os.environ, "PK_PAUSE_AT_SAVE": "0", "PK_MARK": "/dev/null"}
    first = subprocess.run([sys.executable, "-c", DRIVER, str(small_case)], env=env,
                           capture_output=True, text=True, timeout=WAIT)
    assert first.returncode == 0, first.stderr
    packet = small_case.parent / "case.pdf"
    before = packet.read_bytes()
    code, err = _interrupt_at_save(small_case, signal.SIGINT)
    assert code == 130, err
    assert packet.read_bytes() == before
    assert _leftovers(small_case.parent) == ["case.pdf", "case.receipt.json"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_between_volumes_leaves_no_volume(tmp_path, sig):
    """Split packets are all or nothing: volume 1 is not left behind when volume 2 is cut short."""
    (tmp_path / "exhibits").mkdir()
    # Noise does not compress: each photo weighs ~200 KB, and twelve are more than re-encoding
    # could fit in one file, so the packet is split.
    for k in range(12):
        Image.effect_noise((600, 800), 80 + k).convert("RGB").save(
            tmp_path / "exhibits" / f"p{k}.jpg", quality=90)
    body = "".join(f"  - id: p{k}\n    title: Photo {k}\n    file: exhibits/p{k}.jpg\n" for k in range(12))
    size = max((tmp_path / "exhibits" / f"p{k}.jpg").stat().st_size for k in range(12))
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n" + body +
                    f"output:\n  max_file_mb: {2.5 * size / 1_000_000:.3f}\n")
    code, err = _interrupt_at_save(case, sig, save_number=2)
    assert code == 130, err
    assert _leftovers(tmp_path) == []


def test_interrupt_at_any_moment_never_leaves_a_partial_packet(tmp_path):
    """The real CLI, signalled as soon as its temporary file appears: whatever the timing, the
    result is either exit 130 with nothing left, or a finished build whose files are whole."""
    for k in range(12):
        text_pdf(tmp_path / "exhibits" / f"doc{k}.pdf", pages=150, title=f"Document {k}")
    body = "".join(f"  - id: doc{k}\n    title: Document {k}\n    file: exhibits/doc{k}.pdf\n"
                   for k in range(12))
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n" + body)
    proc = subprocess.Popen([sys.executable, "-m", "parolekit", "build", str(case)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + WAIT
    while not list(tmp_path.glob(".*.part")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.002)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the build did not stop after the signal")
    assert "Traceback" not in err
    assert proc.returncode in (0, 130), err
    left = _leftovers(tmp_path)
    # Nothing, or (when the signal came after the last byte was in place) a whole packet.
    assert left in ([], ["case.pdf", "case.receipt.json"])
    if left:
        receipt = json.loads((tmp_path / "case.receipt.json").read_text())
        assert receipt["output"]["sha256"] == hashlib.sha256((tmp_path / "case.pdf").read_bytes()).hexdigest()
        with pikepdf.open(tmp_path / "case.pdf") as pdf:
            assert len(pdf.pages) == receipt["output"]["pages"] == 3 + 12 * 151


def _whole_or_absent(folder: Path, pages: int) -> None:
    left = _leftovers(folder)
    assert left in ([], ["case.pdf", "case.receipt.json"]), left
    if left:
        receipt = json.loads((folder / "case.receipt.json").read_text())
        assert receipt["output"]["sha256"] == hashlib.sha256((folder / "case.pdf").read_bytes()).hexdigest()
        with pikepdf.open(folder / "case.pdf") as pdf:
            assert len(pdf.pages) == pages


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_parallel_builds_stop_together(tmp_path, how):
    """--jobs: Ctrl-C reaches every process of the terminal's group; SIGTERM only the parent,
    which stops its workers. Either way no worker writes a packet after the parent has exited,
    and no temporary file or traceback is left."""
    cases = []
    for name in ("a", "b", "c"):
        for k in range(6):
            text_pdf(tmp_path / name / "exhibits" / f"doc{k}.pdf", pages=150, title=f"Doc {k}")
        body = "".join(f"  - id: doc{k}\n    title: Doc {k}\n    file: exhibits/doc{k}.pdf\n"
                       for k in range(6))
        cases.append(manifest(tmp_path / name / "case.yaml", CASE_HEAD + "exhibits:\n" + body))
    proc = subprocess.Popen([sys.executable, "-m", "parolekit", "build", "--jobs", "2", *map(str, cases)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + WAIT
    while not list(tmp_path.rglob(".*.part")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the builds never started writing"
        time.sleep(0.002)
    if proc.poll() is None:
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the builds did not stop after the signal")
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err
    time.sleep(0.5)  # a stray worker would write after the parent's exit; give it the chance
    for case in cases:
        _whole_or_absent(case.parent, 3 + 6 * 151)
    assert not list(tmp_path.rglob(".*.part"))
