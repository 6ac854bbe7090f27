"""Every real-world corpus file as an exhibit: it builds with every page intact, or fails clearly.

Run `pytest tests/test_corpus.py -s` to see the outcome table (file, outcome, pages).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, shows_whole
from parolekit.stamp import visible_box

EXHIBIT = "corpus-exhibit"
PASSWORDS = {"enc-user-pw_rc4-128_libreoffice.pdf": "openpassword",
             "enc-user-pw_aes-256_acrobat-xi.pdf": "view"}

# file -> source pages when it must build, or the problem code when it must be refused.
EXPECTED: dict[str, int | str] = {
    "acroform-js-incremental_irs-f1040nr.pdf": 5,
    # 31 frames: a page shows one still picture, and which frame is the evidence is not ours to pick.
    "animated-transparent_31-frames.gif": "image-animated",
    "annotations_text-highlight-ink.pdf": 1,
    "arabic_rotate-90-180-270-360.pdf": 4,
    "boxes_rotations_mediabox-offset_cropbox.pdf": 8,
    # The page tree is gone (trailer without /Root, object 172 missing): page order is unknowable.
    "broken-trailer-no-root_unreadablemetadata.pdf": "file-corrupt",
    # xref rebuilt, but the page's content stream was mangled (saved as text): it would print blank.
    "broken-xref-offset_cairo-diagram.pdf": "file-corrupt",
    "ccitt_kodak-capture_bad-outline.pdf": 1,
    "cjk_japanese_jo.pdf": 1,
    "cmyk-adobe.jpg": 1,
    "cyrillic_kompas3d-drawing.pdf": 1,
    "doc-level-javascript_autoprint.pdf": 1,
    "embedded-file-attachment.pdf": 1,
    "enc-owner-only_aes-256_acrobat-xi.pdf": 30,
    "enc-owner-only_rc4-40_linearized_dmca.pdf": 18,
    "enc-user-pw_aes-256_acrobat-xi.pdf": 30,
    "enc-user-pw_rc4-128_libreoffice.pdf": 1,
    "exif-orientation-6.jpg": 1,
    "header-only-no-body.pdf": "file-corrupt",
    "huge-page-8400pt_ccitt-35000px.pdf": 1,
    "iphone-portrait_pug.heic": 1,
    "jbig2-with-globals.pdf": 1,
    "legal-mediabox-cropbox_linearized_attachment_irs-i1040nr.pdf": 50,
    "mixed-page-sizes_6-pages.pdf": 6,
    "multipage-g4-fax_3-pages.tiff": 3,
    "not-a-pdf_jpeg-photo.pdf": "file-wrong-type",
    "not-a-pdf_plain-text.pdf": "file-wrong-type",
    "openaction-javascript-print.pdf": 1,
    "palette-trns.png": 1,
    "pdf20_incremental-update.pdf": 1,
    "pdf20_junk-before-header.pdf": 1,
    "pdf20_simple.pdf": 1,
    "rgba-16bit_pngsuite-basn6a16.png": 1,
    "rgba-alpha.png": 1,
    "scan-jbig2_rotate-90_linearized.pdf": 1,
    "scan-jpeg-only_huckfinn-p22.pdf": 1,
    "sicp_894-pages_outline_objstm.pdf": 894,
    "tiny-pages_144x18pt.pdf": 3,
    # Pillow cut the file: the bottom of the photo is missing, so it is refused, not half-printed.
    "truncated-jpeg_pixel6-ultrahdr.jpg": "file-corrupt",
    "truncated-trailer_no-startxref.pdf": 1,  # repaired on reading, with a warning
    "type3-fonts_google-docs.pdf": 1,
    "xfa-acroform_owner-aes-128_dd0293.pdf": 4,
    "zero-pages.pdf": "file-no-pages",
}
# What the user is told to do, per refusal.
REMEDY = {"file-corrupt": r"(download|export|re-scan)", "file-wrong-type": r"(rename|give a PDF)",
          "file-no-pages": r"re-export or replace", "file-encrypted": r"password_env",
          "file-password-wrong": r"check the password", "file-password-missing": r"export ",
          "image-animated": r"31 frames.*export the frame\(s\) that show the evidence as PNG or PDF"}
REPAIRED = {"truncated-trailer_no-startxref.pdf"}
TEXT_SAMPLE = 40  # on long files, compare the text of every 40th page (pypdf is slow on 894 pages)
_STAMP = re.compile(rb"^((?:Exhibit ([A-Z]+)(?:, p\. (\d+) of (\d+))?   \|   )?Page (\d+) of (\d+))")
_SHOWN = re.compile(rb"\(((?:[^()\\]|\\.)*)\) Tj")

_table: list[tuple[str, str, str]] = []


@pytest.fixture(scope="module", autouse=True)
def _outcome_table():
    yield
    if _table:
        width = max(len(r[0]) for r in _table)
        print("\n" + "\n".join(f"{f:<{width}}  {o:<28}  {p}" for f, o, p in sorted(_table)))


def _case(tmp_path: Path, corpus: Path, name: str, password_env: str | None = None) -> Path:
    link = tmp_path / "exhibits" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(corpus / name)
    extra = f"    password_env: {password_env}\n" if password_env else ""
    return manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: {EXHIBIT}
    title: Corpus file {name}
    file: exhibits/{name}
{extra}""")


