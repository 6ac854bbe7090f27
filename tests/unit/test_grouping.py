"""grouping.py: the packet's order and labels, frozen labels' suffixes and series (no build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest
from parolekit.grouping import _after, _next, labels, packet_order
from parolekit.labels import letter_label
from parolekit.manifest import load_case


def _case(root: Path, exhibits: list[str], sections: str = "", output: str = "") -> Path:
    body = "".join(f"  - id: {i}\n    title: Document {i}\n    file: {i}.pdf\n" + (f"    section: {s}\n" if s else "")
                   for i, s in exhibits)
    return manifest(root / "case.yaml", CASE_HEAD + sections + output + """\
declarations:
  - id: decl
    declarant: {name: Test Beneficiary, role: beneficiary}
    text: I am the beneficiary.
exhibits:
""" + body)


@pytest.mark.parametrize("previous, used, expected", [("12", set(), "12A"), ("12", {"12A"}, "12B"),
                                                      ("C", set(), "C-1"), ("C-1", set(), "C-1A"),
                                                      ("0", set(), "0A")])
def test_an_inserted_label_follows_the_one_before(previous, used, expected):
    assert _after(previous, used) == expected


def test_numbers_style_frozen_labels(tmp_path):
    case = load_case(_case(tmp_path, [("a", None), ("b", None)], output="output:\n  labels: numbers\n"))
    m = case.manifest
    items = packet_order(m)
    assert labels(m, items) == {"decl": "1", "a": "2", "b": "3"}
    assert labels(m, items, (("decl", "1"), ("b", "2"))) == {"decl": "1", "a": "1A", "b": "2"}


def test_sections_order_and_per_section_labels(tmp_path):
    sections = "sections:\n  - {id: one, title: One}\n  - {id: two, title: Two, label: T}\n"
    m = load_case(_case(tmp_path, [("a", "two"), ("b", "one"), ("c", None), ("d", "two")], sections)).manifest
    items = packet_order(m)
    assert [(it.id, it.group) for it in items] == [("decl", "_declarations"), ("b", "one"), ("a", "two"),
                                                  ("d", "two"), ("c", "_other")]
    assert labels(m, items) == {"decl": "A", "b": "B", "a": "T-1", "d": "T-2", "c": "C"}


def test_appended_items_go_after_the_frozen_ones_of_their_group(tmp_path):
    m = load_case(_case(tmp_path, [("new", None), ("a", None), ("b", None)])).manifest
    order = [it.id for it in packet_order(m, frozen={"decl", "a", "b"}, append=True)]
    assert order == ["decl", "a", "b", "new"]


@pytest.mark.parametrize("used, style, prefix, expected", [({"A", "B", "D"}, "letters", None, "E"),
                                                           ({"Z"}, "letters", None, "AA"),
                                                           ({"1", "2", "12A"}, "numbers", None, "3"),
                                                           ({"C-1", "C-2"}, "letters", "C", "C-3")])
def test_an_appended_label_continues_the_series(used, style, prefix, expected):
    assert _next(prefix, style, used) == expected


def test_letter_labels_are_bijective_base_26():
    assert [letter_label(n) for n in (1, 26, 27, 52, 702, 703)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
