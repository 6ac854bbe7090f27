"""Ctrl-C while a command starts: held until its modules are imported, then acted on."""

from __future__ import annotations

import os
import signal
import sys
import threading

_held: list[int] = []


def _hold(signum: int, _frame) -> None:
    _held.append(signum)


def hold() -> None:
    """From now until `release`, Ctrl-C is noted instead of raised.

    Raised inside an import it does harm that no handler can undo: a compiled extension set up
    half way aborts the interpreter (nanobind's "Critical nanobind error"), and reportlab's
    bare `except:` around its optional uharfbuzz import swallows it and turns text shaping off
    for the whole build (Arabic printed as unjoined letters, in a packet that looks finished).
    A process told to ignore Ctrl-C (nohup, a background job) keeps ignoring it.
    """
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _hold)


def release() -> None:
    """Ctrl-C raises KeyboardInterrupt again; one pressed while held is raised now."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is _hold:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if _held:
        _held.clear()
        raise KeyboardInterrupt


def settled(code) -> None:
    """The command has finished and said so: a Ctrl-C while the interpreter shuts down (joining
    worker processes, flushing output) ends the process at once with the command's own status,
    not with a traceback and a status that says it was killed."""
    status = code if isinstance(code, int) else (0 if code is None else 1)

    def leave(_signum: int, _frame) -> None:
        for stream in (sys.stdout, sys.stderr):  # what was printed is kept
            try:
                stream.flush()
            except (OSError, ValueError, RuntimeError):
                pass
        os._exit(status)

    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _hold):
        signal.signal(signal.SIGINT, leave)
