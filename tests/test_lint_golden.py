"""Golden lint tests: each tests/lint/*.yaml states the exact (line, column, code) lint must report.

A golden manifest carries its expectations in leading comments:

    # expect: 14:11 file-missing        one line per problem (all of them; none means clean)
    # make: exhibits/a.pdf text pages=2  input files made at test time (see `make`)
    # env: NAME=value                   environment for the run

It is copied (bytes as they are) into a fresh case folder, its inputs are made, and lint runs.
"""

from __future__ import annotations

import json
import re
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from PIL import Image

from factory import photo, text_pdf

GOLDEN = Path(__file__).parent / "lint"
_EXPECT = re.compile(rb"^# expect: (\d+):(\d+) ([a-z0-9-]+)\s*$")
_MAKE = re.compile(rb"^# make: (\S+) (\S+)((?: \S+=\S+)*)\s*$")
_ENV = re.compile(rb"^# env: (\w+)=(\S*)\s*$")
SIZES = {"letter": "letter", "a4": "a4", "legal": (612, 1008), "tiny": (144, 18),
         "id-1": (242.65, 153.01)}


def _with_pdf(path: Path, change) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path)


def _scan(path: Path, opts: dict) -> None:
    dpi = int(opts.get("dpi", 200))
    pdf = pikepdf.new()
    w, h = int(8.5 * dpi), int(11 * dpi)
    img = pikepdf.Stream(pdf, zlib.compress(b"\xff" * (w * h), 1))
    img.Type, img.Subtype, img.Filter = Name.XObject, Name.Image, Name.FlateDecode
    img.Width, img.Height, img.ColorSpace, img.BitsPerComponent = w, h, Name.DeviceGray, 8
    for _ in range(int(opts.get("pages", 1))):
        page = Dictionary(Type=Name.Page, MediaBox=[0, 0, 612, 792],
                          Resources=Dictionary(XObject=Dictionary(Im0=img)),
                          Contents=pikepdf.Stream(pdf, b"q 612 0 0 792 0 0 cm /Im0 Do Q"))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def _form(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    field = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx,
                                         T=String("name"), V=String("Test"), Rect=[50, 50, 200, 70],
                                         P=page.obj))
    page.obj.Annots = pdf.make_indirect(Array([field]))
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))


def _xfa(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pikepdf.Stream(pdf, b"<xdp:xdp/>"))
    pdf.Root.NeedsRendering = True


def _link(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[50, 50, 200, 70],
                                        A=Dictionary(S=Name.URI, URI=String("https://example.org/"))))
    page.obj.Annots = pdf.make_indirect(Array([link]))


def _damage(path: Path) -> None:
    data = path.read_bytes()
    at = data.rindex(b"startxref")
    path.write_bytes(data[:at] + b"startxref\n999999\n%%EOF\n")


def make(base: Path, rel: str, kind: str, opts: dict) -> None:
    path = base / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pages = int(opts.get("pages", 1))
    if kind in ("text", "js", "attach", "form", "xfa", "encrypted", "damaged", "link"):
        text_pdf(path, pages=pages, size=SIZES[opts.get("size", "letter")], title=rel)
    if kind == "js":
        _with_pdf(path, lambda pdf: setattr(pdf.Root, "OpenAction", Dictionary(
            S=Name.JavaScript, JS=String("this.print(true);"))))
    elif kind == "attach":
        _with_pdf(path, lambda pdf: pdf.attachments.__setitem__(
            "note.txt", pikepdf.AttachedFileSpec(pdf, b"hidden", filename="note.txt")))
    elif kind == "form":
        _with_pdf(path, _form)
    elif kind == "link":
        _with_pdf(path, _link)
    elif kind == "xfa":
        _with_pdf(path, _xfa)
    elif kind == "encrypted":
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.save(path, encryption=pikepdf.Encryption(user="right", owner="owner-pw"))
    elif kind == "damaged":
        _damage(path)
    elif kind == "scan":
        _scan(path, opts)
    elif kind == "zero-pages":
        pikepdf.new().save(path)
    elif kind == "corrupt":
        path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<<>>\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "plaintext":
        path.write_text("not a document\n", encoding="utf-8")
    elif kind == "receipt":  # an earlier build's receipt: labels=id:label,id:label
        pairs = [p.split(":") for p in opts.get("labels", "").split(",") if p]
        path.write_text(json.dumps({"inputs": [], "exhibits": [{"id": i, "label": lab} for i, lab in pairs]}),
                        encoding="utf-8")
    elif kind == "jpeg":
        photo(path, size=tuple(int(v) for v in opts.get("size", "1700x2200").split("x")),
              dpi=int(opts.get("dpi", 200)), fmt="JPEG")
    elif kind == "md":
        path.write_text("I am the declarant.\n\nEverything here is true.\n", encoding="utf-8")
    elif kind == "notes":  # a brief with a used, an unused and a twice-defined footnote
        path.write_text("Text.[^1]\n\n[^1]: used\n[^2]: never referred to\n[^1]: again\n", encoding="utf-8")
    elif kind == "md-image":  # a declaration whose photo stands as a paragraph of its own
        path.write_text("I visited my sister.\n\n![My sister in the hospital](photo.jpg)\n\n"
                        "She has lost weight.\n", encoding="utf-8")
    elif kind == "md-footnote":  # a footnote typed as in a brief, in a declaration: not printed
        path.write_text("I saw the notice.[^1]\n\n[^1]: Ibid.\n\nEverything here is true.\n", encoding="utf-8")
    elif kind == "md-control":  # a NUL pasted into a statement
        path.write_text("I am the declarant.\n\nEverything\x00 here is true.\n", encoding="utf-8")
    elif kind == "animated-gif":  # frames=N, each a different grey
        frames = [Image.new("L", (60, 40), 40 * k % 256) for k in range(int(opts.get("frames", 3)))]
        frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    elif kind == "deep-md":  # a list nested twelve levels deep, then a paragraph
        path.write_text("".join("  " * i + f"- item {i}\n" for i in range(12)) + "\nAfter it.\n", encoding="utf-8")
    elif kind == "latin1":
        path.write_bytes("Declaración de José\n".encode("latin-1"))
    elif kind == "dir":
        path.mkdir(exist_ok=True)
    elif kind == "copy":
        shutil.copyfile(base / opts["of"], path)
    elif kind not in ("text", "js", "attach", "form", "xfa", "encrypted", "damaged", "link"):
        raise ValueError(f"unknown maker {kind!r} for {rel}")


