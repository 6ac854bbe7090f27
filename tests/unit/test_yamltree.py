"""yamltree.parse_yaml: libyaml where it is safe, with PyYAML's exact results and messages."""

from __future__ import annotations

import pytest
import yaml

from parolekit import yamltree
from parolekit.errors import ProblemList

SAMPLES = [
    "case:\n  title: Parole for M. Núñez\n  date: 2026-11-20\nexhibits:\n  - id: a\n    title: \"Letter: é\"\n",
    "a: 1\na: 2\n",  # a duplicate key
    "a:\n\t- b\n",  # a tab
    "a: 'never closed\nb: 2\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "a: \x07\n",  # a control character
    "- &x [1, 2]\n- *x\n- *y\n",  # an unknown alias
    "ключ: значение 🙂\n  bad: indent\n",
    "",
    "# only a comment\n",
]


def _parse(text: str, loader) -> tuple:
    old = yamltree._C_LOADER
    yamltree._C_LOADER = loader
    try:
        problems = ProblemList()
        located = yamltree.parse_yaml(text, problems)
        return ((located.data, located.values, located.keys) if located else None,
                [str(p) for p in problems.sorted()])
    finally:
        yamltree._C_LOADER = old


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
@pytest.mark.parametrize("text", SAMPLES)
def test_libyaml_gives_what_pyyaml_gives(text):
    assert _parse(text, yaml.CSafeLoader) == _parse(text, None)


def test_block_nesting_libyaml_would_crash_on_is_a_problem_not_a_crash():
    problems = ProblemList()
    assert yamltree.parse_yaml("- " * 100_000 + "x\n", problems) is None
    assert [p.code for p in problems.sorted()] == ["yaml-too-deep"]
