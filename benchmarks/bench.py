"""Time the whole `parolekit build` command against a plain qpdf merge and a minimal pikepdf script.

    python benchmarks/bench.py                  # 1,000 and 20,000 pages, and 200 small cases
    python benchmarks/bench.py --quick          # 300 pages and 20 small cases, one run (~1 min)
    python benchmarks/bench.py --sizes 1000 --runs 7 --no-batch

Inputs are generated into a temporary folder (removed at the end unless --keep): exhibit files of
1-25 text pages (letter, A4, landscape) and scanned files of 1-8 pages (one ~250 KB JPEG a page),
about 30% of the pages scans, in as many files as it takes (~80 files per 1,000 pages). Every file's
bytes are unique (a trailing comment), as parolekit refuses the same document filed twice.

Each size is one case with every feature on: a cover letter citing exhibits, index, chronology and
claims (front matter), a separator sheet per exhibit, every page stamped (page, exhibit page,
Bates number), bookmarks, links, page labels and the receipt. It is timed as a whole process against

- `qpdf --empty --pages FILES -- out.pdf`, with --keep-files-open=y (qpdf's default reopens every
  file past 200 inputs, which only makes it slower): the plain merge, no stamps, no front matter;
- a minimal pikepdf script (`MINIMAL` below): merge, one footer stamp stream per page, one bookmark
  per file, saved as parolekit saves;
- exhibiter (`exhibiter-cli`, a peer tool) when it is installed.

Wall seconds are the median of --runs runs, taken in turn (parolekit, qpdf, script, parolekit...) so
that load from other processes on a shared machine falls on all of them alike; sizes past 5,000
pages get at most --big-runs runs. Peak MB is the largest peak resident set of the measured process
(getrusage of the children of a small wrapper: the process alone, never this script).

The batch row builds N small cases (5 exhibits of 20 pages each) with one `parolekit build
cases/*/case.yaml --jobs 2` against N separate `parolekit build` commands run one after the other.
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
import tempfile
from pathlib import Path

PAROLEKIT = [sys.executable, "-m", "parolekit"]
SCAN_FILES = 0.55  # of files: scans are 1-8 pages, text 1-25, so ~30% of pages are scans
SEED = 20261120
BIG = 5000  # sizes above this many pages get at most --big-runs runs

# Run a command; print its wall time and the peak RSS of it alone (children of this wrapper only).
MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_kb": peak, "rc": p.returncode, "err": p.stderr.decode()[-2000:]}))
"""

# What a packet costs at the least in Python: merge, a footer stream per page, a bookmark per file.
MINIMAL = r"""
import sys
import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem
out_path, files = sys.argv[1], sys.argv[2:]
out = pikepdf.new()
font = out.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
kids, marks = [], []
for i, f in enumerate(files):
    src = pikepdf.open(f)
    marks.append((f"Exhibit {i + 1}", len(kids)))
    kids.extend(out.copy_foreign(p.obj) for p in src.pages)
root = out.Root.Pages
for obj in kids:
    obj.Parent = root
root.Kids = Array(kids)
root.Count = len(kids)
pages = list(out.pages)
for n, page in enumerate(pages, 1):
    res = page.obj.get("/Resources")
    if res is None:
        res = page.obj.Resources = Dictionary()
    if "/Font" not in res:
        res.Font = Dictionary()
    res.Font.PkStamp = font
    page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(out, b"\nQ q BT /PkStamp 8 Tf 36 18 Td (Page %d of %d) Tj ET Q\n"
                                     % (n, len(pages))))
with out.open_outline() as outline:
    for title, idx in marks:
        outline.root.append(OutlineItem(title, Array([pages[idx].obj, Name.Fit])))
out.save(out_path, deterministic_id=True, compress_streams=True,
         object_stream_mode=pikepdf.ObjectStreamMode.generate)
"""


