"""repair: a schema error no longer hides the manifest's other problems (lint and build alike)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest, text_pdf
from parolekit import lint_manifest
from parolekit.errors import CaseError, ManifestError
from parolekit.manifest import load_case
from parolekit.pipeline import build_packet
from parolekit.repair import repaired

BODY = """\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
    date: 2026-02-30
    tags: [suporter-identity]
  - id: letter
    title: Second letter
    file: exhibits/missing.pdf
    titel: a typo
claims:
  - claim: The beneficiary is ill.
    exhibits: [leter]
"""


@pytest.fixture
def case(tmp_path: Path) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=1)
    return manifest(tmp_path / "case.yaml", CASE_HEAD.replace("kind: humanitarian-parole", "kind: humanitarian-parol")
                    + BODY)


def _codes(problems) -> list[tuple[int, str]]:
    return sorted((p.line, p.code) for p in problems if p.severity == "error")


EXPECTED = [(4, "invalid-value"),  # case.kind
            (18, "invalid-date"),  # 2026-02-30
            (20, "duplicate-id"),
            (22, "file-missing"),
            (23, "unknown-key"),  # titel
            (26, "unknown-citation")]  # leter


def test_lint_reports_the_schema_errors_and_every_other_problem_at_once(case):
    assert _codes(lint_manifest(case).problems) == EXPECTED


def test_a_build_reports_them_all_too_and_writes_nothing(case):
    with pytest.raises(CaseError) as e:
        build_packet(case)
    assert _codes(e.value.problems) == EXPECTED
    assert not (case.parent / "build").exists() or not list((case.parent / "build").glob("*.pdf"))


def test_the_evidence_rules_run_in_the_same_pass(case):
    assert [(p.line, p.code) for p in lint_manifest(case).problems if p.code == "tag-misspelt"] == \
        [(19, "tag-misspelt")]


def test_nothing_is_reported_again_where_a_value_was_set_aside(case):
    loaded = load_case(case, keep_going=True)
    before = len(loaded.problems.items)
    loaded.add(("case", "kind"), "kind-other", "a check reading the choice put in its place")
    loaded.add(("exhibits", 0, "date"), "undated", "a check reading the default put in its place")
    assert len(loaded.problems.items) == before
    loaded.add(("exhibits", 0, "title"), "other", "elsewhere, problems are recorded")
    assert len(loaded.problems.items) == before + 1
    with pytest.raises(ManifestError):  # without keep_going, as before: the schema errors alone
        load_case(case)


def test_another_format_version_is_not_checked_as_this_one(tmp_path):
    path = manifest(tmp_path / "case.yaml", CASE_HEAD.replace("parolekit: 1", "parolekit: 2") + BODY)
    codes = {p.code for p in lint_manifest(path).problems}
    assert "unsupported-version" in codes and "file-missing" not in codes


def test_a_required_value_of_no_fixed_choices_is_not_guessed():
    data = {"parolekit": 1, "case": {"title": ["not", "text"]}, "exhibits": []}
    errors = [{"loc": ("case", "title"), "type": "string_type"}]
    assert repaired(data, errors) is None
    assert data["case"]["title"] == ["not", "text"]  # the manifest read is never changed


def test_a_misspelt_required_key_does_not_stop_the_other_checks(tmp_path):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=1)
    path = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    titel: Letter
    file: exhibits/letter.pdf
  - id: other
    title: Other
    file: exhibits/nothere.pdf
""")
    assert _codes(lint_manifest(path).problems) == [(15, "missing-key"), (16, "unknown-key"), (20, "file-missing")]


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "medical-parole" / "case.yaml"


@pytest.mark.parametrize("change", [
    ("declarations:", "declarationsx:"),  # a misspelt section: not every citation of it unknown
], ids=["misspelt-section"])
def test_a_value_set_aside_brings_no_follow_on_problem(tmp_path, change):
    import shutil

    shutil.copytree(EXAMPLE.parent, tmp_path / "case")
    path = tmp_path / "case" / "case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    errors = [p for p in lint_manifest(path).problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].code in ("unknown-key", "invalid-type"), errors
