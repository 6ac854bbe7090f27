"""Office files and saved web pages as exhibits: LibreOffice's pages are the exhibit, the original is the evidence."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.errors import CaseError
from parolekit.intake import libreoffice
from parolekit.pipeline import build_packet

needs_office = pytest.mark.skipif(libreoffice.find_soffice() is None,
                                  reason="needs LibreOffice: " + libreoffice.INSTALL)


def _docx(path: Path, heading: str, body: str) -> Path:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading(heading, level=1)
    doc.add_paragraph(body)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def _odt(path: Path, text: str) -> Path:
    """The smallest OpenDocument text: mimetype first and stored, then content.xml and a manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:text><text:p>{text}</text:p></office:text></office:body>'
               '</office:document-content>')
    manifest_xml = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                    '<manifest:file-entry manifest:full-path="/" '
                    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                    '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest_xml, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _html(path: Path, heading: str, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{heading}</title></head>"
                    f"<body><h1>{heading}</h1><p>{text}</p>"
                    "<img src='http://198.51.100.7/tracker.png' alt=''></body></html>", encoding="utf-8")
    return path


def _case(tmp_path: Path, exhibits: list[tuple[str, str]]) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    body = "".join(f"  - id: {eid}\n    title: Exhibit {eid}\n    file: {rel}\n" for eid, rel in exhibits)
    return manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n  - id: letter\n    title: Letter\n"
                    "    file: exhibits/letter.pdf\n" + body)


def _text(pdf: Path, first: int, last: int) -> str:
    require_poppler()
    return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), "-layout", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


@needs_office
def test_docx_odt_and_html_exhibits_are_converted_and_the_receipt_names_the_original(tmp_path):
    _docx(tmp_path / "exhibits" / "school.docx", "Enrollment Letter", "Maria attends the fourth grade.")
    _odt(tmp_path / "exhibits" / "employer.odt", "Employment verification for the sponsor.")
    _html(tmp_path / "exhibits" / "report.html", "Country Conditions", "Violence against returnees rose.")
    case = _case(tmp_path, [("school", "exhibits/school.docx"), ("employer", "exhibits/employer.odt"),
                            ("report", "exhibits/report.html")])
    originals = {p.name: p.read_bytes() for p in (tmp_path / "exhibits").iterdir()}
    result = build_packet(case, tmp_path / "out" / "packet.pdf")
    plan = {e["id"]: e for e in json.loads(result.receipt.read_text())["exhibits"]}
    for eid, words in (("school", ["Enrollment Letter", "fourth grade"]),
                       ("employer", ["Employment verification"]), ("report", ["Country Conditions", "returnees"])):
        text = _text(result.output, plan[eid]["start"], plan[eid]["end"])
        assert all(w in text for w in words), (eid, text)
    inputs = {i["path"]: i for i in json.loads(result.receipt.read_text())["inputs"]}
    import hashlib

    school = inputs["exhibits/school.docx"]
    assert school["kind"] == "docx"
    assert school["sha256"] == hashlib.sha256(originals["school.docx"]).hexdigest()
    assert school["converted"]["from"] == "docx" and school["converted"]["by"] == "LibreOffice"
    assert school["converted"] == {"from": "docx", "by": "LibreOffice"}
    assert (tmp_path / "out" / ".parolekit-cache" / f"{school['sha256']}.pdf").is_file()
    assert inputs["exhibits/report.html"]["kind"] == "html"
    assert {p.name: p.read_bytes() for p in (tmp_path / "exhibits").iterdir()} == originals  # inputs untouched


@needs_office
def test_a_converted_file_comes_from_the_cache_on_the_next_build(tmp_path, monkeypatch):
    _docx(tmp_path / "exhibits" / "school.docx", "Enrollment Letter", "Second build.")
    case = _case(tmp_path, [("school", "exhibits/school.docx")])
    first = build_packet(case, tmp_path / "out" / "packet.pdf")
    runs: list = []
    monkeypatch.setattr(libreoffice, "_run", lambda *a: runs.append(a))
    second = build_packet(case, tmp_path / "out" / "packet.pdf")
    assert runs == []
    assert len(pikepdf.open(first.output).pages) == len(pikepdf.open(second.output).pages)


