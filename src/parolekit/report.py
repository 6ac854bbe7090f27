"""How problems and errors look on a console (shared by the CLI and the batch runner)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .errors import ParolekitError, Problem


def problem_line(p: Problem, file: str | None = None, style: str | None = None) -> Text:
    """The one way a problem is printed: file:line:col: severity [code] message.

    User text is never read as markup; *file* overrides the problem's own, *style* its colour.
    """
    where = p.file if file is None else file
    line = Text(f"{where}:{p.line}:{p.column}: " if where else f"{p.line}:{p.column}: ")
    line.append(p.severity, style=style or ("red" if p.severity == "error" else "yellow"))
    line.append(f" [{p.code}] ", style="dim")
    line.append(p.message)
    return line


def print_problems(problems: list[Problem], console: Console) -> None:
    """One line a problem (see problem_line)."""
    for p in problems:
        console.print(problem_line(p))


def report_error(e: ParolekitError, console: Console) -> None:
    console.print(Text("error: ", style="bold red") + Text(e.message))
    print_problems(e.problems, console)
    if e.problems:
        n_err = sum(p.severity == "error" for p in e.problems)
        console.print(Text(f"{n_err} error(s); nothing was written.", style="red"))