# The least a Python packet builder using these libraries can take: the minimal script, having
# imported what a build renders, validates and reports with (none of it used).
FLOOR = ("import pydantic, yaml, jinja2.sandbox, markdown_it, reportlab.platypus, reportlab.pdfbase.ttfonts, "
         "PIL.Image, uharfbuzz, typer, rich.console\n" + MINIMAL)


# --- generating the inputs -----------------------------------------------------------------------
def _text_pdf(pages: int, size, title: str, rng: random.Random) -> bytes:
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
    return buf.getvalue()


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


def _scan_pdf(jpegs: list[bytes]) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for data in jpegs:
        img = pikepdf.Stream(pdf, data)
        img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        img.Width, img.Height, img.BitsPerComponent = 1700, 2200, 8
        img.ColorSpace, img.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.DCTDecode
        content = pikepdf.Stream(pdf, b"q 612 0 0 792 0 0 cm /Im0 Do Q")
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img)))))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def make_templates(rng: random.Random) -> tuple[list[tuple[bytes, int]], list[tuple[bytes, int]]]:
    """A few dozen distinct exhibit files ([(bytes, pages)] text, scanned) to copy from."""
    from reportlab.lib.pagesizes import A4, LETTER, landscape

    sizes = [LETTER, LETTER, A4, landscape(LETTER)]
    texts = [(_text_pdf(n, rng.choice(sizes), f"Exhibit file {i}", rng), n)
             for i, n in enumerate([rng.randint(1, 25) for _ in range(30)] + [20] * 5)]
    jpegs = _scan_jpegs(12, rng)
    scans = [(_scan_pdf([rng.choice(jpegs) for _ in range(n)]), n)
             for n in [rng.randint(1, 8) for _ in range(12)]]
    return texts, scans


def write_unique(path: Path, data: bytes, tag: str) -> None:
    """The template's bytes plus a comment after %%EOF: a different file (and hash) every time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data + f"\n%bench {tag}\n".encode())


def make_files(folder: Path, pages: int, templates, rng: random.Random) -> list[tuple[Path, int]]:
    """Exhibit files in *folder* totalling at least *pages* pages, ~30% of them scans."""
    texts, scans = templates
    files, total = [], 0
    while total < pages:
        data, count = rng.choice(scans if rng.random() < SCAN_FILES else texts)
        path = folder / f"ex{len(files) + 1:05d}.pdf"
        write_unique(path, data, f"{folder.name}/{path.name}")
        files.append((path, count))
        total += count
    return files


def manifest_text(title: str, names: list[str]) -> str:
    n = len(names)
    rows = "\n".join(f"  - id: ex-{i}\n    title: Exhibit file {i} of the benchmark case\n"
                     f"    file: exhibits/{name}\n    date: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
                     for i, name in enumerate(names, start=1))
    return f"""\
parolekit: 1
case:
  title: {title}
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
cover_letter:
  body: |
    We request humanitarian parole for the beneficiary. The diagnosis is in {{{{ cite('ex-1') }}}},
    the treating physician's letter in {{{{ cite('ex-{min(2, n)}') }}}} and the funds in
    {{{{ cite('ex-{n}') }}}}.
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
    exhibits: [ex-{min(2, n)}]
claims:
  - claim: Treatment is not available in the home country
    exhibits: [ex-1, ex-{n}]
