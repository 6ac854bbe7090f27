"""Regressions found by outside-in testing: each test is a case a user hit from the command line."""

from __future__ import annotations

import pypdf

from factory import CASE_HEAD, manifest, text_pdf


def _small_case(tmp_path):
    text_pdf(tmp_path / "ok.pdf", pages=2)
    return manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: ok\n    title: OK\n    file: ok.pdf\n")


def test_output_option_naming_a_folder_puts_the_packet_inside_it(tmp_path, cli):
    """`-o build` (an existing folder) or `-o out/` (a new one) is where the packet goes, not an error."""
    case = _small_case(tmp_path)
    (tmp_path / "build").mkdir()
    code, out, err = cli("build", case, "-o", tmp_path / "build")
    assert code == 0, err
    assert len(pypdf.PdfReader(tmp_path / "build" / "case.pdf").pages) == 5
    assert (tmp_path / "build" / "case.receipt.json").is_file()
    code, out, err = cli("build", case, "-o", f"{tmp_path / 'new'}/")
    assert code == 0, err
    assert (tmp_path / "new" / "case.pdf").is_file()
    assert out == ""


def test_output_option_not_pdf_is_not_blamed_on_the_manifest(tmp_path, cli):
    """A wrong -o is the command line's fault: the message names -o."""
    case = _small_case(tmp_path)
    code, _out, err = cli("build", case, "-o", tmp_path / "packet.txt")
    assert code == 1
    assert "'packet.txt' (-o) must end in .pdf" in err


def test_open_range_past_the_end_is_out_of_range_not_backwards(tmp_path, cli):
    """`pages: "3-"` on a 2-page file: page 3 does not exist (the old advice "write it as 2-3" was wrong)."""
    text_pdf(tmp_path / "two.pdf", pages=2)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n"
                    "    file: two.pdf\n    pages: \"3-\"\n")
    code, _out, err = cli("build", case)
    assert code == 1
    assert "[pages-out-of-range]" in err and "page 3 is out of range" in err
    assert "backwards" not in err


def test_an_empty_or_blank_title_is_called_empty_text_not_an_empty_list(tmp_path, cli):
    text_pdf(tmp_path / "two.pdf", pages=2)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: \"\"\n"
                    "    file: two.pdf\n  - id: b\n    title: \"   \"\n    file: two.pdf\n")
    code, _out, err = cli("build", case)
    assert code == 1
    assert "item" not in err
    assert "exhibits[a].title: is empty" in err and "exhibits[b].title: is empty" in err
