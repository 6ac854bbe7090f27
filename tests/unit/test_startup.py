"""startup: a Ctrl-C pressed while the command's modules load is held, then acted on once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest, text_pdf
from parolekit import startup

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def test_a_held_interrupt_is_raised_on_release_and_the_default_handler_is_back():
    startup.hold()
    try:
        os.kill(os.getpid(), signal.SIGINT)  # would raise KeyboardInterrupt here, unheld
        assert signal.getsignal(signal.SIGINT) is startup._hold
    finally:
        with pytest.raises(KeyboardInterrupt):
            startup.release()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    startup.release()  # nothing held: nothing raised


def test_sigterm_held_then_stops_the_command_as_ctrl_c_does():
    old = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        startup.hold()
        os.kill(os.getpid(), signal.SIGTERM)  # would end the process here, unheld
        with pytest.raises(KeyboardInterrupt):
            startup.release()
        assert signal.getsignal(signal.SIGTERM) is startup.terminate
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, old)


def test_an_ignored_interrupt_stays_ignored():
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup
    try:
        startup.hold()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        startup.release()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, old)


# Ctrl-C pressed before the command's first import: the command is still started, then stops.
PRESSED_EARLY = """
import os, signal, sys
from parolekit.startup import hold
hold()
os.kill(os.getpid(), getattr(signal, sys.argv[1]))
from parolekit.cli import main
sys.argv = ["parolekit", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", ["build", "lint"])
def test_ctrl_c_while_the_modules_load_stops_the_command_cleanly(tmp_path: Path, command: str, sig: str):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2, title="Letter")
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
""")
    run = subprocess.run([sys.executable, "-c", PRESSED_EARLY, sig, command, str(case)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 130, run.stderr
    assert "interrupted" in run.stderr and "Traceback" not in run.stderr
    if command == "build":  # one build that had not started: not the batch's wording
        assert "had not started; nothing was written" in run.stderr, run.stderr
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".part", ".json")
                and "exhibits" not in p.parts]


# reportlab's `try: import uharfbuzz / except:` took an interrupt for a missing module: shaping off.
SWALLOWED = """
import sys
sys.modules["uharfbuzz"] = None  # the import fails inside reportlab's guard, as an interrupt did
from reportlab.pdfbase import ttfonts
assert ttfonts.uharfbuzz is None
del sys.modules["uharfbuzz"]
try:
    import parolekit.render
except KeyboardInterrupt:
    sys.exit(130)
sys.exit(0)
"""


def test_text_shaping_turned_off_by_an_interrupt_stops_the_process():
    run = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60)
    assert run.returncode == 130, run.stderr


# The command has finished; Ctrl-C arrives while the interpreter shuts down (joining workers).
PRESSED_AT_EXIT = """
import atexit, os, signal, sys, time
def late():
    print("shutting down", flush=True)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)  # never reached to its end: the interrupt ends the process
atexit.register(late)
from parolekit.cli import main
sys.argv = ["parolekit", "schema"]
main()
"""


def test_ctrl_c_after_the_command_has_finished_keeps_its_exit_status_and_output():
    run = subprocess.run([sys.executable, "-c", PRESSED_AT_EXIT], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    printed, _, last = run.stdout.rstrip().rpartition("\n")
    assert last == "shutting down" and "properties" in json.loads(printed)  # the schema, printed whole
