"""Lint rules beyond what a build checks: dates, references, PDF content, evidence, privacy."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable

from ..intake import Source
from ..manifest import Case
from .. import pdfscan
from . import content, court, evidence, filing, privacy, response
from .catalogue import emit, rules_by_code  # noqa: F401  (emit re-exported)

Check = Callable[[Case, list[Source]], None]


def _checks() -> list[tuple[str, Check]]:
    return [
        ("dates", content.check_dates),
        ("references", content.check_references),
        ("legal", content.check_legal),
        ("tags", evidence.check_tags),
        ("evidence", evidence.check_evidence),
        ("pdf", pdfscan.check_sources),
        ("privacy", privacy.check_privacy),
        ("response", response.check_response),
        ("court", court.check_court),
        ("profile", filing.check_profile),
    ]


def run_rules(case: Case, sources: list[Source]) -> None:
    """Add warnings (and lint-only errors) to case.problems."""
    for name, check in _checks():
        try:
            if name == "pdf":  # reads the files, not the values repair.py may have put in
                check(case, sources)
            else:
                case.check(lambda c, check=check: check(c, sources))
        except Exception as e:  # one broken rule must not hide what the others find
            if os.environ.get("PAROLEKIT_DEBUG_RULES"):
                raise
            case.add((), "rule-failed", f"the '{name}' rules stopped with an internal error "
                     f"({type(e).__name__}); the other rules ran. Please report this with "
                     "`parolekit --debug lint ...`")


def check_for_build(case: Case, sources: list[Source]) -> None:
    """The date rules, in a build: what lint calls a (lint-only) error is printed as a warning.

    A build goes on (a draft may be dated ahead of its filing) but never says nothing about a
    declaration executed after the packet date or a document dated in the future.
    """
    first = len(case.problems.items)
    case.check(lambda c: _build_rules(c, sources))
    for k in range(first, len(case.problems.items)):
        p = case.problems.items[k]
        if p.severity == "error" and rules_by_code()[p.code].lint_only:
            case.problems.items[k] = replace(p, severity="warning",
                                             message=p.message + " (lint reports this as an error)")


def _build_rules(case: Case, sources: list[Source]) -> None:
    content.check_dates(case, sources)
    response.check_due(case)
    court.check_court(case, sources)  # its errors fail a build as they fail lint
    filing.check_profile(case, sources)
