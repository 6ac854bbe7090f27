"""Ctrl-C while a command starts: held until its modules are imported, then acted on."""

from __future__ import annotations

import signal
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
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _hold)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # SIGTERM stops a command as Ctrl-C does
        signal.signal(signal.SIGTERM, _hold)


def terminate(_signum, _frame) -> None:
    """SIGTERM (a service manager, `timeout`, a batch's parent) stops a command as Ctrl-C does:
    "interrupted.", exit status 130, nothing half-written."""
    raise KeyboardInterrupt


def release() -> None:
    """Ctrl-C (and SIGTERM) raise KeyboardInterrupt again; one received while held is raised now."""
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGINT) is _hold:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if signal.getsignal(signal.SIGTERM) is _hold:
            signal.signal(signal.SIGTERM, terminate)
    if _held:
        _held.clear()
        raise KeyboardInterrupt


def settled() -> None:
    """The command has finished and said so: a Ctrl-C or SIGTERM while the interpreter shuts down
    (joining worker processes, flushing output) is ignored, so the process ends with the status
    SystemExit carries. (A Python handler would not do: the interpreter stops running them and
    puts the default back while it shuts down, and the process then dies of the signal.)"""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
