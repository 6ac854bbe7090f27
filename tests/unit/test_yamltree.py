"""yamltree.parse_yaml on nesting built to overflow a recursive parser: a problem, never a crash.

The inputs are those a review found would crash the interpreter (segfault) under a libyaml fast
path guarded by a line-based depth check: other line breaks, and a quote that hides brackets.
"""

from __future__ import annotations

import pytest

from parolekit import yamltree
from parolekit.errors import ProblemList

DEEP = 200_000


@pytest.mark.parametrize("text", [
    "- " * DEEP + "x\n",
    "\r" + "- " * DEEP + "x",  # a lone CR breaks lines for YAML
    "\u2028" + "- " * DEEP + "x",  # so does LINE SEPARATOR
    "k: [a'b, " + "[" * DEEP + "]" * DEEP + "]\n",  # an apostrophe in a plain scalar
], ids=["dashes", "cr", "u2028", "apostrophe"])
def test_nesting_too_deep_is_reported_not_crashed(text):
    problems = ProblemList()
    assert yamltree.parse_yaml(text, problems) is None
    assert [p.code for p in problems.sorted()] == ["yaml-too-deep"]
