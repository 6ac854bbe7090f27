"""Tagged packets: generated pages' structure (P, H1, Table/TR/TH/TD, L/LI, Link with OBJR,
Figure with Alt) in reading order, decorations as artifacts, and an exhibit's own tags kept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from factory import CASE_HEAD, manifest, text_pdf

from parolekit import build_packet

PAINT = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "INLINE IMAGE"}
TAGGED_TEXT = "Tagged exhibit text"


def tagged_pdf(path) -> bytes:
    """A one-page PDF tagged by hand: Document > H1 (MCID 0) and P (MCID 1), and a Link (MCID 2 and its annotation)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    content = (b"/H1 <</MCID 0>> BDC BT /F1 18 Tf 72 720 Td (Exhibit heading) Tj ET EMC\n"
               b"/P <</MCID 1>> BDC BT /F1 12 Tf 72 690 Td (" + TAGGED_TEXT.encode() + b") Tj ET EMC\n"
               b"/Link <</MCID 2>> BDC BT /F1 12 Tf 72 660 Td (example.org) Tj ET EMC\n")
    page = pdf.add_blank_page(page_size=(612, 792))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(content)
    annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, 655, 160, 675],
                                         A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org/")),
                                         StructParent=1))
    page.obj.Annots = Array([annot])
    page.obj.StructParents = 0
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    h1 = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.H1, P=doc, Pg=page.obj, K=0))
    p = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/Para"), P=doc, Pg=page.obj, K=1))
    link = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=doc, Pg=page.obj,
                                        K=Array([2, Dictionary(Type=Name.OBJR, Obj=annot)])))
    doc.K = Array([h1, p, link])
    root.K = doc
    root.RoleMap = Dictionary(Para=Name.P)
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array([h1, p, link]), 1, link])))
    root.ParentTreeNextKey = 2
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path)
    return content


def _case(tmp_path, extra: str = "") -> tuple:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    text_pdf(tmp_path / "exhibits" / "report.pdf", pages=2, title="Report")
    content = tagged_pdf(tmp_path / "exhibits" / "tagged.pdf")
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
chronology:
  - date: 2026-10-02
    event: The doctor wrote
    exhibits: [letter]
  - date: 2026-12-01
    event: Treatment begins
    planned: true
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: report
    title: Country report
    file: exhibits/report.pdf
  - id: tagged
    title: A tagged report
    file: exhibits/tagged.pdf
""" + extra)
    return tmp_path / "case.yaml", content


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    case, content = _case(tmp_path_factory.mktemp("tagging"))
    r = build_packet(case)
    return r.output, content


def _role(elem) -> str:
    return str(elem.get("/S"))[1:]


def _children(elem) -> list:
    k = elem.get("/K")
    items = k if isinstance(k, Array) else [k] if k is not None else []
    return [x for x in items if isinstance(x, Dictionary) and x.get("/Type") not in (Name.MCR, Name.OBJR)]


def _walk(elem):
    yield elem
    for c in _children(elem):
        yield from _walk(c)


def _section(pdf, title: str):
    doc = pdf.Root.StructTreeRoot.K[0]
    for e in _walk(doc):
        if _role(e) in ("Sect", "Part") and str(e.get("/T", "")).startswith(title):
            return e
    raise AssertionError(f"no section {title!r}")


def _mcids(elem) -> list[tuple]:
    """(page objgen, MCID) of an element's own marked content, in order."""
    k = elem.get("/K")
    out = []
    for x in k if isinstance(k, Array) else [k]:
        if isinstance(x, Dictionary) and x.get("/Type") == Name.MCR:
            out.append((x.Pg.objgen, int(x.MCID)))
        elif isinstance(x, int):
            out.append((elem.Pg.objgen, x))
    return out


def _content_mcids(page) -> list[int]:
    found = []
    for inst in pikepdf.parse_content_stream(page):
        if str(inst.operator) == "BDC" and isinstance(inst.operands[1], Dictionary) and "/MCID" in inst.operands[1]:
            found.append(int(inst.operands[1].MCID))
    return found


