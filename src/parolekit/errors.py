"""Problems found in a case, and the exceptions that carry them with an exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """What the process exit status means; every exception below carries one."""

    OK = 0
    CASE = 1  # the case has problems: manifest errors, bad exhibits, an input changed mid-build
    USAGE = 2  # typer's own usage errors
    OUTPUT = 3  # the packet could not be written (disk full, permissions, out of memory)
    INTERNAL = 4  # a bug in parolekit: please report it
    INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT)


# The names modules and callers used before the enum; the same values.
EXIT_OK, EXIT_CASE, EXIT_USAGE = ExitCode.OK, ExitCode.CASE, ExitCode.USAGE
EXIT_OUTPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = ExitCode.OUTPUT, ExitCode.INTERNAL, ExitCode.INTERRUPTED


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding: a manifest position, a key path, a rule code and a fix."""

    line: int
    column: int
    code: str
    message: str
    path: str = ""
    severity: str = "error"  # error | warning
    file: str = ""

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.file else f"{self.line}:{self.column}"
        return f"{where}: {self.severity} [{self.code}] {self.message}"


class ParolekitError(Exception):
    """Base of every error parolekit reports to a user; carries its exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])


class CaseError(ParolekitError):
    """The case has problems the user must fix (manifest or exhibits); all are listed."""

    exit_code = EXIT_CASE


class ManifestError(CaseError):
    """The manifest cannot be read or does not validate."""


class TemplateError(CaseError):
    """A cover-letter template failed to render."""


class OutputError(ParolekitError):
    """The packet could not be written where it was asked to go."""

    exit_code = EXIT_OUTPUT


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a build; *message* says what the output folder holds now."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ProblemList:
    """Collects problems across stages so that all are reported at once."""

    file: str = ""
    items: list[Problem] = field(default_factory=list)

    def add(self, line: int, column: int, code: str, message: str, path: str = "",
            severity: str | None = None) -> None:
        """Record a problem; its severity is the rule catalogue's for *code* unless a caller
        deliberately overrides it (build's lint-only dates are the one such case)."""
        self.items.append(Problem(line, column, code, message, path, severity or severity_of(code),
                                  self.file))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the user should see it: relative to *base* (or the cwd) when inside it."""
    for root in (base, Path.cwd()):
        if root is None:
            continue
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return str(path)


def severity_of(code: str) -> str:
    """The catalogue's severity for *code*: the one place that decides it."""
    from .rules.catalogue import rules_by_code  # data, loaded once, on the first problem

    rule = rules_by_code().get(code)
    return rule.severity if rule is not None else "error"
