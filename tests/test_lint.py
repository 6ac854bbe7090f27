"""`parolekit lint`: exit codes, exact json and github output, the text report, and rule coverage."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from factory import manifest, text_pdf

from test_lint_golden import golden_codes

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "parolekit"

CLEAN = """\
parolekit: 1
case:
  title: Lint case
  kind: other
  date: 2026-11-20
  beneficiaries:
    - name: Test Person
  recipient:
    name: USCIS
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
claims:
  - claim: The letter shows it
    exhibits: [letter]
"""


@pytest.fixture
def clean_case(tmp_path: Path) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2)
    return manifest(tmp_path / "case.yaml", CLEAN)


@pytest.fixture
def warning_case(tmp_path: Path) -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2)
    text_pdf(tmp_path / "exhibits" / "extra.pdf", pages=1)
    return manifest(tmp_path / "case.yaml", CLEAN.replace("claims:", """\
  - id: extra
    title: Extra
    file: exhibits/extra.pdf
claims:"""))


@pytest.fixture
def error_case(tmp_path: Path) -> Path:
    return manifest(tmp_path / "case.yaml", CLEAN)  # exhibits/letter.pdf was never made


# --- exit codes ---------------------------------------------------------------------------------

def test_clean_case_exits_0(cli, clean_case):
    code, stdout, stderr = cli("lint", "-f", "text", clean_case)
    assert code == 0
    assert stdout == ""  # the text report is for people: stderr
    assert "no problems" in stderr


def test_warnings_pass_unless_strict(cli, warning_case):
    assert cli("lint", "-f", "text", warning_case)[0] == 0
    code, _out, stderr = cli("lint", "-f", "text", "--strict", warning_case)
    assert code == 1
    assert "exhibit-uncited" in stderr and "--strict" in stderr


def test_errors_exit_1(cli, error_case):
    code, _out, stderr = cli("lint", "-f", "text", error_case)
    assert code == 1
    assert "file-missing" in stderr


def test_unreadable_manifest_exits_1_with_a_located_problem(cli, tmp_path):
    missing = tmp_path / "nope.yaml"
    code, stdout, _err = cli("lint", "-f", "json", missing)
    assert code == 1
    problem = json.loads(stdout)["results"][0]["problems"][0]
    assert (problem["line"], problem["column"], problem["code"]) == (1, 1, "manifest-unreadable")
    assert "nope.yaml" in problem["message"]


def test_one_bad_manifest_fails_the_run_but_all_are_reported(cli, clean_case, tmp_path):
    other = manifest(tmp_path / "other" / "case.yaml", "parolekit: [\n")
    code, stdout, _err = cli("lint", "-f", "json", clean_case, other)
    assert code == 1
    results = json.loads(stdout)["results"]
    assert [r["ok"] for r in results] == [True, False]


def test_unknown_format_is_a_usage_error(cli, clean_case):
    assert cli("lint", "-f", "xml", clean_case)[0] == 2


# --- exact output ------------------------------------------------------------------------------

def test_json_output_is_exactly_the_spec_shape(cli, error_case, monkeypatch):
    monkeypatch.chdir(error_case.parent)
    code, stdout, _err = cli("lint", "--format", "json", "case.yaml")
    assert code == 1
    assert json.loads(stdout) == {"version": 1, "results": [{
        "manifest": "case.yaml", "ok": False, "problems": [
            {"severity": "error", "code": "file-missing",
             "message": "exhibits[letter].file: 'exhibits/letter.pdf' does not exist; check the name "
                        "and folder (paths are relative to case.yaml)",
             "path": "exhibits[letter].file", "line": 13, "column": 11}]}]}
    assert stdout.endswith("}\n") and stdout.count("\n{") == 0  # one document


def test_json_ok_follows_strict(cli, warning_case):
    doc = json.loads(cli("lint", "-f", "json", warning_case)[1])
    assert doc["results"][0]["ok"] is True
    assert doc["results"][0]["problems"][0]["severity"] == "warning"
    doc = json.loads(cli("lint", "-f", "json", "--strict", warning_case)[1])
    assert doc["results"][0]["ok"] is False


def test_github_output_is_exact(cli, error_case, monkeypatch):
    monkeypatch.chdir(error_case.parent)
    _code, stdout, _err = cli("lint", "--format", "github", "case.yaml")
    assert stdout == ("::error file=case.yaml,line=13,col=11,title=file-missing::exhibits[letter].file: "
                      "'exhibits/letter.pdf' does not exist; check the name and folder (paths are "
                      "relative to case.yaml)\n")


def test_github_escapes_and_strict_levels(warning_case):
    from parolekit.errors import Problem
    from parolekit.lint import LintResult, github_report

    r = LintResult("cases/a,b:c.yaml", [Problem(3, 5, "x-y", "50% done\nnext line", "", "warning")])
    assert github_report([r]) == "::warning file=cases/a%2Cb%3Ac.yaml,line=3,col=5,title=x-y::50%25 done%0Anext line\n"
    assert github_report([r], strict=True).startswith("::error ")


def test_format_auto_picks_github_under_actions(warning_case):
    from typer.testing import CliRunner

    from parolekit.cli import app

    result = CliRunner().invoke(app, ["lint", str(warning_case)],
                                env={"GITHUB_ACTIONS": "true", "COLUMNS": "120"})
    assert result.stdout.startswith("::warning file=")


def test_text_report_shows_the_source_line_and_a_caret(cli, error_case):
    _code, _out, stderr = cli("lint", "-f", "text", error_case)
    lines = stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if "[file-missing]" in line)
    assert ":13:11: error [file-missing]" in lines[at]
    assert lines[at + 1] == "   13 |     file: exhibits/letter.pdf"
    assert lines[at + 2] == "      |           ^"  # under the 'e' of exhibits/, column 11
    assert "1 failed" in lines[-1]


def test_excerpt_cuts_long_lines_around_the_column():
    from parolekit.lint import _excerpt

    line = "x" * 300 + "HERE" + "y" * 300
    text, caret = _excerpt(line, 301)
    assert text[caret:caret + 4] == "HERE" and len(text) <= 102


def test_problems_are_sorted_by_line(tmp_path):
    from parolekit.lint import lint_manifest

    text_pdf(tmp_path / "exhibits" / "letter.pdf")
    body = CLEAN.replace("  date: 2026-11-20\n", "  date: 2026-11-20\n") + """\
