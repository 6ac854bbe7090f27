"""End-to-end builds, read back: pages, footers, separators, index links, bookmarks, receipt, bytes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, photo, text_pdf
from parolekit.pipeline import build_packet


def _texts(reader: PdfReader) -> list[str]:
    return [unicodedata.normalize("NFC", p.extract_text() or "") for p in reader.pages]


@pytest.fixture
def built(case_dir: Path):
    result = build_packet(case_dir / "case.yaml")
    reader = PdfReader(result.output)
    return result, reader, _texts(reader)


def test_every_page_carries_its_footer(built):
    result, reader, texts = built
    total = len(reader.pages)
    assert total == result.pages == result.plan.total
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {total}" in text, f"page {n} lacks its footer"
    for place in result.plan.exhibits.values():
        for k in range(1, place.content_pages + 1):
            page = place.first_content + k - 1
            assert f"Exhibit {place.label}, p. {k} of {place.content_pages}" in texts[page - 1]


def test_exhibit_pages_come_in_order_with_separators(built):
    result, _reader, texts = built
    letter = result.plan.exhibits["letter"]
    assert "EXHIBIT A" in texts[letter.start - 1] and "Letter from the doctor" in texts[letter.start - 1]
    for k in range(1, 4):
        assert f"Letter page {k}" in texts[letter.first_content + k - 2]


def test_index_states_the_pages_where_separators_are(built):
    result, reader, texts = built
    index_page = result.plan.sections["index"][0]
    index = texts[index_page - 1]
    flat = " ".join(index.split())
    for place in result.plan.exhibits.values():
        pages = f"{place.start}" if place.start == place.end else f"{place.start}\u2013{place.end}"
        row = re.search(rf"\b{place.label} {re.escape(place.title)} .*? (\d+(?:\u2013\d+)?)"
                        r"(?= [A-Z]{1,3} | The packet)", flat)
        assert row and row.group(1) == pages, f"index row for {place.label} says {row and row.group(1)}"
        assert f"EXHIBIT {place.label}" in texts[place.start - 1]


def test_index_rows_link_to_their_exhibits(built):
    result, reader, _ = built
    index_page = reader.pages[result.plan.sections["index"][0] - 1]
    targets = []
    for annot in index_page.get("/Annots", []):
        a = annot.get_object()
        if a.get("/Subtype") == "/Link":
            targets.append(reader.get_page_number(a["/Dest"][0].get_object()) + 1)
    assert sorted(targets) == sorted(p.start for p in result.plan.exhibits.values())


def test_bookmarks_point_at_sections_and_exhibits(built):
    result, reader, _ = built
    marks = {o.title: reader.get_destination_page_number(o) + 1 for o in reader.outline
             if not isinstance(o, list)}
    assert marks["Cover letter"] == 1
    assert marks["Index of exhibits"] == result.plan.sections["index"][0]
    for place in result.plan.exhibits.values():
        assert marks[f"Exhibit {place.label}: {place.title}"] == place.start
    assert reader.page_labels == [str(n) for n in range(1, len(reader.pages) + 1)]


def test_landscape_stays_landscape_and_photo_is_upright(built):
    result, reader, _ = built
    report = result.plan.exhibits["report"]
    for n in range(report.first_content, report.end + 1):
        page = reader.pages[n - 1]
        box = page.mediabox
        assert box.width > box.height and page.rotation == 0
    photo_page = reader.pages[result.plan.exhibits["photo"].first_content - 1]
    # Shown 300x200 px (stored sideways with EXIF 6) at 100 dpi: a 216 x 144 pt page, landscape,
    # and a footer strip of its own below it.
    x0, y0, x1, y1 = (float(v) for v in photo_page["/PKFooter"]["/Box"])
    assert (round(x1 - x0), round(y1 - y0)) == (216, 144)
    strip = float(photo_page["/PKFooter"]["/Strip"])
    assert round(float(photo_page.mediabox.height) - strip) == 144


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_photo_pixels_upright(built, tmp_path):
    from PIL import Image

    result, _, _ = built
    n = result.plan.exhibits["photo"].first_content
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(n), "-l", str(n), str(result.output),
                    str(tmp_path / "p")], check=True)
    img = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    top = sum(img.getpixel((x, 2)) for x in range(img.width)) / img.width
    middle = sum(img.getpixel((x, img.height // 2)) for x in range(img.width)) / img.width
    assert top < 80 < middle, "the dark band the factory drew at the top is not at the top"


def test_receipt_records_hashes(built, case_dir):
    result, reader, _ = built
    receipt = json.loads(result.receipt.read_text())
    assert receipt["output"]["sha256"] == hashlib.sha256(result.output.read_bytes()).hexdigest()
    assert receipt["output"]["pages"] == len(reader.pages)
    assert receipt["manifest"]["sha256"] == hashlib.sha256((case_dir / "case.yaml").read_bytes()).hexdigest()
    for item in receipt["inputs"]:
        assert item["sha256"] == hashlib.sha256((case_dir / item["path"]).read_bytes()).hexdigest()
    assert [(e["label"], e["start"], e["end"]) for e in receipt["exhibits"]] == \
        [(p.label, p.start, p.end) for p in result.plan.exhibits.values()]


def test_second_build_is_byte_identical_and_inputs_untouched(case_dir):
    before = {p: p.read_bytes() for p in case_dir.rglob("*") if p.is_file()}
    first = build_packet(case_dir / "case.yaml")
    data = first.output.read_bytes()
    first.output.unlink()
    second = build_packet(case_dir / "case.yaml")
    assert second.output.read_bytes() == data
    for p, content in before.items():
        assert p.read_bytes() == content
    assert not list(case_dir.glob(".*.part"))


def test_unicode_names_are_extractable(tmp_path):
    text_pdf(tmp_path / "a.pdf", title="Doc")
    names = ["Nguyễn Thị Hương", "Олена Коваленко", "Ελένη Παπαδοπούλου", "María José Pérez López"]
    manifest(tmp_path / "case.yaml", CASE_HEAD.replace("Test Beneficiary", names[0]) + f"""\
