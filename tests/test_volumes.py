"""Volumes: files under the size limit, cut on exhibit boundaries, numbered and indexed across files."""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from factory import CASE_HEAD, manifest, require_poppler, text_pdf

from parolekit.plan import PagePlan, Placement
from parolekit.volumes import PageTooLarge, split_volumes, volume_path

LIMIT_MB = 0.4


def noise_jpeg(path: Path, seed: int, side: int = 400) -> Path:
    """A scan-sized JPEG that does not compress: its size is what it costs in the packet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = random.Random(seed).randbytes(side * side * 3)
    Image.frombytes("RGB", (side, side), data).save(path, "JPEG", quality=85, dpi=(100, 100))
    return path


@pytest.fixture
def big_case(tmp_path: Path) -> Path:
    """Front matter, a one-scan exhibit, a five-scan exhibit larger than a volume, a small letter."""
    noise_jpeg(tmp_path / "ex" / "photo.jpg", 1)
    for k in range(5):
        noise_jpeg(tmp_path / "ex" / f"scan{k}.jpg", 10 + k)
    text_pdf(tmp_path / "ex" / "letter.pdf", pages=2, title="Letter")
    scans = "\n".join(f"      - ex/scan{k}.jpg" for k in range(5))
    manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
output:
  file: out/packet.pdf
exhibits:
  - id: photo
    title: Photo
    file: ex/photo.jpg
  - id: scans
    title: Scanned records
    files:
{scans}
  - id: letter
    title: Letter
    file: ex/letter.pdf
""")
    return tmp_path


def _text(page_pdf: Path, index: int) -> str:
    require_poppler()
    return subprocess.run(["pdftotext", "-layout", "-f", str(index + 1), "-l", str(index + 1),
                           str(page_pdf), "-"], capture_output=True, text=True, check=True).stdout


def _separator_locations(files: list[Path]) -> dict[str, tuple[int, int]]:
    """Exhibit label -> (volume, printed page) where its separator sheet really is."""
    found = {}
    for vol, f in enumerate(files, start=1):
        with pikepdf.open(f) as pdf:
            first = int(pdf.Root.PageLabels.Nums[1].St)
            for i in range(len(pdf.pages)):
                m = re.search(r"^\s*EXHIBIT ([A-Z])\s*$", _text(f, i), re.M)
                if m:
                    found[m.group(1)] = (vol, first + i)
    return found


