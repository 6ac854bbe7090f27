"""Active content never reaches the packet: read the written PDF back and walk every object."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, text_pdf
from parolekit.pipeline import build_packet

# Keys and action/annotation types that carry scripts, files, forms or launches.
FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/EmbeddedFiles", "/EmbeddedFile",
                  "/XFA", "/AcroForm", "/RichMediaContent"}
FORBIDDEN_TYPES = {"/JavaScript", "/Launch", "/Widget", "/EmbeddedFile", "/FileAttachment",
                   "/ImportData", "/SubmitForm", "/ResetForm", "/GoToR", "/GoToE", "/Rendition",
                   "/Sound", "/Movie", "/Screen", "/RichMedia", "/Filespec"}


def active_content(path: Path) -> list[str]:
    """Every forbidden key or type anywhere in the file (all objects, not only reachable ones)."""
    found = []
    with pikepdf.open(path) as pdf:
        for obj in [pdf.trailer, pdf.Root, *pdf.objects]:
            d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            if not isinstance(d, Dictionary):
                continue
            for key in d.keys():
                if key in FORBIDDEN_KEYS:
                    found.append(f"{key} in {getattr(obj, 'objgen', '?')}")
            for key in ("/S", "/Subtype", "/Type"):
                value = d.get(key)
                if isinstance(value, Name) and str(value) in FORBIDDEN_TYPES:
                    found.append(f"{key} {value} in {getattr(obj, 'objgen', '?')}")
    return found


def _links(page: pikepdf.Page) -> list[Dictionary]:
    return [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == Name.Link]


def hostile_pdf(path: Path) -> Path:
    """Three pages with every kind of active content a real exhibit has carried, and a filled form."""
    text_pdf(path, pages=3, title="Hostile")
    pdf = pikepdf.open(path, allow_overwriting_input=True)
    js = lambda code: Dictionary(S=Name.JavaScript, JS=String(code))  # noqa: E731
    p1, p2, p3 = (p.obj for p in pdf.pages)
    pdf.Root.OpenAction = js("app.alert('open')")
    spec = pdf.make_indirect(Dictionary(
        Type=Name.Filespec, F=String("payload.exe"),
        EF=Dictionary(F=pdf.make_indirect(pikepdf.Stream(pdf, b"MZ payload", Type=Name.EmbeddedFile)))))
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("doc"), pdf.make_indirect(js("this.print()"))])),
        EmbeddedFiles=Dictionary(Names=Array([String("payload.exe"), spec])))
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("name"),
        V=String("FILLED-VALUE-123"), DA=String("/Helv 10 Tf 0 g"), Rect=Array([54, 600, 300, 620]),
        F=4, P=p1, AA=Dictionary(K=js("AFNumber_Keystroke()"))))
    pdf.Root.AcroForm = Dictionary(
        Fields=Array([field]), NeedAppearances=True, XFA=pdf.make_indirect(pikepdf.Stream(pdf, b"<xdp/>")),
        DR=Dictionary(Font=Dictionary(Helv=Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                                      BaseFont=Name.Helvetica))), DA=String("/Helv 10 Tf 0 g"))
    p1.AA = Dictionary(O=js("app.launchURL('x')"))

    def link(rect, action=None, dest=None):
        a = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array(rect))
        if action is not None:
            a.A = action
        if dest is not None:
            a.Dest = dest
        return pdf.make_indirect(a)

    p1.Annots = Array([
        field,
        link([10, 10, 20, 20], Dictionary(S=Name.Launch, F=String("cmd.exe"))),
        link([10, 30, 20, 40], js("app.alert(1)")),
        link([10, 50, 20, 60], Dictionary(S=Name.GoTo, D=Array([p2, Name.Fit]))),  # kept: page 2
        link([10, 70, 20, 80], dest=Array([p3, Name.Fit])),  # dropped: page 3 is not selected
        link([10, 90, 20, 100], Dictionary(S=Name.URI, URI=String("https://example.org/"),
                                           Next=js("app.alert(2)"))),
        link([10, 110, 20, 120], Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit]))),
        link([10, 130, 20, 140], Dictionary(S=Name.URI, URI=String("javascript:app.alert(3)"))),
        link([10, 150, 20, 160], Dictionary(S=Name.URI, URI=String("file:///C:/Windows/calc.exe"))),
        link([10, 170, 20, 180], Dictionary(S=Name.URI, URI=String("\\\\attacker\\share\\x"))),
        link([10, 190, 20, 200], Dictionary(S=Name.URI, URI=String("mailto:clinic@example.org"))),
        pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, FS=spec,
                                     Rect=Array([30, 10, 40, 20]))),
        pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Text, Contents=String("note"),
                                     Rect=Array([50, 10, 60, 20]), AA=Dictionary(E=js("app.beep()")))),
    ])
    p2.AA = Dictionary(C=js("app.alert('close')"))
    pdf.save(path)
    return path


@pytest.fixture
def hostile_case(tmp_path: Path) -> Path:
    hostile_pdf(tmp_path / "exhibits" / "hostile.pdf")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: bank-statement
    title: Bank statement
    file: exhibits/hostile.pdf
    pages: "1-2"
""")


