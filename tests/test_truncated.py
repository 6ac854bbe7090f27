"""A PDF cut off mid-download is refused (file-truncated) naming its lost pages, never filed as blank
pages; a repair that loses nothing stays a warning; `pages:` can leave the lost pages out."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from factory import CASE_HEAD, manifest, text_pdf
from parolekit.intake import pdf as intake_pdf
from parolekit.intake import inspect_sources
from parolekit.manifest import load_case
from parolekit.pagecheck import lost_pages
from parolekit.validate import check_case

FIX = "download or copy it again; or leave those pages out with `pages:`"


def records_pdf(path: Path, pages: int = 10, images_from: int = 5, fonts_inline: bool = True) -> bytes:
    """Page k says "Record page k"; pages from *images_from* on also show a photo (a noise image,
    so its data does not compress away). Saved by qpdf without object streams, so objects follow
    the pages in order and a cut loses the later pages' content and images.

    qpdf writes shared objects breadth first: a font that is an object of its own lands at the
    very end, after every image. *fonts_inline* writes the fonts into the page resources instead,
    so they sit near the start, before any cut these tests make.
    """
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792), invariant=1)
    for k in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(54, 720, f"Record page {k}")
        if k >= images_from:
            c.drawImage(ImageReader(Image.effect_noise((200, 150), 40 + k).convert("RGB")), 54, 300, 300, 225)
        c.showPage()
    c.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    if fonts_inline:
        for page in pdf.pages:
            fonts = page.obj.Resources.Font
            for name in list(fonts.keys()):
                fonts[name] = pikepdf.Dictionary({k: v for k, v in fonts[name].items()})
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = out.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def offset_of(data: bytes, num: int) -> int:
    m = re.search(rb"(?<![0-9])%d 0 obj" % num, data)
    assert m, num
    return m.start()


def image_offset(data: bytes, page: int) -> int:
    """Where page *page*'s (1-based) image object starts in the file."""
    pdf = pikepdf.open(io.BytesIO(data))
    xobjects = pdf.pages[page - 1].obj.Resources.XObject
    (image,) = [xobjects[k] for k in xobjects.keys()]
    return offset_of(data, image.objgen[0])


def cut_in_page_7(path: Path) -> bytes:
    """A 10-page records file cut off in the middle of page 7's photo: pages 7-10 are lost."""
    data = records_pdf(path)
    cut = data[:image_offset(data, 7) + 2000]
    path.write_bytes(cut)
    return cut


def case_with(folder: Path, file: str = "exhibits/records.pdf", pages: str = "") -> Path:
    return manifest(folder / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: records
    title: Hospital records
    file: {file}
""" + (f"    pages: \"{pages}\"\n" if pages else ""))


def packet_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def error_line(err: str, code: str) -> str:
    lines = [line for line in err.splitlines() if f"[{code}]" in line]
    assert len(lines) == 1, err
    return lines[0]


# --- what a cut file looks like after qpdf's repair -----------------------------------------------

def test_objects_past_the_cut_read_as_null_and_the_page_keeps_the_key(tmp_path):
    """What the detection rests on: qpdf rebuilds the xref from what is left; a page's
    `/Contents 25 0 R` to an object past the cut reads as null, and the key is still listed by
    items() (keys() and `in` leave it out, as they do any null)."""
    cut = cut_in_page_7(tmp_path / "records.pdf")
    pdf = pikepdf.open(io.BytesIO(cut))
    warnings = [str(w) for w in pdf.get_warnings()]
    assert any("reconstruct cross-reference table" in w for w in warnings)
    page9 = pdf.pages[8].obj
    assert "/Contents" not in page9 and dict(page9.items())["/Contents"] is None
    page7 = pdf.pages[6].obj
    assert isinstance(page7.Contents, pikepdf.Stream)  # its drawing instructions survived
    assert list(dict(page7.Resources.XObject.items()).values()) == [None]  # its photo did not
    assert lost_pages(pdf, list(range(10)), warnings) == ([6, 7, 8, 9], "page 7: image or drawing missing")


# --- refused ---------------------------------------------------------------------------------------

def test_a_file_cut_off_mid_download_is_refused_naming_its_lost_pages(tmp_path, cli):
    cut_in_page_7(tmp_path / "exhibits" / "records.pdf")
    code, _out, err = cli("build", case_with(tmp_path))
    assert code == 1, err
    line = error_line(err, "file-truncated")
    assert "exhibits[records].file" in line and "'exhibits/records.pdf'" in line
    assert "pages 7-10 lost what they draw" in line and "would print blank" in line
    assert line.rstrip().endswith(FIX)
    assert "Traceback" not in err
    assert not (tmp_path / "case.pdf").exists() and not list(tmp_path.glob("*.pdf"))


def test_lint_refuses_the_cut_file_too(tmp_path, cli):
    cut_in_page_7(tmp_path / "exhibits" / "records.pdf")
    code, out, err = cli("lint", "-f", "text", case_with(tmp_path))
    assert code == 1
    assert "[file-truncated]" in out + err and "pages 7-10" in out + err


def test_only_the_selected_lost_pages_are_named_compacted(tmp_path, cli):
    cut_in_page_7(tmp_path / "exhibits" / "records.pdf")
    code, _out, err = cli("build", case_with(tmp_path, pages="1-2, 7, 9-10"))
    assert code == 1
    line = error_line(err, "file-truncated")
    assert "pages 7, 9-10 lost" in line and "pages 7-10" not in line


def test_fonts_past_the_cut_refuse_every_page_that_sets_text_in_them(tmp_path, cli):
    """Observed: qpdf writes shared fonts last, after every image; a file cut at 99% keeps every
    page's content and all but the last photo, yet no page has its font and poppler prints
    nothing of the text ("Unknown font tag"). Every page is lost, not just page 10."""
    path = tmp_path / "exhibits" / "records.pdf"
    data = records_pdf(path, fonts_inline=False)
    path.write_bytes(data[:int(len(data) * 0.99)])
    assert "Record page" not in subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                               text=True).stdout
    code, _out, err = cli("build", case_with(tmp_path))
    assert code == 1
    line = error_line(err, "file-truncated")
    assert "pages 1-10 lost" in line and "font F1 missing" in line


def hand_written_pdf(pages: int) -> tuple[bytes, list[int]]:
    """A PDF written object by object: the page tree, the pages, their text, and last each page's
    own resources (its font); returns the bytes and where each page's resources start."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               2: b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
                   pages, b" ".join(b"%d 0 R" % (3 + k) for k in range(pages)))}
    for k in range(pages):
        text = b"BT /F1 18 Tf 72 700 Td (Record page %d) Tj ET" % (k + 1)
        objects[3 + k] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R " \
                         b"/Resources %d 0 R >>" % (3 + pages + k, 3 + 2 * pages + k)
        objects[3 + pages + k] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
        objects[3 + 2 * pages + k] = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 " \
                                     b"/BaseFont /Helvetica >> >> >>"
    out = bytearray(b"%PDF-1.4\n")
    starts = {}
    for num in sorted(objects):
        starts[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objects[num])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % starts[num] for num in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out), [starts[3 + 2 * pages + k] for k in range(pages)]