def test_missing_libreoffice_is_a_located_error_before_anything_is_rendered(tmp_path, monkeypatch):
    _docx(tmp_path / "exhibits" / "school.docx", "Enrollment Letter", "No converter here.")
    _html(tmp_path / "exhibits" / "report.html", "Country Conditions", "x")
    case = _case(tmp_path, [("school", "exhibits/school.docx"), ("report", "exhibits/report.html")])
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no soffice anywhere on PATH
    monkeypatch.delenv("PAROLEKIT_SOFFICE", raising=False)
    monkeypatch.setattr(libreoffice, "_MAC_APP", str(tmp_path / "no-such-app"))
    monkeypatch.setattr(libreoffice, "convert", lambda *a, **k: pytest.fail("converted without LibreOffice"))
    with pytest.raises(CaseError) as err:
        build_packet(case, tmp_path / "out" / "packet.pdf")
    missing = [p for p in err.value.problems if p.code == "tool-missing"]
    assert [p.path for p in missing] == ["exhibits[school].file", "exhibits[report].file"]
    assert missing[0].line == 20 and "'exhibits/school.docx' is a Word document" in missing[0].message
    assert "apt-get install -y libreoffice-writer-nogui" in missing[0].message
    assert "export or print it to PDF" in missing[0].message
    assert not (tmp_path / "out" / "packet.pdf").exists()


@needs_office
def test_a_zip_named_docx_is_a_located_conversion_error(tmp_path):
    bad = tmp_path / "exhibits" / "school.docx"
    bad.parent.mkdir(parents=True)
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("photos/readme.txt", "not a document")
    case = _case(tmp_path, [("school", "exhibits/school.docx")])
    with pytest.raises(CaseError) as err:
        build_packet(case, tmp_path / "out" / "packet.pdf")
    [p] = [p for p in err.value.problems if p.code == "file-not-converted"]
    assert p.path == "exhibits[school].file" and "export or print it to PDF" in p.message


def test_libreoffice_runs_with_a_private_profile_no_macros_and_a_time_limit(tmp_path, monkeypatch):
    """The command line and profile, without LibreOffice: a stand-in records what it was given."""
    seen: dict = {}

    class FakeProc:
        returncode = 0
        pid = 0

        def __init__(self, cmd, **kw):
            seen["cmd"], seen["env"] = cmd, kw["env"]
            profile = Path(next(c for c in cmd if c.startswith("-env:UserInstallation=")).split("=", 1)[1][7:])
            seen["profile"] = (profile / "user" / "registrymodifications.xcu").read_text()
            out = Path(cmd[cmd.index("--outdir") + 1])
            out.mkdir()
            text_pdf(out / "input.pdf")

        def communicate(self, timeout=None):
            seen["timeout"] = timeout
            return b"", b""

    monkeypatch.setattr(libreoffice, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(libreoffice.subprocess, "Popen", FakeProc)
    src = _docx(tmp_path / "in" / "a b;$(x).docx", "H", "b")
    made = libreoffice.convert(src, "ab" * 32, tmp_path / "cache")
    assert made == tmp_path / "cache" / f"{'ab' * 32}.pdf" and made.is_file()
    assert seen["timeout"] == libreoffice.TIME_LIMIT
    assert "--headless" in seen["cmd"] and seen["cmd"][-1].endswith("input.docx")  # never the user's name
    assert "DisableMacrosExecution" in seen["profile"] and "<value>3</value>" in seen["profile"]
    assert seen["env"]["http_proxy"] == "http://127.0.0.1:9"
    assert not list((tmp_path / "cache").glob(".*.tmp"))


def test_a_file_named_pdf_that_is_a_word_document_says_to_name_it_docx(tmp_path):
    from parolekit.prepare import prepare

    docx = _docx(tmp_path / "x.docx", "H", "b")
    (tmp_path / "exhibits").mkdir(exist_ok=True)
    shutil.copy(docx, tmp_path / "exhibits" / "school.pdf")
    case = _case(tmp_path, [("school", "exhibits/school.pdf")])
    prep = prepare(case, read_texts=False)
    [p] = [p for p in prep.case.problems.items if p.code == "file-wrong-type"]
    assert "give it its own extension" in p.message and ".docx" in p.message


def test_a_password_protected_docx_says_to_remove_the_password(tmp_path):
    from parolekit.prepare import prepare

    (tmp_path / "exhibits").mkdir()
    (tmp_path / "exhibits" / "school.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    prep = prepare(_case(tmp_path, [("school", "exhibits/school.docx")]), read_texts=False)
    [p] = [p for p in prep.case.problems.items if p.path == "exhibits[school].file"]
    assert p.code == "file-wrong-type" and "password-protected" in p.message
