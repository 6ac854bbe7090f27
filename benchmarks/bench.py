"""Time `parolekit build` against a plain `qpdf --empty --pages` merge of the same exhibit files.

    .venv/bin/python benchmarks/bench.py                 # 100, 1,000 and 5,000 pages, 3 runs each
    .venv/bin/python benchmarks/bench.py --sizes 1000 --runs 5

Exhibit files are generated once into benchmarks/out/ (gitignored; ~450 MB for 5,000 pages) and
reused: text PDFs of 1-25 pages in letter, A4 and landscape letter, and scanned PDFs (one JPEG per
page, like a scanner's output), about 30% of all pages. Each case takes the first exhibits of the
same pool. Figures are wall seconds (median of --runs) and the peak resident memory of the
`parolekit build` process alone (a small wrapper measures its own children only).

Columns: `parolekit s` is the whole command (interpreter start and imports included) and `ratio`
compares it with `qpdf --empty --pages ... -- out.pdf` as given; `qpdf kept-open s` is the same merge
with --keep-files-open=y (qpdf's default reopens each file when there are more than 200, which
makes the plain command slow at 5,000 pages); `in-process s` is build_packet alone in a process that
has already imported parolekit (what each case costs a batch worker or a script), compared with the
kept-open merge. Pages/s, ms/page and peak memory are for the whole command.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
POOL = OUT / "exhibits"
ROOT = HERE.parent
PAROLEKIT = [str(Path(sys.executable).with_name("parolekit"))]
SCAN_SHARE = 0.30
SEED = 20261120

# Run a command, print its wall time and the peak RSS of it alone (children of this wrapper only).
MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_kb": peak, "rc": p.returncode, "err": p.stderr.decode()[-2000:]}))
"""


# --- generating the inputs -----------------------------------------------------------------------
def _text_pdf(path: Path, pages: int, size, title: str, rng: random.Random) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    w, h = size
    words = ("record medical parole evidence treatment hospital country report declaration "
             "physician letter statement funds sponsor passport identity family").split()
    for k in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 13)
        c.drawString(54, h - 72, f"{title}, page {k}")
        c.setFont("Helvetica", 10)
        y = h - 100
        while y > 80:
            c.drawString(54, y, " ".join(rng.choice(words) for _ in range(12)))
            y -= 13
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())


def _scan_jpegs(count: int, rng: random.Random) -> list[bytes]:
    """Grey, grainy 200-dpi letter-size page scans of ~250-350 KB (what office scanners make)."""
    from PIL import Image, ImageDraw, ImageFilter

    out = []
    for _ in range(count):
        w, h = 1700, 2200
        noise = Image.frombytes("L", (w // 4, h // 4), rng.randbytes((w // 4) * (h // 4)))
        img = noise.resize((w, h)).filter(ImageFilter.GaussianBlur(1.2)).point(lambda v: 200 + v // 5)
        d = ImageDraw.Draw(img)
        for y in range(200, h - 200, 40):
            d.line([(150, y), (150 + rng.randint(600, 1400), y)], fill=40, width=6)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.choice([55, 65, 75]), dpi=(200, 200))
        out.append(buf.getvalue())
    return out


def _scan_pdf(path: Path, jpegs: list[bytes], tag: str) -> None:
    import pikepdf

    pdf = pikepdf.new()
    for k, data in enumerate(jpegs):
        # A JPEG comment makes every file's bytes unique, as real scans are.
        data = data[:2] + b"\xff\xfe" + (len(tag) + 6).to_bytes(2, "big") + f"{tag}:{k:03d}".encode() + data[2:]
        img = pikepdf.Stream(pdf, data)
        img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        img.Width, img.Height, img.BitsPerComponent = 1700, 2200, 8
        img.ColorSpace, img.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.DCTDecode
        content = pikepdf.Stream(pdf, b"q 612 0 0 792 0 0 cm /Im0 Do Q")
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img)))))
    pdf.save(path)


