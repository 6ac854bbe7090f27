"""What parolekit cannot show is said, never dropped: Markdown images, animations, invisible controls.

Each test builds (or tries to build) the packet through the CLI and reads the result back.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

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


# --- animations -----------------------------------------------------------------------------------
def _frames(n: int) -> list[Image.Image]:
    return [Image.new("RGB", (80, 60), (30 * k % 256, 90, 200)) for k in range(n)]


def _animation(path: Path, fmt: str, n: int) -> Path:
    frames = _frames(n)
    frames[0].save(path, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def _image_case(tmp_path: Path, name: str) -> Path:
    return manifest(tmp_path / "case.yaml", CASE_HEAD + f"""\
exhibits:
  - id: screen
    title: Screen recording of the messages
    file: exhibits/{name}
claims:
  - claim: It is so
    exhibits: [screen]
""")


@pytest.mark.parametrize("name,fmt", [("screen.gif", "GIF"), ("screen.png", "PNG"), ("screen.webp", "WEBP")])
def test_an_animation_is_refused_with_its_name_and_frames(tmp_path, cli, name, fmt):
    (tmp_path / "exhibits").mkdir()
    _animation(tmp_path / "exhibits" / name, fmt, 7)
    with Image.open(tmp_path / "exhibits" / name) as img:
        assert getattr(img, "n_frames", 1) == 7  # Pillow wrote an animation
    case = _image_case(tmp_path, name)
    for command in ("build", "lint"):
        code, _out, err = cli(command, case)
        flat = " ".join(err.split())
        assert code == 1 and "Traceback" not in err, err
        assert "[image-animated]" in flat and f"'exhibits/{name}'" in flat and "7 frames" in flat
        assert "export the frame(s) that show the evidence as PNG or PDF" in flat
    assert not (tmp_path / "case.pdf").exists()


def test_an_animation_is_refused_though_an_earlier_version_cached_its_first_frame(tmp_path, cli):
    """An entry an earlier parolekit made of the first frame alone (cache format 1) is not reused."""
    import hashlib

    (tmp_path / "exhibits").mkdir()
    gif = tmp_path / "exhibits" / "screen.gif"
    _frames(1)[0].save(gif, "GIF")
    case = _image_case(tmp_path, "screen.gif")
    assert cli("build", case)[0] == 0
    cache = tmp_path / ".parolekit-cache"
    [entry] = cache.glob("*.pdf")
    _animation(gif, "GIF", 4)
    sha = hashlib.sha256(gif.read_bytes()).hexdigest()
    dpi = entry.name.rsplit("-", 1)[1]  # "300dpi.pdf"
    for made in (entry, entry.with_suffix(".json")):  # as the old version named them
        made.rename(cache / f"{sha}.image1-{dpi[:-4]}{made.suffix}")
    code, _out, err = cli("build", case)
    assert code == 1 and "[image-animated]" in err and "4 frames" in err, err


def test_a_single_frame_gif_and_a_multi_page_tiff_are_pages(tmp_path, cli):
    (tmp_path / "exhibits").mkdir()
    _frames(1)[0].save(tmp_path / "exhibits" / "still.gif", "GIF")
    frames = _frames(3)
    frames[0].save(tmp_path / "exhibits" / "scan.tiff", "TIFF", save_all=True, append_images=frames[1:])
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: still
    title: Still picture
    file: exhibits/still.gif
  - id: scan
    title: Faxed pages
    file: exhibits/scan.tiff
claims:
  - claim: It is so
    exhibits: [still, scan]
""")
    code, _out, err = cli("build", tmp_path / "case.yaml")
    assert code == 0, err
    receipt = json.loads((tmp_path / "case.receipt.json").read_text())
    counts = {i["path"].rsplit("/", 1)[-1]: i["page_count"] for i in receipt["inputs"] if "page_count" in i}
    assert counts["still.gif"] == 1 and counts["scan.tiff"] == 3, receipt["inputs"]


def test_the_corpus_animation_is_refused(corpus, tmp_path, cli):
    (tmp_path / "exhibits").mkdir()
    (tmp_path / "exhibits" / "anim.gif").symlink_to(corpus / "animated-transparent_31-frames.gif")
    case = _image_case(tmp_path, "anim.gif")
    code, _out, err = cli("lint", case, "--allow-path", corpus)
    flat = " ".join(err.split())
    assert code == 1 and "[image-animated]" in flat and "31 frames" in flat, err


# --- invisible control characters ---------------------------------------------------------------
@pytest.mark.parametrize("escape,codepoint", [("\\0", "U+0000"), ("\\x07", "U+0007"), ("\\e", "U+001B"),
                                              ("\\x7f", "U+007F"), ("\\x85", "U+0085"), ("\\x9b", "U+009B"),
                                              ("\\u202e", "U+202E"), ("\\u2066", "U+2066")])
def test_a_control_character_in_a_title_is_refused_naming_key_and_codepoint(tmp_path, cli, escape, codepoint):
    case = _case(tmp_path, "I am the sister.\n", exhibits=f"""\
  - id: photo
    title: "Photo{escape} of the house"
    file: exhibits/letter.pdf
""")
    case.write_text(case.read_text().replace("exhibits: [letter, decl]", "exhibits: [letter, decl, photo]"))
    code, _out, err = cli("build", case)
    flat = " ".join(err.split())
    assert code == 1 and "Traceback" not in err
    assert "[text-control-character] exhibits[photo].title:" in flat and codepoint in flat, err
    assert "(the first after 'Photo')" in flat and flat.count("delete it") >= 1
    assert "[text-unprintable]" not in flat  # not told to find a font for it
    assert not (tmp_path / "case.pdf").exists()


def test_a_control_character_in_a_declaration_file_is_refused_at_its_line(tmp_path, cli):
    case = _case(tmp_path, "I am the sister.\n\nShe is\x00 ill.\n\nAnd\x0bmore.\n")
    code, _out, err = cli("lint", case)
    flat = " ".join(err.split())
    assert code == 1 and flat.count("[text-control-character]") == 1
    assert "'declarations/ana.md', line 3, has an invisible control character, U+0000" in flat


def test_joiners_tabs_and_line_breaks_are_not_controls(tmp_path, cli):
    """ZWNJ, ZWJ and U+200B spell Persian, Indic and Myanmar text; tab and line feed are whitespace."""
    case = _case(tmp_path, "I am the sister.\tTruly.\r\n\r\nMy name is Mehr\u200cdad.\n", exhibits="""\
  - id: photo
    title: "Photo of Mehr\\u200Cdad\\tand \\u0915\\u094D\\u200D\\u0937 and a\\u200Bb"
    file: exhibits/letter.pdf
""")
    case.write_text(case.read_text().replace("exhibits: [letter, decl]", "exhibits: [letter, decl, photo]"))
    code, _out, err = cli("build", case)
    assert code == 0, err
    assert "text-control-character" not in err
    with pikepdf.open(tmp_path / "case.pdf") as pdf:
        assert len(pdf.pages) > 0
    assert "Mehr" in _text(tmp_path / "case.pdf")