def test_a_page_whose_resources_were_cut_off_is_lost(tmp_path, cli):
    """Observed on the corpus's annotations file cut at 65%: qpdf replaces a page's lost
    /Resources with an empty dictionary ("Resources is missing or invalid; repairing"), so the
    font its text is set in is simply not there, and poppler prints the page without its text."""
    path = tmp_path / "exhibits" / "records.pdf"
    data, resources = hand_written_pdf(4)
    assert pikepdf.open(io.BytesIO(data)).get_warnings() == []
    path.parent.mkdir(parents=True)
    path.write_bytes(data[:resources[2] + 10])  # pages 1-2 keep theirs; 3 and 4 lose them
    pdf = pikepdf.open(path)
    assert any("Resources is missing or invalid" in str(w) for w in pdf.get_warnings())
    assert "Record page 3" not in subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                                 text=True).stdout
    code, _out, err = cli("build", case_with(tmp_path))
    assert code == 1
    assert "pages 3-4 lost what they draw (page 3: font F1 missing)" in error_line(err, "file-truncated")
    code, _out, err = cli("build", case_with(tmp_path, pages="1-2"))
    assert code == 0, err
    text = packet_text(tmp_path / "case.pdf")
    assert "Record page 1" in text and "Record page 2" in text


def test_pages_lost_from_the_page_tree_refuse_the_file_whatever_the_selection(tmp_path, cli):
    """Cut among the page objects themselves: qpdf leaves the lost pages out of the tree and the
    file comes back shorter (2 pages of 10). `pages:` cannot leave out what is not there."""
    path = tmp_path / "exhibits" / "records.pdf"
    data = records_pdf(path)
    pdf = pikepdf.open(io.BytesIO(data))
    third = pdf.pages[2].obj.objgen[0]
    path.write_bytes(data[:offset_of(data, third) + 20])
    assert len(pikepdf.open(path).pages) == 2
    code, _out, err = cli("build", case_with(tmp_path, pages="1-2"))
    assert code == 1
    line = error_line(err, "file-truncated")
    assert "exhibits[records].file" in line and "8 of its pages are gone altogether" in line
    assert line.rstrip().endswith("download or copy it again")
    assert not (tmp_path / "case.pdf").exists()


def test_an_image_whose_data_cannot_be_read_in_a_repaired_file(tmp_path):
    """Not cut, but damaged in place: page 6's photo is no longer zlib data, and the xref is
    broken so the file is repaired on reading."""
    path = tmp_path / "exhibits" / "records.pdf"
    data = records_pdf(path)
    start = image_offset(data, 6)
    body = data.index(b"stream\n", start) + len(b"stream\n")
    broken = bytearray(data[:body] + b"\x00not zlib data\xff" * 16 + data[body + 16 * 15:])
    broken = bytes(broken).replace(b"startxref\n", b"startxref\n9")  # an offset past the end
    path.write_bytes(broken)
    case = load_case(case_with(tmp_path))
    check_case(case)
    assert inspect_sources(case) == []
    (msg,) = [p.message for p in case.problems.items if p.code == "file-truncated"]
    assert "page 6 lost what it draws (page 6: image unreadable)" in msg


