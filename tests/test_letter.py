"""The cover letter: names and addresses exactly as written, Markdown, citations, user templates, errors."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from factory import manifest, text_pdf
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

# Names and address lines that Markdown, reportlab markup or a careless template would mangle.
BENEFICIARY = "María-José *Star* O'Brien_de_la [Cruz] #2"
VIETNAMESE = "Nguyễn Thị Hương"
CYRILLIC = "Олена Коваленко"
ADDRESS = ["#5 Calle *Real* & <Co>", "1. Avenida [B] (rear)", "- Apt_4 \\ back", "+ Kyiv 01001, Україна"]

HEAD = f"""\
parolekit: 1
case:
  title: "Request for Humanitarian Parole — *urgent* [medical]"
  kind: humanitarian-parole
  reasons: [medical]
  date: 2026-11-20
  beneficiaries:
    - name: "{BENEFICIARY}"
      birth_date: 1988-03-14
      citizenship: Honduras
      a_number: A012345678
    - name: {VIETNAMESE}
  petitioner:
    name: {CYRILLIC}
    relationship: sister
    address:
{chr(10).join(f"      - '{line}'" for line in ADDRESS)}
  recipient:
    name: USCIS_Humanitarian *Affairs* Branch
    address: ["Attn: Humanitarian Parole", "P.O. Box 0000", "City, ST 00000"]
"""

EXHIBITS = """\
declarations:
  - id: decl-a
    declarant: {name: Ana Pérez, role: petitioner}
    text: I am the sister of the beneficiary.
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: report
    title: Country report
    file: exhibits/report.pdf
"""

BODY = """\
cover_letter:
  body: |
    We ask for parole for **the beneficiary** so that she can be treated; care is *not
    available* at home ({{ cite('letter') }}).

    The evidence shows:

    - the illness ({{ cite_short('letter') }});
    - the petitioner's support ({{ cite('decl-a') }}).

    Literal characters stay: 5 * 3 = 15, snake_case, C# and [brackets].
