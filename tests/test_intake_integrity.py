"""Inputs are what the receipt says: sniffed before hashed, never a pipe, changes during a build caught."""

from __future__ import annotations

import builtins
import os
from pathlib import Path

import pytest

from factory import CASE_HEAD, manifest, photo, text_pdf
from parolekit.intake import files as intake_files, inputs as intake_inputs
from parolekit.errors import CaseError
from parolekit.intake import check_unchanged, ensure_unchanged, inspect_sources, snapshot_texts
from parolekit.manifest import load_case
from parolekit.validate import check_case

DECLARATION = """\
declarations:
  - id: decl
    declarant: {name: Test Person, role: beneficiary}
    executed: {date: 2026-11-01, place: "Tegucigalpa, Honduras", in_us: false}
    text: statement.md
"""


def _case(folder: Path, exhibits: str, extra: str = "") -> Path:
    return manifest(folder / "case.yaml", CASE_HEAD + extra + "exhibits:\n" + exhibits)


def _one(id_: str, file: str, pages: str = "") -> str:
    return f"  - id: {id_}\n    title: {id_.title()}\n    file: {file}\n" + (
        f"    pages: {pages}\n" if pages else "")


def _inspected(path: Path, allow: list[Path] | None = None):
    case = load_case(path)
    check_case(case)
    sources = inspect_sources(case, allow)
    return case, sources


def _codes(case) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in case.problems.items:
        out.setdefault(p.code, []).append(p.message)
    return out


# --- sniff first: a file that is not a PDF or image is never read to its end -------------------

def test_a_huge_file_that_is_not_a_pdf_is_refused_without_hashing_it(tmp_path, monkeypatch):
    big = tmp_path / "exhibits" / "statement.pdf"
    big.parent.mkdir()
    with open(big, "wb") as fh:  # a saved sign-in page, then 10 GB of nothing (sparse: no disk used)
        fh.write(b"<!DOCTYPE html>\n<html><head><title>Sign in</title>")
        fh.truncate(10 * 2**30)
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    hashed: list[str] = []
    real = intake_files._digest

    def spy(fh, head):
        hashed.append(os.fstat(fh.fileno()).st_size)
        return real(fh, head)

    monkeypatch.setattr(intake_files, "_digest", spy)
    reads: list[int] = []

    class Counted:  # a thin proxy over the opened file: every read of the big one is counted
        def __init__(self, fh):
            self.fh = fh

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def read(self, n=-1):
            data = self.fh.read(n)
            reads.append(len(data))
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

    def counting_open(file, *args, **kwargs):
        fh = builtins.open(file, *args, **kwargs)
        return Counted(fh) if Path(file).name == "statement.pdf" else fh

    monkeypatch.setattr(intake_files, "open", counting_open, raising=False)
    case, sources = _inspected(_case(tmp_path, _one("letter", "exhibits/letter.pdf")
                                     + _one("statement", "exhibits/statement.pdf")))
    codes = _codes(case)
    assert "file-wrong-type" in codes and "a web page (HTML)" in codes["file-wrong-type"][0]
    assert "exhibits[statement].file" in codes["file-wrong-type"][0]
    assert [s.relative for s in sources] == ["exhibits/letter.pdf"]
    assert len(hashed) == 1 and hashed[0] < 2**20  # the real PDF only
    assert sum(reads) <= 1024, "the 10 GB file was read past its first bytes"
    assert sources[0].sha256 and sources[0].stat is not None