def test_volumes_are_under_the_limit_numbered_stamped_and_indexed(cli, big_case):
    code, _out, err = cli("build", big_case / "case.yaml", "--max-file-mb", str(LIMIT_MB))
    assert code == 0, err
    out = big_case / "out"
    files = sorted(out.glob("packet.vol*.pdf"), key=lambda p: int(re.search(r"vol(\d+)", p.name)[1]))
    n = len(files)
    assert n >= 3 and not (out / "packet.pdf").exists()
    assert [f.name for f in files] == [f"packet.vol{i}-of-{n}.pdf" for i in range(1, n + 1)]

    expected_first = 1
    total = None
    for vol, f in enumerate(files, start=1):
        assert f.stat().st_size <= LIMIT_MB * 1_000_000
        with pikepdf.open(f) as pdf:
            labels = pdf.Root.PageLabels.Nums
            assert int(labels[1].St) == expected_first  # viewer page numbers run on
            count = len(pdf.pages)
        for i in range(count):
            foot = _text(f, i)
            m = re.search(r"Page (\d+) of (\d+)", foot)
            assert m and int(m[1]) == expected_first + i
            total = total or int(m[2])
            assert int(m[2]) == total
            assert f"Volume {vol} of {n}" in foot
        expected_first += count
    assert expected_first - 1 == total

    # Volume 1 holds the front matter; the index there gives every exhibit's volume and pages.
    assert "Dear" in _text(files[0], 0) or "Re:" in _text(files[0], 0)
    index_page = next(i for i in range(4) if "INDEX OF EXHIBITS" in _text(files[0], i))
    index = _text(files[0], index_page)
    where = _separator_locations(files)
    rows = {m[1]: (m[2], int(m[3]), int(m[4])) for m in
            re.finditer(r"^\s*([A-C])\s+\S.*?\s(\d(?:\u2013\d)?)\s+(\d+)\u2013(\d+)\s*$", index, re.M)}
    assert set(rows) == {"A", "B", "C"}
    for label, (vols, start, _end) in rows.items():
        assert int(vols.split("\u2013")[0]) == where[label][0]
        assert start == where[label][1]
    # The five-scan exhibit is larger than a volume: cut inside itself, and the index says so.
    assert "\u2013" in rows["B"][0]
    assert rows["C"][1] == rows["B"][2] + 1

    receipt = json.loads((out / "packet.receipt.json").read_text())
    assert [v["path"].split("/")[-1] for v in receipt["volumes"]] == [f.name for f in files]
    for v, f in zip(receipt["volumes"], files):
        assert v["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        assert v["bytes"] == f.stat().st_size


def test_a_volume_that_opens_mid_exhibit_has_a_continued_bookmark(cli, big_case):
    assert cli("build", big_case / "case.yaml", "--max-file-mb", str(LIMIT_MB))[0] == 0
    files = sorted((big_case / "out").glob("packet.vol*.pdf"))
    titles = []
    for f in files[1:]:
        with pikepdf.open(f) as pdf, pdf.open_outline() as outline:
            titles += [item.title for item in outline.root]
    assert any(t.endswith("Scanned records (continued)") for t in titles)


def test_links_to_exhibits_in_other_volumes_open_that_file(cli, big_case):
    assert cli("build", big_case / "case.yaml", "--max-file-mb", str(LIMIT_MB))[0] == 0
    out = big_case / "out"
    n = len(list(out.glob("packet.vol*.pdf")))
    remote = []
    with pikepdf.open(out / f"packet.vol1-of-{n}.pdf") as pdf:
        for page in pdf.pages:
            for a in page.obj.get("/Annots", []):
                if "/A" in a and a.A.S == "/GoToR":
                    remote.append((str(a.A.F), int(a.A.D[0])))
    assert remote
    for name, index in remote:
        with pikepdf.open(out / name) as target:
            assert 0 <= index < len(target.pages)


def test_the_manifest_limit_applies_and_a_small_packet_stays_one_file(cli, big_case):
    case = big_case / "case.yaml"
    case.write_text(case.read_text().replace("  file: out/packet.pdf\n",
                                             "  file: out/packet.pdf\n  max_file_mb: 25\n"))
    code, _out, err = cli("build", case)
    assert code == 0, err
    assert (big_case / "out" / "packet.pdf").is_file()
    assert not list((big_case / "out").glob("*.vol*"))
    assert "Volume" not in _text(big_case / "out" / "packet.pdf", 0)


def test_a_page_larger_than_the_limit_is_an_error_and_nothing_is_written(cli, big_case):
    code, _out, err = cli("build", big_case / "case.yaml", "--max-file-mb", "0.1")
    assert code == 1
    assert "on its own" in err and "Exhibit A" in err and "max_file_mb" in err
    assert not (big_case / "out").exists() or not list((big_case / "out").iterdir())


def _plan(groups: list[int], front: int = 2) -> PagePlan:
    plan = PagePlan(total=front + sum(groups))
    n = front + 1
    for i, size in enumerate(groups):
        plan.exhibits[str(i)] = Placement(str(i), chr(65 + i), "t", "", n, n + size - 1, n + 1, size - 1)
        n += size
    return plan


def test_split_keeps_exhibits_whole_and_cuts_only_oversized_ones():
    plan = _plan([3, 3, 10, 2])  # pages 3-5, 6-8, 9-18, 19-20
    sizes = [10_000.0] * plan.total
    vols = split_volumes(plan, sizes, 100_000)  # budget ~57,000 bytes: five pages
    ranges = [(v.first, v.last) for v in vols]
    assert ranges[0] == (1, 5) and ranges[1] == (6, 8)  # whole exhibits move, never cut
    assert ranges[2][0] == 9  # the oversized exhibit begins a volume of its own
    assert ranges[-1][1] == 20 and all(b + 1 == c for (_a, b), (c, _d) in zip(ranges, ranges[1:]))
    assert all(sum(sizes[a - 1:b]) <= 100_000 for a, b in ranges)
    assert all(v.count == len(vols) for v in vols)


def test_split_refuses_a_page_larger_than_the_limit():
    plan = _plan([2])
    with pytest.raises(PageTooLarge) as e:
        split_volumes(plan, [1_000.0, 1_000.0, 1_000.0, 500_000.0], 100_000)
    assert e.value.page == 4


def test_volume_names():
    assert volume_path(Path("a/packet.pdf"), 2, 3) == Path("a/packet.vol2-of-3.pdf")
    assert volume_path(Path("a/packet.pdf"), 1, 1) == Path("a/packet.pdf")


def test_a_rebuild_with_another_split_removes_the_files_of_the_old_one(cli, big_case, tmp_path):
    out = big_case / "out"
    assert cli("build", big_case / "case.yaml")[0] == 0
    assert (out / "packet.pdf").is_file()
    assert cli("build", big_case / "case.yaml", "--max-file-mb", str(LIMIT_MB))[0] == 0
    volumes = sorted(out.glob("packet.vol*.pdf"))
    assert len(volumes) >= 3 and not (out / "packet.pdf").exists()  # no stale single packet to file
    # A file the user changed since is not ours to delete.
    volumes[-1].write_bytes(volumes[-1].read_bytes() + b"\n% annotated by hand\n")
    assert cli("build", big_case / "case.yaml")[0] == 0
    assert (out / "packet.pdf").is_file()
    assert sorted(out.glob("packet.vol*.pdf")) == [volumes[-1]]


def test_page_sizes_find_the_heavy_page_and_count_shared_data_once(tmp_path):
    from parolekit.volumes import page_sizes

    text_pdf(tmp_path / "t.pdf", pages=3, title="Text")
    jpeg = noise_jpeg(tmp_path / "scan.jpg", 3).read_bytes()
    pdf = pikepdf.open(tmp_path / "t.pdf")
    image = pikepdf.Stream(pdf, jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=400,
                           Height=400, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                           Filter=pikepdf.Name.DCTDecode)
    for i in (1, 2):  # the same image on two pages: it is in the file once
        pdf.pages[i].obj.Resources.XObject = pikepdf.Dictionary(Im9=image)
        pdf.pages[i].contents_add(pikepdf.Stream(pdf, b"q 100 0 0 100 0 0 cm /Im9 Do Q"))
    sizes = page_sizes(pdf, [0, 1, 2])
    assert sizes[1] > len(jpeg) > 20 * sizes[0]
    assert sizes[2] < len(jpeg) / 20
    assert page_sizes(pdf, [2])[0] > len(jpeg)  # selected alone, the page carries the image


def test_a_limit_that_is_not_reached_changes_no_byte(cli, case_dir):
    assert cli("build", case_dir / "case.yaml", "-o", case_dir / "plain.pdf")[0] == 0
    assert cli("build", case_dir / "case.yaml", "-o", case_dir / "limited.pdf", "--max-file-mb", "50")[0] == 0
    assert (case_dir / "plain.pdf").read_bytes() == (case_dir / "limited.pdf").read_bytes()


def test_a_volume_never_replaces_an_input_of_the_same_name(tmp_path, cli):
    """An input named like a volume (packet.vol2-of-N.pdf) is refused, left intact, nothing written."""
    # Twelve: more than re-encoding at the floor could fit in one file, so the packet must split.
    for k in range(12):
        noise_jpeg(tmp_path / f"scan{k}.jpg", 40 + k)
    names = [f"case.vol2-of-{n}.pdf" for n in range(2, 9)]  # whatever the split, one clashes
    for name in names:
        text_pdf(tmp_path / name, pages=1, title="An input")
    before = {p: p.read_bytes() for p in tmp_path.glob("case.vol*.pdf")}
    rows = "".join(f"  - id: s{k}\n    title: Scan {k}\n    file: scan{k}.jpg\n" for k in range(12))
    m = manifest(tmp_path / "case.yaml", CASE_HEAD + "output:\n  max_file_mb: 0.5\nexhibits:\n" + rows
                 + f"  - id: inputs\n    title: Inputs\n    files: [{', '.join(names)}]\n")
    code, _out, err = cli("build", m)
    assert code == 1 and "[output-overwrites-input]" in err, err
    assert {p: p.read_bytes() for p in tmp_path.glob("case.vol*.pdf")} == before
    assert not list(tmp_path.glob("*.part")) and not (tmp_path / "case.receipt.json").exists()


def test_a_page_over_the_limit_is_located_at_its_exhibit(tmp_path, cli):
    noise_jpeg(tmp_path / "big.jpg", 7, side=900)
    m = manifest(tmp_path / "case.yaml", CASE_HEAD + """\
output:
  max_file_mb: 0.2
exhibits:
  - id: big-scan
    title: A heavy scan
    file: big.jpg
""")
    code, _out, err = cli("build", m)
    assert code == 1 and "[volume-limit-unreachable]" in err, err
    assert "case.yaml:19:11:" in err and "exhibits[big-scan].file" in err and "Exhibit A, p. 1" in err
    assert not list(tmp_path.glob("*.pdf"))
