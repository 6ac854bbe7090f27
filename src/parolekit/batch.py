"""Build many cases: in parallel processes, with progress on stderr and a summary at the end."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .errors import EXIT_CASE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, ParolekitError, Problem, display_path

from .prepare import STAGES


@dataclass
class Outcome:
    """A case's result, small enough to cross a process boundary."""

    manifest: str
    ok: bool
    exit_code: int
    output: str = ""
    pages: int = 0
    seconds: float = 0.0
    message: str = ""
    problems: list[Problem] | None = None
    rows: list[tuple[str, str, int, str]] | None = None  # label, id, pages, range
    warnings: list[Problem] | None = None
    volumes: list[str] | None = None  # every file written when the packet is split
    ocr: tuple[int, int] | None = None  # (pages with a text layer added, of them from the cache)


def build_one(manifest: Path, output: Path | None = None, max_file_mb: float | None = None,
              allow_paths: list[Path] | None = None, debug: bool = False, progress=None,
              signing_copies: bool = False, draft: bool = False, word_drafts: bool = False,
              ocr: bool = False, cache: bool = True, profile: str | None = None) -> Outcome:
    """Build one case and describe the result; never raises for a case's own problems."""
    from .pipeline import build_packet

    name = display_path(Path(manifest))
    try:
        r = build_packet(manifest, output, allow_paths=allow_paths, max_file_mb=max_file_mb,
                         progress=progress, signing_copies=signing_copies, draft=draft,
                         word_drafts=word_drafts, ocr=ocr, cache=cache, profile=profile)
    except ParolekitError as e:
        return Outcome(name, False, e.exit_code, message=e.message, problems=e.problems)
    except KeyboardInterrupt:
        raise
    except MemoryError:
        # Not a corrupt input and not a bug: this machine had too little memory for this case.
        return Outcome(name, False, EXIT_OUTPUT, message="ran out of memory building this case; close "
                       "other programs, build it alone (without --jobs), lower output.max_dpi, or "
                       "split it with --max-file-mb")
    except Exception as e:
        if debug:
            traceback.print_exc()
        return Outcome(name, False, EXIT_INTERNAL,
                       message=f"internal error ({type(e).__name__}); run with --debug and report it")
    # Exhibits are named by id: titles can carry names and numbers that do not belong in logs.
    rows = [(p.label, p.id, p.end - p.start + 1,
             p.range if len(r.files) < 2 else f"{p.range} (vol. {_vols(p)})")
            for p in r.plan.exhibits.values()]
    return Outcome(name, True, EXIT_OK, str(r.output), r.pages, r.seconds, rows=rows,
                   warnings=r.warnings, volumes=[str(f.path) for f in r.files] if len(r.files) > 1 else None,
                   ocr=(r.ocr_pages, r.ocr_cached) if ocr or r.ocr_pages else None)


def _vols(p) -> str:
    last = getattr(p, "last_volume", p.volume)
    return f"{p.volume}" if last == p.volume else f"{p.volume}\u2013{last}"


# --- worker side -------------------------------------------------------------------------------
_queue = None  # set in each worker process: where stage names go


_state = ["idle"]  # idle | building | stopping


def _worker_signal(_signum, _frame) -> None:
    # Ctrl-C reaches every process of the terminal's group, SIGTERM comes from the parent: a
    # build stops through KeyboardInterrupt (its temporary files are removed on the way out, and
    # a second signal must not cut that cleanup short); an idle worker leaves without a traceback.
    if _state[0] == "building":
        _state[0] = "stopping"
        raise KeyboardInterrupt
    if _state[0] == "idle":
        os._exit(EXIT_INTERRUPTED)


def _init_worker(queue) -> None:
    global _queue
    _queue = queue
    signal.signal(signal.SIGINT, _worker_signal)
    signal.signal(signal.SIGTERM, _worker_signal)


def _build_in_worker(index: int, manifest: Path, output, max_file_mb, allow_paths, debug,
                     signing_copies: bool = False, draft: bool = False, word_drafts: bool = False,
                     ocr: bool = False, cache: bool = True, profile: str | None = None) -> Outcome:
    def report(stage: str) -> None:
        if _queue is not None:
            _queue.put((index, stage))
        if stage == "render":
            _test_kill_hook(manifest)

    _state[0] = "building"
    try:
        return build_one(manifest, output, max_file_mb, allow_paths, debug, progress=report,
                         signing_copies=signing_copies, draft=draft, word_drafts=word_drafts, ocr=ocr,
                         cache=cache, profile=profile)
    finally:
        if _state[0] == "stopping":  # asked to stop, and the cleanup is done: leave now
            os._exit(EXIT_INTERRUPTED)
        _state[0] = "idle"


