"""Truncated and corrupted corpus files: each build ends cleanly (a packet, or a clear error), never
with a traceback or a hang. Seeded, so a failure can be replayed; each build runs in its own process
with a timeout that only guards against hangs."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest

from factory import CASE_HEAD

SEED = 20261124
CASES = 32
HANG_GUARD = 60  # seconds per build: a hang detector, not a speed expectation
FILES = ["pdf20_simple.pdf", "enc-owner-only_aes-256_acrobat-xi.pdf",
         "acroform-js-incremental_irs-f1040nr.pdf", "xfa-acroform_owner-aes-128_dd0293.pdf",
         "cyrillic_kompas3d-drawing.pdf", "scan-jpeg-only_huckfinn-p22.pdf", "jbig2-with-globals.pdf",
         "arabic_rotate-90-180-270-360.pdf", "doc-level-javascript_autoprint.pdf",
         "enc-owner-only_rc4-40_linearized_dmca.pdf", "type3-fonts_google-docs.pdf",
         "embedded-file-attachment.pdf", "boxes_rotations_mediabox-offset_cropbox.pdf",
         "ccitt_kodak-capture_bad-outline.pdf", "exif-orientation-6.jpg",
         "multipage-g4-fax_3-pages.tiff", "rgba-alpha.png", "cmyk-adobe.jpg"]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One kind of damage a download, a disk or an e-mail gateway does to a file."""
    out = bytearray(data)
    how = rng.choice(["truncate", "truncate", "flip", "zero", "splice"])
    if how == "truncate":  # an interrupted download
        cut = rng.randrange(1, len(out))
        return bytes(out[:cut]), f"truncated at {cut}"
    if how == "flip":  # bit rot
        offsets = [rng.randrange(len(out)) for _ in range(rng.choice([1, 5, 50]))]
        for o in offsets:
            out[o] = rng.randrange(256)
        return bytes(out), f"{len(offsets)} bytes changed from {offsets[0]}"
    if how == "zero":  # a lost disk block
        o, n = rng.randrange(len(out)), rng.randrange(1, 4096)
        out[o:o + n] = bytes(len(out[o:o + n]))
        return bytes(out), f"{n} bytes zeroed at {o}"
    o = rng.randrange(len(out))  # junk inserted
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 512)))
    return bytes(out[:o] + junk + out[o:]), f"{len(junk)} bytes inserted at {o}"


def _cases(corpus: Path, root: Path) -> list[tuple[Path, str, str]]:
    rng = random.Random(SEED)
    made = []
    for i in range(CASES):
        name = rng.choice(FILES)
        data, how = mutate((corpus / name).read_bytes(), rng)
        folder = root / f"case{i:02d}"
        (folder / "exhibits").mkdir(parents=True)
        (folder / "exhibits" / name).write_bytes(data)
        (folder / "case.yaml").write_text(CASE_HEAD + f"""\
exhibits:
  - id: damaged
    title: Damaged download
    file: exhibits/{name}
""")
        made.append((folder, name, how))
    return made


def _build(case: tuple[Path, str, str]) -> tuple[Path, str, str, int | str, str]:
    folder, name, how = case
    try:
        run = subprocess.run([sys.executable, "-m", "parolekit", "build", str(folder / "case.yaml")],
                             capture_output=True, text=True, errors="replace", timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        return folder, name, how, "hang", ""
    return folder, name, how, run.returncode, run.stderr


def test_damaged_files_end_cleanly(corpus, tmp_path):
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(_build, _cases(corpus, tmp_path)))
    failures, outcomes = [], {"built": 0, "refused": 0}
    for folder, name, how, code, err in results:
        where = f"{name} ({how})"
        if code == "hang":
            failures.append(f"{where}: no result within {HANG_GUARD} s")
        elif "Traceback" in err or "internal error" in err:
            failures.append(f"{where}: {err[-400:]}")
        elif code == 1:
            outcomes["refused"] += 1
            if "exhibits[damaged].file" not in err or name not in err or "error [" not in err:
                failures.append(f"{where}: the refusal does not name the exhibit and file: {err}")
            if list(folder.glob("*.pdf")) or list(folder.glob(".*.part")):
                failures.append(f"{where}: a refused build left files")
        elif code == 0:
            outcomes["built"] += 1
            failures.extend(f"{where}: {f}" for f in _packet_problems(folder))
        else:
            failures.append(f"{where}: exit {code}: {err[-400:]}")
    assert not failures, "\n".join(failures)
    # The seed gives a mix: if every case landed on one side the test would prove little.
    assert outcomes["built"] >= 3 and outcomes["refused"] >= 3, outcomes


def _packet_problems(folder: Path) -> list[str]:
    """A built packet must be whole: its receipt's pages, and a structure qpdf accepts.

    qpdf exit 3 (warnings) is accepted: when flipped bytes fall inside an image's compressed data,
    the packet carries that image over byte for byte and qpdf warns that it cannot decode it;
    the page is there, the file's structure is sound. Exit 2 (errors) is not accepted.
    """
    problems = []
    receipt = json.loads((folder / "case.receipt.json").read_text())
    with pikepdf.open(folder / "case.pdf") as pdf:
        if len(pdf.pages) != receipt["output"]["pages"]:
            problems.append(f"{len(pdf.pages)} pages, receipt says {receipt['output']['pages']}")
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(folder / "case.pdf")], capture_output=True,
                               text=True, errors="replace")
        if check.returncode not in (0, 3):
            problems.append(f"qpdf --check exit {check.returncode}: {check.stdout[-300:]}")
    return problems


@pytest.mark.parametrize("cut", [0.1, 0.35, 0.6, 0.9, 0.999])
def test_half_downloaded_book(corpus, tmp_path, cli, cut):
    """CORPUS.md suggests it: the 894-page book cut off mid-body, as an interrupted download."""
    data = (corpus / "sicp_894-pages_outline_objstm.pdf").read_bytes()
    (tmp_path / "exhibits").mkdir()
    (tmp_path / "exhibits" / "book.pdf").write_bytes(data[:int(len(data) * cut)])
    (tmp_path / "case.yaml").write_text(CASE_HEAD + """\
exhibits:
  - id: book
    title: Book
    file: exhibits/book.pdf
""")
    code, _out, err = cli("build", tmp_path / "case.yaml")
    assert "Traceback" not in err
    assert code in (0, 1), err
    if code == 1:
        assert "exhibits[book].file" in err and "book.pdf" in err
        assert not (tmp_path / "case.pdf").exists()
    else:  # whatever was recovered is whole, and the user was told the file is damaged
        assert "[file-repaired]" in err
        with pikepdf.open(tmp_path / "case.pdf") as pdf:
            assert len(pdf.pages) >= 4