def test_the_hostile_source_really_is_hostile(hostile_case):
    # The check below must be able to fail: the input itself trips it.
    assert len(active_content(hostile_case.parent / "exhibits" / "hostile.pdf")) >= 10


def test_packet_carries_no_active_content(hostile_case):
    source = hostile_case.parent / "exhibits" / "hostile.pdf"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = build_packet(hostile_case)
    assert active_content(result.output) == []
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before, "the input was modified"


@pytest.mark.parametrize("need_appearances", [True, False])
def test_form_values_are_printed_and_no_longer_editable(hostile_case, need_appearances):
    if not need_appearances:  # a filler that stores values without drawing them, and says nothing
        source = hostile_case.parent / "exhibits" / "hostile.pdf"
        with pikepdf.open(source, allow_overwriting_input=True) as pdf:
            del pdf.Root.AcroForm["/NeedAppearances"]
            pdf.save(source)
    result = build_packet(hostile_case)
    place = result.plan.exhibits["bank-statement"]
    reader = PdfReader(result.output)
    assert "FILLED-VALUE-123" in reader.pages[place.first_content - 1].extract_text()
    assert "/AcroForm" not in reader.trailer["/Root"]
    with pikepdf.open(result.output) as pdf:
        for page in pdf.pages:
            assert all(a.get("/Subtype") != Name.Widget for a in page.obj.get("/Annots", []))


def test_links_to_selected_pages_work_and_others_are_dropped(hostile_case):
    result = build_packet(hostile_case)
    place = result.plan.exhibits["bank-statement"]
    with pikepdf.open(result.output) as pdf:
        pages = list(pdf.pages)
        first = pages[place.first_content - 1]
        second = pages[place.first_content]
        links = _links(first)
        internal = [a for a in links if "/Dest" in a]
        assert len(internal) == 1, "only the link to page 2 (selected) survives"
        assert internal[0].Dest[0].objgen == second.obj.objgen
        uris = [a for a in links if "/A" in a]
        # Web and mail links stay; javascript:, file: and \\server links are dropped.
        assert [str(a.A.URI) for a in uris] == ["https://example.org/", "mailto:clinic@example.org"]
        assert "/Next" not in uris[0].A
        notes = [a for a in first.obj.Annots if a.get("/Subtype") == Name.Text]
        assert len(notes) == 1 and "/AA" not in notes[0]  # the note stays, its script goes


ACTIVE_CORPUS = ["acroform-js-incremental_irs-f1040nr.pdf", "xfa-acroform_owner-aes-128_dd0293.pdf",
                 "doc-level-javascript_autoprint.pdf", "openaction-javascript-print.pdf",
                 "embedded-file-attachment.pdf",
                 "legal-mediabox-cropbox_linearized_attachment_irs-i1040nr.pdf"]