# --- accepted ----------------------------------------------------------------------------------------

def test_pages_that_leave_the_lost_ones_out_build_with_their_text(tmp_path, cli):
    cut_in_page_7(tmp_path / "exhibits" / "records.pdf")
    code, _out, err = cli("build", case_with(tmp_path, pages="1-6"))
    assert code == 0, err
    assert "[file-truncated]" not in err and "[file-repaired]" in err
    text = packet_text(tmp_path / "case.pdf")
    for k in range(1, 7):
        assert f"Record page {k}" in text
    assert "Record page 7" not in text
    with pikepdf.open(tmp_path / "case.pdf") as packet:
        # The kept photos came along whole (pages 5 and 6 of the exhibit).
        images = [img for page in packet.pages
                  for img in (page.obj.Resources.get("/XObject") or {}).values()
                  if isinstance(img, pikepdf.Stream) and img.get("/Subtype") == pikepdf.Name.Image]
        assert len([img for img in images if int(img.Width) == 200]) >= 2


def test_files_exhibit_whose_pages_leave_the_lost_ones_out_builds(tmp_path, cli):
    """`pages:` beside `files:` counts across the files: the lost pages of the second file
    (its 7-10, run pages 9-12) are left out, so it is accepted."""
    text_pdf(tmp_path / "exhibits" / "intro.pdf", pages=2, title="Intro")
    cut_in_page_7(tmp_path / "exhibits" / "records.pdf")
    m = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: records
    title: Hospital records
    files: [exhibits/intro.pdf, exhibits/records.pdf]
    pages: "1-8"
""")
    code, _out, err = cli("build", m)
    assert code == 0, err
    text = packet_text(tmp_path / "case.pdf")
    assert "Intro page 2" in text and "Record page 6" in text and "Record page 7" not in text
    m.write_text(m.read_text().replace('"1-8"', '"1-9"'))
    code, _out, err = cli("build", m)
    assert code == 1 and "exhibits[records].files[#2]" in error_line(err, "file-truncated")
    assert "page 7 lost what it draws" in err


@pytest.mark.parametrize("damage", ["garbage-appended", "xref-offset-wrong"])
def test_a_repair_that_loses_nothing_stays_a_warning(tmp_path, cli, damage):
    path = tmp_path / "exhibits" / "records.pdf"
    data = records_pdf(path, fonts_inline=False)
    if damage == "garbage-appended":  # a download tool that wrote past the end
        data = data + b"\x00\x17partial chunk " * 200
    else:  # startxref points 37 bytes short of the xref table
        data = re.sub(rb"startxref\n(\d+)", lambda m: b"startxref\n%d" % (int(m[1]) - 37), data)
    path.write_bytes(data)
    assert pikepdf.open(path).get_warnings()
    code, _out, err = cli("build", case_with(tmp_path))
    assert code == 0, err
    assert "[file-repaired]" in err and "[file-truncated]" not in err
    text = packet_text(tmp_path / "case.pdf")
    for k in range(1, 11):
        assert f"Record page {k}" in text


def test_a_blank_page_is_not_a_lost_page_in_a_repaired_file(tmp_path, cli):
    """A page with no /Contents at all, or an empty content stream, is blank on purpose."""
    path = tmp_path / "exhibits" / "records.pdf"
    data = records_pdf(path, pages=3, images_from=9)
    pdf = pikepdf.open(io.BytesIO(data))
    pdf.add_blank_page(page_size=(612, 792))
    blank = pdf.add_blank_page(page_size=(612, 792))
    blank.obj.Contents = pikepdf.Stream(pdf, b"")
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    path.write_bytes(out.getvalue() + b"\x00 trailing junk" * 100)
    code, _out, err = cli("build", case_with(tmp_path))
    assert code == 0, err
    assert "[file-repaired]" in err and "[file-truncated]" not in err
    with pikepdf.open(tmp_path / "case.pdf") as packet:
        receipt_pages = len(packet.pages)
    assert receipt_pages >= 5


def test_a_healthy_file_is_not_inspected_page_by_page(tmp_path, monkeypatch):
    """The check runs only when qpdf repaired the file: healthy files cost nothing extra."""
    records_pdf(tmp_path / "exhibits" / "records.pdf")

    def never(*args):
        raise AssertionError("lost_pages ran on a healthy file")

    monkeypatch.setattr(intake_pdf, "lost_pages", never)
    case = load_case(case_with(tmp_path))
    check_case(case)
    assert [s.relative for s in inspect_sources(case)] == ["exhibits/records.pdf"]
    assert not case.problems.items
