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


def _files_case(tmp_path, pages):
    text_pdf(tmp_path / "two.pdf", pages=2, title="Two")
    text_pdf(tmp_path / "three.pdf", pages=3, title="Three")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n"
                    f"    files: [two.pdf, three.pdf]\n    pages: \"{pages}\"\n")


def test_pages_with_files_selects_from_the_exhibit_as_a_whole(tmp_path, cli):
    """`pages:` beside `files:` was silently ignored: every page of every file went in."""
    code, _out, err = cli("build", _files_case(tmp_path, "2-3,5"))
    assert code == 0, err
    texts = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "case.pdf").pages]
    assert len(texts) == 2 + 1 + 3  # cover, index, separator, three chosen pages
    assert ["Two page 2" in texts[3], "Three page 1" in texts[4], "Three page 3" in texts[5]] == [True] * 3
    assert "Exhibit A, p. 3 of 3" in texts[5]


def test_pages_with_files_out_of_range_or_out_of_file_order_is_refused(tmp_path, cli):
    code, _out, err = cli("build", _files_case(tmp_path, "6"))
    assert code == 1 and "[pages-out-of-range]" in err and "exhibits[a].pages" in err
    code, _out, err = cli("build", _files_case(tmp_path, "3,1"))
    assert code == 1 and "[pages-invalid]" in err and "order of `files:`" in err
    assert not (tmp_path / "case.pdf").exists()


def test_a_phone_photo_fits_on_a_sheet_of_paper(tmp_path, cli):
    """A 4032x3024 phone photo tagged 72 dpi became a 56 x 42 inch page; it now fits a letter or A4
    sheet (turned or not) and is resampled to the 300 dpi limit; small photos and letter or A4
    scans keep their size."""
    import pytest
    from factory import photo
    photo(tmp_path / "phone.jpg", size=(4032, 3024), orientation=6, dpi=72)
    photo(tmp_path / "small.jpg", size=(400, 300), dpi=200)
    photo(tmp_path / "letter.png", size=(1700, 2200), dpi=200)
    photo(tmp_path / "a4.png", size=(3508, 2480), dpi=300)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n"
                    "    files: [phone.jpg, small.jpg, letter.png, a4.png]\n")
    code, _out, err = cli("build", case)
    assert code == 0, err
    pages = pypdf.PdfReader(tmp_path / "case.pdf").pages
    w, h = (float(v) for v in pages[3].mediabox[2:])
    assert w > h and w <= 842 + 0.01 and h <= 612 + 0.01
    assert max(w / 842, h / 612) > 0.99  # fitted, not shrunk further
    assert [float(v) for v in pages[4].mediabox[2:]] == [144.0, 108.0]
    assert [float(v) for v in pages[5].mediabox[2:]] == [612.0, 792.0]  # a letter scan stays letter
    assert [float(v) for v in pages[6].mediabox[2:]] == pytest.approx([841.9, 595.3], abs=0.1)  # A4


def test_a_flowable_taller_than_a_page_is_a_case_problem_not_an_internal_error():
    """reportlab's LayoutError (one unsplittable row taller than a page) came out as "internal
    error"; the chronology and claims now split such rows, and anything left is the user's fix."""
    import pytest
    from reportlab.platypus import Paragraph, Table

    from parolekit.errors import CaseError
    from parolekit.render.doc import render
    from parolekit.render.fonts import styles

    row = Table([[Paragraph("Long entry " * 2000, styles()["body"])]])
    with pytest.raises(CaseError, match="Index of exhibits: one entry is too long.*shorten it"):
        render([row], title="Index of exhibits")


def test_a_pdf_given_as_the_manifest_is_named_a_pdf(tmp_path, cli):
    """`parolekit build packet.yaml` where the file is really a PDF said "not UTF-8 (byte 0x93)"."""
    text_pdf(tmp_path / "case.yaml", pages=1)
    code, _out, err = cli("lint", tmp_path / "case.yaml")
    assert code == 1 and "is a PDF, not a YAML manifest" in err
    code, _out, err = cli("build", tmp_path / "case.yaml")
    assert code == 1 and "is a PDF, not a YAML manifest" in err


def test_a_tab_used_for_indentation_is_named(tmp_path, cli):
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n\t- id: a\n\t  title: A\n")
    code, _out, err = cli("lint", case)
    assert code == 1
    assert ":15:1: error [yaml-syntax]" in err and "indent with spaces, not tabs" in err


def test_forms_for_different_beneficiaries_have_telling_bookmarks(tmp_path, cli):
    """Two `Form I-131` bookmarks for two beneficiaries could not be told apart in the viewer."""
    text_pdf(tmp_path / "i131.pdf", pages=1)
    text_pdf(tmp_path / "ok.pdf", pages=1)
    head = CASE_HEAD.replace("  recipient:", "    - name: Second Person\n  recipient:")
    case = manifest(tmp_path / "case.yaml", head + "forms:\n  - name: I-131\n    file: i131.pdf\n"
                    "    beneficiary: 1\n  - name: I-131\n    file: i131.pdf\n    beneficiary: 2\n"
                    "  - name: I-134\n    file: i131.pdf\n"
                    "exhibits:\n  - id: a\n    title: A\n    file: ok.pdf\n")
    code, _out, err = cli("build", case)
    assert code == 0, err
    titles = [b.title for b in pypdf.PdfReader(tmp_path / "case.pdf").outline if not isinstance(b, list)]
    assert titles[1:4] == ["Form I-131 (Test Beneficiary)", "Form I-131 (Second Person)", "Form I-134"]


