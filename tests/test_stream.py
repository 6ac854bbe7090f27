"""Large packets stream their inputs' pages at write time: the same packet content, bounded memory."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, text_pdf
from test_tagging import tagged_pdf

from parolekit import assemble, hashing
from parolekit.pipeline import build_packet


def _case(tmp_path: Path) -> Path:
    ex = tmp_path / "exhibits"
    text_pdf(ex / "letter.pdf", pages=3, title="Letter", outline=True)
    text_pdf(ex / "report.pdf", pages=4, size="a4", title="Report", rotate=90)
    text_pdf(ex / "scan.pdf", pages=2, title="Scan")
    # A page with a link: the sanitizer rewrites it, so this file is merged in memory.
    pdf = pikepdf.open(text_pdf(ex / "linked.pdf", pages=2, title="Linked"), allow_overwriting_input=True)
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 10, 50, 50],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))))]))
    pdf.save(ex / "linked.pdf")
    tagged_pdf(ex / "tagged.pdf")  # kept open over the merge for its tags; the bare inputs are not
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
output:
  bates_prefix: ST
exhibits:
  - {id: letter, title: Letter of support, file: exhibits/letter.pdf}
  - {id: report, title: Country report, file: exhibits/report.pdf, pages: "2-4,1"}
  - {id: scan, title: Scanned record, file: exhibits/scan.pdf}
  - {id: linked, title: Web page, file: exhibits/linked.pdf}
  - {id: tagged, title: Tagged report, file: exhibits/tagged.pdf}
claims:
  - claim: The record shows it
    exhibits: [letter, scan]
""")


def _content(path: Path) -> list:
    """Everything a reader sees, object numbering aside: pages, bookmarks, links, labels."""
    with pikepdf.open(path) as pdf:
        pages = list(pdf.pages)
        index = {p.obj.objgen: i for i, p in enumerate(pages)}
        seen = []
        for p in pages:
            contents = p.obj.Contents
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            annots = [(str(a.get("/Subtype")), repr(a.get("/A")), index.get(a.Dest[0].objgen) if "/Dest" in a else None)
                      for a in p.obj.get("/Annots", [])]
            seen.append((b"".join(s.read_bytes() for s in streams), sorted(p.obj.Resources.keys()),
                         [float(v) for v in p.obj.MediaBox], int(p.obj.get("/Rotate", 0)), annots))
        with pdf.open_outline() as outline:
            def walk(items):
                return [(str(it.title), index.get(it.destination[0].objgen), walk(it.children)) for it in items]
            marks = walk(outline.root)
        return [seen, marks, repr(pdf.Root.PageLabels), repr(pdf.docinfo), _structure(pdf.Root, index)]


def _structure(root, index: dict) -> list:
    """The tagged structure a screen reader follows: each element's role, page and marked content."""
    def walk(node, depth=0):
        if depth > 40 or not isinstance(node, pikepdf.Dictionary):
            return repr(node) if isinstance(node, int) else None
        page = node.get("/Pg")
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
        mcid = node.get("/MCID")
        return (str(node.get("/S")), index.get(page.objgen) if page is not None else None,
                int(mcid) if mcid is not None else None,
                [walk(k, depth + 1) if not isinstance(k, int) else int(k) for k in kids])
    tree = root.get("/StructTreeRoot")
    assert tree is not None, "the packet is tagged"
    return walk(tree)


def test_streamed_inputs_give_the_same_packet_content(tmp_path, monkeypatch):
    m = _case(tmp_path)
    build_packet(m, tmp_path / "memory.pdf")
    merged = []
    real = assemble._merge

    def spy(spec, tmp):
        merged.extend(Path(page["file"]).name for page in spec if Path(page["file"]).parent.name == "exhibits")
        return real(spec, tmp)

    monkeypatch.setattr(assemble, "STREAM_ABOVE", 0)
    monkeypatch.setattr(assemble, "_merge", spy)
    build_packet(m, tmp_path / "streamed.pdf")
    # The plain inputs are merged from their own files; the linked page as cleaned (a copy).
    assert merged == ["letter.pdf", "report.pdf", "scan.pdf"]  # tagged.pdf has a link: cleaned too
    assert _content(tmp_path / "streamed.pdf") == _content(tmp_path / "memory.pdf")
    again = tmp_path / "again.pdf"

    def not_here(*_a):
        raise AssertionError("a large packet is sealed by the child process")

    monkeypatch.setattr(assemble, "LARGE", 0)
    monkeypatch.setattr(hashing.Prefix, "seal", not_here)  # in this process only
    result = build_packet(m, again)
    assert again.read_bytes() == (tmp_path / "streamed.pdf").read_bytes()  # deterministic too
    # A large packet is hashed by a child process while it is written: the receipt's digest
    # and the /ID (from the bytes before it) are still the finished file's.
    data = again.read_bytes()
    receipt = json.loads(result.receipt.read_text())
    assert result.sha256 == hashlib.sha256(data).hexdigest() == receipt["output"]["sha256"]
    with pikepdf.open(again) as pdf:
        assert bytes(pdf.trailer.ID[0]) == hashlib.sha256(data[:data.rindex(b"/ID")]).digest()[:16]


def test_a_streamed_input_changed_before_saving_is_caught(tmp_path, monkeypatch):
    m = _case(tmp_path)
    monkeypatch.setattr(assemble, "STREAM_ABOVE", 0)
    real = assemble.assemble

    def then_change(*a, **kw):
        pdf = real(*a, **kw)
        text_pdf(tmp_path / "exhibits" / "scan.pdf", pages=2, title="Rewritten")
        return pdf

    monkeypatch.setattr("parolekit.pipeline.assemble", then_change)
    with pytest.raises(Exception) as e:
        build_packet(m, tmp_path / "out.pdf")
    assert "changed" in str(e.value) or "input-changed" in repr(getattr(e.value, "problems", ""))
    assert not (tmp_path / "out.pdf").exists()


def test_a_packet_merged_in_memory_is_sealed_by_the_child_too(tmp_path, monkeypatch):
    m = _case(tmp_path)
    plain = build_packet(m, tmp_path / "plain.pdf")  # small: hashed in this process

    def not_here(*_a):
        raise AssertionError("a large packet is sealed by the child process")

    monkeypatch.setattr(assemble, "LARGE", 0)
    monkeypatch.setattr(hashing.Prefix, "seal", not_here)
    followed = build_packet(m, tmp_path / "followed.pdf")
    data = (tmp_path / "followed.pdf").read_bytes()
    assert data == (tmp_path / "plain.pdf").read_bytes()
    assert followed.sha256 == plain.sha256 == hashlib.sha256(data).hexdigest()