KILL_HOOK = "PAROLEKIT_TEST_KILL_WORKER"


def _test_kill_hook(manifest: Path) -> None:
    """TEST ONLY: let the test suite kill a worker the way the out-of-memory killer does.

    Unset (always, outside tests) this does nothing. `once:<manifest>` kills the pool worker that
    reaches the render stage of that manifest the first time only (a `<manifest>.test-killed`
    marker records it); `always:<manifest>` every time. Builds in the parent are never affected.
    """
    mode, _, target = os.environ.get(KILL_HOOK, "").partition(":")
    if not target or Path(target).resolve() != Path(manifest).resolve():
        return
    if mode == "once":
        try:
            open(f"{target}.test-killed", "x").close()
        except FileExistsError:
            return
    elif mode != "always":
        return
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop running builds and wait for their cleanup, so no packet appears after we exit."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=10)
    for proc in procs:  # never hang on a worker that does not answer
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)


# --- parent side -------------------------------------------------------------------------------
class _Display:
    """An overall bar plus one line per running case naming its stage; silent when off."""

    def __init__(self, console: Console, names: list[str], enabled: bool):
        self.names = names
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=True,
                                 disable=not enabled)
        self.overall = self.progress.add_task("cases", total=len(names))
        self.running: dict[int, TaskID] = {}
        self.finished: set[int] = set()
        self.lock = threading.Lock()

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def stage(self, index: int, stage: str) -> None:
        with self.lock:
            if index in self.finished:  # a late message from a worker's queue
                return
            desc = f"  {self.names[index]}: {stage}"
            step = STAGES.index(stage) + 1 if stage in STAGES else None
            if index not in self.running:
                self.running[index] = self.progress.add_task(desc, total=len(STAGES))
            self.progress.update(self.running[index], description=desc, completed=step, refresh=True)

    def done(self, index: int) -> None:
        with self.lock:
            self.finished.add(index)
            task = self.running.pop(index, None)
            if task is not None:
                self.progress.remove_task(task)
            self.progress.advance(self.overall)


def build_many(manifests: list[Path], *, output: Path | None, jobs: int, max_file_mb: float | None,
               allow_paths: list[Path], quiet: bool, console: Console, debug: bool = False,
               signing_copies: bool = False, draft: bool = False, word_drafts: bool = False,
               ocr: bool = False, cache: bool = True, profile: str | None = None,
               executor: Executor | None = None) -> int:
    """Build every manifest; a failing case does not stop the others. Returns the exit code.

    With one manifest the exit code is that build's own (1 case problems, 3 output, 4 internal);
    with several it is 1 when any case failed, and the summary names each failed case and why.

    *executor*, any `concurrent.futures.Executor` (a Dask client's `get_executor()`, a
    ProcessPoolExecutor of your own), runs the builds instead of parolekit's own worker processes
    (`jobs` is then the executor's business): each build is `build_one(manifest, ...)`, its
    Outcome reported as a local one. Manifests are given to it as absolute paths.
    """
    from .report import print_problems

    manifests = list(dict.fromkeys(Path(m).resolve() for m in manifests))  # a case listed twice: once
    single = len(manifests) == 1
    names = [display_path(Path(m)) for m in manifests]
    clashes = {} if single or output else _clashing_outputs(manifests)
    outcomes: list[Outcome | None] = [None] * len(manifests)
    live = not quiet and console.is_terminal

    def finish(i: int, o: Outcome) -> None:
        outcomes[i] = o
        display.done(i)
        _report(o, console, quiet, print_problems, single)

    def note(message: str) -> None:
        if not quiet:
            console.print(Text(f"note: {message}"))

    with _Display(console, names, live) as display:
        for i, why in clashes.items():
            finish(i, Outcome(names[i], False, EXIT_CASE, message=why))
        todo = [i for i in range(len(manifests)) if i not in clashes]
        if executor is not None:
            _run_executor(executor, manifests, todo, (output, max_file_mb, allow_paths, debug, None,
                                                      signing_copies, draft, word_drafts, ocr, cache, profile),
                          finish)
        elif jobs <= 1 or len(todo) <= 1:
            for i in todo:
                o = build_one(manifests[i], output, max_file_mb, allow_paths, debug,
                              progress=lambda stage, i=i: display.stage(i, stage),
                              signing_copies=signing_copies, draft=draft, word_drafts=word_drafts,
                              ocr=ocr, cache=cache, profile=profile)
                finish(i, o)
        else:
            _run_pool(manifests, todo, (output, max_file_mb, allow_paths, debug, signing_copies, draft, word_drafts,
                                        ocr, cache, profile),
                      min(jobs, len(todo)), display, finish, note)

    done = [o for o in outcomes if o is not None]
    failed = [o for o in done if not o.ok]
    if not single and not quiet:
        _summary(done, console)
    if not single and failed:
        # Scripts read the last lines: each failed case and why, even with --quiet.
        for o in failed:
            console.print(Text(f"failed: {o.manifest}: {_why(o)}"))
    if failed:
        return failed[0].exit_code if single else EXIT_CASE
    return EXIT_OK


