"""The `parolekit` command: a thin typer layer that calls the library and renders its results."""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_INTERRUPTED, ParolekitError
from .report import report_error
from .startup import hold, release, settled

FLAG = ""  # metavar of an on/off flag: typer would print "<bool>", as if it took a value


class _Flags:
    """--help is an on/off flag too: without a metavar, typer's help shows it as "--help <bool>"."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = FLAG
        return option


class _Group(_Flags, typer.core.TyperGroup):
    pass


class _Command(_Flags, typer.core.TyperCommand):
    pass


app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False, cls=_Group,
                  help="Build indexed, paginated, bookmarked evidence packets from a case manifest.")
# stdout is for data (lint json, schema); people read stderr. Markup is off: titles have brackets.
err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)
out = Console(highlight=False, markup=False, soft_wrap=True)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        out.print(f"parolekit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Optional[bool] = typer.Option(None, "--version", metavar=FLAG, callback=_version, is_eager=True,
                                           help="Print the version and exit."),
    debug: bool = typer.Option(False, "--debug", metavar=FLAG, help="Show Python tracebacks for internal errors."),
) -> None:
    _state["debug"] = debug


def _interruptible(command):
    """Ctrl-C in a command other than build: "interrupted." and its exit code, as for build
    (typer would say "Aborted" and exit 1)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            err.print("interrupted.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    return run


def _positive_mb(value: Optional[float]) -> Optional[float]:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter("give a size in megabytes greater than 0, e.g. 25")
    return value


@app.command(cls=_Command)
def build(
    manifests: list[Path] = typer.Argument(..., help="Case manifest(s), e.g. cases/*/case.yaml."),
    # A string, not a Path: Path would drop the trailing "/" that marks `-o out/` as a folder.
    output: Optional[str] = typer.Option(None, "-o", "--output",
                                         help="Output PDF, or a folder to put it in (one manifest only)."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Cases built in parallel (default: CPU cores)."),
    max_file_mb: Optional[float] = typer.Option(None, "--max-file-mb", callback=_positive_mb,
                                                help="Split into volumes under this size (MB)."),
    allow_path: list[Path] = typer.Option([], "--allow-path",
                                          help="Also accept input files under this folder."),
    quiet: bool = typer.Option(False, "--quiet", "-q", metavar=FLAG, help="Only errors on stderr."),
    signing_copies: bool = typer.Option(False, "--signing-copies", metavar=FLAG,
                                        help="Also write the declarations and certificates unstamped, "
                                             "for wet signature."),
    draft: bool = typer.Option(False, "--draft", metavar=FLAG,
                               help="Mark every page 'DRAFT - not for filing' (written beside the final "
                                    "packet as <name>.draft.pdf unless -o says where)."),
    ocr: bool = typer.Option(False, "--ocr", metavar=FLAG,
                             help="Give scanned pages a searchable text layer (OCRmyPDF + Tesseract; "
                                  "as output.ocr: true)."),
    no_cache: bool = typer.Option(False, "--no-cache", metavar=FLAG,
                                  help="OCR scans, convert office files and make image pages afresh, "
                                       "reading and writing nothing in .parolekit-cache/ beside the packet."),
    word_drafts: bool = typer.Option(False, "--docx", metavar=FLAG,
                                     help="Also write the exhibit list, cover letter and declarations as "
                                          "Word drafts, and the index as CSV (in <name>.drafts/)."),
    profile: Optional[str] = typer.Option(None, "--profile",
                                          help="Meet a filing profile's rules (uscis-online, uscis-paper, "
                                               "eoir-ecas, cmecf, uk-ebundle), or fail naming those it cannot."),
    executor: Optional[str] = typer.Option(None, "--executor", metavar="dask://HOST:8786",
                                           help="Run the builds on a Dask or Ray cluster "
                                                "(dask://HOST:8786, ray://HOST:10001; shared storage; "
                                                "pip install 'parolekit[dask]' or 'parolekit[ray]')."),
) -> None:
    """Build the packet PDF (and its receipt) for each manifest."""
    if output and len(manifests) > 1:
        err.print("error: -o names one output file; give one manifest, or set output.file in each")
        raise typer.Exit(2)
    try:
        from .batch import build_many

        release()  # a Ctrl-C pressed while the modules loaded stops the build here
    except KeyboardInterrupt:
        err.print("interrupted: the build had not started; nothing was written.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    try:
        # The cores this process may use (a container's share), not the host's count.
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        with _executor(executor) as pool:
            code = build_many(manifests, output=output, jobs=jobs or (cores or 1),
                              max_file_mb=max_file_mb, allow_paths=allow_path, quiet=quiet,
                              console=err, debug=_state["debug"], signing_copies=signing_copies,
                              draft=draft, word_drafts=word_drafts, ocr=ocr, cache=not no_cache,
                              profile=profile, executor=pool)
    except ParolekitError as e:  # --executor names no cluster that answers
        report_error(e, err)
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt as e:
        # A single build knows what the folder holds now; a batch says what holds for every case.
        said = getattr(e, "message", "each packet is either the earlier one or the new one, each "
                       "with its own receipt; no partial packet was left")
        err.print(f"interrupted: the build stopped; {said}.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    raise typer.Exit(code)


def _executor(address: Optional[str]):
    """The cluster's executor for --executor, else nothing (parolekit's own worker processes)."""
    if not address:
        return contextlib.nullcontext(None)
    from .cluster import executor_for

    return executor_for(address)


@app.command(cls=_Command)
@_interruptible
def lint(
    manifests: list[Path] = typer.Argument(..., help="Case manifest(s) to check."),
    format: str = typer.Option("auto", "--format", "-f", help="text | json | github | auto."),
    strict: bool = typer.Option(False, "--strict", metavar=FLAG, help="Fail on warnings too."),
    allow_path: list[Path] = typer.Option([], "--allow-path", help="Also accept files under this folder."),
    profile: Optional[str] = typer.Option(None, "--profile",
                                          help="Also report every rule of this filing profile the packet "
                                               "would break (uscis-online, uscis-paper, eoir-ecas, cmecf, uk-ebundle)."),
) -> None:
    """Check manifests (and their files) without building; for CI and review."""
    from .lint import lint_manifest, render_report

    release()

    if format not in ("auto", "text", "json", "github"):
        err.print(f"error: unknown format '{format}'; use text, json, github or auto")
        raise typer.Exit(2)
    if format == "auto":
        format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if _state["debug"]:
        os.environ["PAROLEKIT_DEBUG_RULES"] = "1"  # a failing lint rule shows its traceback
    results = [lint_manifest(m, allow_paths=allow_path, profile=profile) for m in manifests]
    code = render_report(results, format, strict, out, err)
    raise typer.Exit(code)


@app.command(cls=_Command)
@_interruptible
def diff(
    old: Path = typer.Argument(..., help="The earlier packet's .receipt.json."),
    new: Path = typer.Argument(..., help="The later packet's .receipt.json."),
    format: str = typer.Option("text", "--format", "-f", help="text | json."),
) -> None:
    """Say which exhibits were added, removed, changed (by content) or moved between two builds."""
    from .changes import compare_receipts

    release()

    if format not in ("text", "json"):
        err.print(f"error: unknown format '{format}'; use text or json")
        raise typer.Exit(2)
    try:
        changes = compare_receipts(old, new)
    except ParolekitError as e:
        report_error(e, err)
        raise typer.Exit(e.exit_code) from None
    if format == "json":
        sys.stdout.write(json.dumps(changes.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    out.print(f"{changes.old} ({changes.old_total} pages) -> {changes.new} ({changes.new_total} pages)")
    for c in changes.exhibits:
        if c.status == "unchanged":
            continue
        if c.status == "added":
            where = f"Ex. {c.new_label}, pages {c.new_pages}"
        elif c.status == "removed":
            where = f"was Ex. {c.old_label}, pages {c.old_pages}"
        else:
            where = f"Ex. {c.new_label}, pages {c.new_pages} (was Ex. {c.old_label}, {c.old_pages})"
        files = f"; content differs: {', '.join(c.files)}" if c.files else ""
        out.print(f"{c.status:<8} {c.id}: {c.title} \u2014 {where}{files}")
    counts = ", ".join(f"{changes.count(s)} {s}" for s in ("added", "removed", "changed", "moved", "unchanged"))
    out.print(counts)


@app.command(cls=_Command)
@_interruptible
def schema() -> None:
    """Print the manifest's JSON Schema (for editors and CI)."""
    from .model import json_schema

    release()

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


@app.command(cls=_Command)
@_interruptible
def init(directory: Path = typer.Argument(..., help="Folder for the new case (created).")) -> None:
    """Create a new case folder with a commented manifest that lints and builds as it is."""
    from .scaffold import init_case

    release()

    try:
        made = init_case(directory)
    except ParolekitError as e:
        report_error(e, err)
        raise typer.Exit(e.exit_code) from None
    for path in made:
        err.print(f"created {path}")
    err.print(f"next: edit {directory / 'case.yaml'}, then run: parolekit build {directory / 'case.yaml'}")


def main() -> None:
    hold()  # the commands' own imports are still to come (see startup.hold)
    try:
        app()
    except SystemExit:
        settled()  # a Ctrl-C from here on cannot change how the command ended
        raise
    except KeyboardInterrupt:
        err.print("interrupted.")
        sys.exit(EXIT_INTERRUPTED)
    except Exception:  # pragma: no cover - the last guard against tracebacks
        if _state["debug"]:
            raise
        err.print("internal error: parolekit failed unexpectedly. Run again with --debug and "
                  "report the traceback (it contains no case data unless you paste it).")
        sys.exit(EXIT_INTERNAL)
