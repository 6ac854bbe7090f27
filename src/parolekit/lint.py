"""`parolekit lint`: every problem that would fail a build, and what would weaken the packet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from .errors import EXIT_CASE, EXIT_OK, ManifestError, Problem, display_path
from .report import problem_line

FORMATS = ("text", "json", "github")


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

    def passes(self, strict: bool) -> bool:
        return self.ok and not (strict and self.warnings)


def lint_manifest(manifest: Path | str, allow_paths: list[Path] | None = None,
                  profile: str | None = None) -> LintResult:
    """Check a manifest and its files without rendering or merging anything; with *profile*, as
    if `output.profile` named it."""
    # The build's first stages, shared with it; not the pipeline, which imports the renderers.
    from .prepare import close_sources, prepare
    from .rules.engine import run_rules

    path = Path(manifest)
    result = LintResult(display_path(path))
    try:
        result.source_lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        result.source_lines = []
    try:
        prep = prepare(path, allow_paths=allow_paths, read_texts=False)
    except ManifestError as e:
        result.problems = sorted(e.problems) or [Problem(1, 1, "manifest-unreadable", e.message,
                                                         "", "error", result.manifest)]
        return result
    case = prep.case
    if profile:
        case.manifest.output.profile = profile
    try:
        run_rules(case, prep.sources)
    finally:
        close_sources(prep.sources)  # lint opened them only to look
    result.problems = case.problems.sorted()
    return result


def exit_code(results: list[LintResult], strict: bool) -> int:
    return EXIT_OK if all(r.passes(strict) for r in results) else EXIT_CASE


def render_report(results: list[LintResult], fmt: str, strict: bool, out: Console, err: Console) -> int:
    """Write the report in *fmt* (data on *out*, the text report for people on *err*); the exit code."""
    code = exit_code(results, strict)
    if fmt == "json":
        out.file.write(json_report(results, strict) + "\n")
    elif fmt == "github":
        out.file.write(github_report(results, strict))
    else:
        text_report(results, strict, err)
    return code


def json_report(results: list[LintResult], strict: bool = False) -> str:
    doc = {"version": 1, "results": [
        {"manifest": r.manifest, "ok": r.passes(strict), "problems": [p.as_dict() for p in r.problems]}
        for r in results]}
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(results: list[LintResult], strict: bool = False) -> str:
    """One GitHub Actions workflow command per problem; under --strict warnings are errors."""
    lines = []
    for r in results:
        for p in r.problems:
            level = "error" if p.severity == "error" or strict else "warning"
            lines.append(f"::{level} file={_escape_property(r.manifest)},line={p.line},col={p.column},"
                         f"title={_escape_property(p.code)}::{_escape_data(p.message)}\n")
    return "".join(lines)


_CONTEXT = 100  # characters of a long source line shown around the caret


def _excerpt(line: str, column: int) -> tuple[str, int]:
    """The source line (tabs expanded, long lines cut around *column*) and the caret's offset."""
    line = line.replace("\t", " ")
    col = max(column - 1, 0)
    if len(line) <= _CONTEXT:
        return line, min(col, len(line))
    start = max(0, min(col - _CONTEXT // 2, len(line) - _CONTEXT))
    cut = line[start:start + _CONTEXT]
    prefix = "…" if start else ""
    suffix = "…" if start + _CONTEXT < len(line) else ""
    return prefix + cut + suffix, col - start + len(prefix)


def text_report(results: list[LintResult], strict: bool, console: Console) -> None:
    """Grouped per manifest: position, severity, code, message, then the source line and a caret."""
    for r in results:
        head = Text(r.manifest, style="bold underline")
        head.append(f"  {len(r.errors)} error(s), {len(r.warnings)} warning(s)", style="")
        console.print(head)
        if not r.problems:
            console.print(Text("  no problems", style="green"))
        for p in r.problems:
            style = "red" if p.severity == "error" or strict else "yellow"
            console.print(problem_line(p, r.manifest, f"bold {style}"))
            # The excerpt of a privacy problem would print the very number or date it warns about.
            if 0 < p.line <= len(r.source_lines) and not p.code.startswith("privacy-"):
                src, caret = _excerpt(r.source_lines[p.line - 1], p.column)
                gutter = f"{p.line:>5} | "
                console.print(Text(gutter, style="dim") + Text(src))
                console.print(Text(" " * (len(gutter) - 2) + "| ", style="dim") +
                              Text(" " * caret + "^", style=f"bold {style}"))
        console.print()
    n_err = sum(len(r.errors) for r in results)
    n_warn = sum(len(r.warnings) for r in results)
    failed = sum(not r.passes(strict) for r in results)
    verdict = "fail" if failed else "pass"
    summary = Text(f"{len(results)} manifest(s) checked, {failed} failed: {n_err} error(s), "
                   f"{n_warn} warning(s){' (--strict: warnings fail)' if strict and n_warn else ''}"
                   f" — {verdict}", style="red" if failed else "green")
    console.print(summary)