def _clashing_outputs(manifests: list[Path]) -> dict[int, str]:
    """Cases whose packet would land on an earlier case's (the same `output.file` copied into
    manifests in one folder): built together, the later one would silently replace the other."""
    from .manifest import load_case
    from .output import default_output

    taken: dict[Path, int] = {}
    clashes: dict[int, str] = {}
    for i, m in enumerate(manifests):
        try:  # the guarded loader: a hostile manifest costs no more here than in its build
            target = default_output(load_case(m)).resolve()
        except Exception:  # its own build says what is wrong
            target = m.with_suffix(".pdf")
        if target in taken:
            first = display_path(manifests[taken[target]])
            clashes[i] = (f"its packet {display_path(target)} would replace the one of {first}; "
                          "give each case its own output.file")
        else:
            taken[target] = i
    return clashes


def _run_pool(manifests, todo, args: tuple, jobs, display: _Display, finish, note) -> None:
    """Build `todo` in worker processes. A worker that dies (killed, out of memory) breaks its pool:
    a new pool builds the rest, and each case that was in flight is built once more on its own, so
    a one-off kill costs nothing and only the case that kills its worker again is reported so."""
    # 'spawn' never forks a parent holding open PDFs and threads; 'forkserver' would too, but is
    # not available everywhere.
    ctx = multiprocessing.get_context("spawn")
    waiting = deque(todo)
    while waiting:
        lost = _run_round(ctx, waiting, jobs, manifests, args, display, finish)
        if lost:
            note("a build process stopped unexpectedly (killed, or out of memory?); building again, "
                 "one at a time, the case" + ("s" if len(lost) > 1 else "") + " it may have been "
                 "running: " + ", ".join(display_path(Path(manifests[i])) for i in lost))
        for i in lost:  # alone: all the memory is its own, and a stop now is its own doing
            if _run_round(ctx, deque([i]), 1, manifests, args, display, finish):
                name = display_path(Path(manifests[i]))
                finish(i, Outcome(name, False, EXIT_INTERNAL, message=(
                    "the process building this case stopped unexpectedly, also when built on its "
                    "own (killed, or out of memory?); build it alone with `parolekit build "
                    f"{name}` to see why")))


def _run_round(ctx, waiting: deque, jobs: int, manifests, args, display: _Display, finish) -> list[int]:
    """Build cases from `waiting`, `jobs` at a time, until none is left or a worker dies.

    At most `jobs` cases are ever submitted, so those unfinished when a worker dies are exactly
    the ones that may have been running in it; they are returned (every worker is gone by then),
    and the cases not yet submitted stay in `waiting`.
    """
    queue = ctx.Queue()  # one per pool: a worker killed while writing to it may leave it locked
    stop = threading.Event()
    reader = threading.Thread(target=_pump, args=(queue, stop, display), daemon=True)
    reader.start()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                               initargs=(queue,))
    pending: dict[Future, int] = {}
    lost: list[int] = []
    try:
        while pending or (waiting and not lost):
            while waiting and not lost and len(pending) < jobs:
                i = waiting.popleft()
                try:
                    pending[pool.submit(_build_in_worker, i, manifests[i], *args)] = i
                except BrokenProcessPool:  # broke since the last wait: this case goes alone too
                    lost.append(i)
            if pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    i = pending.pop(fut)
                    o = _outcome(fut, manifests[i])
                    if o is None:
                        lost.append(i)
                    else:
                        finish(i, o)
    except BaseException:
        _stop_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:  # after a break this waits for the other workers to clean up their half-built cases
        pool.shutdown(wait=True)
    finally:
        stop.set()
        reader.join(timeout=1)
        queue.close()
    return sorted(lost)