"""


def make_case(root: Path, pages: int, templates, rng) -> tuple[Path, list[Path], int]:
    folder = root / f"case-{pages}"
    files = make_files(folder / "exhibits", pages, templates, rng)
    manifest = folder / "case.yaml"
    manifest.write_text(manifest_text(f"Request for Humanitarian Parole ({pages} pages)",
                                      [p.name for p, _n in files]), encoding="utf-8")
    return manifest, [p for p, _n in files], sum(n for _p, n in files)


def make_small_cases(root: Path, count: int, templates) -> list[Path]:
    """*count* cases of 5 exhibits of 20 pages each (the 20-page text templates)."""
    twenty = [d for d, n in templates[0] if n == 20]
    out = []
    for c in range(count):
        folder = root / "cases" / f"c{c:04d}"
        for k in range(5):
            write_unique(folder / "exhibits" / f"ex{k + 1}.pdf", twenty[k % len(twenty)], f"{c}/{k}")
        manifest = folder / "case.yaml"
        manifest.write_text(manifest_text(f"Small case {c}", [f"ex{k + 1}.pdf" for k in range(5)]),
                            encoding="utf-8")
        out.append(manifest)
    return out


def compile_parolekit() -> None:
    """Bytecode for parolekit's modules, as `pip install` writes it: an editable install under
    PYTHONDONTWRITEBYTECODE=1 would otherwise compile all ~90 modules in every run (~0.12 s)."""
    import compileall

    import parolekit

    compileall.compile_dir(str(Path(parolekit.__file__).parent), quiet=1)


# --- measuring -----------------------------------------------------------------------------------
def measure(cmd: list[str]) -> dict:
    p = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
    result = json.loads(p.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"command failed ({result['rc']}): {' '.join(cmd[:5])} ...\n{result['err']}")
    return result


def exhibiter_cmd(root: Path, files: list[Path]) -> list[str] | None:
    """exhibiter-cli over a folder of numbered exhibit folders (its input layout), if installed."""
    exe = shutil.which("exhibiter-cli")
    if exe is None:
        return None
    folder = root / "exhibiter-in"
    if not folder.exists():
        for i, f in enumerate(files, 1):
            (folder / f"{i}. Exhibit {i}").mkdir(parents=True)
            (folder / f"{i}. Exhibit {i}" / f"{i}. Exhibit file {i}.pdf").symlink_to(f)
    return [exe, str(folder), "-o", str(root / "exhibiter.pdf")]


def time_size(root: Path, pages: int, templates, rng, runs: int, keep: bool = False) -> dict:
    manifest, files, in_pages = make_case(root, pages, templates, rng)
    out = manifest.with_name("packet.pdf")
    names = [str(f) for f in files]
    script = root / "minimal.py"
    script.write_text(MINIMAL)
    commands = {
        "parolekit": [*PAROLEKIT, "build", str(manifest), "-o", str(out), "-q"],
        "qpdf": ["qpdf", "--keep-files-open=y", "--empty", "--pages", *names, "--", str(root / "qpdf.pdf")],
        "pikepdf": [sys.executable, str(script), str(root / "minimal.pdf"), *names],
        "floor": [sys.executable, "-c", FLOOR, str(root / "floor.pdf"), *names],
    }
    ex = exhibiter_cmd(root, files)
    if ex is not None:
        commands["exhibiter"] = ex
    results: dict[str, list[dict]] = {k: [] for k in commands}
    for _ in range(runs):  # in turn, so machine load falls on every tool alike
        for name, cmd in commands.items():
            results[name].append(measure(cmd))
    import pikepdf

    with pikepdf.open(out) as pdf:
        packet_pages = len(pdf.pages)
    row = {"input_pages": in_pages, "packet_pages": packet_pages, "files": len(files), "runs": runs,
           "input_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1)}
    for name, rs in results.items():
        row[name] = {"s": round(statistics.median(r["wall"] for r in rs), 3),
                     "all_s": [round(r["wall"], 3) for r in rs],
                     "peak_mb": round(max(r["peak_kb"] for r in rs) / 1024)}
    if pages > BIG and not keep:  # 20,000 pages is 1.5 GB: free it before the next size
        shutil.rmtree(manifest.parent)
    return row


def time_batch(root: Path, count: int, templates, jobs: int) -> dict:
    manifests = make_small_cases(root, count, templates)
    together = measure([*PAROLEKIT, "build", *map(str, manifests), "--jobs", str(jobs), "-q"])
    t = 0.0
    peak = 0
    for m in manifests:
        r = measure([*PAROLEKIT, "build", str(m), "-q"])
        t += r["wall"]
        peak = max(peak, r["peak_kb"])
    return {"cases": count, "jobs": jobs, "batch_s": round(together["wall"], 2),
            "batch_peak_mb": round(together["peak_kb"] / 1024), "separate_s": round(t, 2),
            "separate_peak_mb": round(peak / 1024), "speedup": round(t / together["wall"], 2)}


def table(rows: list[dict], batch: dict | None) -> str:
    tools = [t for t in ("parolekit", "qpdf", "pikepdf", "exhibiter") if any(t in r for r in rows)]
    floor = [r for r in rows if "floor" in r]
    head = {"parolekit": "parolekit build", "qpdf": "qpdf --empty --pages", "pikepdf": "minimal pikepdf script",
            "exhibiter": "exhibiter"}
    lines = ["| packet pages (input pages, files, MB) | runs | " + " | ".join(
        f"{head[t]} s, peak MB" + (" | ratio" if t != "qpdf" else "") for t in tools) + " |",
        "|---|---:|" + "---:|" * (2 * len(tools) - 1)]
    for r in rows:
        cells = []
        for t in tools:
            if t not in r:
                cells.append("— | —" if t != "qpdf" else "—")
                continue
            cells.append(f"{r[t]['s']:.2f} s, {r[t]['peak_mb']:,} MB")
            if t != "qpdf":
                cells.append(f"{r[t]['s'] / r['qpdf']['s']:.2f}x")
        lines.append(f"| {r['packet_pages']:,} ({r['input_pages']:,}, {r['files']:,}, {r['input_mb']:,}) | "
                     f"{r['runs']} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Ratios are to qpdf (with --keep-files-open=y); seconds are medians of the runs, taken in turn; "
                 "peak MB is the largest resident set of the process.")
    if "exhibiter" not in tools:
        lines.append("exhibiter: not installed (pip install exhibiter adds its column).")
    for r in floor:
        lines.append(f"{r['packet_pages']:,} pages, the floor (the minimal script after importing the "
                     f"libraries a build uses): {r['floor']['s']:.2f} s = {r['floor']['s'] / r['qpdf']['s']:.2f}x qpdf.")
    if batch:
        lines.append("")
        lines.append("| small cases (5 exhibits x 20 pages) | one `build --jobs {jobs}` | {cases} separate `build` "
                     "commands | speed-up |".format(**batch))
        lines.append("|---:|---:|---:|---:|")
        lines.append(f"| {batch['cases']} | {batch['batch_s']:.1f} s, {batch['batch_peak_mb']} MB | "
                     f"{batch['separate_s']:.1f} s, {batch['separate_peak_mb']} MB each | {batch['speedup']:.2f}x |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,20000", help="exhibit pages per case, comma-separated")
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    ap.add_argument("--big-runs", type=int, default=1, help=f"at most this many runs past {BIG:,} pages")
    ap.add_argument("--cases", type=int, default=200, help="small cases in the batch row")
    ap.add_argument("--jobs", type=int, default=2, help="--jobs of the batch row")
    ap.add_argument("--no-batch", action="store_true", help="leave out the batch row")
    ap.add_argument("--quick", action="store_true", help="300 pages, 20 small cases, one run")
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    ap.add_argument("--json", action="store_true", help="print the measurements as JSON too")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.runs, args.cases = "300", 1, 20
    if not shutil.which("qpdf"):
        raise SystemExit("qpdf is not installed; it is the baseline (apt-get install qpdf)")
    compile_parolekit()
    root = args.keep or Path(tempfile.mkdtemp(prefix="parolekit-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        rng = random.Random(SEED)
        templates = make_templates(rng)
        rows = [time_size(root, n, templates, rng, min(args.runs, args.big_runs) if n > BIG else args.runs,
                          keep=args.keep is not None)
                for n in (int(s) for s in args.sizes.split(","))]
        batch = None if args.no_batch else time_batch(root, args.cases, templates, args.jobs)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps({"sizes": rows, "batch": batch}, indent=2))
    print(table(rows, batch))


if __name__ == "__main__":
    main()
