"""`parolekit init DIR`: a new case folder that lints and builds as it is, and never overwrites."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from parolekit.errors import CaseError
from parolekit.scaffold import init_case

EXPECTED = {"case.yaml", "declarations/beneficiary.md", "templates/cover-letter.md.j2",
            "exhibits/sample-letter.pdf", ".gitignore"}


def test_init_makes_the_case_folder(tmp_path):
    made = init_case(tmp_path / "new-case", today=dt.date(2026, 11, 20))
    folder = tmp_path / "new-case"
    assert {p.relative_to(folder).as_posix() for p in made} == EXPECTED
    assert all(p.is_file() and p.stat().st_size > 0 for p in made)
    yaml_text = (folder / "case.yaml").read_text(encoding="utf-8")
    assert yaml_text.startswith("# A new parolekit case")
    assert "date: 2026-11-20" in yaml_text and "@DATE@" not in yaml_text
    assert "template: templates/cover-letter.md.j2" in yaml_text
    # the copy is the built-in template, so editing it starts from what the packet shows
    from importlib import resources
    builtin = resources.files("parolekit.templates").joinpath("cover-letter.md.j2").read_text("utf-8")
    assert (folder / "templates" / "cover-letter.md.j2").read_text(encoding="utf-8") == builtin
    assert "build/" in (folder / ".gitignore").read_text(encoding="utf-8")


def test_new_case_lints_and_builds_as_it_is(tmp_path, cli):
    folder = tmp_path / "cases" / "perez"  # parents are created
    code, _out, err = cli("init", folder)
    assert code == 0, err
    assert "created" in err and "case.yaml" in err
    code, out, err = cli("lint", folder / "case.yaml", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["results"][0]["ok"] is True
    assert not [p for p in report["results"][0]["problems"] if p["severity"] == "error"]
    code, _out, err = cli("build", folder / "case.yaml")
    assert code == 0, err
    packet = folder / "build" / "packet.pdf"
    texts = [" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
             for p in PdfReader(packet).pages]
    joined = " ".join(texts)
    assert "DECLARATION OF SAMPLE BENEFICIARY" in joined
    assert "SAMPLE EXHIBIT" in joined
    assert "CHRONOLOGY" in joined and "SUMMARY OF CLAIMS AND EVIDENCE" in joined
    # the body's citations were resolved against the packet's own page plan
    separators = {t.split()[1]: n for n, t in enumerate(texts, start=1) if t.startswith("EXHIBIT ")}
    assert f"(Exhibit B at {separators['B'] + 1})" in texts[0]  # the document, after its separator
    assert f"(Exhibit A at {separators['A'] + 1})" in texts[0]


def test_init_refuses_a_folder_with_files(tmp_path, cli):
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _out, err = cli("init", folder)
    assert code == 1
    assert "not empty" in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(CaseError):
        init_case(folder)


def test_init_refuses_a_file(tmp_path):
    target = tmp_path / "case.yaml"
    target.write_text("parolekit: 1\n", encoding="utf-8")
    with pytest.raises(CaseError, match="not a folder"):
        init_case(target)
    assert target.read_text(encoding="utf-8") == "parolekit: 1\n"


def test_init_accepts_an_empty_folder(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    made = init_case(folder)
    assert {p.relative_to(folder).as_posix() for p in made} == EXPECTED
    assert f"date: {dt.date.today().isoformat()}" in (folder / "case.yaml").read_text(encoding="utf-8")


def test_init_leaves_nothing_behind_when_it_cannot_write(tmp_path, monkeypatch):
    import parolekit.scaffold as scaffold

    real = scaffold.files

    def with_bad_path(today):
        out = real(today)
        out["exhibits/sample-letter.pdf/oops"] = b"x"  # a file under a file: the OS refuses it
        return out

    monkeypatch.setattr(scaffold, "files", with_bad_path)
    from parolekit.errors import OutputError

    with pytest.raises(OutputError):
        init_case(tmp_path / "half")
    assert not (tmp_path / "half").exists()


def test_sample_exhibit_is_a_valid_one_page_pdf(tmp_path):
    from parolekit.scaffold import sample_exhibit

    path = tmp_path / "s.pdf"
    path.write_bytes(sample_exhibit())
    reader = PdfReader(path)
    assert len(reader.pages) == 1 and "fictional" in reader.pages[0].extract_text()
    assert Path(path).read_bytes() == sample_exhibit()  # reproducible


def test_new_case_has_only_evidence_warnings(tmp_path):
    from parolekit.lint import lint_manifest

    init_case(tmp_path / "c")
    problems = lint_manifest(tmp_path / "c" / "case.yaml").problems
    # What lint says about a new case is what evidence a real packet still needs, nothing else.
    assert all(p.severity == "warning" and p.code.startswith("hp-") for p in problems), problems