def test_the_packet_is_marked_with_a_document_and_a_parent_tree(packet):
    with pikepdf.open(packet[0]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        root = pdf.Root.StructTreeRoot
        assert _role(root.K[0]) == "Document"
        nums = list(root.ParentTree.Nums)
        tree = dict(zip(nums[::2], nums[1::2]))
        assert int(root.ParentTreeNextKey) == max(tree) + 1
        for page in pdf.pages:
            if "/StructParents" not in page.obj:
                continue
            owners = tree[int(page.obj.StructParents)]
            for mcid in _content_mcids(page):
                elem = owners[mcid]  # each MCID in the content stream has its element ...
                assert (page.obj.objgen, mcid) in _mcids(elem)  # ... which points back at it


def test_cover_letter_paragraphs_are_p_elements_in_content_order(packet):
    with pikepdf.open(packet[0]) as pdf:
        letter = _section(pdf, "Cover letter")
        paras = [e for e in _walk(letter) if _role(e) == "P"]
        assert len(paras) >= 4
        marks = [m for p in paras for m in _mcids(p)]
        first_page = pdf.pages[0].obj.objgen
        on_first = [mcid for page, mcid in marks if page == first_page]
        in_stream = _content_mcids(pdf.pages[0])
        assert on_first and set(on_first) <= set(in_stream)
        assert on_first == sorted(on_first)  # the tree reads in the order the page was drawn


def test_the_index_is_a_table_with_a_row_per_exhibit(packet):
    with pikepdf.open(packet[0]) as pdf:
        index = _section(pdf, "Index of exhibits")
        tables = [e for e in _walk(index) if _role(e) == "Table"]
        assert len(tables) == 1
        rows = [c for c in _children(tables[0]) if _role(c) == "TR"]
        assert len(rows) == 1 + 3  # the headers, then the three exhibits
        assert {_role(c) for c in _children(rows[0])} == {"TH"}
        assert all({_role(c) for c in _children(r)} == {"TD"} for r in rows[1:])
        assert all(any(_role(e) == "Link" for e in _walk(r)) for r in rows[1:])  # each row opens its exhibit


def test_links_are_link_elements_with_their_annotation(packet):
    with pikepdf.open(packet[0]) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        tree = dict(zip(nums[::2], nums[1::2]))
        links = [e for e in _walk(root.K[0]) if _role(e) == "Link"]
        assert len(links) >= 3
        for link in links:
            objrs = [x for x in link.K if isinstance(x, Dictionary) and x.get("/Type") == Name.OBJR]
            assert objrs
            for objr in objrs:
                annot = objr.Obj
                page = objr.Pg
                assert any(a.objgen == annot.objgen for a in page.Annots)
                assert tree[int(annot.StructParent)].objgen == link.objgen
        # every link annotation on the generated pages is reachable from the tree
        linked = {x.Obj.objgen for link in links for x in link.K
                  if isinstance(x, Dictionary) and x.get("/Type") == Name.OBJR}
        for page in pdf.pages[:3]:
            for a in page.obj.get("/Annots", []):
                if a.get("/Subtype") == Name.Link:
                    assert a.objgen in linked


def test_the_timeline_is_a_figure_with_alt_text(packet):
    with pikepdf.open(packet[0]) as pdf:
        figures = [e for e in _walk(_section(pdf, "Chronology")) if _role(e) == "Figure"]
        assert len(figures) == 1
        assert "2 events" in str(figures[0].Alt)


def test_generated_pages_paint_nothing_outside_marked_content(packet):
    with pikepdf.open(packet[0]) as pdf:
        generated = [p for p in pdf.pages if "/StructParents" in p.obj][:4]
        assert generated
        for page in generated:
            depth = 0
            for inst in pikepdf.parse_content_stream(page):
                op = str(inst.operator)
                depth += 1 if op in ("BDC", "BMC") else -1 if op == "EMC" else 0
                if op in PAINT:
                    assert depth > 0, f"{op} drawn outside marked content"


@pytest.mark.parametrize("example", ["medical-parole", "asylum", "rfe-response"])
def test_no_generated_page_of_the_examples_paints_outside_marked_content(tmp_path, example):
    """Decorations are marked as the pages are rendered (render/tags.mark_page): on every page
    parolekit made, rules, shading, images and text are inside an element or an /Artifact."""
    r = build_packet(EXAMPLES / example / "case.yaml", output=tmp_path / "packet.pdf")
    with pikepdf.open(r.output) as pdf:
        pages = [p for p in pdf.pages if "/PKFooter" not in p.obj]
        assert len(pages) >= 5
        outside = []
        for page in pages:
            depth = 0
            for inst in pikepdf.parse_content_stream(page):
                op = str(inst.operator)
                depth += 1 if op in ("BDC", "BMC") else -1 if op == "EMC" else 0
                if op in PAINT and depth <= 0:
                    outside.append((page.index, op))
                assert depth >= 0
            assert depth == 0
        assert not outside, outside[:10]


def test_a_tagged_exhibit_keeps_its_tags_and_content(packet):
    output, content = packet
    with pikepdf.open(output) as pdf:
        part = _section(pdf, "Exhibit C")
        elems = list(_walk(part))
        roles = [_role(e) for e in elems]
        assert roles[:2] == ["Part", "Sect"] and ["H1", "Para", "Link"] == roles[-3:]
        assert pdf.Root.StructTreeRoot.RoleMap.Para == Name.P
        h1, para, link = elems[-3:]
        (page_id, mcid), = _mcids(para)
        page = next(p for p in pdf.pages if p.obj.objgen == page_id)
        assert mcid == 1
        streams = page.obj.Contents if isinstance(page.obj.Contents, Array) else [page.obj.Contents]
        assert any(s.read_bytes() == content for s in streams)  # the exhibit's own stream, untouched
        objr = next(x for x in link.K if isinstance(x, Dictionary) and x.get("/Type") == Name.OBJR)
        assert any(a.objgen == objr.Obj.objgen for a in page.obj.Annots)
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        tree = dict(zip(nums[::2], nums[1::2]))
        assert tree[int(page.obj.StructParents)][1].objgen == para.objgen
        assert tree[int(objr.Obj.StructParent)].objgen == link.objgen


def test_untagged_exhibit_pages_are_left_as_they_were(packet):
    with pikepdf.open(packet[0]) as pdf:
        with pytest.raises(AssertionError):
            _section(pdf, "Exhibit A")  # nothing to graft, and no tags invented for it
        untagged = [p for p in pdf.pages if "/StructParents" not in p.obj]
        assert untagged  # the plain exhibits' pages
        for page in untagged:
            ops = [str(i.operator) for i in pikepdf.parse_content_stream(page)]
            assert "BMC" not in ops  # no artifact wrapping of an input's own content


def test_rebuilds_are_byte_identical(tmp_path):
    case, _ = _case(tmp_path)
    first = build_packet(case).output.read_bytes()
    assert build_packet(case).output.read_bytes() == first


def test_a_pdfa_packet_is_tagged_too(tmp_path):
    case, _ = _case(tmp_path, "output:\n  pdfa: true\n")
    r = build_packet(case)
    with pikepdf.open(r.output) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert _role(pdf.Root.StructTreeRoot.K[0]) == "Document"
        assert pdf.open_metadata()["pdfaid:part"] == "2"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler's pdfinfo is not installed")
def test_poppler_reads_the_structure_back(packet):
    out = subprocess.run(["pdfinfo", "-struct-text", str(packet[0])], capture_output=True, check=True).stdout
    text = out.decode("utf-8", "replace")
    assert "Sect \"Cover letter\"" in text and "Table" in text and "Figure" in text
    assert TAGGED_TEXT in text  # the exhibit's own paragraph, through its grafted element
    assert text.index("Cover letter") < text.index("Index of exhibits") < text.index(TAGGED_TEXT)


def test_a_later_volumes_cover_sheet_is_tagged_first(tmp_path):
    from test_court import _case as court_case
    from test_profiles import noise_jpeg
    for k in range(12):  # more than re-encoding the scans can fit in one file
        noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k)
    rows = "".join(f"  - id: s{k}\n    title: Scan {k}\n    file: ex/s{k}.jpg\n" for k in range(12))
    r = build_packet(court_case(tmp_path, extra=rows + "output:\n  max_file_mb: 0.5\n"))
    assert len(r.files) >= 2
    with pikepdf.open(r.files[1].path) as pdf:
        root = pdf.Root.StructTreeRoot
        first = _children(root.K[0])[0]
        assert str(first.T) == "Cover page of this volume"
        nums = list(root.ParentTree.Nums)
        keys = nums[::2]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        tree = dict(zip(keys, nums[1::2]))
        cover = pdf.pages[0]
        owners = tree[int(cover.obj.StructParents)]
        assert all((cover.obj.objgen, m) in _mcids(owners[m]) for m in _content_mcids(cover))
        assert int(root.ParentTreeNextKey) == max(keys) + 1


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("example", ["medical-parole", "asylum", "rfe-response"])
def test_every_word_on_a_generated_page_is_tagged_content(tmp_path, example):
    """Text is read (in a tagged element) or is a pagination artifact (the footer stamp, a table's
    "(continued)"): a letter's address block and a declaration's signature block are read."""
    r = build_packet(EXAMPLES / example / "case.yaml", output=tmp_path / "packet.pdf")
    with pikepdf.open(r.output) as pdf:
        pages = [p for p in pdf.pages if "/StructParents" in p.obj and "/PKFooter" not in p.obj]
        assert pages
        untagged = []
        for page in pages[:40]:
            stack: list = []
            for inst in pikepdf.parse_content_stream(page):
                op = str(inst.operator)
                if op in ("BDC", "BMC"):
                    stack.append(inst.operands)
                elif op == "EMC" and stack:
                    stack.pop()
                elif op in ("Tj", "TJ") and (not stack or stack[0][0] == Name.Artifact):
                    props = stack[0][1] if stack and len(stack[0]) > 1 else {}
                    if not (isinstance(props, Dictionary) and ("/PKStamp" in props or props.get("/Type"))):
                        untagged.append((page.index, str(inst.operands[0])[:40]))
        assert not [u for u in untagged if "continued" not in u[1]], untagged[:10]