def make_pool(pages: int) -> list[tuple[str, int]]:
    """Exhibit files totalling at least *pages* pages: [(relative path, pages)], made once."""
    from reportlab.lib.pagesizes import A4, LETTER, landscape

    index = POOL / "index.json"
    if index.is_file():
        have = json.loads(index.read_text())
        if sum(p for _f, p in have) >= pages:
            return have
    POOL.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    jpegs = _scan_jpegs(24, rng)
    sizes = [LETTER, LETTER, A4, landscape(LETTER)]
    files: list[tuple[str, int]] = []
    total = 0
    n = 0
    while total < pages:
        n += 1
        scanned = rng.random() < SCAN_SHARE
        count = rng.randint(1, 8) if scanned else rng.randint(1, 25)
        name = f"ex{n:04d}.pdf"
        if scanned:
            _scan_pdf(POOL / name, [rng.choice(jpegs) for _ in range(count)], f"ex{n:04d}")
        else:
            _text_pdf(POOL / name, count, rng.choice(sizes), f"Exhibit file {n}", rng)
        files.append((name, count))
        total += count
    index.write_text(json.dumps(files))
    return files


def make_case(pages: int, pool: list[tuple[str, int]]) -> tuple[Path, list[Path]]:
    """A manifest with as many pool exhibits as make about *pages* exhibit pages."""
    chosen, total = [], 0
    for name, count in pool:
        if total >= pages:
            break
        chosen.append(name)
        total += count
    folder = OUT  # the case folder holds exhibits/, so every file is inside it
    rows = "\n".join(f"  - id: ex-{i}\n    title: Exhibit file {i} of the benchmark case\n"
                     f"    file: exhibits/{name}\n    date: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
                     for i, name in enumerate(chosen, start=1))
    path = folder / f"case-{pages}.yaml"
    path.write_text(f"""\
parolekit: 1
case:
  title: Request for Humanitarian Parole (benchmark)
  kind: humanitarian-parole
  reasons: [medical]
  date: 2026-11-20
  beneficiaries:
    - name: Bench Mark
      birth_date: 1988-03-14
      citizenship: Honduras
  recipient:
    name: USCIS Humanitarian Affairs Branch
    address: [P.O. Box 0000, "City, ST 00000"]
output:
  bates_prefix: BENCH
exhibits:
{rows}
chronology:
  - date: 2025-01-10
    event: Diagnosis
    exhibits: [ex-1]
  - date: 2026-10-02
    event: Treating physician's letter
    exhibits: [ex-{min(2, len(chosen))}]
claims:
  - claim: Treatment is not available in the home country
    exhibits: [ex-1, ex-{len(chosen)}]
""", encoding="utf-8")
    return path, [POOL / name for name in chosen]


# The build alone, in a process that has already imported parolekit: what each case costs a batch
# worker or a program calling the library (the CLI adds interpreter start and imports, ~0.4 s).
IN_PROCESS = r"""
import sys, time
from parolekit.pipeline import build_packet
t = time.perf_counter()
build_packet(sys.argv[1], sys.argv[2])
print(time.perf_counter() - t)
"""


# --- measuring -----------------------------------------------------------------------------------
def measure(cmd: list[str]) -> dict:
    p = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
    result = json.loads(p.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"command failed ({result['rc']}): {' '.join(cmd[:4])} ...\n{result['err']}")
    return result