# --- pipes and devices ---------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_swapped_in_after_the_path_check_does_not_hang(tmp_path, monkeypatch):
    """check_path looked at a file; by the time it is opened the name leads to a pipe."""
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    pipe = tmp_path / "exhibits" / "pipe.pdf"
    os.mkfifo(pipe)
    real = intake_inputs.check_path
    monkeypatch.setattr(intake_inputs, "check_path",
                        lambda case, ref, rel, allow: pipe if rel.endswith("pipe.pdf") else
                        real(case, ref, rel, allow))
    case, sources = _inspected(_case(tmp_path, _one("letter", "exhibits/letter.pdf")
                                     + _one("piped", "exhibits/pipe.pdf")))
    msgs = _codes(case)["file-not-a-file"]
    assert len(msgs) == 1 and "exhibits[piped].file" in msgs[0] and "not a regular file" in msgs[0]
    assert [s.relative for s in sources] == ["exhibits/letter.pdf"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_as_an_exhibit_is_not_a_regular_file(tmp_path, cli):
    m = _case(tmp_path, _one("zero", "/dev/zero"))
    code, _out, err = cli("build", m, "--allow-path", "/dev")
    assert code == 1 and "[file-not-a-file]" in err and "exhibits[zero].file" in err
    assert "not a regular file" in err and "name a saved PDF or image" in err
    assert not (tmp_path / "case.pdf").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_device_as_declaration_text_is_not_a_regular_file(tmp_path, cli):
    text_pdf(tmp_path / "a.pdf", title="A")
    os.mkfifo(tmp_path / "statement.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    m = _case(tmp_path, _one("a", "a.pdf"), DECLARATION + DECLARATION.replace("id: decl", "id: decl2")
              .replace("statement.md", "zero.md").replace("declarations:\n", ""))
    code, _out, err = cli("build", m, "--allow-path", "/dev")
    assert code == 1, err
    for key, name in (("decl", "statement.md"), ("decl2", "zero.md")):
        line = next(l for l in err.splitlines() if f"declarations[{key}].text" in l)
        assert "[file-not-a-file]" in line and name in line and "not a regular file" in line
        assert "name a saved text file" in line and "does not exist" not in line
    code, _out, err = cli("lint", m, "--allow-path", "/dev")
    assert code == 1 and err.count("[file-not-a-file]") + _out.count("[file-not-a-file]") == 2


# --- an input that changes while the packet is built ---------------------------------------------

def _pdf_case(tmp_path: Path) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=3, title="Letter")
    photo(tmp_path / "exhibits" / "photo.jpg")
    (tmp_path / "statement.md").write_text("I left my home in March.\n", encoding="utf-8")
    return _case(tmp_path, _one("letter", "exhibits/letter.pdf") + _one("photo", "exhibits/photo.jpg"),
                 DECLARATION)