"""


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _case(base: Path, body: str = BODY, head: str = HEAD) -> Path:
    text_pdf(base / "exhibits" / "letter.pdf", pages=2, title="Letter")
    text_pdf(base / "exhibits" / "report.pdf", pages=1, title="Report")
    return manifest(base / "case.yaml", head + body + EXHIBITS)


def _letter_text(result) -> str:
    reader = PdfReader(result.output)
    start, end = result.plan.sections["cover"]
    return "\n".join(unicodedata.normalize("NFC", reader.pages[n].extract_text())
                     for n in range(start - 1, end))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result = build_packet(_case(tmp_path_factory.mktemp("letter")))
    return result, _letter_text(result)


def test_names_and_addresses_render_exactly_as_written(built):
    _result, text = built
    lines = [line.strip() for line in text.splitlines()]
    for line in ADDRESS:
        assert line in lines, line
    assert "USCIS_Humanitarian *Affairs* Branch" in lines
    flat = _flat(text)
    assert f"Beneficiary: {BENEFICIARY}, born March 14, 1988, citizen of Honduras, A-Number A012345678" in flat
    assert f"Beneficiary: {VIETNAMESE}" in flat
    assert "Re: Request for Humanitarian Parole — *urgent* [medical]" in flat
    assert CYRILLIC in flat  # the petitioner signs when there is no representative
    assert "Petitioner (sister)" in flat


def test_markdown_body_and_citations(built):
    result, text = built
    flat = _flat(text)
    letter, decl = result.plan.exhibits["letter"], result.plan.exhibits["decl-a"]
    assert (f"We ask for parole for the beneficiary so that she can be treated; care is not available "
            f"at home (Exhibit {letter.label} at {letter.first_content}).") in flat
    assert f"the illness (Ex. {letter.label} at {letter.first_content});" in flat
    assert f"the petitioner's support (Exhibit {decl.label} at {decl.first_content})." in flat
    assert "**" not in text and "*not" not in text  # emphasis became formatting
    assert "Literal characters stay: 5 * 3 = 15, snake_case, C# and [brackets]." in flat
    lines = [line.strip() for line in text.splitlines()]
    assert "\u2022 the illness (" in lines[lines.index("The evidence shows:") + 1]  # a list item


def test_letter_lists_the_packet_from_the_plan(built):
    result, text = built
    flat = _flat(text)
    assert f"This packet has {result.plan.total} pages" in flat
    assert f"An index of exhibits (page {result.plan.sections['index'][0]})" in flat
    first, last = list(result.plan.exhibits.values())[0], list(result.plan.exhibits.values())[-1]
    assert (f"3 exhibits, {first.label} through {last.label} (pages {first.start}\u2013{last.end}), "
            "beginning with 1 declaration") in flat
    assert "chronology" not in flat.lower()  # the case has none


def test_user_template_overrides_the_builtin(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "mine.md.j2").write_text(
        "CUSTOM LETTER for {{ beneficiaries[0].name }}\n\n"
        "{% for e in documents %}- {{ e.label }}: {{ e.title }}, pages {{ e.range }}\n{% endfor %}\n"
        "{{ body }}\n", encoding="utf-8")
    case = _case(tmp_path, BODY + "  template: templates/mine.md.j2\n")
    result = build_packet(case)
    flat = _flat(_letter_text(result))
    letter = result.plan.exhibits["letter"]
    assert flat.startswith(f"CUSTOM LETTER for {BENEFICIARY}")
    assert f"{letter.label}: Letter from the doctor, pages {letter.start}\u2013{letter.end}" in flat
    assert "Dear Sir or Madam" not in flat


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if needle in line)


@pytest.mark.parametrize("template, needle, line", [
    ("Dear {{ recipient.name }},\n\n{{ case.fax_number }}\n", "'fax_number'", 3),
    ("Hello\n\n{{ nonexistent }}\n", "unknown field 'nonexistent'", 3),
    ("Hello\n{% if signer %}\nno end\n", "endif", 2),
    ("{{ cite('no-such-exhibit') }}\n", "no exhibit or declaration has that id", 1),
])
def test_template_error_names_template_line_and_field(tmp_path, cli, template, needle, line):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "bad.md.j2").write_text(template, encoding="utf-8")
    case = _case(tmp_path, BODY + "  template: templates/bad.md.j2\n")
    code, _out, err = cli("build", case)
    assert code == 1
    manifest_line = _line_of(case, "template: templates/bad.md.j2")
    assert re.search(rf"case\.yaml:{manifest_line}:\d+: error \[template-error\] cover_letter\.template: "
                     rf"templates/bad\.md\.j2, line {line}\b", err), err
    assert needle in err and "Traceback" not in err
    assert not (tmp_path / "case.pdf").exists()
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == ["letter.pdf", "report.pdf"]


def test_body_error_points_at_its_manifest_line(tmp_path, cli):
    body = BODY.replace("({{ cite('decl-a') }})", "({{ cite('decl-b') }})")
    case = _case(tmp_path, body)
    code, _out, err = cli("build", case)
    assert code == 1
    line = _line_of(case, "cite('decl-b')")
    assert re.search(rf"case\.yaml:{line}:\d+: error \[template-error\] cover_letter\.body: body line 7", err), err
    assert "did you mean 'decl-a'?" in err
    assert not (tmp_path / "case.pdf").exists()


def test_lint_reports_template_errors_without_building(tmp_path):
    (tmp_path / "bad.md.j2").write_text("{{ representative.name }}\n", encoding="utf-8")
    case = _case(tmp_path, BODY + "  template: bad.md.j2\n")  # the case has no representative
    result = lint_manifest(case)
    problems = [p for p in result.problems if p.code == "template-error"]
    assert len(problems) == 1 and problems[0].line == _line_of(case, "template: bad.md.j2")
    assert "bad.md.j2, line 1" in problems[0].message and "'name'" in problems[0].message
    assert not list(tmp_path.glob("*.pdf"))


def test_missing_template_file_is_a_located_problem(tmp_path, cli):
    case = _case(tmp_path, BODY + "  template: templates/none.md.j2\n")
    code, _out, err = cli("build", case)
    assert code == 1
    assert re.search(rf"case\.yaml:{_line_of(case, 'none.md.j2')}:\d+: error \[file-missing\]", err), err


def test_body_file_is_a_template_and_its_errors_name_the_file(tmp_path, cli):
    (tmp_path / "letter.md").write_text("First paragraph.\n\nSee {{ cite('leter') }}.\n", encoding="utf-8")
    case = _case(tmp_path, "cover_letter:\n  file: letter.md\n")
    code, _out, err = cli("build", case)
    assert code == 1
    assert re.search(rf"case\.yaml:{_line_of(case, 'file: letter.md')}:\d+: error \[template-error\] "
                     r"cover_letter\.file: letter\.md, line 3", err), err
    assert "did you mean 'letter'?" in err
    (tmp_path / "letter.md").write_text("First paragraph.\n\nSee {{ cite('letter') }}.\n", encoding="utf-8")
    result = build_packet(case)
    assert f"See Exhibit B at {result.plan.exhibits['letter'].first_content}." in _flat(_letter_text(result))


def test_body_and_template_errors_are_reported_together(tmp_path, cli):
    (tmp_path / "bad.md.j2").write_text("{{ body }}\n{{ case.fax }}\n", encoding="utf-8")
    body = BODY.replace("({{ cite('decl-a') }})", "({{ cite('decl-b') }})")
    case = _case(tmp_path, body + "  template: bad.md.j2\n")
    code, _out, err = cli("build", case)
    assert code == 1
    assert "cover_letter.body: body line 7" in err and "bad.md.j2, line 2" in err
    assert err.count("[template-error]") == 2


def test_a_name_the_font_cannot_print_is_refused_not_misprinted(tmp_path, cli):
    # Cherokee: no shipped font has it (Arabic, Hebrew, CJK... print: tests/test_scripts.py)
    head = HEAD.replace(f"    - name: {VIETNAMESE}\n", "    - name: ᎠᏱᏔ\n")
    case = _case(tmp_path, BODY, head=head)
    code, _out, err = cli("build", case)
    assert code == 1
    line = _line_of(case, "name: ᎠᏱᏔ")
    assert re.search(rf"case\.yaml:{line}:\d+: error \[text-unprintable\] case\.beneficiaries\[#2\]\.name", err)
    assert "U+13A0 CHEROKEE LETTER A, Cherokee" in err and "output.fonts" in err
    assert not (tmp_path / "case.pdf").exists()


def test_pasted_typographic_spaces_and_invisible_marks_print_plainly():
    from parolekit.render.fonts import plain, unprintable

    pasted = "Ana\u200b P\u00e9rez,\u202f10\u2009a.m.\u2003\ufeffroom\u00a012\u2011B"
    assert unprintable(pasted) == []
    assert plain(pasted) == "Ana P\u00e9rez,\u00a010 a.m. room\u00a012\u2010B"
    assert unprintable("Ana \U0001F600") == ["\U0001F600"]


def test_every_field_the_builtin_template_documents_exists(tmp_path):
    from importlib import resources

    header = resources.files("parolekit.templates").joinpath("cover-letter.md.j2").read_text("utf-8")
    header = header[:header.index("-#}")]
    documented = set(re.findall(r"^      ([a-z_]+)(?:\(id\))?\s{2,}", header, re.M))
    documented |= {"total_pages", "kind", "reasons", "petitioner", "representative", "declarations",
                   "documents"}
    assert {"date", "case", "cite", "cite_short", "chronology", "claims", "ex"} <= documented
    probe = "\n\n".join(f"{name}: {{{{ {name} is defined }}}}" for name in sorted(documented))
    (tmp_path / "probe.md.j2").write_text(probe + "\n\n{{ ex['letter'].language_name }} "
                                          "{{ exhibits[0].declarant.role }} {{ case.date | long_date }} "
                                          "{{ 'es' | language }}\n", encoding="utf-8")
    result = build_packet(_case(tmp_path, BODY + "  template: probe.md.j2\n"))
    text = _flat(_letter_text(result))
    for name in documented:
        assert f"{name}: True" in text, name
    assert "English petitioner November 20, 2026 Spanish" in text
