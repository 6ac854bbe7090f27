"""Filing profiles: lint names each rule a packet breaks, where; the build meets it or fails."""

from __future__ import annotations

import random
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from factory import CASE_HEAD, manifest, text_pdf

from parolekit.errors import CaseError
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet
from parolekit.profiles import profiles


def noise_jpeg(path: Path, seed: int, side: int = 400) -> Path:
    """A JPEG that does not compress: its size is what it costs in the packet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = random.Random(seed).randbytes(side * side * 3)
    Image.frombytes("RGB", (side, side), data).save(path, "JPEG", quality=85, dpi=(100, 100))
    return path


def _case(tmp_path: Path, exhibits: list[tuple[str, str]], output: str) -> Path:
    """A case with one exhibit per (id, file) and the given `output:` block."""
    rows = "".join(f"  - id: {i}\n    title: Exhibit {i}\n    file: {f}\n" for i, f in exhibits)
    return manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n" + rows + output)


def _line(path: Path, needle: str) -> int:
    """The 1-based line of *path* that first contains *needle*."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _codes(path: Path, profile: str | None = None) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for p in lint_manifest(path, profile=profile).problems:
        out.setdefault(p.code, []).append((p.line, p.path))
    return out


def _links(pdf: pikepdf.Pdf) -> int:
    return sum(1 for page in pdf.pages for a in page.obj.get("/Annots", []) or []
               if a.get("/Subtype") == pikepdf.Name.Link)


def _with_link(path: Path) -> Path:
    text_pdf(path, pages=1, title="Linked")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[50, 50, 200, 70],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))
        pdf.save(path)
    return path


