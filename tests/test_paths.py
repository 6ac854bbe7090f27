"""Every input resolves inside the case folder (symlinks followed) unless admitted with --allow-path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, text_pdf


@pytest.fixture
def layout(tmp_path: Path):
    """case/ (the case folder) and library/ beside it holding a shared country report."""
    case = tmp_path / "case"
    library = tmp_path / "library"
    text_pdf(case / "exhibits" / "letter.pdf", title="Letter")
    text_pdf(library / "country-report.pdf", pages=2, title="Country report")
    (library / "secret.md").write_text("PRIVATE NOTES OF ANOTHER CLIENT\n")
    return case, library


def _case(case: Path, file: str, extra: str = "") -> Path:
    return manifest(case / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
  - id: report
    title: Country report
    file: {file}
{extra}""")


def _refused(cli, path: Path, code: str, *args) -> str:
    exit_code, _out, err = cli("build", path, *args)
    assert exit_code == 1, err
    assert f"[{code}]" in err and "Traceback" not in err
    assert not (path.parent / "case.pdf").exists()
    return err


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink-file", "symlink-folder"])
def test_files_outside_the_case_folder_are_refused(layout, cli, how):
    case, library = layout
    target = library / "country-report.pdf"
    if how == "dotdot":
        file = "../library/country-report.pdf"
    elif how == "absolute":
        file = str(target)
    elif how == "symlink-file":
        (case / "exhibits" / "report.pdf").symlink_to(target)
        file = "exhibits/report.pdf"
    else:
        (case / "shared").symlink_to(library, target_is_directory=True)
        file = "shared/country-report.pdf"
    err = _refused(cli, _case(case, file), "file-outside-case")
    line = (case / "case.yaml").read_text().splitlines().index(f"    file: {file}") + 1
    assert f"case.yaml:{line}:11:" in err and "exhibits[report].file" in err
    assert "--allow-path" in err


@pytest.mark.parametrize("how", ["dotdot", "symlink-file", "symlink-folder"])
def test_allow_path_admits_a_shared_folder(layout, cli, how):
    case, library = layout
    if how == "dotdot":
        file = "../library/country-report.pdf"
    elif how == "symlink-file":
        (case / "exhibits" / "report.pdf").symlink_to(library / "country-report.pdf")
        file = "exhibits/report.pdf"
    else:
        (case / "shared").symlink_to(library, target_is_directory=True)
        file = "shared/country-report.pdf"
    path = _case(case, file)
    code, _out, err = cli("build", path, "--allow-path", library)
    assert code == 0, err
    texts = [p.extract_text() for p in PdfReader(case / "case.pdf").pages]
    assert any("Country report page 2" in t for t in texts)
    receipt = json.loads((case / "case.receipt.json").read_text())
    assert file in [i["path"] for i in receipt["inputs"]]


def test_allow_path_admits_only_that_folder(layout, cli, tmp_path):
    case, library = layout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _refused(cli, _case(case, "../library/country-report.pdf"), "file-outside-case",
             "--allow-path", elsewhere)


def test_symlink_within_the_folder_is_fine(layout, cli):
    case, _library = layout
    (case / "exhibits" / "alias.pdf").symlink_to(case / "exhibits" / "letter.pdf")
    code, _out, err = cli("build", _case(case, "exhibits/alias.pdf"))
    assert code == 0, err


def test_case_folder_reached_through_a_symlink(layout, cli, tmp_path):
    case, _library = layout
    link = tmp_path / "via-link"
    link.symlink_to(case, target_is_directory=True)
    _case(case, "exhibits/letter.pdf")
    code, _out, err = cli("build", link / "case.yaml")
    assert code == 0, err


def test_declaration_text_outside_is_never_printed(layout, cli):
    """A manifest must not pull another file's text into a filing."""
    case, _library = layout
    path = manifest(case / "case.yaml", CASE_HEAD + """\
exhibits: []
declarations:
  - id: decl
    declarant: {name: Ana Perez, role: petitioner}
    text: ../library/secret.md
    executed: {date: 2026-11-01, place: "Houston, Texas", in_us: true}
""")
    err = _refused(cli, path, "file-outside-case")
    assert "declarations[decl].text" in err
    assert not list(case.glob("*.pdf"))


def test_cover_letter_template_outside_is_refused(layout, cli):
    case, library = layout
    (library / "letter.md.j2").write_text("{{ date }}\n\n{{ body }}\n")
    path = _case(case, "exhibits/letter.pdf",
                 "cover_letter:\n  template: ../library/letter.md.j2\n")
    err = _refused(cli, path, "file-outside-case")
    assert "cover_letter.template" in err


def test_symlink_loop_is_a_clean_error(layout, cli):
    case, _library = layout
    (case / "exhibits" / "a.pdf").symlink_to(case / "exhibits" / "b.pdf")
    (case / "exhibits" / "b.pdf").symlink_to(case / "exhibits" / "a.pdf")
    err = _refused(cli, _case(case, "exhibits/a.pdf"), "file-bad-path")
    assert "loop" in err


def test_unusable_names_are_clean_errors(layout, cli):
    case, _library = layout
    err = _refused(cli, _case(case, '"exhibits/a\\0b.pdf"'), "file-bad-path")
    assert "NUL" in err
    err = _refused(cli, _case(case, "x" * 5000 + ".pdf"), "file-bad-path")
    assert "\u2026" in err and len(err) < 2000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_not_read(layout, cli):
    """A named pipe would block the build forever; it is refused unopened."""
    case, _library = layout
    os.mkfifo(case / "exhibits" / "pipe.pdf")
    err = _refused(cli, _case(case, "exhibits/pipe.pdf"), "file-not-a-file")
    assert "not a regular file" in err


def test_folder_named_as_file(layout, cli):
    case, _library = layout
    err = _refused(cli, _case(case, "exhibits"), "file-not-a-file")
    assert "is a folder" in err