def _stamps(pdf: pikepdf.Pdf) -> list[tuple]:
    """The footer each page carries, read from its last content stream (our stamp)."""
    out = []
    for page in pdf.pages:
        contents = page.obj.Contents
        last = contents[-1] if isinstance(contents, pikepdf.Array) else contents
        # A footer stacked on a tiny page shows its parts as separate lines: rejoin them.
        shown = b"   |   ".join(_SHOWN.findall(last.read_bytes()))
        m = _STAMP.search(shown)
        out.append(m.groups()[1:] if m else None)
    return out


def qpdf_check(path: Path) -> int | None:
    """`qpdf --check` exit status (0 clean, 3 warnings, 2 errors); None where qpdf is missing."""
    if shutil.which("qpdf") is None:
        return None
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True,
                         errors="replace")
    if run.returncode not in (0, 3):
        print(run.stdout[-2000:], run.stderr[-2000:])
    return run.returncode


def _words(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _plain_source(path: Path, password: str) -> PdfReader:
    """The source decrypted in memory, for pypdf (which may not know every cipher)."""
    buf = io.BytesIO()
    with pikepdf.open(path, password=password) as pdf:
        pdf.save(buf)
    return PdfReader(buf)


def _no_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".pdf", ".part", ".json")
                  and p.parent == folder)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_as_exhibit(name, corpus, tmp_path, cli, monkeypatch):
    source = corpus / name
    assert source.is_file(), f"corpus file {name} is missing"
    password = PASSWORDS.get(name, "")
    if password:
        monkeypatch.setenv("PK_CORPUS_PASSWORD", password)
    case = _case(tmp_path, corpus, name, "PK_CORPUS_PASSWORD" if password else None)
    code, _out, err = cli("build", case, "--allow-path", corpus)
    assert "Traceback" not in err
    expected = EXPECTED[name]

    if isinstance(expected, str):  # refused: exit 1, the exhibit, the file and the fix named
        assert code == 1, err
        assert f"[{expected}]" in err, err
        assert f"exhibits[{EXHIBIT}].file" in err and name in err, err
        assert re.search(REMEDY[expected], err), err
        assert _no_leftovers(tmp_path) == [], "a failed build left files behind"
        _table.append((name, f"refused: {expected}", "-"))
        return

    assert code == 0, err
    packet = tmp_path / "case.pdf"
    assert qpdf_check(packet) in (0, None)
    if name in REPAIRED:
        assert "[file-repaired]" in err and name in err
    with pikepdf.open(packet) as pdf:
        total = len(pdf.pages)
        stamps = _stamps(pdf)
        # Every page says "Page n of total", in order; the exhibit's pages say "Exhibit A, p. k of n".
        assert [(s[3], s[4]) if s else None for s in stamps] == \
            [(str(n).encode(), str(total).encode()) for n in range(1, total + 1)]
        content = [i for i, s in enumerate(stamps) if s[0] == b"A" and s[1] is not None]
        assert len(content) == expected
        assert [int(stamps[i][1]) for i in content] == list(range(1, expected + 1))
        assert all(int(stamps[i][2]) == expected for i in content)
        first = content[0]
        if source.suffix == ".pdf":
            with pikepdf.open(source, password=password) as src:
                for k, (spage, ppage) in enumerate(zip(src.pages, pdf.pages[first:first + expected])):
                    # Orientation is kept and all the page showed is still on it (offset boxes
                    # included): the packet page is that box plus a footer strip below it.
                    rotate = int(spage.obj.get("/Rotate", 0)) % 360
                    assert rotate == int(ppage.obj.get("/Rotate", 0)) % 360, f"page {k + 1} rotation"
                    shown = visible_box(spage.obj.MediaBox, spage.obj.get("/CropBox"))
                    assert shows_whole(ppage, shown, rotate), f"page {k + 1} lost part of its box"

        else:  # an image: every page draws an image, upright page size from the photo
            for ppage in pdf.pages[first:first + expected]:
                assert "/Im0" in ppage.obj.Resources.XObject
    if source.suffix == ".pdf":
        src_reader = _plain_source(source, password)
        out_reader = PdfReader(packet)
        step = TEXT_SAMPLE if expected > 100 else 1
        compared = 0
        for k in range(0, expected, step):
            before = _words(src_reader.pages[k].extract_text())
            if not before:
                continue
            after = _words(out_reader.pages[first + k].extract_text())
            assert before in after, f"page {k + 1}: the source's text did not survive"
            compared += 1
        _table.append((name, "built" + (" (repaired)" if name in REPAIRED else ""),
                       f"{expected} of {expected} pages; packet {total}; text compared on {compared}"))
    else:
        _table.append((name, "built (image)", f"{expected} of {expected} pages; packet {total}"))


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_user_password_files_need_their_password(name, corpus, tmp_path, cli, monkeypatch):
    # No password_env at all: the message says how to give one.
    case = _case(tmp_path, corpus, name)
    code, _out, err = cli("build", case, "--allow-path", corpus)
    assert code == 1 and "[file-encrypted]" in err and f"exhibits[{EXHIBIT}].file" in err
    assert "password_env" in err and "Traceback" not in err
    assert not (tmp_path / "case.pdf").exists()


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_user_password_wrong_or_unset(name, corpus, tmp_path, cli, monkeypatch):
    case = _case(tmp_path, corpus, name, "PK_CORPUS_PASSWORD")
    monkeypatch.delenv("PK_CORPUS_PASSWORD", raising=False)
    code, _out, err = cli("build", case, "--allow-path", corpus)
    assert code == 1 and "[file-password-missing]" in err and "PK_CORPUS_PASSWORD" in err
    monkeypatch.setenv("PK_CORPUS_PASSWORD", "not-the-password")
    code, _out, err = cli("build", case, "--allow-path", corpus)
    assert code == 1 and "[file-password-wrong]" in err and name in err
    assert "not-the-password" not in err  # a secret is never echoed
    assert not (tmp_path / "case.pdf").exists()


