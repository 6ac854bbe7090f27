"""Cover-letter templates read nothing outside the case and cannot run away (in build and lint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, text_pdf
from parolekit.errors import CaseError
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

SECRET = "TOP-SECRET-OUTSIDE-THE-CASE"


def _case(root: Path, body: str, template: str | None = None) -> Path:
    """A case folder *root*/case with one exhibit and a letter body (and optional template file)."""
    folder = root / "case"
    text_pdf(folder / "exhibits" / "letter.pdf", pages=1, title="Letter")
    extra = ""
    if template is not None:
        (folder / "letter.md.j2").write_text(template, encoding="utf-8")
        extra = "  template: letter.md.j2\n"
    (folder / "body.md").write_text(body, encoding="utf-8")
    return manifest(folder / "case.yaml", CASE_HEAD + f"""\
cover_letter:
  file: body.md
{extra}exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
""")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A secret file beside the case folder, not inside it."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def _refused(m: Path, code: str = "template-error") -> list:
    """Build fails with *code*, lint reports the same; returns the build's problems."""
    with pytest.raises(CaseError) as e:
        build_packet(m)
    problems = [p for p in e.value.problems if p.code == code]
    assert problems, [p.render() for p in e.value.problems]
    linted = [p for p in lint_manifest(m).problems if p.code == code]
    assert linted, "lint must report what build refuses"
    assert not m.with_suffix(".pdf").exists()
    return problems


@pytest.mark.parametrize("include", [
    "{% include SECRET_ABS %}",
    "{% include '../secret.txt' %}",
    "{% import '../secret.txt' as s %}",
    "{% from '../secret.txt' import x %}",
    "{% extends '../secret.txt' %}",
])
def test_include_outside_the_case_is_refused(tmp_path, outside, include):
    m = _case(tmp_path, "Dear officer,\n\n" + include.replace("SECRET_ABS", f"'{outside}'") + "\n")
    problems = _refused(m)
    assert "outside the case folder" in problems[0].message
    assert SECRET not in problems[0].message
    assert problems[0].line > 0


def test_include_through_a_symlink_out_of_the_case_is_refused(tmp_path, outside):
    m = _case(tmp_path, "{% include 'notes.md' %}\n")
    (m.parent / "notes.md").symlink_to(outside)
    assert "outside the case folder" in _refused(m)[0].message


def test_template_include_of_proc_is_refused(tmp_path):
    m = _case(tmp_path, "Body.\n", template="{{ body }}\n{% include '../../../../../../proc/self/environ' %}\n")
    assert "outside the case folder" in _refused(m)[0].message


def test_include_inside_the_case_builds_and_goes_into_the_receipt(tmp_path):
    m = _case(tmp_path, "Dear officer,\n\n{% include 'parts/closing.md' %}\n")
    (m.parent / "parts").mkdir()
    (m.parent / "parts" / "closing.md").write_text("Included closing paragraph for {{ case.title }}.\n",
                                                  encoding="utf-8")
    r = build_packet(m)
    text = PdfReader(r.output).pages[0].extract_text()
    assert "Included closing paragraph for Request for Humanitarian Parole" in text
    receipt = json.loads(r.receipt.read_text(encoding="utf-8"))
    included = [i for i in receipt["inputs"] if i["kind"] == "template-include"]
    assert [i["path"] for i in included] == ["parts/closing.md"]
    assert len(included[0]["sha256"]) == 64


def test_allow_path_admits_an_include(tmp_path, outside):
    m = _case(tmp_path, f"{{% include '{outside}' %}}\n")
    r = build_packet(m, allow_paths=[outside.parent])
    assert SECRET in PdfReader(r.output).pages[0].extract_text()


def test_missing_include_is_located(tmp_path):
    problems = _refused(_case(tmp_path, "Line one.\n{% include 'nothere.md' %}\n"))
    assert "no template 'nothere.md'" in problems[0].message


@pytest.mark.parametrize("body, words", [
    ("{{ 'A' * 300000000 }}", "copies"),
    ("{{ ['x'] * 300000000 }}", "copies"),
    ("{{ 300000000 * 'A' }}", "copies"),
    ("{{ 'A'.ljust(300000000) }}", "too large"),
    ("{{ 'A'|center(300000000) }}", "too large"),
    ("{{ 9 ** 99999999 }}", "exponent"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
     "characters"),
])
def test_runaway_template_fails_fast_with_a_located_error(tmp_path, body, words):
    problems = _refused(_case(tmp_path, "Dear officer,\n" + body + "\n"))
    assert words in problems[0].message
    assert "line 2" in problems[0].message or problems[0].line > 0


def test_silent_endless_loop_hits_the_time_limit(tmp_path, monkeypatch):
    from parolekit.render import sandbox

    monkeypatch.setattr(sandbox, "MAX_RENDER_SECONDS", 0.2)  # the bound, not the machine, is tested
    body = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    problems = _refused(_case(tmp_path, body + "\n"))
    assert "ran for over 0.2 s" in problems[0].message


def test_lipsum_is_not_available(tmp_path):
    assert "lipsum" in _refused(_case(tmp_path, "{{ lipsum(1000000) }}\n"))[0].message
