"""Lint rules beyond what a build checks: dates, references, PDF content, evidence, privacy."""

from __future__ import annotations

from ..intake import Source
from ..manifest import Case


def run_rules(case: Case, sources: list[Source]) -> None:
    """Add warnings (and lint-only errors) to case.problems."""
    return None
