"""The manifest loader: scalars as written, located problems, id-named paths, all problems at once."""

from __future__ import annotations

import pytest

from factory import CASE_HEAD
from parolekit.errors import ManifestError
from parolekit.manifest import load_case


def _load(tmp_path, text):
    p = tmp_path / "case.yaml"
    p.write_text(text, encoding="utf-8")
    return load_case(p)


def _problems(tmp_path, text):
    with pytest.raises(ManifestError) as e:
        _load(tmp_path, text)
    return e.value.problems


def test_scalars_keep_their_text(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n")
    case = _load(tmp_path, CASE_HEAD.replace("citizenship: Honduras", "citizenship: NO")
                 + "  petitioner:\n    name: Ana\n    address: [02134, '1e3']\n"
                 + "exhibits:\n  - id: a\n    title: 012345670\n    file: a.pdf\n")
    m = case.manifest
    assert m.case.beneficiaries[0].citizenship == "NO"
    assert m.case.petitioner.address == ["02134", "1e3"]
    assert m.exhibits[0].title == "012345670"


def test_every_problem_is_located_and_named_by_id(tmp_path):
    text = CASE_HEAD + (
        "exhibits:\n"
        "  - id: physician-letter\n"
        "    titel: Letter\n"          # line 16: unknown key
        "    file: a.pdf\n"
        "  - id: physician-letter\n"   # line 18: duplicate id (reported by validate, not schema)
        "    title: Again\n"
        "    file: b.pdf\n"
        "    date: 2026-02-30\n"       # line 21: impossible date
    )
    problems = _problems(tmp_path, text)
    found = {(p.line, p.column, p.code) for p in problems}
    assert (16, 5, "unknown-key") in found
    assert (21, 11, "invalid-date") in found
    unknown = next(p for p in problems if p.code == "unknown-key")
    assert unknown.path == "exhibits[physician-letter].titel"
    assert "did you mean 'title'" in unknown.message
    assert not [p for p in problems if p.code == "missing-key"]  # the misspelling names it


def test_a_required_key_left_out_is_named_where_its_mapping_starts(tmp_path):
    problems = _problems(tmp_path, CASE_HEAD + "exhibits:\n  - id: letter\n    file: a.pdf\n")
    missing = next(p for p in problems if p.code == "missing-key")
    assert "'title'" in missing.message and missing.line == 15


def test_duplicate_keys_are_errors(tmp_path):
    problems = _problems(tmp_path, CASE_HEAD + "exhibits: []\nexhibits: []\n")
    dup = [p for p in problems if p.code == "duplicate-key"]
    assert dup and dup[0].line == 15 and "first given on line 14" in dup[0].message


def test_yaml_syntax_error_has_line(tmp_path):
    problems = _problems(tmp_path, CASE_HEAD + "exhibits:\n  - id: [unclosed\n")
    assert problems[0].code == "yaml-syntax" and problems[0].line >= 15


def test_unsupported_version(tmp_path):
    problems = _problems(tmp_path, CASE_HEAD.replace("parolekit: 1", "parolekit: 2") + "exhibits: []\n")
    assert [(p.line, p.code) for p in problems] == [(1, "unsupported-version")]


def test_not_a_mapping(tmp_path):
    problems = _problems(tmp_path, "- just\n- a list\n")
    assert problems[0].code == "manifest-not-mapping"


def test_bool_and_number_fields_are_strict(tmp_path):
    text = CASE_HEAD + (
        "declarations:\n  - id: d\n    declarant: {name: X, role: beneficiary}\n    text: hi\n"
        "    executed: {date: 2026-11-01, place: Here, in_us: NO}\n"
        "exhibits: []\noutput: {max_file_mb: lots}\n")
    problems = _problems(tmp_path, text)
    codes = {(p.path, p.code) for p in problems}
    assert ("declarations[d].executed.in_us", "invalid-value") in codes
    assert ("output.max_file_mb", "invalid-type") in codes