def test_a_file_name_in_another_unicode_normal_form_is_found(tmp_path, cli):
    """macOS (and zips made there) store 'é' decomposed (NFD); the manifest typed on any keyboard
    has it composed (NFC). The two look identical, so "'carta de Pérez.pdf' does not exist" was
    a riddle; the file is the same name to macOS and is used."""
    import unicodedata
    text_pdf(tmp_path / unicodedata.normalize("NFD", "carta de Pérez.pdf"), pages=1)
    (tmp_path / unicodedata.normalize("NFD", "declaración.md")).write_text("I state this.\n")
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "declarations:\n  - id: d\n"
                    "    declarant: {name: Test Beneficiary, role: beneficiary}\n"
                    f"    text: {unicodedata.normalize('NFC', 'declaración.md')}\n"
                    "    executed: {date: 2026-11-01, place: \"Houston, Texas\", in_us: true}\n"
                    "exhibits:\n  - id: a\n    title: A\n"
                    f"    file: {unicodedata.normalize('NFC', 'carta de Pérez.pdf')}\n")
    code, _out, err = cli("build", case)
    assert code == 0, err
    texts = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "case.pdf").pages]
    assert any("I state this." in t for t in texts) and "Document page 1" in texts[-1]


def test_a_missing_file_suggests_the_near_name_in_its_folder(tmp_path, cli):
    """'exhibits/Passport.PDF' built on a Mac; on Linux (or CI) only 'passport.pdf' exists."""
    text_pdf(tmp_path / "exhibits" / "passport.pdf", pages=1)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n"
                    "    file: exhibits/Passport.PDF\n")
    code, _out, err = cli("build", case)
    assert code == 1 and "[file-missing]" in err
    assert "does not exist (did you mean 'exhibits/passport.pdf'?); check" in err


def test_password_env_unset_is_no_problem_when_the_pdf_needs_no_password(tmp_path, cli, monkeypatch):
    """The spec's example names `password_env:`; a clinic that since saved a decrypted copy (or
    builds where the secret is not needed) was refused: "needs the password in $X"."""
    import pikepdf
    monkeypatch.delenv("PK_REGRESSION_UNSET", raising=False)
    text_pdf(tmp_path / "plain.pdf", pages=1)
    text_pdf(tmp_path / "locked-src.pdf", pages=1)
    with pikepdf.open(tmp_path / "locked-src.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="right", owner="o"))
    body = CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n    file: {}\n    password_env: PK_REGRESSION_UNSET\n"
    code, _out, err = cli("build", manifest(tmp_path / "case.yaml", body.format("plain.pdf")))
    assert code == 0, err
    code, _out, err = cli("build", manifest(tmp_path / "locked.yaml", body.format("locked.pdf")))
    assert code == 1 and "[file-password-missing]" in err and "PK_REGRESSION_UNSET" in err


def test_the_cover_letter_gives_a_long_section_its_page_range(tmp_path, cli):
    """Forms were listed as "pages 2–3" but an eight-page chronology as "page 11"."""
    text_pdf(tmp_path / "ok.pdf", pages=1)
    events = "".join(f"  - date: 2025-01-{1 + k % 28:02d}\n    event: Event {k} {'words ' * 30}\n"
                     "    exhibits: [a]\n" for k in range(60))
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n"
                    f"    file: ok.pdf\nchronology:\n{events}")
    code, _out, err = cli("build", case)
    assert code == 0, err
    reader = pypdf.PdfReader(tmp_path / "case.pdf")
    marks = {b.title: reader.get_destination_page_number(b) + 1 for b in reader.outline
             if not isinstance(b, list)}
    start, end = marks["Chronology"], marks["Exhibit A: A"] - 1
    assert end > start
    flat = " ".join(reader.pages[0].extract_text().split())
    assert f"A chronology of events (pages {start}\u2013{end})" in flat
    assert f"An index of exhibits (page {marks['Index of exhibits']})" in flat


def test_the_spec_examples_placeholders_are_flagged(tmp_path, cli):
    """Copying the spec's example gives `address: "..."`, which would print as "Address: ..." under
    the translator's name: build warns (the example must still build), `lint --strict` fails."""
    text_pdf(tmp_path / "es.pdf", pages=1)
    text_pdf(tmp_path / "en.pdf", pages=1)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: a\n    title: A\n"
                    "    file: es.pdf\n    language: es\n    translation:\n      file: en.pdf\n"
                    "      translator: {name: Luis Ortega, address: \"...\", phone: \"...\"}\n")
    code, _out, err = cli("build", case)
    assert code == 0 and err.count("warning [placeholder-value]") == 2, err
    assert "exhibits[a].translation.translator.address: '...' is a placeholder" in err
    code, _out, _err = cli("lint", "--strict", case)
    assert code == 1


def test_a_one_line_declaration_ending_in_a_file_name_is_told_how_to_be_text(tmp_path, cli):
    """"... in a file called results.txt" is read as a path (one line ending in .txt); the error
    now says how to keep it as the declaration's text."""
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "declarations:\n  - id: d\n"
                    "    declarant: {name: Test Beneficiary, role: beneficiary}\n"
                    "    text: My doctor sent the results in a file called results.txt\n"
                    "    executed: {date: 2026-11-01, place: \"Houston, Texas\", in_us: true}\n"
                    "exhibits: []\n")
    code, _out, err = cli("build", case)
    assert code == 1 and "[file-missing]" in err and "text: |" in err
    block = case.read_text().replace("    text: My doctor", "    text: |\n      My doctor")
    code, _out, err = cli("build", manifest(tmp_path / "block.yaml", block))
    assert code == 0, err
    texts = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "block.pdf").pages]
    assert any("called results.txt" in t for t in texts)
