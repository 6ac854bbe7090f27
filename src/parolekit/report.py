"""How problems and errors look on a console (shared by the CLI and the batch runner)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .errors import ParolekitError, Problem


def print_problems(problems: list[Problem], console: Console) -> None:
    """One line a problem: file:line:col, severity, [code], message (user text never as markup)."""
    for p in problems:
        style = "red" if p.severity == "error" else "yellow"
        line = Text()
        line.append(f"{p.file}:{p.line}:{p.column}: " if p.file else f"{p.line}:{p.column}: ")
        line.append(p.severity, style=style)
        line.append(f" [{p.code}] ", style="dim")
        line.append(p.message)
        console.print(line)


def report_error(e: ParolekitError, console: Console) -> None:
    console.print(Text("error: ", style="bold red") + Text(e.message))
    print_problems(e.problems, console)
    if e.problems:
        n_err = sum(p.severity == "error" for p in e.problems)
        console.print(Text(f"{n_err} error(s); nothing was written.", style="red"))