declarations:
  - id: decl
    declarant: {{name: {names[1]}, role: witness}}
    text: I saw what happened.
    executed: {{date: 2026-11-01, place: "Kyiv, Ukraine", in_us: false}}
exhibits:
  - id: a
    title: Letter from {names[2]} and {names[3]}
    file: a.pdf
""")
    result = build_packet(tmp_path / "case.yaml")
    texts = [" ".join(t.split()) for t in _texts(PdfReader(result.output))]
    assert names[0] in texts[0]
    assert f"DECLARATION OF {names[1].upper()}" in "".join(texts)
    index = texts[result.plan.sections["index"][0] - 1]
    assert names[2] in index and names[3] in index


def test_files_and_page_selection(tmp_path):
    text_pdf(tmp_path / "long.pdf", pages=6, title="Long")
    photo(tmp_path / "scan1.png", size=(200, 260))
    photo(tmp_path / "scan2.jpg", size=(200, 260))
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: long
    title: Selected pages
    file: long.pdf
    pages: "1-2,5"
  - id: scans
    title: Two scans
    files: [scan1.png, scan2.jpg]
""")
    result = build_packet(tmp_path / "case.yaml", tmp_path / "out" / "packet.pdf")
    assert result.output == (tmp_path / "out" / "packet.pdf").resolve()
    texts = _texts(PdfReader(result.output))
    first = result.plan.exhibits["long"].first_content
    assert ["Long page 1" in texts[first - 1], "Long page 2" in texts[first], "Long page 5" in texts[first + 1]] == [True] * 3
    assert result.plan.exhibits["scans"].content_pages == 2


def test_exhibit_bookmarks_nest_under_it_and_follow_selection(tmp_path):
    text_pdf(tmp_path / "book.pdf", pages=4, title="Book", outline=True)
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: book
    title: A book with chapters
    file: book.pdf
    pages: "2-4"