def _run_executor(executor: Executor, manifests, todo, args: tuple, finish) -> None:
    """Every case of `todo` submitted to *executor* at once (it schedules them), each reported
    as it finishes; on an interruption the cases not yet started are cancelled."""
    pending = {executor.submit(build_one, manifests[i], *args): i for i in todo}
    try:
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = pending.pop(fut)
                o = _outcome(fut, manifests[i])
                finish(i, o if o is not None else Outcome(
                    display_path(Path(manifests[i])), False, EXIT_INTERNAL,
                    message="the process building this case stopped unexpectedly (killed, or out of "
                            "memory?); build it alone with `parolekit build` to see why"))
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise


def _outcome(fut: Future, manifest: Path) -> Outcome | None:
    """The case's outcome, or None when its worker pool broke before it finished."""
    try:
        return fut.result()
    except BrokenProcessPool:
        return None
    except KeyboardInterrupt:
        raise
    except Exception as e:  # the worker answered, but not with an outcome
        return Outcome(display_path(Path(manifest)), False, EXIT_INTERNAL,
                       message=f"internal error ({type(e).__name__}); run with --debug and report it")


def _pump(queue, stop: threading.Event, display: _Display) -> None:
    while not stop.is_set():
        try:
            index, stage = queue.get(timeout=0.1)
        except Exception:
            continue
        display.stage(index, stage)


def _report(o: Outcome, console: Console, quiet: bool, print_problems, single: bool) -> None:
    if not o.ok:
        console.print(Text(f"{o.manifest}: ", style="bold") + Text("failed: ", style="bold red") +
                      Text(_why(o)))
        if o.problems:
            print_problems(o.problems, console)
        return
    if o.warnings and not quiet:
        print_problems(o.warnings, console)
    if quiet:
        return
    if single:
        table = Table(title=None, show_edge=False, header_style="bold")
        for col in ("Ex.", "Exhibit", "Pages", "Packet pages"):
            table.add_column(col, justify="right" if col in ("Pages",) else "left")
        for lab, ident, pages, rng in o.rows or []:
            table.add_row(Text(lab), Text(ident), str(pages), Text(rng))
        console.print(table)
    if o.ocr is not None:
        done, cached = o.ocr
        console.print(Text(f"{o.manifest}: OCR gave {done} scanned page{'s' if done != 1 else ''} a text layer"
                           + (f" ({cached} from the cache)" if cached else "")))
    if o.volumes:
        console.print(Text(f"{o.manifest}: wrote {len(o.volumes)} volumes ({o.pages} pages, "
                           f"{o.seconds:.1f} s):"))
        for v in o.volumes:
            console.print(Text(f"  {v}"))
    else:
        console.print(Text(f"{o.manifest}: wrote {o.output} ({o.pages} pages, {o.seconds:.1f} s)"))


def _why(o: Outcome) -> str:
    # Case errors already name the case; do not say it twice.
    prefix = o.manifest + ": "
    return o.message[len(prefix):] if o.message.startswith(prefix) else o.message


def _summary(outcomes: list[Outcome], console: Console) -> None:
    table = Table(title="Summary", show_edge=False, header_style="bold")
    for col in ("Case", "Result", "Pages", "Output or problem"):
        table.add_column(col, overflow="fold")  # wrap, never cut: the case name is the point
    for o in outcomes:
        why = _why(o)
        if o.problems:
            why += f" ({len(o.problems)} problem{'s' if len(o.problems) != 1 else ''}, listed above)"
        table.add_row(Text(o.manifest), Text("ok", style="green") if o.ok else Text("FAILED", style="red"),
                      str(o.pages) if o.ok else "", Text(display_path(Path(o.output)) if o.ok else why))
    console.print(table)
    bad = sum(not o.ok for o in outcomes)
    console.print(Text(f"{len(outcomes) - bad} built, {bad} failed"))
