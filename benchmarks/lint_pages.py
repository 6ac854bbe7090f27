"""Time `parolekit lint` as the exhibits' page count grows, to show it stays linear in pages.

    .venv/bin/python benchmarks/lint_pages.py                         # 2,500 to 20,000 pages
    .venv/bin/python benchmarks/lint_pages.py --sizes 20000 100000 --runs 1
    .venv/bin/python benchmarks/lint_pages.py --layout many --per-exhibit 20

Each case is generated into a temporary folder with pikepdf (a few seconds even at 100,000
pages): letter pages with a one-line content stream and a shared font, so lint's per-page work
(page size, resources, annotations, content decoding) is all there is to measure. Layouts: `one`
puts the pages in one exhibit beside five small tagged ones; `many` spreads them over exhibits of
--per-exhibit pages. Both cases lint clean, so what is timed is the checks, not the reporting.

Reported per size: the median wall time of lint_manifest() in-process (after a warm-up run) and
of the whole `parolekit lint --format json` command; microseconds per page; `x time`, how many
times longer than the smallest size took (linear means it matches `x pages`); and the marginal
cost of each page added since the previous size, which stays flat when lint is linear.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

TAGS = ["physician-letter", "treatment-unavailable", "provider-acceptance", "cost-estimate",
        "proof-of-payment"]

HEAD = """\
parolekit: 1
case:
  title: Request for Humanitarian Parole (benchmark)
  kind: humanitarian-parole
  reasons: [medical]
  date: 2026-11-20
  beneficiaries:
    - name: Bench Mark
      birth_date: 1980-01-01
  recipient:
    name: USCIS Humanitarian Affairs Branch
forms:
  - name: I-131
    file: forms/i-131.pdf
  - name: I-134
    file: forms/i-134.pdf
exhibits:
"""


def blank_pdf(path: Path, pages: int, label: str) -> None:
    """*pages* letter pages, each drawing one line of text (unique per file: no duplicate warnings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    resources = pdf.make_indirect(Dictionary(Font=Dictionary(F1=font)))
    tree = pdf.Root.Pages
    kids = []
    for k in range(1, pages + 1):
        content = pdf.make_stream(f"BT /F1 10 Tf 72 720 Td ({label} page {k}) Tj ET".encode())
        kids.append(pdf.make_indirect(Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 612, 792]),
                                                 Resources=resources, Contents=content, Parent=tree)))
    tree.Kids = Array(kids)
    tree.Count = pages
    pdf.save(path)


def make_case(folder: Path, pages: int, layout: str, per_exhibit: int) -> Path:
    """A case whose exhibits hold *pages* pages in all; returns the manifest's path."""
    blank_pdf(folder / "forms" / "i-131.pdf", 5, "Form I-131")
    blank_pdf(folder / "forms" / "i-134.pdf", 4, "Form I-134")
    if layout == "one":
        sizes = [pages - len(TAGS)] + [1] * len(TAGS)
    else:
        sizes = [per_exhibit] * (pages // per_exhibit) + ([pages % per_exhibit] if pages % per_exhibit else [])
    lines = [HEAD]
    for i, count in enumerate(sizes):
        blank_pdf(folder / "exhibits" / f"ex-{i:05d}.pdf", count, f"Exhibit {i}")
        extra = "    category: identity\n    tags: [supporter-identity]\n" if i == 0 else f"    tags: [{TAGS[i % len(TAGS)]}]\n"
        lines.append(f"  - id: ex-{i:05d}\n    title: Fictional document {i}\n"
                     f"    file: exhibits/ex-{i:05d}.pdf\n    date: 2026-{1 + i % 10:02d}-15\n{extra}")
    lines.append("claims:\n")
    ids = [f"ex-{i:05d}" for i in range(1, len(sizes))]
    for start in range(0, len(ids), 10):
        lines.append(f"  - claim: Claim {start // 10 + 1}\n    exhibits: [{', '.join(ids[start:start + 10])}]\n")
    path = folder / "case.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def time_size(pages: int, args) -> tuple[float, float | None]:
    """(median in-process seconds, median command seconds or None) for one case of *pages* pages."""
    from parolekit.lint import lint_manifest

    with tempfile.TemporaryDirectory() as tmp:
        case = make_case(Path(tmp), pages, args.layout, args.per_exhibit)
        result = lint_manifest(case)  # warm-up: imports, data files, OS cache
        problems = [p.render() for p in result.problems]
        assert not problems, "the benchmark case should lint clean:\n" + "\n".join(problems[:10])
        inproc = []
        for _ in range(args.runs):
            t = time.perf_counter()
            lint_manifest(case)
            inproc.append(time.perf_counter() - t)
        if args.no_command:
            return statistics.median(inproc), None
        exe = Path(sys.executable).with_name("parolekit")
        whole = []
        for _ in range(args.runs):
            t = time.perf_counter()
            done = subprocess.run([str(exe), "lint", "--format", "json", str(case)],
                                  capture_output=True, check=False)
            whole.append(time.perf_counter() - t)
            assert done.returncode == 0, done.stderr.decode()
        return statistics.median(inproc), statistics.median(whole)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000],
                        help="total exhibit pages of each case")
    parser.add_argument("--layout", choices=["one", "many"], default="one")
    parser.add_argument("--per-exhibit", type=int, default=20, help="pages per exhibit (--layout many)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-command", action="store_true", help="time lint_manifest() only")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    where = "in one exhibit" if args.layout == "one" else f"in exhibits of {args.per_exhibit} pages"
    print(f"lint, exhibit pages {where}, median of {args.runs} run(s):")
    print(f"{'pages':>8} | {'in-process s':>12} | {'µs/page':>8} | {'x pages':>7} | {'x time':>7} | "
          f"{'marginal µs/page':>16} | {'command s':>9}")
    first = prev = None
    for pages in sizes:
        inproc, whole = time_size(pages, args)
        ratio = f"{inproc / first[1]:.2f}x" if first else "1.00x"
        marginal = f"{(inproc - prev[1]) / (pages - prev[0]) * 1e6:.1f}" if prev else "-"
        shown = f"{whole:.3f}" if whole is not None else "-"
        print(f"{pages:>8,} | {inproc:>12.3f} | {inproc / pages * 1e6:>8.1f} | "
              f"{pages / (first[0] if first else pages):>6.2f}x | {ratio:>7} | {marginal:>16} | {shown:>9}",
              flush=True)
        first = first or (pages, inproc)
        prev = (pages, inproc)


if __name__ == "__main__":
    main()