def load_golden(name: str, root: Path) -> tuple[Path, set[tuple[int, int, str]], dict[str, str]]:
    """Copy golden *name* into root/case/, make its inputs; (manifest, expected, env)."""
    raw = (GOLDEN / name).read_bytes()
    base = root / "case"
    base.mkdir(parents=True)
    expected: set[tuple[int, int, str]] = set()
    env: dict[str, str] = {}
    for line in raw.splitlines():
        if m := _EXPECT.match(line):
            expected.add((int(m[1]), int(m[2]), m[3].decode()))
        elif m := _MAKE.match(line):
            opts = dict(kv.split("=", 1) for kv in m[3].decode().split())
            make(base, m[1].decode(), m[2].decode(), opts)
        elif m := _ENV.match(line):
            env[m[1].decode()] = m[2].decode()
    target = base / "case.yaml"
    target.write_bytes(raw)
    return target, expected, env


GOLDENS = sorted(p.name for p in GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("name", GOLDENS)
def test_golden(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parolekit.lint import lint_manifest
    from parolekit.rules.catalogue import rules_by_code

    monkeypatch.setenv("PAROLEKIT_DEBUG_RULES", "1")  # a crashing rule fails the test, loudly
    manifest, expected, env = load_golden(name, tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = lint_manifest(manifest)
    got = {(p.line, p.column, p.code) for p in result.problems}
    assert got == expected, "\n".join(p.render() for p in result.problems)
    assert [p.line for p in result.problems] == sorted(p.line for p in result.problems)
    rules = rules_by_code()
    for p in result.problems:  # the catalogue's severity is the one reported
        assert p.severity == rules[p.code].severity, p.render()


def golden_codes() -> set[str]:
    codes = set()
    for name in GOLDENS:
        for line in (GOLDEN / name).read_bytes().splitlines():
            if m := _EXPECT.match(line):
                codes.add(m[3].decode())
    return codes


@pytest.mark.parametrize("name", GOLDENS)
def test_lint_catches_whatever_fails_the_build(name: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Build fails exactly when lint reports an error, and each build error is one lint reported."""
    from parolekit.errors import ParolekitError
    from parolekit.lint import lint_manifest
    from parolekit.pipeline import build_packet
    from parolekit.rules.catalogue import rules_by_code

    manifest, expected, env = load_golden(name, tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    lint_errors = {(p.line, p.column, p.code) for p in lint_manifest(manifest).errors}
    try:
        build_packet(manifest)
    except ParolekitError as e:
        built = {(p.line, p.column, p.code) for p in e.problems if p.severity == "error"}
        assert lint_errors, f"build failed but lint found no error: {e.message} {built}"
        assert built <= lint_errors, f"build errors lint missed: {built - lint_errors}"
    else:
        # Lint-only errors (contradictory dates; the spec makes a future event "a lint error").
        extra = {e for e in lint_errors if not rules_by_code()[e[2]].lint_only}
        assert not extra, f"lint reported errors the build ignores: {extra}"