def test_an_index_over_several_pages_is_one_table_its_repeated_headers_artifacts(tmp_path):
    count = 70
    text_pdf(tmp_path / "ex" / "doc.pdf", title="Doc")
    rows = "".join(f"  - id: e{k}\n    title: Document number {k} of the long index\n    file: ex/doc.pdf\n"
                   for k in range(count))
    r = build_packet(manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n" + rows))
    with pikepdf.open(r.output) as pdf:
        index = _section(pdf, "Index of exhibits")
        table, = [e for e in _walk(index) if _role(e) == "Table"]
        rows = [c for c in _children(table) if _role(c) == "TR"]
        assert len(rows) == 1 + count
        pages = {m[0] for tr in rows for e in _walk(tr) for m in _mcids(e)}
        assert len(pages) >= 2  # one Table across its pages
        heads = [e for e in _walk(index) if _role(e) == "TH"]
        assert len(heads) == len(_children(rows[0]))  # the headers once, not again per page
    if shutil.which("pdfinfo"):  # "(continued)" and the headers again are printed, not read
        printed = subprocess.run(["pdftotext", str(r.output), "-"], capture_output=True, text=True).stdout
        read = subprocess.run(["pdfinfo", "-struct-text", str(r.output)], capture_output=True).stdout.decode()
        assert "(continued)" in printed and "(continued)" not in read
        assert read.count('"Description"') == 1 and printed.count("Description") >= 2


def test_a_damaged_exhibit_tree_leaves_its_pages_untagged_but_whole(tmp_path):
    case, content = _case(tmp_path)
    with pikepdf.open(tmp_path / "exhibits" / "tagged.pdf", allow_overwriting_input=True) as pdf:
        doc = pdf.Root.StructTreeRoot.K
        doc.K = Array([doc.K[0], doc.K[1], doc])  # a cycle, and ...
        doc.K[1].A = Dictionary(O=Name.Layout, Bad=pdf.make_stream(b"x"))  # an attribute that is a stream
        pdf.save(tmp_path / "exhibits" / "tagged.pdf")
    r = build_packet(case)
    with pikepdf.open(r.output) as out:
        part = _section(out, "Exhibit C")
        assert [_role(e) for e in _walk(part)][-2:] == ["H1", "Para"]  # what could be read of it
        assert "/A" not in list(_walk(part))[-1]
        page = next(p for p in out.pages if any(s.read_bytes() == content for s in (
            p.obj.Contents if isinstance(p.obj.Contents, Array) else [p.obj.Contents])))
        assert "/StructParents" in page.obj
