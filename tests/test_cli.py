"""The command line: exit codes, messages naming key and line, no traceback, nothing written on failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest, text_pdf


def _exhibit_case(tmp_path: Path, extra: str = "", exhibit: str = "") -> Path:
    text_pdf(tmp_path / "a.pdf", pages=2, title="A")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + (exhibit or """\
exhibits:
  - id: doc-a
    title: Document A
    file: a.pdf
""") + extra)


def test_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("parolekit 0.")


def test_python_dash_m(tmp_path):
    r = subprocess.run([sys.executable, "-m", "parolekit", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "parolekit" in r.stdout


def test_build_ok_keeps_stdout_clean(cli, case_dir):
    code, out, err = cli("build", case_dir / "case.yaml")
    assert code == 0, err
    assert out == ""
    assert "wrote" in err and (case_dir / "case.pdf").is_file()
    assert (case_dir / "case.receipt.json").is_file()


BAD = {
    "missing-file": ("exhibits:\n  - id: gone\n    title: Gone\n    file: nope.pdf\n",
                     "exhibits[gone].file", 17, "file-missing"),
    "out-of-range": ("exhibits:\n  - id: doc-a\n    title: A\n    file: a.pdf\n    pages: 1-9\n",
                     "exhibits[doc-a].pages", 18, "pages-out-of-range"),
    "unknown-key": ("exhibits:\n  - id: doc-a\n    title: A\n    file: a.pdf\n    lang: es\n",
                    "exhibits[doc-a].lang", 18, "unknown-key"),
    "duplicate-id": ("exhibits:\n  - id: doc-a\n    title: A\n    file: a.pdf\n"
                     "  - id: doc-a\n    title: B\n    file: a.pdf\n",
                     "exhibits[doc-a].id", 18, "duplicate-id"),
    "yaml-syntax": ("exhibits:\n  - id: doc-a\n    title: \"A\n    file: a.pdf\n", "", 16, "yaml-syntax"),
    "corrupt": ("exhibits:\n  - id: broken\n    title: Broken\n    file: broken.pdf\n",
                "exhibits[broken].file", 17, "file-corrupt"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_exits_1_with_located_message(cli, tmp_path, name):
    exhibit, path, line, code_name = BAD[name]
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\ngarbage")
    m = _exhibit_case(tmp_path, exhibit=exhibit)
    code, out, err = cli("build", m)
    assert code == 1, err
    assert "Traceback" not in err and out == ""
    assert f"case.yaml:{line}:" in err and f"[{code_name}]" in err
    if path:
        assert path in err
    assert not (tmp_path / "case.pdf").exists()
    assert not list(tmp_path.glob(".case.pdf.*"))


def test_all_problems_reported_at_once(cli, tmp_path):
    m = _exhibit_case(tmp_path, exhibit=("exhibits:\n  - id: one\n    title: One\n    file: nope1.pdf\n"
                                         "  - id: two\n    title: Two\n    file: nope2.pdf\n"))
    code, _, err = cli("build", m)
    assert code == 1 and "exhibits[one].file" in err and "exhibits[two].file" in err


def test_output_equal_to_an_input_is_refused(cli, tmp_path):
    m = _exhibit_case(tmp_path)
    before = (tmp_path / "a.pdf").read_bytes()
    code, _, err = cli("build", m, "-o", tmp_path / "a.pdf")
    assert code == 1 and "output-overwrites-input" in err
    assert (tmp_path / "a.pdf").read_bytes() == before


def test_output_file_key_equal_to_input(cli, tmp_path):
    m = _exhibit_case(tmp_path, extra="output:\n  file: a.pdf\n")
    code, _, err = cli("build", m)
    assert code == 1 and "case.yaml:19:9" in err and "output.file" in err


def test_missing_manifest(cli, tmp_path):
    code, _, err = cli("build", tmp_path / "nope.yaml")
    assert code == 1 and "no such manifest" in err and "Traceback" not in err


def test_schema_is_json_on_stdout(cli):
    import json

    code, out, _ = cli("schema")
    schema = json.loads(out)
    assert code == 0 and "exhibits" in schema["properties"]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_max_file_mb_must_be_a_positive_size(cli, case_dir, value):
    code, _out, err = cli("build", case_dir / "case.yaml", "--max-file-mb", value)
    assert code == 2 and "greater than 0" in err
    assert not (case_dir / "case.pdf").exists()


@pytest.mark.parametrize("command", [[], ["build"], ["lint"], ["init"], ["schema"], ["diff"]])
def test_help_shows_no_value_placeholder_for_flags(cli, command):
    """An on/off flag (--help, --draft, --strict...) takes no value; "<bool>" would say it does."""
    exit_code, out, err = cli(*command, "--help")
    assert exit_code == 0 and "--help" in out + err
    assert "<bool>" not in out + err and "BOOLEAN" not in out + err
