"""Every case kind reads as its own: party words, the signer's title, no parole-only phrases.

Each test builds a packet and reads the written PDF back with pdftotext.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from factory import manifest, require_poppler, text_pdf


def _case(tmp_path: Path, kind: str, *, reasons: str = "[]", people: str = "", extra: str = "",
          birth: str = "1988-03-14", date: str = "2026-11-20") -> Path:
    text_pdf(tmp_path / "exhibits" / "record.pdf", pages=2, title="Record")
    return manifest(tmp_path / "case.yaml", f"""\
parolekit: 1
case:
  title: Test case
  kind: {kind}
  reasons: {reasons}
  date: {date}
  beneficiaries:
    - name: Test Person
      birth_date: {birth}
      citizenship: Nowhere
{people}  recipient:
    name: Test Office
exhibits:
  - id: record
    title: Record of events
    file: exhibits/record.pdf
    date: 2026-10-02
chronology:
  - date: 2026-10-02
    event: The record was made
    exhibits: [record]
  - date: 2027-01-15
    event: The hearing
    planned: true
{extra}""")


def _text(tmp_path: Path, path: Path) -> str:
    from parolekit.pipeline import build_packet

    require_poppler()
    result = build_packet(path)
    out = subprocess.run(["pdftotext", "-layout", str(result.output), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"[ \u00a0]+", " ", out)  # no-break spaces read as spaces


def _flat(text: str) -> str:
    return " ".join(text.split())


REP = """\
  representative:
    name: Jordan Lee
    firm: Test Legal Services
"""


@pytest.mark.parametrize("kind", ["asylum", "waiver"])
def test_an_asylum_or_waiver_packet_has_no_parole_only_wording(tmp_path: Path, kind: str) -> None:
    text = _text(tmp_path, _case(tmp_path, kind, people=REP))
    low = text.lower()
    assert "treatment" not in low and "parole" not in low, text
    assert "Beneficiary" not in text
    assert "Applicant: Test Person" in text
    assert "planned period" in text  # the chronology's legend
    assert "Attorney or Accredited Representative for Applicant" in text
    what = {"asylum": "request for asylum", "waiver": "request for a waiver of inadmissibility"}[kind]
    assert f"We respectfully submit the enclosed {what} on behalf of Test Person" in _flat(text)


def test_a_reparole_packet_names_the_parolee_as_applicant(tmp_path: Path) -> None:
    text = _text(tmp_path, _case(tmp_path, "reparole", reasons="[family]", people=REP))
    assert "Applicant: Test Person" in text and "Beneficiary" not in text
    assert "request for re-parole on behalf of Test Person" in _flat(text)
    assert "treatment" not in text.lower() and "planned period" in text


def test_a_medical_parole_case_keeps_its_treatment_window(tmp_path: Path) -> None:
    text = _text(tmp_path, _case(tmp_path, "humanitarian-parole", reasons="[medical]", people=REP))
    assert "proposed treatment window" in text and "Beneficiary: Test Person" in text


def test_a_family_parole_case_has_a_planned_period_not_a_treatment_window(tmp_path: Path) -> None:
    text = _text(tmp_path, _case(tmp_path, "humanitarian-parole", reasons="[family]", people=REP))
    assert "treatment" not in text.lower() and "planned period" in text


def test_the_letter_names_the_petitioner_and_the_signer_title_comes_from_the_manifest(tmp_path: Path) -> None:
    people = """\
  petitioner:
    name: Ana Person
    relationship: sister
  representative:
    name: Jordan Lee
    title: DOJ Accredited Representative
    bar_number: EOIR ID XY123456
"""
    text = _text(tmp_path, _case(tmp_path, "waiver", people=people))
    assert "Applicant: Test Person" in text and "Petitioner: Ana Person (sister)" in text
    assert "Jordan Lee\nDOJ Accredited Representative, EOIR ID XY123456" in text
    assert "Attorney" not in text


def test_a_respondent_in_proceedings_and_a_default_title_for_the_petitioner(tmp_path: Path) -> None:
    people = """\
  beneficiary_title: Respondent
  representative:
    name: Jordan Lee
"""
    text = _text(tmp_path, _case(tmp_path, "asylum", people=people))
    assert "Respondent: Test Person" in text and "Attorney or Accredited Representative for Respondent" in text
    assert "Applicant" not in text


def test_a_pro_se_applicant_signs_as_themself_in_the_first_person(tmp_path: Path) -> None:
    text = _text(tmp_path, _case(tmp_path, "asylum"))
    assert "I respectfully submit the enclosed request for asylum." in _flat(text)
    assert "Respectfully submitted,\n\n\nTest Person\nApplicant" in text
    assert "Attorney" not in text and "We respectfully" not in text and "on behalf of" not in text


def test_a_pro_se_petitioner_signs_as_petitioner(tmp_path: Path) -> None:
    people = """\
  petitioner:
    name: Ana Person
    relationship: mother
"""
    text = _text(tmp_path, _case(tmp_path, "humanitarian-parole", people=people))
    assert "I respectfully submit the enclosed request for humanitarian parole on behalf of Test Person" in \
        _flat(text)
    assert "Ana Person\nPetitioner (mother)" in text


def test_a_pro_se_response_opens_in_the_first_person(tmp_path: Path) -> None:
    from parolekit.model import Manifest
    from parolekit.render.letter import context, provisional_plan

    data = {
        "parolekit": 1,
        "case": {"title": "T", "kind": "asylum", "date": "2026-11-20", "beneficiaries": [{"name": "A B"}],
                 "recipient": {"name": "R"}},
        "exhibits": [{"id": "notice", "title": "RFE", "file": "n.pdf"}],
        "response": {"kind": "rfe", "notice": "notice", "notice_date": "2026-11-01",
                     "grounds": [{"id": "g", "ground": "G"}]}}
    m = Manifest.model_validate(data)
    assert context(m, provisional_plan(m), "")["response"]["opening"].startswith(
        "In response to the Request for Evidence dated November 1, 2026, I respectfully submit")
    data["case"]["representative"] = {"name": "Jordan Lee"}
    m = Manifest.model_validate(data)
    assert ", we respectfully submit" in context(m, provisional_plan(m), "")["response"]["opening"]


def test_the_built_in_letter_does_not_print_a_minors_date_of_birth(tmp_path: Path) -> None:
    """lint's privacy-minor-birth-date advises against repeating it: the letter gives the year."""
    text = _text(tmp_path, _case(tmp_path, "humanitarian-parole", birth="2015-03-02", people=REP))
    assert "Beneficiary: Test Person, born 2015, citizen of Nowhere" in text
    assert "March 2, 2015" not in text and "March 2" not in text


def test_an_adults_date_of_birth_is_printed_in_full(tmp_path: Path) -> None:
    text = _text(tmp_path, _case(tmp_path, "humanitarian-parole", people=REP))
    assert "Beneficiary: Test Person, born March 14, 1988, citizen of Nowhere" in text


def test_the_letter_and_lint_agree_on_who_is_a_minor(tmp_path: Path) -> None:
    """The same predicate decides both: a birthday on the packet's date is 18 and printed in full."""
    from parolekit.lint import lint_manifest

    path = _case(tmp_path, "humanitarian-parole", birth="2008-11-20", people=REP)
    assert not [p for p in lint_manifest(path).problems if p.code == "privacy-minor-birth-date"]
    assert "born November 20, 2008" in _text(tmp_path, path)
