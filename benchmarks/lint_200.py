"""Time `parolekit lint` on a humanitarian-parole case with 200 exhibits (small, well-formed PDFs).

    .venv/bin/python benchmarks/lint_200.py              # 200 exhibits, 7 runs
    .venv/bin/python benchmarks/lint_200.py --exhibits 1000 --runs 3

The case is generated into a temporary folder: 200 text PDFs of 1-4 pages (letter, A4 and
landscape letter), two forms, claims and a chronology citing every exhibit, evidence tags, so
that every rule runs and the case lints clean. Reported: the median wall time of lint_manifest()
in-process (after one warm-up run), and of the whole `parolekit lint --format json` command
(Python start-up and imports included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from factory import text_pdf  # noqa: E402  (the test suite's fictional-input factory)

SIZES = ["letter", "a4", "letter-landscape"]
TAGS = ["physician-letter", "treatment-unavailable", "provider-acceptance", "cost-estimate",
        "proof-of-payment"]


def make_case(folder: Path, exhibits: int) -> Path:
    text_pdf(folder / "forms" / "i-131.pdf", pages=5, title="Form I-131")
    text_pdf(folder / "forms" / "i-134.pdf", pages=4, title="Form I-134")
    lines = ["""\
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
"""]
    for i in range(exhibits):
        text_pdf(folder / "exhibits" / f"ex-{i:04d}.pdf", pages=1 + i % 4, size=SIZES[i % 3],
                 title=f"Exhibit {i}", lines=[f"Line {k} of a fictional document." for k in range(20)])
        extra = "    category: identity\n" if i == 0 else f"    tags: [{TAGS[i % len(TAGS)]}]\n"
        lines.append(f"  - id: ex-{i:04d}\n    title: Fictional document {i}\n"
                     f"    file: exhibits/ex-{i:04d}.pdf\n    date: 2026-{1 + i % 10:02d}-15\n{extra}")
    lines.append("claims:\n")
    ids = [f"ex-{i:04d}" for i in range(1, exhibits)]
    for start in range(0, len(ids), 10):
        lines.append(f"  - claim: Claim {start // 10 + 1}\n    exhibits: [{', '.join(ids[start:start + 10])}]\n")
    lines.append("chronology:\n  - date: 2026-01\n    event: Diagnosis\n    exhibits: [ex-0001]\n")
    path = folder / "case.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibits", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from parolekit.lint import lint_manifest

    with tempfile.TemporaryDirectory() as tmp:
        case = make_case(Path(tmp), args.exhibits)
        result = lint_manifest(case)  # warm-up: imports, data files, OS cache
        problems = [p.render() for p in result.problems]
        assert not problems, "the benchmark case should lint clean:\n" + "\n".join(problems[:10])
        inproc = []
        for _ in range(args.runs):
            t = time.perf_counter()
            lint_manifest(case)
            inproc.append(time.perf_counter() - t)
        exe = Path(sys.executable).with_name("parolekit")
        whole = []
        for _ in range(args.runs):
            t = time.perf_counter()
            done = subprocess.run([str(exe), "lint", "--format", "json", str(case)],
                                  capture_output=True, check=False)
            whole.append(time.perf_counter() - t)
            assert done.returncode == 0, done.stderr.decode()
        pages = sum(1 + i % 4 for i in range(args.exhibits)) + 9
    print(f"lint, {args.exhibits} exhibits ({pages} pages), median of {args.runs}:")
    print(f"  lint_manifest() in-process : {statistics.median(inproc) * 1000:7.1f} ms "
          f"(min {min(inproc) * 1000:.1f})")
    print(f"  parolekit lint (process)   : {statistics.median(whole) * 1000:7.1f} ms "
          f"(min {min(whole) * 1000:.1f}; includes Python start-up and imports)")


if __name__ == "__main__":
    main()
