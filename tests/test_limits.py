"""Hostile sizes are refused early with a located error: alias bombs, huge files, image bombs."""

from __future__ import annotations

import struct
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PIL import Image

from factory import CASE_HEAD, manifest
from parolekit import images, yamltree
from parolekit.errors import CaseError, ManifestError
from parolekit.manifest import load_case
from parolekit.pipeline import build_packet

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))


def _problems(path: Path, build: bool = False):
    """The located problems a manifest produces, with the peak Python memory spent finding them."""
    tracemalloc.start()
    try:
        with pytest.raises((ManifestError, CaseError)) as info:
            build_packet(path) if build else load_case(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value.problems, peak


def test_billion_laughs_is_refused_without_expanding(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(BILLION_LAUGHS)
    problems, peak = _problems(path)
    assert [p.code for p in problems] == ["yaml-too-many-nodes"]
    assert "alias" in problems[0].message and problems[0].line >= 1
    assert peak < 20_000_000  # 9^9 values were never built


def test_aliases_that_stay_small_are_fine(tmp_path):
    # Anchors are legitimate: a repeated translator block, say.
    path = manifest(tmp_path / "case.yaml", CASE_HEAD.replace(
        "  recipient:", "  petitioner: &p\n    name: Ana Perez\n    relationship: sister\n  recipient:")
        + "exhibits: []\ndeclarations:\n  - id: d\n    declarant: {name: Ana Perez, role: petitioner}\n"
        "    text: d.md\n")
    (tmp_path / "d.md").write_text("I declare.\n")
    assert load_case(path).manifest.case.petitioner.name == "Ana Perez"


def test_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("parolekit: 1\nloop: &a [*a]\n")
    problems, _ = _problems(path)
    assert [p.code for p in problems] == ["yaml-too-many-nodes"]


@pytest.mark.parametrize("text", ["a: " + "[" * 1_900_000, "a: " + "{a: " * 400_000,
                                  "a:\n" + "- " * 5_000 + "x\n"])
def test_deep_nesting_is_refused_quickly(tmp_path, text):
    # PyYAML's scanner is quadratic in open '[': this would run for hours, or overflow the stack.
    path = tmp_path / "case.yaml"
    path.write_text(text)
    problems, peak = _problems(path)
    assert [p.code for p in problems] == ["yaml-too-deep"]
    assert problems[0].line == 1 or problems[0].line == 2
    assert peak < 60_000_000


def test_flow_brackets_in_quotes_and_comments_are_not_nesting(tmp_path):
    text = CASE_HEAD + 'exhibits: []\n# ' + "[" * 500 + "\n" + "x: '" + "[" * 500 + "'\n"
    path = tmp_path / "case.yaml"
    path.write_text(text)
    problems, _ = _problems(path)
    assert [p.code for p in problems] != ["yaml-too-deep"]


def test_huge_manifest_is_refused_before_parsing(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(CASE_HEAD + "# padding\n" * 300_000)  # 3 MB of valid YAML
    problems, _ = _problems(path)
    assert [p.code for p in problems] == ["manifest-too-large"]
    assert f"{yamltree.MAX_MANIFEST_BYTES:,}" in problems[0].message


def test_huge_manifest_is_never_read_whole(tmp_path):
    path = tmp_path / "case.yaml"
    with open(path, "wb") as fh:  # a sparse 4 GB file: reading it whole would exhaust memory
        fh.write(b"parolekit: 1\n")
        fh.truncate(4 << 30)
    problems, peak = _problems(path)
    assert [p.code for p in problems] == ["manifest-too-large"]
    assert peak < 3 * yamltree.MAX_MANIFEST_BYTES


def test_manifest_not_utf8_is_located(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(CASE_HEAD.replace("Test Beneficiary", "Jos\xe9 P\xe9rez").encode("latin-1"))
    problems, _ = _problems(path)
    assert [p.code for p in problems] == ["manifest-not-utf8"]
    line = next(i for i, text in enumerate(CASE_HEAD.splitlines(), 1) if "Test Beneficiary" in text)
    assert problems[0].line == line and problems[0].column == len("    - name: Jos") + 1
    assert "save it as UTF-8" in problems[0].message


def test_manifest_in_utf16_is_named_as_such(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(CASE_HEAD.encode("utf-16"))
    problems, _ = _problems(path)
    assert [p.code for p in problems] == ["manifest-not-utf8"] and "UTF-16" in problems[0].message


def test_control_character_is_located(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(CASE_HEAD.replace("Honduras", "Hond\x00uras"))
    problems, _ = _problems(path)
    assert problems[0].code == "yaml-syntax" and "U+0000" in problems[0].message
    assert problems[0].line == CASE_HEAD[:CASE_HEAD.index("Honduras")].count("\n") + 1


def test_limits_reach_the_cli_cleanly(tmp_path, cli):
    path = tmp_path / "case.yaml"
    path.write_text(BILLION_LAUGHS)
    code, _out, err = cli("build", path)
    assert code == 1 and "yaml-too-many-nodes" in err and "case.yaml:1:1" in err
    assert "Traceback" not in err and not (tmp_path / "case.pdf").exists()


# --- images -------------------------------------------------------------------------------------
def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(path: Path, width: int, height: int, bits: int = 8, colour: int = 2) -> Path:
    """A valid PNG whose header declares width x height; the pixel data is all zeros, compressed."""
    row = b"\x00" + b"\x00" * ((width * bits * (3 if colour == 2 else 1) + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bits, colour, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) +
                     _chunk(b"IEND", b""))
    return path


def _image_case(tmp_path: Path, name: str) -> Path:
    return manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: scan
    title: Scan
    file: exhibits/{name}
""")


def _refusal(tmp_path: Path, name: str) -> str:
    problems, _ = _problems(_image_case(tmp_path, name), build=True)
    assert [p.code for p in problems] == ["image-too-large"], problems
    assert problems[0].path == "exhibits[scan].file" and name in problems[0].message
    assert "scale it down" in problems[0].message or "split it" in problems[0].message
    return problems[0].message


def test_header_declaring_ten_gigapixels_is_refused(tmp_path):
    # 100000 x 100000 RGB would decode to 30 GB; the header alone is enough to refuse it.
    path = tmp_path / "exhibits" / "bomb.png"
    path.parent.mkdir()
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) +
                     _chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _chunk(b"IEND", b""))
    _refusal(tmp_path, "bomb.png")


def test_tiny_file_decoding_to_gigabytes_is_refused(tmp_path):
    path = png_bomb(tmp_path / "exhibits" / "zeros.png", 20_000, 20_000, bits=1, colour=0)
    assert path.stat().st_size < 200_000  # 400 megapixels in a small file
    _refusal(tmp_path, "zeros.png")


def test_huge_second_tiff_page_is_refused(tmp_path):
    # Only the first frame's size is checked on opening; every page must be.
    path = tmp_path / "exhibits" / "fax.tif"
    path.parent.mkdir()
    small = Image.new("1", (100, 100), 1)
    side = int((images.MAX_PIXELS * 1.1) ** 0.5)
    big = Image.new("1", (side, side), 1)
    small.save(path, save_all=True, append_images=[big], compression="group4")
    del big
    _refusal(tmp_path, "fax.tif")


def test_too_many_tiff_pages_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_FRAMES", 20)
    path = tmp_path / "exhibits" / "batch.tif"
    path.parent.mkdir()
    frames = [Image.new("1", (8, 8), 1) for _ in range(21)]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    assert "21 pages" in _refusal(tmp_path, "batch.tif")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_image_bomb_build_stays_small_in_memory(tmp_path):
    """The whole build, in its own process: the refused bomb never costs real memory."""
    png_bomb(tmp_path / "exhibits" / "zeros.png", 20_000, 20_000, bits=1, colour=0)
    case = _image_case(tmp_path, "zeros.png")
    # VmHWM is this process's own peak (ru_maxrss would include the forking pytest's).
    script = ("import re, sys\n"
              "from parolekit.cli import main\n"
              "sys.argv = ['parolekit', 'build', sys.argv[1]]\n"
              "try:\n    main()\n"
              "except SystemExit as e:\n"
              "    status = open('/proc/self/status').read()\n"
              "    print(e.code, re.search(r'VmHWM:\\s+(\\d+)', status)[1])\n")
    run = subprocess.run([sys.executable, "-c", script, str(case)], capture_output=True, text=True,
                         timeout=120)
    code, rss_kb = run.stdout.split()
    assert code == "1" and "image-too-large" in run.stderr and "Traceback" not in run.stderr
    assert int(rss_kb) < 200_000, f"peak memory {int(rss_kb) // 1024} MB"


# --- PDF content -------------------------------------------------------------------------------
def test_flate_bomb_page_is_refused_in_bounded_memory(tmp_path):
    """150 KB of zlib that inflates to 150 MB of drawing instructions: refused, never inflated whole."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    comp = zlib.compressobj(9)
    block = b" " * (1 << 20)
    raw = b"".join(comp.compress(block) for _ in range(150)) + comp.compress(b"BT ET") + comp.flush()
    stream = pikepdf.Stream(pdf, raw)
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    (tmp_path / "exhibits").mkdir()
    pdf.save(tmp_path / "exhibits" / "bomb.pdf", compress_streams=False)
    assert (tmp_path / "exhibits" / "bomb.pdf").stat().st_size < 1_000_000
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: statement
    title: Statement
    file: exhibits/bomb.pdf
""")
    problems, peak = _problems(case, build=True)
    assert [p.code for p in problems] == ["content-too-large"]
    assert problems[0].path == "exhibits[statement].file" and "bomb.pdf" in problems[0].message
    assert peak < 30_000_000


def test_many_large_tiff_pages_are_refused_by_their_total(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_TOTAL_PIXELS", 25_000)
    path = tmp_path / "exhibits" / "batch.tif"
    path.parent.mkdir()
    frames = [Image.new("1", (100, 100), 1) for _ in range(3)]  # 30,000 pixels in all
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    assert "add up to" in _refusal(tmp_path, "batch.tif")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file-handle limit")
def test_more_exhibits_than_the_default_file_handle_limit(tmp_path):
    """macOS allows 256 open files by default; each open exhibit holds one until the save."""
    from factory import text_pdf

    base = text_pdf(tmp_path / "exhibits" / "base.pdf").read_bytes()
    body = ""
    for i in range(120):
        (tmp_path / "exhibits" / f"e{i}.pdf").write_bytes(base + f"%{i}\n".encode())
        body += f"  - id: e{i}\n    title: Exhibit {i}\n    file: exhibits/e{i}.pdf\n"
    case = manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n" + body)
    script = ("import resource, sys\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
              "from parolekit.cli import main\n"
              "sys.argv = ['parolekit', 'build', sys.argv[1]]\n"
              "main()\n")
    run = subprocess.run([sys.executable, "-c", script, str(case)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and (tmp_path / "case.pdf").exists()
