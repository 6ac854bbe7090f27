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


def test_a_required_value_of_another_kind_takes_a_placeholder_and_the_data_read_is_kept():
    data = {"parolekit": 1, "case": {"title": ["not", "text"]}, "exhibits": []}
    errors = [{"loc": ("case", "title"), "type": "string_type"}]
    fixed = repaired(data, errors)
    assert fixed.manifest is not None and ("case", "title") in fixed.places
    assert isinstance(fixed.manifest.case.title, str)
    assert data["case"]["title"] == ["not", "text"]  # the manifest read is never changed


def test_another_version_is_never_repaired():
    assert repaired({"parolekit": 2}, [{"loc": ("parolekit",), "type": "literal_error"}]).manifest is None


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
    problems = lint_manifest(path).problems
    # one problem for the misspelling, which names the key meant: not a second for the key missing
    assert _codes(problems) == [(16, "unknown-key"), (20, "file-missing")]
    assert "did you mean 'title'" in next(p.message for p in problems if p.code == "unknown-key")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# (example, text in its case.yaml, the mistake put in its place): each brings its own problem and
# nothing that follows from the value put in its place, and the other checks still run.
MISTAKES = {
    "misspelt-section": ("medical-parole", "declarations:", "declarationsx:"),
    "bool-not-true-or-false": ("medical-parole", "    planned: true", "    planned: yes please"),
    "tags-as-text": ("medical-parole", "tags: [physician-letter, treatment-unavailable]", "tags: physician-letter"),
    "background-in-spanish": ("rfe-response", "background: true", "background: si"),
    "secondary-as-text": ("rfe-response", "secondary: [registry-cna, decl-mother, decl-midwife]",
                          "secondary: registry-cna"),
    "rate-not-a-number": ("rfe-response", "rates: {HNL: 0.0405}", "rates: {HNL: zero}"),
    "cost-exhibits-as-text": ("rfe-response", "exhibits: [lodging-offer]", "exhibits: lodging-offer"),
    "ground-exhibits-as-text": ("rfe-response", "exhibits: [birth-certificate, registry-cna, decl-mother, "
                                "decl-midwife]", "exhibits: birth-certificate"),
    "supporter-kind-typo": ("rfe-response", "      kind: organization  ", "      kind: org  "),
    "section-as-list": ("asylum", "section: identity", "section: [identity]"),
    "case-kind-typo": ("medical-parole", "kind: humanitarian-parole", "kind: humanitarian-parol"),
    "reason-typo-in-a-list": ("medical-parole", "reasons: [medical]", "reasons: [medicl]"),
    "no-such-day": ("medical-parole", "  date: 2026-11-20", "  date: 2026-11-31"),
    "required-key-misspelt": ("medical-parole", "  kind: humanitarian-parole", "  kimd: humanitarian-parole"),
    "id-in-capitals": ("medical-parole", "  - id: physician-letter", "  - id: Physician-Letter"),
    "file-as-list": ("medical-parole", "    file: exhibits/passport.jpg", "    file: [exhibits/passport.jpg, 2]"),
    "file-and-files": ("medical-parole", "    file: exhibits/passport.jpg",
                       "    file: exhibits/passport.jpg\n    files: [exhibits/passport.jpg]"),
    "declarant-role-typo": ("medical-parole", "      role: beneficiary", "      role: benificiary"),
    "month-13": ("medical-parole", "    executed: {date: 2026-11-10,", "    executed: {date: 2026-13-10,"),
    "letter-body-and-file": ("medical-parole", "  body: |", "  file: letter.md\n  body: |"),
    "form-not-a-mapping": ("medical-parole", "  - name: I-131", "  - I-131\n  - name: I-131"),
    "forum-typo": ("medical-parole", "  kind: humanitarian-parole", "  forum: usics\n  kind: humanitarian-parole"),
}


def _mistaken(tmp_path: Path, example: str, old: str, new: str) -> Path:
    import shutil

    shutil.copytree(EXAMPLES / example, tmp_path / "case")
    path = tmp_path / "case" / "case.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    last = text.rindex("file: exhibits/")  # and a file missing: the checks after the schema's still run
    path.write_text(text[:last] + "file: exhibits/missing-" + text[last + len("file: exhibits/"):], encoding="utf-8")
    return path


def _added(example: str, path: Path) -> list:
    """The problems lint finds in *path* that the example as shipped does not have."""
    before = {(p.code, p.path) for p in lint_manifest(EXAMPLES / example / "case.yaml").problems}
    return [p for p in lint_manifest(path).problems if (p.code, p.path) not in before]


@pytest.mark.parametrize("mistake", list(MISTAKES), ids=list(MISTAKES))
def test_a_value_set_aside_brings_no_follow_on_problem(tmp_path, mistake):
    example, old, new = MISTAKES[mistake]
    path = _mistaken(tmp_path, example, old, new)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if new.split("\n")[0] in text)
    new_problems = _added(example, path)
    assert [p.code for p in new_problems if p.code == "file-missing"] == ["file-missing"], new_problems
    theirs = [p for p in new_problems if p.code != "file-missing"]
    assert len(theirs) == 1 and line - 5 <= theirs[0].line <= line + 1, theirs  # (an item's: its first line)


@pytest.mark.parametrize("mistake, codes", [
    # an unknown key taken out leaves an exhibit without a file: both are the user's to fix
    (("medical-parole", "    file: exhibits/passport.jpg", "    note: exhibits/passport.jpg"),
     ["invalid-value", "unknown-key"]),
    (("medical-parole", "    title: Letter from Dr. Ana Ruiz", "    title:\n    x_note: Letter from Dr. Ana Ruiz"),
     ["invalid-type", "unknown-key"]),
    (("medical-parole", '      translator: {name: Luis Ortega, address: "77 Bay St, Houston, TX 77002", '
      'phone: "+1 713 555 0199"}', "      notes: none"), ["invalid-value", "unknown-key"]),
], ids=["exhibit-left-without-file", "title-left-empty", "translation-left-without-certificate"])
def test_a_problem_found_once_a_value_is_set_aside_is_reported_with_the_rest(tmp_path, mistake, codes):
    path = _mistaken(tmp_path, *mistake)
    found = sorted(p.code for p in _added(mistake[0], path))
    assert found == sorted(codes + ["file-missing"])
    with pytest.raises(CaseError) as e:  # a build reports the same, and writes nothing
        build_packet(path)
    assert sorted(p.code for p in e.value.problems if p.severity == "error") == sorted(codes + ["file-missing"])
    assert not (path.parent / "build").exists()


def test_a_key_given_twice_does_not_hide_the_other_problems(tmp_path):
    path = _mistaken(tmp_path, "medical-parole", "  reasons: [medical]\n", "  reasons: [medical]\n  reasons: [medical]\n")
    assert sorted(p.code for p in lint_manifest(path).problems if p.severity == "error") == \
        ["duplicate-key", "file-missing"]


def test_a_key_checked_as_the_one_it_misspells_reports_nothing_the_user_did_not_write(tmp_path):
    # `x_beneficiaries:` is close to beneficiary_title, a key of text: the list is not reported there
    path = _mistaken(tmp_path, "medical-parole", "  beneficiaries:\n", "  beneficiaries: []\n  x_beneficiaries:\n")
    codes = sorted(p.code for p in lint_manifest(path).problems if p.severity == "error")
    assert codes == ["empty-list", "file-missing", "unknown-key"]
