"""Batch builds: parallel processes, a failing case that does not stop the others, same bytes."""

from __future__ import annotations

import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, require_poppler, text_pdf

from parolekit.batch import STAGES, Outcome, build_one


def _case(folder: Path, pages: int = 2, broken: bool = False) -> Path:
    text_pdf(folder / "exhibits" / "letter.pdf", pages=pages, title=f"Letter {folder.name}")
    return manifest(folder / "case.yaml", CASE_HEAD + f"""\
output:
  file: out/packet.pdf
exhibits:
  - id: letter
    title: Letter for {folder.name}
    file: exhibits/{'missing' if broken else 'letter'}.pdf
""")


@pytest.fixture
def cases(tmp_path: Path) -> list[Path]:
    return [_case(tmp_path / "alpha", 2), _case(tmp_path / "bravo", 3, broken=True),
            _case(tmp_path / "charlie", 4)]


def test_a_broken_case_does_not_stop_the_others(cli, cases):
    code, stdout, stderr = cli("build", *cases, "--jobs", "2")
    assert code == 1
    assert (cases[0].parent / "out" / "packet.pdf").is_file()
    assert (cases[2].parent / "out" / "packet.pdf").is_file()
    assert not (cases[1].parent / "out").exists()
    assert stdout == ""  # people read stderr; stdout stays clean for data
    assert "2 built, 1 failed" in stderr
    failed = [line for line in stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and "bravo" in failed[0]
    assert "file-missing" in stderr and "missing.pdf" in stderr


def test_quiet_prints_only_the_failures(cli, cases):
    code, stdout, stderr = cli("build", *cases, "--jobs", "1", "--quiet")
    assert code == 1 and stdout == ""
    assert "Summary" not in stderr and "wrote" not in stderr
    assert "bravo" in stderr and "alpha" not in stderr


def test_parallel_builds_are_byte_identical_to_serial(cli, tmp_path):
    ones = [_case(tmp_path / "serial" / n, k) for n, k in (("a", 2), ("b", 5), ("c", 1))]
    shutil.copytree(tmp_path / "serial", tmp_path / "parallel")
    twos = [tmp_path / "parallel" / n / "case.yaml" for n in "abc"]
    assert cli("build", *ones, "--jobs", "1", "-q")[0] == 0
    assert cli("build", *twos, "--jobs", "2", "-q")[0] == 0
    for one, two in zip(ones, twos):
        a, b = one.parent / "out" / "packet.pdf", two.parent / "out" / "packet.pdf"
        assert a.read_bytes() == b.read_bytes()
        ra, rb = (p.with_name("packet.receipt.json").read_text() for p in (a, b))
        assert ra == rb


def test_build_reports_every_stage_in_order(cases):
    seen: list[str] = []
    o = build_one(cases[0], progress=seen.append)
    assert o.ok and o.pages > 0
    assert seen == list(STAGES)


def test_outcomes_cross_process_boundaries(cases):
    backs = []
    for m in cases:
        o = build_one(m)
        back = pickle.loads(pickle.dumps(o))
        assert isinstance(back, Outcome) and back == o
        backs.append(back)
    assert [b.ok for b in backs] == [True, False, True]
    assert backs[1].problems and backs[1].problems[0].code == "file-missing"


def test_one_output_for_many_manifests_is_refused(cli, cases, tmp_path):
    code, _out, err = cli("build", *cases, "-o", tmp_path / "x.pdf")
    assert code == 2 and "one manifest" in err


def test_the_batch_example_writes_and_builds_every_row(tmp_path, monkeypatch):
    root = Path(__file__).resolve().parents[1] / "examples"
    shutil.copytree(root / "batch", tmp_path / "batch", ignore=shutil.ignore_patterns("build"))
    shared = tmp_path / "medical-parole" / "exhibits"
    shared.mkdir(parents=True)
    shutil.copy(root / "medical-parole" / "exhibits" / "country-report.pdf", shared)
    monkeypatch.syspath_prepend(str(tmp_path / "batch"))
    import make_packets

    assert make_packets.main() == 0
    rows = (tmp_path / "batch" / "intake.csv").read_text(encoding="utf-8").splitlines()[1:]
    packets = sorted((tmp_path / "batch" / "build").glob("*/packet.pdf"))
    assert len(packets) == len(rows) == 4
    first = rows[0].split(",")
    require_poppler()
    text = subprocess.run(["pdftotext", str(tmp_path / "batch" / "build" / first[0] / "packet.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert first[1] in text and first[7] in text  # this row's beneficiary and hospital


def test_ctrl_c_stops_every_case_and_leaves_no_partial_packet(tmp_path):
    """SIGINT to the parent while workers write: exit 130, and each case is whole or absent."""
    cases = []
    for n in range(4):
        folder = tmp_path / f"case{n}"
        for k in range(6):
            text_pdf(folder / "exhibits" / f"doc{k}.pdf", pages=120, title=f"Document {k}")
        body = "".join(f"  - id: doc{k}\n    title: Document {k}\n    file: exhibits/doc{k}.pdf\n"
                       for k in range(6))
        cases.append(manifest(folder / "case.yaml", CASE_HEAD + "exhibits:\n" + body))
    proc = subprocess.Popen([sys.executable, "-m", "parolekit", "build", *map(str, cases), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60  # a hang guard, not a speed expectation
    while not list(tmp_path.rglob(".*.part")) and proc.poll() is None:
        assert time.monotonic() < deadline, "no case started writing"
        time.sleep(0.002)
    interrupted = proc.poll() is None
    if interrupted:
        proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    if interrupted:
        assert proc.returncode == 130, err
    assert list(tmp_path.rglob("*.part")) == []
    for case in cases:
        packet, receipt = case.with_suffix(".pdf"), case.with_name("case.receipt.json")
        assert packet.exists() == receipt.exists()
        if packet.exists():
            with pikepdf.open(packet) as pdf:
                assert len(pdf.pages) > 700


def test_two_cases_writing_one_file_do_not_overwrite_each_other(cli, tmp_path):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2)
    body = CASE_HEAD + "output:\n  file: build/packet.pdf\nexhibits:\n" \
        "  - id: letter\n    title: Letter\n    file: exhibits/letter.pdf\n"
    a, b = manifest(tmp_path / "a.yaml", body), manifest(tmp_path / "b.yaml", body)
    code, _out, err = cli("build", a, b, a, "--jobs", "2")
    assert code == 1
    assert (tmp_path / "build" / "packet.pdf").is_file()
    failed = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and "b.yaml" in failed[0] and "a.yaml" in failed[0]
    assert "1 built, 1 failed" in err  # a.yaml listed twice is built once


def test_a_terminal_sees_each_running_case_and_its_stage(cases):
    import io

    from rich.console import Console

    from parolekit.batch import build_many

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    code = build_many([cases[0], cases[2]], output=None, jobs=2, max_file_mb=None, allow_paths=[],
                      quiet=False, console=console)
    shown = screen.getvalue()
    assert code == 0
    assert "cases" in shown  # the overall bar
    assert any(f"case.yaml: {stage}" in shown for stage in ("render", "assemble", "write"))


def _good_cases(root: Path) -> list[Path]:
    return [_case(root / n, k) for n, k in (("alpha", 2), ("bravo", 3), ("charlie", 4), ("delta", 1))]


def _serial_reference(cli, cases: list[Path], root: Path) -> dict[str, bytes]:
    """The same cases built one after another in the parent, where the kill hook never acts."""
    shutil.copytree(cases[0].parents[1], root)
    copies = [root / c.parent.name / "case.yaml" for c in cases]
    assert cli("build", *copies, "--jobs", "1", "-q")[0] == 0
    return {c.parent.name: (c.parent / "out" / "packet.pdf").read_bytes() for c in copies}


def _pages(packet: Path) -> int:
    with pikepdf.open(packet) as pdf:
        return len(pdf.pages)


def test_a_killed_worker_is_replaced_and_its_case_built_again(cli, tmp_path, monkeypatch):
    cases = _good_cases(tmp_path / "cases")
    reference = _serial_reference(cli, cases, tmp_path / "serial")
    monkeypatch.setenv("PAROLEKIT_TEST_KILL_WORKER", f"once:{cases[1]}")
    code, _out, err = cli("build", *cases, "--jobs", "2")
    assert Path(f"{cases[1]}.test-killed").is_file()  # the worker building bravo really was killed
    assert code == 0, err
    assert "BrokenProcessPool" not in err and "FAILED" not in err and "failed:" not in err
    notes = [line for line in err.splitlines() if "stopped unexpectedly" in line]
    assert len(notes) == 1 and notes[0].startswith("note: ") and "bravo" in notes[0], err
    assert "4 built, 0 failed" in err
    for case in cases:
        packet = case.parent / "out" / "packet.pdf"
        assert packet.read_bytes() == reference[case.parent.name]  # --jobs 2 with a kill == --jobs 1
        assert _pages(packet) == _pages(tmp_path / "serial" / case.parent.name / "out" / "packet.pdf")
    assert list(tmp_path.rglob("*.part")) == []


def test_a_case_that_kills_its_worker_every_time_is_the_only_failure(cli, tmp_path, monkeypatch):
    cases = _good_cases(tmp_path / "cases")
    reference = _serial_reference(cli, cases, tmp_path / "serial")
    monkeypatch.setenv("PAROLEKIT_TEST_KILL_WORKER", f"always:{cases[1]}")
    code, _out, err = cli("build", *cases, "--jobs", "3")
    assert code == 1
    assert "BrokenProcessPool" not in err
    assert "3 built, 1 failed" in err
    failed = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and "bravo" in failed[0], err
    assert "stopped unexpectedly" in failed[0] and "parolekit build" in failed[0]
    assert not (cases[1].parent / "out" / "packet.pdf").exists()
    for case in (cases[0], cases[2], cases[3]):
        packet = case.parent / "out" / "packet.pdf"
        assert packet.read_bytes() == reference[case.parent.name]
        assert _pages(packet) == _pages(tmp_path / "serial" / case.parent.name / "out" / "packet.pdf")


def test_the_kill_hook_does_nothing_unless_asked(cli, tmp_path, monkeypatch):
    """The test-only hook is inert without its variable, and in a build in the parent."""
    from parolekit.batch import _test_kill_hook

    case = _case(tmp_path / "alpha")
    monkeypatch.delenv("PAROLEKIT_TEST_KILL_WORKER", raising=False)
    _test_kill_hook(case)  # still alive
    monkeypatch.setenv("PAROLEKIT_TEST_KILL_WORKER", f"always:{case}")
    assert cli("build", case, "-q")[0] == 0
    assert (case.parent / "out" / "packet.pdf").is_file()
