"""`parolekit lint`: every problem that would fail a build, and what would weaken the packet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from .errors import EXIT_CASE, EXIT_OK, ManifestError, Problem, display_path


@dataclass
class LintResult:
    """Problems found in one manifest, sorted by line."""

    manifest: str
    problems: list[Problem] = field(default_factory=list)
    source_lines: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def lint_manifest(manifest: Path | str, allow_paths: list[Path] | None = None) -> LintResult:
    """Check a manifest and its files without rendering or merging anything."""
    from .pipeline import load_and_check
    from .rules.engine import run_rules

    path = Path(manifest)
    result = LintResult(display_path(path))
    try:
        result.source_lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        result.source_lines = []
    try:
        case, sources = load_and_check(path, allow_paths)
    except ManifestError as e:
        result.problems = sorted(e.problems) or [Problem(1, 1, "manifest-unreadable", e.message,
                                                         "", "error", result.manifest)]
        return result
    run_rules(case, sources)
    result.problems = case.problems.sorted()
    for src in sources:  # lint opened them only to look
        if src.pdf is not None:
            src.pdf.close()
    return result


def exit_code(results: list[LintResult], strict: bool) -> int:
    if any(not r.ok for r in results):
        return EXIT_CASE
    if strict and any(r.warnings for r in results):
        return EXIT_CASE
    return EXIT_OK


def render_report(results: list[LintResult], fmt: str, strict: bool, out: Console, err: Console) -> int:
    code = exit_code(results, strict)
    if fmt == "json":
        doc = {"version": 1, "results": [
            {"manifest": r.manifest, "ok": r.ok and not (strict and r.warnings),
             "problems": [p.as_dict() for p in r.problems]} for r in results]}
        out.file.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return code
    if fmt == "github":
        for r in results:
            for p in r.problems:
                level = "error" if p.severity == "error" or strict else "warning"
                msg = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                out.file.write(f"::{level} file={r.manifest},line={p.line},col={p.column},"
                               f"title={p.code}::{msg}\n")
        return code
    for r in results:
        err.print(Text(r.manifest, style="bold underline"))
        if not r.problems:
            err.print(Text("  no problems", style="green"))
        for p in r.problems:
            style = "red" if p.severity == "error" else "yellow"
            head = Text(f"  {p.line}:{p.column} ")
            head.append(p.severity, style=style)
            head.append(f" [{p.code}] ", style="dim")
            head.append(p.message)
            err.print(head)
            if 0 < p.line <= len(r.source_lines):
                src = r.source_lines[p.line - 1]
                err.print(Text(f"    {p.line:>4} | {src}", style="dim"))
                err.print(Text("    " + " " * 4 + " | " + " " * max(p.column - 1, 0) + "^", style=style))
    n_err = sum(len(r.errors) for r in results)
    n_warn = sum(len(r.warnings) for r in results)
    err.print(Text(f"{len(results)} manifest(s): {n_err} error(s), {n_warn} warning(s)"))
    return code