chronology:
  - date: 2027-01-01
    event: Future, not planned
    exhibits: [letter]
  - date: 2020-01-01
    event: Out of order
"""
    m = manifest(tmp_path / "case.yaml", body.replace("file: exhibits/letter.pdf",
                                                      "file: exhibits/letter.pdf\n    date: 2027-02-02"))
    problems = lint_manifest(m).problems
    assert [p.code for p in problems] == ["document-after-packet", "chronology-future",
                                          "chronology-out-of-order"]
    assert [p.line for p in problems] == sorted(p.line for p in problems)


# --- lint never builds -------------------------------------------------------------------------

def test_lint_never_renders_or_merges(clean_case, monkeypatch):
    """Patched where the work happens (classes, not names a module may have imported already):
    reportlab draws every page parolekit renders, pikepdf.new starts every packet, and
    Pdf.save writes it."""
    import pikepdf
    from reportlab.pdfgen import canvas

    from parolekit.lint import lint_manifest

    def boom(*_a, **_k):
        raise AssertionError("lint must not render or merge")

    monkeypatch.setattr(canvas.Canvas, "__init__", boom)
    monkeypatch.setattr(pikepdf, "new", boom)
    monkeypatch.setattr(pikepdf.Pdf, "new", boom, raising=False)
    monkeypatch.setattr(pikepdf.Pdf, "save", boom)
    before = sorted(p.name for p in clean_case.parent.rglob("*"))
    assert lint_manifest(clean_case).problems == []
    assert sorted(p.name for p in clean_case.parent.rglob("*")) == before  # nothing written


def test_lint_does_not_import_the_renderers_or_the_assembler(clean_case):
    """In a fresh interpreter: lint's imports stop short of layout, assembly and the sections.
    (render.letter is imported: lint tries the letter's templates, Jinja only.)"""
    import subprocess
    import sys

    code = ("import sys; from parolekit.lint import lint_manifest; "
            f"assert lint_manifest({str(clean_case)!r}).problems == []; "
            "print(' '.join(m for m in ('parolekit.assemble', 'parolekit.layout', 'parolekit.pipeline', "
            "'parolekit.render.sections', 'parolekit.sheet') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


def test_a_crashing_rule_is_reported_not_raised(clean_case, monkeypatch):
    from parolekit.lint import lint_manifest
    from parolekit.rules import content

    monkeypatch.delenv("PAROLEKIT_DEBUG_RULES", raising=False)
    monkeypatch.setattr(content, "check_dates", lambda *_: 1 / 0)
    problems = lint_manifest(clean_case).problems
    assert [(p.line, p.column, p.code, p.severity) for p in problems] == [(1, 1, "rule-failed", "warning")]
    assert "ZeroDivisionError" in problems[0].message


def test_manifest_too_large(tmp_path):
    from parolekit.lint import lint_manifest

    m = tmp_path / "case.yaml"
    m.write_bytes(b"parolekit: 1\n" + b"# padding\n" * 210_000)
    assert [(p.line, p.column, p.code) for p in lint_manifest(m).problems] == [(1, 1, "manifest-too-large")]


def test_file_unreadable(clean_case, monkeypatch):
    import builtins

    import parolekit.intake.files
    from parolekit.lint import lint_manifest

    def denied(file, *args, **kwargs):  # chmod 000 does not stop root, so refuse like the OS would
        if str(file).endswith("letter.pdf"):
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(parolekit.intake.files, "open", denied, raising=False)
    got = [(p.line, p.column, p.code) for p in lint_manifest(clean_case).problems]
    assert got == [(13, 11, "file-unreadable")]


# --- rule units --------------------------------------------------------------------------------

@pytest.mark.parametrize("place, expected", [
    ("Tegucigalpa, Honduras", "abroad"), ("Houston, TX 77002", "us"), ("Houston, Texas", "us"),
    ("Washington, D.C.", "us"), ("San Juan, Puerto Rico", "us"), ("Tbilisi, Georgia", "us"),
    ("Ciudad de México, México", "abroad"), ("Paris, Texas", "us"), ("Somewhere", None), ("", None),
    ("Kyiv, Ukraine.", "abroad"), ("Port-au-Prince, Haïti", "abroad"),
])
def test_place_country(place, expected):
    from parolekit.rules.content import place_country

    assert place_country(place) == expected


@pytest.mark.parametrize("text, start, end", [
    ("2025", "2025-01-01", "2025-12-31"), ("2024-02", "2024-02-01", "2024-02-29"),
    ("2025-12", "2025-12-01", "2025-12-31"), ("2025-06-10", "2025-06-10", "2025-06-10"),
])
def test_date_range(text, start, end):
    from parolekit.rules.content import date_range

    assert tuple(d.isoformat() for d in date_range(text)) == (start, end)


def test_is_minor_counts_birthdays_exactly():
    import datetime as dt

    from parolekit.rules.evidence import is_minor

    on = dt.date(2026, 11, 20)
    assert is_minor(dt.date(2008, 11, 21), on)
    assert not is_minor(dt.date(2008, 11, 20), on)
    assert not is_minor(None, on)


def test_luhn():
    from parolekit.rules.privacy import luhn

    assert luhn("4111111111111111") and luhn("79927398713")
    assert not luhn("4111111111111112")


def test_form_names_match_exactly():
    from parolekit.rules.evidence import _form_pattern

    pattern = _form_pattern("I-131")
    assert all(pattern.search(n) for n in ["I-131", "i131", "Form I-131 (parole)", "I 131"])
    assert not any(pattern.search(n) for n in ["I-131A", "I-1310", "AI-131"])


def test_privacy_messages_never_repeat_the_number(tmp_path):
    from parolekit.lint import lint_manifest

    text_pdf(tmp_path / "exhibits" / "letter.pdf")
    m = manifest(tmp_path / "case.yaml", CLEAN.replace("The letter shows it", "SSN 123-45-6789"))
    problems = lint_manifest(m).problems
    assert [p.code for p in problems] == ["privacy-ssn"]
    assert "123-45" not in problems[0].message and "6789" in problems[0].message


# --- catalogue, docs and schema stay in sync ---------------------------------------------------

def _emitted_codes() -> set[str]:
    """Rule codes given as literals to `.add(...)`/`emit(...)` calls anywhere in the source."""
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, set[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                assigned.setdefault(node.targets[0].id, set()).update(_code_literals(node.value))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in ("add", "emit", "_emit_at", "_emit_at_key", "Problem"):
                continue
            for arg in node.args[:6]:
                found = _code_literals(arg)
                if isinstance(arg, ast.Name):
                    found = assigned.get(arg.id, set())
                codes |= found
    return codes


def _code_literals(node: ast.AST) -> set[str]:
    import re

    out = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and \
                re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", sub.value):
            out.add(sub.value)
    return out


def test_every_code_the_source_emits_is_in_the_catalogue():
    from parolekit.rules.catalogue import rules_by_code

    missing = _emitted_codes() - set(rules_by_code())
    assert not missing, (f"add these codes to src/parolekit/rules/catalogue.yaml, then run "
                         f"`python -m parolekit.rules.docs > docs/rules.md`: {sorted(missing)}")


# Codes proven by a test in this file instead of a golden manifest (each needs a special setup).
TESTED_HERE = {"manifest-unreadable", "manifest-too-large", "file-unreadable", "rule-failed",
               "image-too-large", "content-too-large",  # the bombs: tests/test_limits.py
               "volume-limit-unreachable",  # build only: tests/test_volumes.py
               "input-changed",  # needs a change mid-build: tests/test_intake_integrity.py
               "file-truncated",  # a PDF cut off at test time: tests/test_truncated.py
               "draft-over-final",  # build --draft only: tests/test_draft.py
               "tool-missing", "file-not-converted",  # office files made at test time: tests/test_office.py
               "email-attachment-not-shown", "email-unprintable",
               "docx-tracked-changes", "docx-comments-ignored", "docx-images-ignored",  # tests/test_wordtext.py  # e-mails made at test time: tests/test_email.py
               "ocr-unavailable", "ocr-language-unsupported", "ocr-failed",  # build --ocr: tests/test_ocr.py
               "scans-recompressed",  # build over a size cap: tests/test_compression.py
               "pdfa-not-conformant"}  # build with output.pdfa: tests/test_pdfa.py


def test_every_rule_has_a_golden_test():
    from parolekit.rules.catalogue import rules_by_code

    untested = set(rules_by_code()) - golden_codes() - TESTED_HERE
    assert not untested, f"add a tests/lint/<code>.yaml golden manifest for: {sorted(untested)}"


def test_catalogue_codes_are_emitted_somewhere():
    from parolekit.rules.catalogue import catalogue

    stale = {r.code for r in catalogue().rules} - _emitted_codes()
    assert not stale, f"catalogue codes no source emits: {sorted(stale)}"


def test_rules_md_is_generated_from_the_rule_data():
    from parolekit.rules.docs import render_rules_md

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render_rules_md(), \
        "run `python -m parolekit.rules.docs > docs/rules.md`"


def test_schema_json_matches_the_model(cli):
    code, stdout, _err = cli("schema")
    assert code == 0
    assert (ROOT / "docs" / "manifest.schema.json").read_text(encoding="utf-8") == stdout, \
        "run `parolekit schema > docs/manifest.schema.json`"
    schema = json.loads(stdout)
    assert schema["$schema"].endswith("2020-12/schema") and "exhibits" in schema["properties"]


def test_evidence_files_are_dated_and_sourced():
    from parolekit.rules.catalogue import evidence_packs, tag_vocabulary

    packs = evidence_packs()
    assert {"humanitarian-parole", "reparole"} <= set(packs)
    for pack in packs.values():
        assert pack.as_of.year >= 2025 and pack.source
        for rule in pack.rules:
            assert rule.source and rule.rationale
            needs = [rule.need] if rule.need else list((rule.need_by_reason or {}).values())
            for need in needs:
                assert set(need.tags) <= set(tag_vocabulary()), rule.code


def test_evidence_files_ship_in_the_package():
    from importlib import resources

    names = {p.name for p in resources.files("parolekit.rules").iterdir()}
    assert {"catalogue.yaml", "humanitarian-parole.yaml", "reparole.yaml", "tags.yaml",
            "places.yaml"} <= names
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"parolekit.rules" = ["*.yaml"]' in pyproject


def test_pre_commit_hook_runs_lint():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "parolekit-lint")
    assert hook["entry"] == "parolekit lint" and hook["language"] == "python"


# --- robustness --------------------------------------------------------------------------------

def test_rules_never_crash_on_odd_but_valid_manifests(tmp_path_factory, monkeypatch):
    """Dates, places, free text with digits, tags and beneficiaries in odd combinations."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from parolekit.lint import lint_manifest

    monkeypatch.setenv("PAROLEKIT_DEBUG_RULES", "1")  # a crash raises instead of rule-failed
    folder = tmp_path_factory.mktemp("fuzz")
    text_pdf(folder / "exhibits" / "letter.pdf")
    day = st.dates(min_value=__import__("datetime").date(1900, 1, 1),
                   max_value=__import__("datetime").date(2100, 12, 31))
    partial = st.one_of(day.map(lambda d: d.isoformat()), day.map(lambda d: d.isoformat()[:7]),
                        day.map(lambda d: d.isoformat()[:4]))
    words = st.text(alphabet="0123456789 -/.,#:abcSN", min_size=1, max_size=40).map(
        lambda t: t.replace(": ", " ").replace(" #", " ").strip() or "x")

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(kind=st.sampled_from(["humanitarian-parole", "reparole", "asylum", "other"]),
           reasons=st.lists(st.sampled_from(["medical", "family", "safety", "other"]), unique=True),
           births=st.lists(st.one_of(st.none(), day), min_size=1, max_size=3),
           events=st.lists(st.tuples(partial, st.booleans()), max_size=4),
           place=words, in_us=st.booleans(), claim=words,
           tags=st.lists(st.sampled_from(["physician-letter", "physican-letter", "x", "i-134"]),
                         max_size=3), beneficiary=st.integers(1, 4))
    def run(kind, reasons, births, events, place, in_us, claim, tags, beneficiary):
        people = "".join(f"    - name: Person {i}\n" + (f"      birth_date: {b.isoformat()}\n" if b else "")
                         for i, b in enumerate(births))
        chron = "".join(f"  - date: '{d}'\n    event: Event\n    planned: {str(p).lower()}\n"
                        "    exhibits: [letter]\n" for d, p in events)
        body = f"""\
parolekit: 1
case:
  title: Fuzz
  kind: {kind}
  reasons: [{', '.join(reasons)}]
  date: 2026-11-20
  beneficiaries:
{people}  recipient: {{name: USCIS}}
declarations:
  - id: decl
    declarant: {{name: Ana, role: family}}
    text: I declare.
    executed: {{date: 2026-11-01, place: "{place}", in_us: {str(in_us).lower()}}}
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
    tags: [{', '.join(tags)}]
    beneficiary: {beneficiary}
claims:
  - claim: "{claim}"
    exhibits: [letter, decl]
""" + (f"chronology:\n{chron}" if chron else "")
        manifest(folder / "case.yaml", body)
        result = lint_manifest(folder / "case.yaml")
        codes = {p.code for p in result.problems}
        assert "rule-failed" not in codes
        assert [p.line for p in result.problems] == sorted(p.line for p in result.problems)
        if not codes & {"yaml-syntax", "invalid-value", "invalid-date", "invalid-type", "missing-key"}:
            reached.append(codes)

    reached: list[set[str]] = []
    run()
    assert len(reached) >= 20  # most examples load, so the lint rules really ran on them


def test_text_report_never_echoes_the_number_a_privacy_warning_is_about(cli):
    golden = Path(__file__).parent / "lint" / "privacy-ssn.yaml"
    ssn = next(w for line in golden.read_text().splitlines() for w in line.replace(",", " ").split()
               if len(w) == 11 and w[3] == "-" and w[6] == "-" and w.replace("-", "").isdigit())
    code, out, err = cli("lint", "--format", "text", golden)
    assert "[privacy-ssn]" in err
    assert ssn not in err and ssn not in out
