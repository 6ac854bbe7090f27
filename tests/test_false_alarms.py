"""Lint stays quiet where nothing is wrong: numbers in file names beside "bank" are no account numbers.

(The goldens tests/lint/privacy-account-number-quiet.yaml, page-size-true-size.yaml and
scan-low-resolution-downsampled.yaml hold the other regressions; a golden's `# make:` comment
would itself name these files, so these are built here.)
"""

from __future__ import annotations

from pathlib import Path

from factory import manifest, text_pdf


def _lint(tmp_path: Path, exhibits: str) -> list:
    from parolekit.lint import lint_manifest

    for name in ("bank/20261120.pdf", "bank/0012345678.pdf", "Bank statement 44556677.pdf"):
        text_pdf(tmp_path / "exhibits" / name)
    path = manifest(tmp_path / "case.yaml", f"""\
parolekit: 1
case:
  title: Test case
  kind: other
  date: 2026-11-20
  beneficiaries:
    - name: Test Person
  recipient:
    name: USCIS
exhibits:
{exhibits}""")
    return [p for p in lint_manifest(path).problems if p.code == "privacy-account-number"]


def test_numbers_in_file_names_that_mention_bank_are_no_account_numbers(tmp_path: Path) -> None:
    found = _lint(tmp_path, """\
  - id: bank-letter
    title: Letter from the bank
    file: exhibits/bank/20261120.pdf
  - id: bank-statements
    title: Statements
    files: [exhibits/bank/0012345678.pdf, "exhibits/Bank statement 44556677.pdf"]
  - {id: bank, title: Bank statement, file: exhibits/bank/0012345678.pdf}
""")
    assert found == [], [p.render() for p in found]


def test_the_same_number_in_a_title_is_still_flagged(tmp_path: Path) -> None:
    found = _lint(tmp_path, """\
  - id: bank-letter
    title: Bank statement for account 0012345678
    file: exhibits/bank/20261120.pdf
  - {id: bank, title: Bank account 44556677, file: exhibits/bank/0012345678.pdf}  # acct 99887766
""")
    assert [(p.line, p.column) for p in found] == [(12, 39), (14, 36), (14, 90)], [p.render() for p in found]