def _append_update(path: Path) -> None:
    with open(path, "ab") as fh:  # what Acrobat's "Save" does: an incremental update at the end
        fh.write(b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")


def _rewrite(path: Path) -> None:
    tmp = path.with_name(".rewrite.pdf")  # what most editors do: a new file renamed over the old
    text_pdf(tmp, pages=3, title="Edited letter")
    os.replace(tmp, path)


def _truncate(path: Path) -> None:
    with open(path, "r+b") as fh:  # a copy or sync tool rewriting it in place, caught halfway
        fh.truncate(path.stat().st_size // 2)


@pytest.mark.parametrize("change", [_append_update, _rewrite, _truncate])
def test_a_pdf_changed_after_it_was_hashed_is_input_changed(tmp_path, change):
    case, sources = _inspected(_pdf_case(tmp_path))
    texts = snapshot_texts(case)
    assert not case.problems.errors and check_unchanged(case, sources, texts)
    change(tmp_path / "exhibits" / "letter.pdf")
    assert not check_unchanged(case, sources, texts)
    msgs = _codes(case)["input-changed"]
    assert msgs == ["exhibits[letter].file: 'exhibits/letter.pdf' changed while the packet was being "
                    "built; nothing was written. Build again when it is no longer being edited or "
                    "downloaded"]
    with pytest.raises(CaseError) as e:
        ensure_unchanged(case, sources, texts)
    assert e.value.exit_code == 1 and any(p.code == "input-changed" for p in e.value.problems)


def test_an_edited_declaration_text_is_input_changed(tmp_path):
    case, sources = _inspected(_pdf_case(tmp_path))
    texts = snapshot_texts(case)
    ref = ("declarations", 0, "text")
    assert texts[ref].text == "I left my home in March.\n"
    (tmp_path / "statement.md").write_text("I left my home in April.\n", encoding="utf-8")
    assert not check_unchanged(case, sources, texts)
    assert [p.path for p in case.problems.items if p.code == "input-changed"] == ["declarations[decl].text"]


def test_touching_or_recopying_the_same_bytes_is_not_a_change(tmp_path):
    case, sources = _inspected(_pdf_case(tmp_path))
    texts = snapshot_texts(case)
    letter = tmp_path / "exhibits" / "letter.pdf"
    os.utime(letter, ns=(1, 1))  # the stat moves, the bytes do not
    data = (tmp_path / "statement.md").read_bytes()
    (tmp_path / ".copy").write_bytes(data)
    os.replace(tmp_path / ".copy", tmp_path / "statement.md")  # a new inode, same bytes
    assert check_unchanged(case, sources, texts)
    assert "input-changed" not in _codes(case)


def test_a_file_that_grows_while_it_is_hashed_is_input_changed(tmp_path, monkeypatch):
    """A download still arriving: the size moves between the first and last block read."""
    case_path = _pdf_case(tmp_path)
    letter = tmp_path / "exhibits" / "letter.pdf"
    real = intake_files._digest

    def growing(fh, head):
        result = real(fh, head)
        if os.fstat(fh.fileno()).st_ino == letter.stat().st_ino:
            _append_update(letter)
        return result

    monkeypatch.setattr(intake_files, "_digest", growing)
    case, sources = _inspected(case_path)
    msgs = _codes(case).get("input-changed", [])
    assert any("exhibits[letter].file" in m for m in msgs)
    assert "exhibits/letter.pdf" not in [s.relative for s in sources]


# --- the whole build: nothing is put in place when an input moved under it ------------------------

def _old_packet(tmp_path: Path, cli) -> tuple[Path, bytes, bytes]:
    m = _pdf_case(tmp_path)
    code, _out, err = cli("build", m)
    assert code == 0, err
    packet, receipt = tmp_path / "case.pdf", tmp_path / "case.receipt.json"
    return m, packet.read_bytes(), receipt.read_bytes()


@pytest.mark.parametrize("target,change", [("exhibits/letter.pdf", _append_update),
                                           ("exhibits/letter.pdf", _rewrite),
                                           ("statement.md", lambda p: p.write_text("Edited.\n"))])
def test_a_build_whose_input_changes_before_the_rename_writes_nothing(tmp_path, cli, monkeypatch,
                                                                      target, change):
    """The hook runs after the packet is staged (every page copied) and before anything is renamed."""
    from parolekit import output

    m, old_pdf, old_receipt = _old_packet(tmp_path, cli)
    (tmp_path / "statement.md").write_text("I left my home in May.\n", encoding="utf-8")  # a real rebuild
    real = output.stage_pdf

    def staged_then_changed(pdf, final):
        tmp = real(pdf, final)
        change(tmp_path / target)
        return tmp

    monkeypatch.setattr(output, "stage_pdf", staged_then_changed)
    code, _out, err = cli("build", m)
    assert code == 1, err
    assert "[input-changed]" in err and f"'{target}' changed while the packet was being built" in err
    assert (tmp_path / "case.pdf").read_bytes() == old_pdf
    assert (tmp_path / "case.receipt.json").read_bytes() == old_receipt
    assert not list(tmp_path.glob(".case*.part")), "a staged file was left behind"


def test_an_exhibit_truncated_while_its_pages_are_copied_exits_1_naming_it(tmp_path, cli, monkeypatch):
    """qpdf reads page data lazily while saving: cut the file short just before the save."""
    from parolekit import output

    text_pdf(tmp_path / "exhibits" / "big.pdf", pages=40, title="Bank statements")
    m = _case(tmp_path, _one("bank", "exhibits/big.pdf"))
    real = output.save_pdf

    def truncated_first(pdf, path, shown=None, **options):
        _truncate(tmp_path / "exhibits" / "big.pdf")
        return real(pdf, path, shown, **options)

    monkeypatch.setattr(output, "save_pdf", truncated_first)
    code, _out, err = cli("build", m)
    assert code == 1, err
    assert "[input-changed]" in err and "exhibits[bank].file" in err and "Traceback" not in err
    assert not (tmp_path / "case.pdf").exists() and not list(tmp_path.glob(".case*.part"))


def test_the_receipt_hashes_the_declaration_text_that_was_printed(tmp_path, cli):
    import hashlib
    import json

    m = _pdf_case(tmp_path)
    code, _out, err = cli("build", m)
    assert code == 0, err
    receipt = json.loads((tmp_path / "case.receipt.json").read_text())
    entry = next(i for i in receipt["inputs"] if i["key"] == "declarations[decl].text")
    assert entry["sha256"] == hashlib.sha256(b"I left my home in March.\n").hexdigest()
    assert entry["kind"] == "text"
