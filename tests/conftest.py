"""Shared fixtures: a small valid case folder, the real-file corpus (skipped when absent), a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest, photo, text_pdf

os.environ.setdefault("COLUMNS", "120")  # rich output width is pinned so messages never wrap
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus/real, or a skip: users' clones do not have it."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/real is not present")
    return CORPUS


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """A case folder with two text exhibits (3 and 2 pages), one landscape and one photo."""
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=3, title="Letter")
    text_pdf(tmp_path / "exhibits" / "report.pdf", pages=2, size="letter-landscape", title="Report")
    photo(tmp_path / "exhibits" / "photo.jpg", size=(300, 200), orientation=6, dpi=100)
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
    date: 2026-10-02
  - id: report
    title: Country report
    file: exhibits/report.pdf
  - id: photo
    title: Photo of the beneficiary
    file: exhibits/photo.jpg
""")
    return tmp_path


@pytest.fixture
def cli():
    """Run the CLI in-process: returns (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from parolekit.cli import app

    def run(*args: str):
        runner = CliRunner()
        result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "120", "NO_COLOR": "1"})
        return result.exit_code, result.stdout, result.stderr

    return run