def _scan(path: Path) -> Path:
    """A page that is one image and no text: a scan without a text layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (850, 1100), 255).save(path.with_suffix(".png"))
    pdf = pikepdf.new()
    img = Image.open(path.with_suffix(".png"))
    pdf.add_blank_page(page_size=(612, 792))
    stream = pikepdf.Stream(pdf, img.tobytes())
    stream.Type, stream.Subtype, stream.Width, stream.Height = (pikepdf.Name.XObject, pikepdf.Name.Image,
                                                                850, 1100)
    stream.ColorSpace, stream.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))
    page.obj.Contents = pikepdf.Stream(pdf, b"q 612 0 0 792 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path


def test_every_profile_is_sourced_and_dated():
    shipped = profiles()
    assert set(shipped) == {"uscis-online", "uscis-paper", "eoir-ecas", "cmecf", "uk-ebundle"}
    for p in shipped.values():
        assert p.source and p.as_of.year >= 2026


def test_uscis_online_over_its_cap_splits_under_it(tmp_path: Path):
    files = [(f"s{k}", str(noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k).relative_to(tmp_path)))
             for k in range(4)]
    path = _case(tmp_path, files, "output:\n  profile: uscis-online\n  profile_settings:\n    max_file_mb: 0.5\n")
    found = _codes(path)
    assert [line for line, _ in found["profile-size"]] == [_line(path, "profile: uscis")]
    r = build_packet(path)
    for w in r.files:  # scans re-encoded first, then volumes: either way every file under the cap
        assert w.path.stat().st_size <= 0.5e6
    assert len(r.files) >= 2 or "scans-recompressed" in {p.code for p in r.warnings}
    twelve = [(f"s{k}", str(noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k).relative_to(tmp_path)))
              for k in range(12)]
    r = build_packet(_case(tmp_path, twelve, "output:\n  profile: uscis-online\n  profile_settings:\n"
                           "    max_file_mb: 0.5\n"))
    assert len(r.files) >= 2
    for w in r.files:
        assert w.path.stat().st_size <= 0.5e6
        assert ".vol" in w.path.name  # the plain split's names: USCIS names no parts


def test_eoir_ecas_names_parts_and_refuses_a4(tmp_path: Path):
    files = [(f"s{k}", str(noise_jpeg(tmp_path / "ex" / f"s{k}.jpg", k).relative_to(tmp_path)))
             for k in range(12)]  # more than re-encoding the scans can fit in one file
    path = _case(tmp_path, files, "output:\n  profile: eoir-ecas\n  profile_settings:\n    max_file_mb: 0.5\n")
    assert "profile-size" in _codes(path)
    r = build_packet(path)
    names = sorted(w.path.name for w in r.files)
    assert names == [f"case_Part{n}.pdf" for n in range(1, len(names) + 1)] and len(names) >= 2
    for w in r.files:
        assert w.path.stat().st_size <= 0.5e6
        with pikepdf.open(w.path) as pdf:  # every page 8.5 x 11 in (the scans are placed on letter)
            assert {tuple(round(float(v)) for v in p.mediabox)[2:] for p in pdf.pages} == {(612, 792)}
    conflict = _case(tmp_path / "a4", [("a", "a.pdf")], "output:\n  profile: eoir-ecas\n  paper: a4\n")
    text_pdf(tmp_path / "a4" / "a.pdf")
    assert [line for line, _ in _codes(conflict)["profile-setting-conflict"]] == [_line(conflict, "paper: a4")]
    with pytest.raises(CaseError) as e:
        build_packet(conflict)
    assert [p.code for p in e.value.problems if p.severity == "error"] == ["profile-setting-conflict"]


def test_uscis_paper_puts_every_page_on_letter_and_marks_copies(tmp_path: Path):
    text_pdf(tmp_path / "a4.pdf", pages=2, size="a4", title="Birth record")
    path = _case(tmp_path, [("birth", "a4.pdf")],
                 "output:\n  profile: uscis-paper\n  profile_settings:\n    copy_marks: true\n")
    assert _codes(path)["profile-page-size"] == [(_line(path, "file: a4.pdf"), "exhibits[birth].file")]
    r = build_packet(path)
    with pikepdf.open(r.output) as pdf:
        assert {tuple(round(float(v)) for v in p.mediabox)[2:] for p in pdf.pages} == {(612, 792)}
        pages = len(pdf.pages)
    import subprocess
    for n in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(r.output), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.lstrip().startswith("COPY") or "\nCOPY" in text, (n, text)


def test_cmecf_removes_links_and_fails_on_scans_without_text(tmp_path: Path):
    _with_link(tmp_path / "linked.pdf")
    path = _case(tmp_path, [("linked", "linked.pdf")], "output:\n  profile: cmecf\n")
    assert _codes(path)["profile-links"] == [(_line(path, "file: linked.pdf"), "exhibits[linked].file")]
    plain = build_packet(path, tmp_path / "plain.pdf", profile="uscis-online")  # links allowed
    with pikepdf.open(plain.output) as pdf:
        assert _links(pdf) >= 2  # the index row and the input's own link
    r = build_packet(path)
    with pikepdf.open(r.output) as pdf:
        assert _links(pdf) == 0
    _scan(tmp_path / "scan.pdf")
    scanned = _case(tmp_path / "s", [("scan", "../scan.pdf")], "output:\n  profile: cmecf\n")
    found = lint_manifest(scanned, allow_paths=[tmp_path]).problems
    assert [p.line for p in found if p.code == "profile-text-layer"] == [_line(scanned, "file: ../scan.pdf")]
    assert "--ocr" in next(p.message for p in found if p.code == "profile-text-layer")
    with pytest.raises(CaseError) as e:
        build_packet(scanned, allow_paths=[tmp_path])
    assert "profile-text-layer" in {p.code for p in e.value.problems}
    ocred = _case(tmp_path / "o", [("scan", "../scan.pdf")], "output:\n  profile: cmecf\n  ocr: true\n")
    assert "profile-text-layer" not in {p.code for p in lint_manifest(ocred, allow_paths=[tmp_path]).problems}


def test_uk_ebundle_opens_at_100_percent_with_every_exhibit_bookmarked(tmp_path: Path):
    text_pdf(tmp_path / "a.pdf", pages=2, title="Statement")
    path = _case(tmp_path, [("a", "a.pdf")], "")
    assert "profile-text-layer" not in _codes(path, profile="uk-ebundle")
    r = build_packet(path, profile="uk-ebundle")
    with pikepdf.open(r.output) as pdf:
        action = pdf.Root.OpenAction
        assert action[1] == pikepdf.Name.XYZ and float(action[4]) == 1.0
        assert action[0].objgen == pdf.pages[0].obj.objgen
        titles = [str(b.title) for b in pdf.open_outline().root]
        assert "Exhibit A: Exhibit a" in titles and _links(pdf) >= 1  # the index is linked


def test_pdfa_and_unknown_profiles_are_reported_by_lint_and_fail_the_build(tmp_path: Path):
    text_pdf(tmp_path / "a.pdf")
    path = _case(tmp_path, [("a", "a.pdf")], "output:\n  profile: cmecf\n  profile_settings:\n    pdfa: true\n")
    assert "profile-pdfa" in _codes(path)
    with pytest.raises(CaseError) as e:
        build_packet(path)
    assert "output.pdfa" in next(p.message for p in e.value.problems if p.code == "profile-pdfa")
    with pytest.raises(CaseError) as e:
        build_packet(path, profile="eoir")
    assert [p.code for p in e.value.problems if p.severity == "error"] == ["profile-unknown"]


def test_cli_lint_and_build_take_a_profile(tmp_path: Path, cli):
    _with_link(tmp_path / "linked.pdf")
    path = _case(tmp_path, [("linked", "linked.pdf")], "")
    code, out, _err = cli("lint", "--format", "json", "--profile", "cmecf", path)
    assert code == 0 and '"profile-links"' in out
    code, _out, err = cli("build", "--profile", "cmecf", path)
    assert code == 0, err
    with pikepdf.open(tmp_path / "case.pdf") as pdf:
        assert _links(pdf) == 0


def test_uk_ebundle_is_one_pdf_of_scans_at_most_300_dpi(tmp_path: Path):
    text_pdf(tmp_path / "a.pdf")
    path = _case(tmp_path, [("a", "a.pdf")], "output:\n  profile: uk-ebundle\n  max_file_mb: 5\n  max_dpi: 600\n")
    found = _codes(path)["profile-setting-conflict"]
    assert [line for line, _ in found] == [_line(path, "max_file_mb: 5"), _line(path, "max_dpi: 600")]
    with pytest.raises(CaseError):
        build_packet(path)
    plain = _case(tmp_path / "p", [("a", "../a.pdf")], "")
    with pytest.raises(CaseError) as e:
        build_packet(plain, max_file_mb=5, profile="uk-ebundle", allow_paths=[tmp_path])
    assert "--max-file-mb" in next(p.message for p in e.value.problems if p.code == "profile-setting-conflict")


def test_copy_marks_on_a_pdfa_packet_are_set_in_an_embedded_font(tmp_path: Path):
    text_pdf(tmp_path / "a.pdf")
    path = _case(tmp_path, [("a", "a.pdf")], "output:\n  pdfa: true\n  profile: uscis-paper\n"
                 "  profile_settings:\n    copy_marks: true\n")
    r = build_packet(path)
    with pikepdf.open(r.output) as pdf:
        for page in pdf.pages:
            fonts = page.obj.Resources.Font
            copy = [fonts[k] for k in fonts.keys() if k.startswith("/PKCopy")]
            assert copy and all("/FontFile2" in f.FontDescriptor or "/FontFile3" in f.FontDescriptor
                                or "/DescendantFonts" in f for f in copy)