def _corpus_case(tmp_path: Path, corpus: Path, name: str, pages: str | None = None) -> Path:
    link = tmp_path / "exhibits" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(corpus / name)
    sel = f'    pages: "{pages}"\n' if pages else ""
    return manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: active
    title: Active content
    file: exhibits/{name}
{sel}""")


@pytest.mark.parametrize("name", ACTIVE_CORPUS)
def test_corpus_active_content_is_removed(name, corpus, tmp_path):
    source_findings = active_content(corpus / name)
    assert source_findings, f"{name} should carry active content"
    result = build_packet(_corpus_case(tmp_path, corpus, name), allow_paths=[corpus])
    assert active_content(result.output) == []


def test_filled_corpus_form_is_flattened(corpus, tmp_path):
    # Fill one field of the real IRS form (a copy in tmp), as a client's saved form would be.
    src = pikepdf.open(corpus / "acroform-js-incremental_irs-f1040nr.pdf")
    fields = [f for f in src.Root.AcroForm.Fields if f.get("/FT") == Name.Tx and "/Rect" in f]
    target = fields[0]
    target.V = String("JANE Q TESTER")
    if "/AP" in target:
        del target["/AP"]
    src.Root.AcroForm.NeedAppearances = True
    copy = tmp_path / "exhibits" / "f1040nr-filled.pdf"
    copy.parent.mkdir(parents=True)
    page_no = next(i for i, p in enumerate(src.pages)
                   if any(a.objgen == target.objgen for a in p.obj.get("/Annots", [])))
    src.save(copy)
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: tax-return
    title: Tax return
    file: exhibits/f1040nr-filled.pdf
""")
    result = build_packet(case)
    place = result.plan.exhibits["tax-return"]
    text = PdfReader(result.output).pages[place.first_content - 1 + page_no].extract_text()
    assert "JANE Q TESTER" in text
    assert active_content(result.output) == []


def test_sicp_links_follow_the_page_selection(corpus, tmp_path):
    """Links inside the selected pages land on their packet pages; links out of it are dropped."""
    name = "sicp_894-pages_outline_objstm.pdf"
    selected = range(0, 120)  # pages "1-120": the contents pages link all over the book
    src = pikepdf.open(corpus / name)
    tree = pikepdf.NameTree(src.Root.Names.Dests)
    kept_ids = {src.pages[i].obj.objgen for i in selected}
    expected_internal, expected_uri = [], 0
    for i in selected:
        for a in _links(src.pages[i]):
            action = a.get("/A")
            if action is not None and action.get("/S") == Name.URI:
                expected_uri += 1
                continue
            dest = action.D if action is not None else a.get("/Dest")
            dest = tree[str(dest)] if isinstance(dest, String) else dest
            dest = dest.D if isinstance(dest, Dictionary) else dest
            if dest[0].objgen in kept_ids:
                expected_internal.append((i, [p.objgen for p in src.pages].index(dest[0].objgen)))
    dropped = sum(len(_links(src.pages[i])) for i in selected) - len(expected_internal) - expected_uri
    assert expected_internal and dropped > 0, "the selection must both keep and drop links"

    result = build_packet(_corpus_case(tmp_path, corpus, name, "1-120"), allow_paths=[corpus])
    first = result.plan.exhibits["active"].first_content - 1
    with pikepdf.open(result.output) as pdf:
        pages = list(pdf.pages)
        position = {p.obj.objgen: n for n, p in enumerate(pages)}
        got_internal, got_uri = [], 0
        for k in selected:
            for a in _links(pages[first + k]):
                if "/A" in a:
                    assert a.A.S == Name.URI
                    got_uri += 1
                else:
                    got_internal.append((k, position[a.Dest[0].objgen] - first))
        assert sorted(got_internal) == sorted(expected_internal)
        assert got_uri == expected_uri
        assert not re.search(r"JavaScript", str(pdf.Root))