def run(sizes: list[int], runs: int, profile: bool) -> list[dict]:
    if not shutil.which("qpdf"):
        raise SystemExit("qpdf is not installed; it is the baseline (apt-get install qpdf)")
    pool = make_pool(max(sizes))
    rows = []
    for pages in sizes:
        manifest, files = make_case(pages, pool)
        out = manifest.with_suffix(".pdf")
        merged = manifest.with_name(f"qpdf-merge-{pages}.pdf")
        in_mb = sum(f.stat().st_size for f in files) / 1e6
        ours = [measure([*PAROLEKIT, "build", str(manifest), "-o", str(out), "-q"]) for _ in range(runs)]
        inside = [float(subprocess.run([sys.executable, "-c", IN_PROCESS, str(manifest), str(out)],
                                       capture_output=True, text=True, check=True).stdout)
                  for _ in range(runs)]
        base = [measure(["qpdf", "--empty", "--pages", *map(str, files), "--", str(merged)])
                for _ in range(runs)]
        # With more than 200 files qpdf closes and reopens each input as it goes (its default
        # --keep-files-open=n); the same merge with the files kept open is the fairer floor.
        kept = [measure(["qpdf", "--keep-files-open=y", "--empty", "--pages", *map(str, files), "--",
                         str(merged)]) for _ in range(runs)]
        import pikepdf

        with pikepdf.open(out) as pdf:
            packet_pages = len(pdf.pages)
        t_ours = statistics.median(r["wall"] for r in ours)
        t_base = statistics.median(r["wall"] for r in base)
        t_kept = statistics.median(r["wall"] for r in kept)
        t_inside = statistics.median(inside)
        rows.append({"input_pages": sum(c for n, c in pool if POOL / n in set(files)),
                     "packet_pages": packet_pages, "exhibits": len(files), "input_mb": round(in_mb, 1),
                     "parolekit_s": round(t_ours, 3), "qpdf_s": round(t_base, 3),
                     "ratio": round(t_ours / t_base, 2), "qpdf_kept_open_s": round(t_kept, 3),
                     "ratio_kept_open": round(t_ours / t_kept, 2), "in_process_s": round(t_inside, 3),
                     "in_process_ratio": round(t_inside / t_kept, 2), "pages_per_s": round(packet_pages / t_ours),
                     "ms_per_page": round(1000 * t_ours / packet_pages, 3),
                     "peak_mb": round(max(r["peak_kb"] for r in ours) / 1024, 1),
                     "qpdf_peak_mb": round(max(r["peak_kb"] for r in base) / 1024, 1),
                     "peak_vs_input": round(max(r["peak_kb"] for r in ours) / 1024 / in_mb, 2)})
        if profile:
            prof = manifest.with_suffix(".prof")
            subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "parolekit", "build",
                            str(manifest), "-o", str(out), "-q"], check=True)
            print(f"profile: {prof} (python -m pstats {prof})", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    head = ("| packet pages | input MB | parolekit s | qpdf s | ratio | qpdf kept-open s | ratio "
            "| in-process s | ratio | pages/s | ms/page | peak MB | peak / input |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        lines.append(f"| {r['packet_pages']:,} | {r['input_mb']} | {r['parolekit_s']} | {r['qpdf_s']} | "
                     f"{r['ratio']}x | {r['qpdf_kept_open_s']} | {r['ratio_kept_open']}x | {r['in_process_s']} | "
                     f"{r['in_process_ratio']}x | {r['pages_per_s']:,} | {r['ms_per_page']} | {r['peak_mb']} | "
                     f"{r['peak_vs_input']}x |")
    by = {r["input_pages"]: r for r in rows}
    small, large = min(by, key=lambda k: abs(k - 1000), default=None), max(by, default=None)
    if small is not None and large is not None and large != small:
        drift = by[large]["ms_per_page"] / by[small]["ms_per_page"] - 1
        lines.append("")
        lines.append(f"time per page at {by[large]['packet_pages']:,} vs {by[small]['packet_pages']:,} "
                     f"pages: {drift:+.0%}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000,5000", help="exhibit pages per case, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median is reported)")
    ap.add_argument("--profile", action="store_true", help="also write a cProfile of each build")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = ap.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.runs, args.profile)
    print(json.dumps(rows, indent=2) if args.json else table(rows))


if __name__ == "__main__":
    main()