def test_every_corpus_file_has_an_expected_outcome(corpus):
    present = {p.name for p in corpus.iterdir() if p.name != "CORPUS.md"}
    assert present == set(EXPECTED), "update EXPECTED for new or removed corpus files"


@pytest.mark.parametrize("content, says", [
    (b"<!DOCTYPE html>\n<html><head><title>Sign in</title>", "a web page (HTML)"),
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "Office document (.docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Microsoft Office document (.doc"),
    (b"{\\rtf1\\ansi Hello}", "Rich Text (RTF)"),
])
def test_documents_saved_under_a_pdf_name_are_named(tmp_path, cli, content, says):
    """The usual mistakes: a sign-in page, a Word file or an RTF saved as statement.pdf."""
    (tmp_path / "exhibits").mkdir()
    (tmp_path / "exhibits" / "statement.pdf").write_bytes(content)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: {EXHIBIT}
    title: Bank statement
    file: exhibits/statement.pdf
""")
    code, _out, err = cli("build", case)
    assert code == 1 and "[file-wrong-type]" in err and "Traceback" not in err
    assert f"exhibits[{EXHIBIT}].file" in err and "this .pdf file" in err and says in err
    assert "statement.pdf" in err


@pytest.mark.parametrize("name, pages", [("acroform-js-incremental_irs-f1040nr.pdf", 5),
                                         ("enc-owner-only_rc4-40_linearized_dmca.pdf", 18)])
def test_broken_cross_reference_is_rebuilt(name, pages, corpus, tmp_path, cli):
    """The last startxref points into nowhere (a bad edit, a mangled transfer): qpdf rebuilds the
    table from the objects, the file builds whole, and the user is told it was repaired."""
    data = (corpus / name).read_bytes()
    last = list(re.finditer(rb"startxref\s+(\d+)", data))[-1]
    broken = data[:last.start(1)] + str(int(last.group(1)) + 7).encode() + data[last.end(1):]
    (tmp_path / "exhibits").mkdir()
    (tmp_path / "exhibits" / name).write_bytes(broken)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: {EXHIBIT}
    title: Rebuilt
    file: exhibits/{name}
""")
    code, _out, err = cli("build", case)
    assert code == 0, err
    assert "[file-repaired]" in err and name in err
    out = PdfReader(tmp_path / "case.pdf")
    src = PdfReader(corpus / name)
    first = len(out.pages) - pages
    for k in range(pages):
        before = _words(src.pages[k].extract_text())
        assert before in _words(out.pages[first + k].extract_text())
    assert qpdf_check(tmp_path / "case.pdf") in (0, None)
