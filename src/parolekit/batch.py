"""Build many cases: in parallel processes, with progress on stderr and a summary at the end."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .errors import EXIT_INTERNAL, EXIT_OK, ParolekitError, Problem


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
    rows: list[tuple[str, str, int, str]] | None = None  # label, title, pages, range
    warnings: list[Problem] | None = None


def build_one(manifest: Path, output: Path | None = None, max_file_mb: float | None = None,
              allow_paths: list[Path] | None = None, debug: bool = False, progress=None) -> Outcome:
    from .pipeline import build_packet

    name = str(manifest)
    try:
        r = build_packet(manifest, output, allow_paths=allow_paths, max_file_mb=max_file_mb,
                         progress=progress)
    except ParolekitError as e:
        return Outcome(name, False, e.exit_code, message=e.message, problems=e.problems)
    except KeyboardInterrupt:
        raise
    except Exception as e:
        if debug:
            traceback.print_exc()
        return Outcome(name, False, EXIT_INTERNAL,
                       message=f"internal error ({type(e).__name__}); run with --debug and report it")
    rows = [(p.label, p.title, p.end - p.start + 1, p.range) for p in r.plan.exhibits.values()]
    return Outcome(name, True, EXIT_OK, str(r.output), r.pages, r.seconds, rows=rows,
                   warnings=r.warnings)


def build_many(manifests: list[Path], *, output: Path | None, jobs: int, max_file_mb: float | None,
               allow_paths: list[Path], quiet: bool, console: Console, debug: bool = False) -> int:
    """Build every manifest; a failing case does not stop the others. Returns the exit code."""
    from .cli import print_problems

    outcomes: list[Outcome] = []
    for m in manifests:
        o = build_one(m, output, max_file_mb, allow_paths, debug)
        outcomes.append(o)
        _report(o, console, quiet, print_problems, single=len(manifests) == 1)
    failed = [o for o in outcomes if not o.ok]
    if len(manifests) > 1 and not quiet:
        _summary(outcomes, console)
    if failed:
        return max(o.exit_code for o in failed)
    return EXIT_OK


def _report(o: Outcome, console: Console, quiet: bool, print_problems, single: bool) -> None:
    if not o.ok:
        console.print(Text(f"{o.manifest}: ", style="bold") + Text("failed: ", style="bold red") +
                      Text(o.message))
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
        for lab, title, pages, rng in o.rows or []:
            table.add_row(Text(lab), Text(title), str(pages), Text(rng))
        console.print(table)
    console.print(Text(f"{o.manifest}: wrote {o.output} ({o.pages} pages, {o.seconds:.1f} s)"))


def _summary(outcomes: list[Outcome], console: Console) -> None:
    table = Table(title="Summary", show_edge=False, header_style="bold")
    for col in ("Case", "Result", "Pages", "Output or problem"):
        table.add_column(col)
    for o in outcomes:
        table.add_row(Text(o.manifest), Text("ok", style="green") if o.ok else Text("FAILED", style="red"),
                      str(o.pages) if o.ok else "", Text(o.output if o.ok else o.message))
    console.print(table)
    bad = sum(not o.ok for o in outcomes)
    console.print(Text(f"{len(outcomes) - bad} built, {bad} failed"))
