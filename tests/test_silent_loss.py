"""What parolekit cannot show is said, never dropped: Markdown images.

Each test builds (or tries to build) the packet through the CLI and reads the result back.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from factory import CASE_HEAD, manifest, require_poppler, text_pdf
from parolekit.render.markdown import pictures

CLAIMS = """\
claims:
  - claim: It is so
    exhibits: [letter, decl]
"""


def _case(tmp_path: Path, declaration: str, extra: str = "", exhibits: str = "") -> Path:
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    (tmp_path / "declarations").mkdir(exist_ok=True)
    (tmp_path / "declarations" / "ana.md").write_text(declaration, encoding="utf-8")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + extra + """\
declarations:
  - id: decl
    declarant: {name: Ana Perez, role: petitioner}
    text: declarations/ana.md
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
""" + exhibits + CLAIMS)


def _text(pdf: Path) -> str:
    require_poppler()
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# --- Markdown images ------------------------------------------------------------------------------
PHOTO_DECLARATION = """\
I am the sister of the beneficiary.

Here is a photo of my sister in the hospital:

![My sister in the hospital](../exhibits/passport.jpg)

She has lost a great deal of weight.
"""


def test_an_image_in_a_declaration_stops_the_build_naming_file_and_line(tmp_path, cli):
    case = _case(tmp_path, PHOTO_DECLARATION)
    code, _out, err = cli("build", case)
    assert code == 1 and "Traceback" not in err
    assert "[declaration-image]" in err and "declarations[decl].text" in err
    assert "declarations/ana.md, line 5" in err and "![My sister in the hospital](../exhibits/passport.jpg)" in err
    assert "Attach the photo as an exhibit" in err
    assert not (tmp_path / "case.pdf").exists()
    code, out, _err = cli("lint", case, "--format", "json")
    found = [p for r in json.loads(out)["results"] for p in r["problems"] if p["code"] == "declaration-image"]
    assert code == 1 and len(found) == 1 and found[0]["severity"] == "error"
    assert found[0]["line"] == case.read_text().splitlines().index("    text: declarations/ana.md") + 1


def test_without_the_image_every_paragraph_is_numbered_in_the_packet(tmp_path, cli):
    case = _case(tmp_path, PHOTO_DECLARATION.replace(
        "![My sister in the hospital](../exhibits/passport.jpg)", "The photo is Exhibit B."))
    code, _out, err = cli("build", case)
    assert code == 0, err
    text = " ".join(_text(tmp_path / "case.pdf").split())
    assert "3. The photo is Exhibit B." in text and "4. She has lost a great deal of weight." in text


def test_an_image_in_the_cover_letter_or_brief_is_a_warning_and_the_text_around_it_prints(tmp_path, cli):
    (tmp_path / "brief.md").write_text("# Brief\n\nThe facts.\n\nSee ![a chart][chart] here.\n\n"
                                       "[chart]: chart.png\n", encoding="utf-8")
    case = _case(tmp_path, "I am the sister of the beneficiary.\n", extra="""\
cover_letter:
  body: |
    We enclose the evidence.

    ![the house](house.jpg)

    Thank you for your attention.
brief:
  file: brief.md
""")
    code, _out, err = cli("build", case)
    assert code == 0, err
    assert err.count("[markdown-image-ignored]") == 2
    assert "cover_letter.body: line 3: the image ![the house](house.jpg) is not printed" in " ".join(err.split())
    assert "brief.md, line 5: the image ![a chart](chart.png)" in " ".join(err.split())
    text = " ".join(_text(tmp_path / "case.pdf").split())
    assert "We enclose the evidence." in text and "Thank you for your attention." in text
    assert "See here." in text


def test_pictures_are_found_wherever_markdown_puts_them():
    source = ("Intro.\n\n> quoted\n> ![q](q.png)\n\n- item\n  ![in a list](l.png)\n\n"
              "[![in a link](k.png)](https://example.org)\n\n![ref][r]\n\n[r]: r.png\n\n"
              "`![code](no.png)` and \\![escaped](no.png)\n")
    found = [(p.line, p.alt, p.src) for p in pictures(source)]
    assert found == [(4, "q", "q.png"), (7, "in a list", "l.png"), (9, "in a link", "k.png"), (11, "ref", "r.png")]