""")
    result = build_packet(tmp_path / "case.yaml")
    reader = PdfReader(result.output)
    outline = reader.outline
    i = next(k for k, o in enumerate(outline) if not isinstance(o, list) and o.title.startswith("Exhibit A"))
    children = outline[i + 1]
    assert isinstance(children, list)
    first = result.plan.exhibits["book"].first_content
    got = [(c.title, reader.get_destination_page_number(c) + 1) for c in children]
    # Section 1 (page 1) was not selected: its bookmark is gone; the others moved with their pages.
    assert got == [("Book section 2", first), ("Book section 3", first + 1), ("Book section 4", first + 2)]


def test_packet_permissions_follow_the_umask(case_dir):
    import os

    old = os.umask(0o022)
    try:
        result = build_packet(case_dir / "case.yaml")
    finally:
        os.umask(old)
    assert result.output.stat().st_mode & 0o777 == 0o644
    assert result.receipt.stat().st_mode & 0o777 == 0o644


def test_receipt_lists_text_inputs(tmp_path):
    text_pdf(tmp_path / "a.pdf", title="Doc")
    (tmp_path / "decl.md").write_text("I saw it.\n", encoding="utf-8")
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
declarations:
  - id: decl
    declarant: {name: Ana, role: witness}
    text: decl.md
    executed: {date: 2026-11-01, place: "Houston, Texas", in_us: true}
exhibits:
  - {id: a, title: A, file: a.pdf}
""")
    result = build_packet(tmp_path / "case.yaml")
    receipt = json.loads(result.receipt.read_text())
    text = [i for i in receipt["inputs"] if i["path"] == "decl.md"]
    assert text and text[0]["sha256"] == hashlib.sha256(b"I saw it.\n").hexdigest()
    assert text[0]["key"] == "declarations[decl].text"


def test_build_warns_about_what_lint_calls_a_date_error(tmp_path, cli):
    """A declaration executed after the packet date and a future event: build exits 0 but says so."""
    from factory import CASE_HEAD, manifest, text_pdf

    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=1)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
declarations:
  - id: decl
    declarant: {name: Ana Example, role: petitioner}
    text: I am the sister of the beneficiary.
    executed: {date: 2026-12-01, place: "Houston, Texas", in_us: true}
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
    date: 2027-01-05
chronology:
  - date: 2027-02-01
    event: Surgery
""")
    code, _out, err = cli("build", case)
    assert code == 0, err
    for code_name, line in (("declaration-after-packet", 18), ("document-after-packet", 23),
                            ("chronology-future", 25)):
        assert f":{line}:" in err and f"[{code_name}]" in err, (code_name, err)
    assert (tmp_path / "case.pdf").is_file()
    code, _out, _err = cli("lint", case)
    assert code == 1  # lint still fails on them


def test_signing_copies_are_the_generated_pages_without_stamps(tmp_path, cli):
    from pypdf import PdfReader

    from factory import CASE_HEAD, manifest, text_pdf

    text_pdf(tmp_path / "exhibits" / "acta.pdf", pages=1, title="Acta")
    text_pdf(tmp_path / "exhibits" / "acta-en.pdf", pages=1, title="Birth certificate")
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
declarations:
  - id: decl-ana
    declarant: {name: Ana Example, role: petitioner}
    text: I am the sister of the beneficiary.
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
exhibits:
  - id: acta
    title: Birth certificate
    file: exhibits/acta.pdf
    language: es
    translation:
      file: exhibits/acta-en.pdf
      translator: {name: Luis Example, address: "1 Main St, Houston, TX", phone: "555-0100"}
""")
    code, _out, err = cli("build", "--signing-copies", case)
    assert code == 0, err
    folder = tmp_path / "case.signing"
    assert sorted(p.name for p in folder.iterdir()) == ["A-decl-ana.declaration.pdf",
                                                      "B-acta.certificate.pdf"]
    packet_text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "case.pdf").pages)
    for name, words in (("A-decl-ana.declaration.pdf", "I am the sister of the beneficiary"),
                        ("B-acta.certificate.pdf", "Luis Example")):
        text = "\n".join(p.extract_text() for p in PdfReader(folder / name).pages)
        assert words in text and words in packet_text
        assert "Page " not in text  # the packet's footer stamp is not on a signing copy
    assert "Page " in packet_text
