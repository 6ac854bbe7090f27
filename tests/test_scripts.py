"""Names and paragraphs in other scripts: shaped, in bidi order, embedded, and read back as written.

Golden tests: each language's sample is drawn with the generated pages' own styles; the written
PDF's text (pdftotext) must equal the input in logical order, and its picture (pdftoppm) must match
tests/scripts/<language>.png, reviewed by eye once. Set PAROLEKIT_WRITE_REFERENCES=1 to rewrite the
pictures after a deliberate change (and look at each again).
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from factory import require_poppler

REFERENCES = Path(__file__).parent / "scripts"
BIDI_MARKS = dict.fromkeys(range(0x202A, 0x202F))  # pdftotext brackets right-to-left runs with these
RTL = {"dari", "pashto", "arabic", "hebrew"}
UNSPACED = {"chinese", "traditional_chinese", "japanese"}  # a line breaks between any two characters

# (language, a name as written, its transliteration, a paragraph) — fictional people.
SAMPLES = {
    "dari": ("احمد‌شاه کریمی", "Ahmad Shah Karimi",
             "نام من احمد‌شاه کریمی است. من در کابل به دنیا آمدم و در سال 2021 با خانواده‌ام از "
             "افغانستان بیرون شدم. پدرم معلم بود و ما در نزدیکی دانشگاه کابل زندگی می‌کردیم."),
    "pashto": ("ګل احمد ځدراڼ", "Gul Ahmad Zadran",
               "زه ګل احمد یم. زما پلار په کندهار کې ډاکټر و او موږ په ښار کې اوسېدو. ما په ښوونځي کې "
               "درس ورکاوه او زما ورور په روغتون کې کار کاوه."),
    "arabic": ("محمد علي الحسن", "Mohammad Ali Al-Hassan",
               "اسمي محمد علي الحسن، ولدت في دمشق عام 1985 وأعمل مهندسا في شركة للكهرباء. غادرت سوريا "
               "مع زوجتي وأطفالي الثلاثة في عام 2016."),
    "hebrew": ("דוד כהן", "David Cohen", "שמי דוד כהן. נולדתי בחיפה ואני עובד כמורה לנגינה בבית ספר "
               "יסודי. אשתי ושני ילדינו גרים איתי בעיר מאז שנת 2019."),
    "chinese": ("王小明", "Wang Xiaoming", "我叫王小明，一九九零年出生于北京。我和我的妻子在上海工作了十年，"
                "二零二二年我们带着两个孩子离开了中国。"),
    "korean": ("김민준", "Kim Minjun", "제 이름은 김민준입니다. 저는 1988년에 부산에서 태어났고 10년 동안 은행에서 "
               "일했습니다. 2023년에 아내와 두 아이와 함께 한국을 떠났습니다."),
    "japanese": ("山田さくら", "Yamada Sakura", "私の名前は山田さくらです。一九八七年に大阪で生まれ、十年間看護師として"
                 "働きました。二〇二一年に夫と娘と一緒に日本を離れました。"),
    "traditional_chinese": ("陳志明", "Chen Chih-ming", "我叫陳志明，一九八五年出生於臺北。我在臺中的一所學校當了"
                            "十年的老師，二〇二二年和妻子帶著兩個孩子離開了臺灣。"),
    "amharic": ("አበበ በቀለ", "Abebe Bekele", "ስሜ አበበ በቀለ ነው። የተወለድኩት በአዲስ አበባ ሲሆን ለአሥር ዓመታት በመምህርነት "
                "ሰርቻለሁ። ባለቤቴና ሁለቱ ልጆቻችን ከእኔ ጋር ይኖራሉ።"),
    "hindi": ("राम प्रसाद शर्मा", "Ram Prasad Sharma",
              "मेरा नाम राम प्रसाद शर्मा है। मैं काठमांडू में पैदा हुआ और एक विद्यालय में शिक्षक था।"),
    "bengali": ("রহিম উদ্দিন", "Rahim Uddin", "আমার নাম রহিম উদ্দিন। আমি ঢাকায় জন্মগ্রহণ করেছি এবং একজন কৃষক ছিলাম।"),
    "thai": ("สมชาย ใจดี", "Somchai Jaidee", "ผมชื่อสมชาย ใจดี เกิดที่เชียงใหม่ และทำงานเป็นครูมาสิบปี"),
    "ukrainian": ("Олена Петренко", "Olena Petrenko",
                  "Мене звати Олена Петренко. Я народилася в Харкові й працювала медсестрою в міській "
                  "лікарні. У 2022 році ми з донькою виїхали до Польщі."),
}


def _story(name: str, latin: str, paragraph: str) -> list:
    from parolekit.render.fonts import styles, text
    from parolekit.render.scripts import Paragraph

    st = styles()
    return [Paragraph(f"<b>{text(name)}</b>", st["heading"]),
            Paragraph(text(paragraph), st["body"]),
            Paragraph(text(f"{name} ({latin})"), st["body"])]


def _written(tmp_path: Path, language: str) -> Path:
    from parolekit.render.doc import render

    out = tmp_path / f"{language}.pdf"
    out.write_bytes(render(_story(*SAMPLES[language]), title=language).data)
    return out


def _lines(pdf: Path) -> list[str]:
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True)
    return [line.translate(BIDI_MARKS).strip() for line in run.stdout.splitlines() if line.strip()]


def _picture(pdf: Path, tmp_path: Path) -> Image.Image:
    stem = tmp_path / "page"
    # The text block of the first page at 80 dpi: the heading, the paragraph and the name line.
    subprocess.run(["pdftoppm", "-r", "80", "-gray", "-png", "-f", "1", "-l", "1", "-x", "70", "-y", "60",
                    "-W", "540", "-H", "110", "-singlefile", str(pdf), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("L")


def _reading_words(pdf: Path, page: int | None = None) -> list[list[str]]:
    """Each line's words as placed on the page (pdftotext -bbox), in reading order.

    A line whose first word is right-to-left reads from the right, and such a word's letters,
    given in the order they are drawn, read backwards.
    """
    pages = ["-f", str(page), "-l", str(page)] if page else []
    run = subprocess.run(["pdftotext", "-bbox", *pages, str(pdf), "-"], capture_output=True, text=True,
                         check=True)
    found = [(float(y0), float(y1), float(x), html.unescape(w)) for x, y0, y1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', run.stdout)]
    lines: list[list[tuple[float, str]]] = []
    last = None
    for y0, y1, x, word in sorted(found, key=lambda f: ((f[0] + f[1]) / 2, f[2])):
        middle = (y0 + y1) / 2
        if last is None or middle - last > 6:
            lines.append([])
        lines[-1].append((x, word))
        last = middle
    out = []
    for line in lines:
        words = [w for _x, w in sorted(line)]
        if _right_to_left(words[-1]):  # from the right; a run of left-to-right words reads on
            rtl, words = words[::-1], []
            for w in rtl:
                if _right_to_left(w) or not words or _right_to_left(words[-1][-1]):
                    words.append([w[::-1] if _right_to_left(w) else w])
                else:
                    words[-1].insert(0, w)
            words = [w for run in words for w in run]
        out.append(words)
    return out


def _right_to_left(word: str) -> bool:
    strong = [unicodedata.bidirectional(c) for c in word if unicodedata.bidirectional(c) in ("L", "R", "AL")]
    return bool(strong) and strong[0] != "L"


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_text_reads_back_as_written(tmp_path, language):
    require_poppler()
    name, latin, paragraph = (unicodedata.normalize("NFC", s) for s in SAMPLES[language])
    pdf = _written(tmp_path, language)
    lines = _lines(pdf)
    # pdftotext's plain text: every letter, digit and mark in logical order. In right-to-left lines
    # poppler moves the space next to a number or a full stop to its other side (its plain-text
    # reordering assigns neutral characters to the neighbouring run), so spaces are not compared.
    flat = ("".join(lines[0].split()), "".join("".join(lines[1:-1]).split()))
    assert flat == ("".join(name.split()), "".join(paragraph.split()))
    # The words as placed on the page, read in reading order: exactly the input.
    words = _reading_words(pdf)
    assert words[0] == name.split()
    if language in UNSPACED:
        assert "".join(w for line in words[1:-1] for w in line) == paragraph
    else:
        assert [w for line in words[1:-1] for w in line] == paragraph.split()
    if language in RTL:  # a right-to-left name beside its transliteration
        assert words[-1] == f"({latin}) {name}".split() or words[-1] == f"{name} ({latin})".split()
    else:
        assert lines == [name, *lines[1:-1], f"{name} ({latin})"]
        assert ("" if language in UNSPACED else " ").join(lines[1:-1]) == paragraph
        assert words[-1] == f"{name} ({latin})".split()


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_picture_matches_the_reviewed_reference(tmp_path, language):
    require_poppler()
    picture = _picture(_written(tmp_path, language), tmp_path)
    reference = REFERENCES / f"{language}.png"
    if os.environ.get("PAROLEKIT_WRITE_REFERENCES") or not reference.exists():
        REFERENCES.mkdir(exist_ok=True)
        picture.save(reference, optimize=True)
        pytest.skip(f"wrote {reference.name}: look at it, then commit it")
    expected = Image.open(reference).convert("L")
    assert picture.size == expected.size
    diff = ImageChops.difference(picture, expected).point(lambda v: 255 if v > 96 else 0)
    changed = sum(diff.histogram()[255:]) / (picture.size[0] * picture.size[1])
    assert changed < 0.004, f"{language}: {changed:.2%} of the picture differs from {reference.name}"


def _box_font(path: Path, chars: str) -> Path:
    """A tiny TrueType font whose glyphs for *chars* are boxes: a user's own font, made here."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in chars]
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name != "space":
            pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((800, 700)), pen.lineTo((800, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (900, 100) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Probe Cherokee", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))
    return path


def test_output_fonts_prints_a_script_parolekit_does_not_ship(tmp_path, cli):
    from factory import CASE_HEAD, manifest, text_pdf

    require_poppler()
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    # Cherokee: no shipped font has it
    head = CASE_HEAD.replace("    - name: Test Beneficiary\n", "    - name: Ayita Walker (ᎠᏱᏔ)\n")
    body = ("exhibits:\n  - id: letter\n    title: Letter from the doctor\n    file: exhibits/letter.pdf\n"
            "claims:\n  - claim: The letter shows it\n    exhibits: [letter]\n")
    case = manifest(tmp_path / "case.yaml", head + body)
    code, _out, err = cli("build", str(case))
    assert code == 1 and "[text-unprintable]" in err and "U+13A0 CHEROKEE LETTER A, Cherokee" in err

    _box_font(tmp_path / "fonts" / "probe.ttf", "ᎠᏱᏔ")
    manifest(case, head + body + "output:\n  fonts: [fonts/probe.ttf]\n")
    code, _out, err = cli("build", str(case), "-o", str(tmp_path / "packet.pdf"))
    assert code == 0, err
    text = subprocess.run(["pdftotext", str(tmp_path / "packet.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Ayita Walker (ᎠᏱᏔ)" in text
    import pikepdf

    with pikepdf.open(tmp_path / "packet.pdf") as pdf:
        names = {str(f.get("/BaseFont")) for page in pdf.pages
                 for f in page.obj.Resources.get("/Font", {}).values()}
    assert any("Probe" in n for n in names)


def test_shaped_glyphs_are_named_by_their_letters():
    """The ToUnicode map's source: a joined form or a ligature names the letters it was made from."""
    import uharfbuzz as hb

    from parolekit.render.scripts import FOLDER, glyph_texts

    data = (FOLDER / "NotoNaskhArabic-Regular.ttf").read_bytes()
    texts = glyph_texts(data)
    font = hb.Font(hb.Face(hb.Blob(data)))
    for word in ("لا", "محمد", "ښاغلی", "ټولنه", "ځدراڼ", "ډاکټر", "ګل"):
        buf = hb.Buffer()
        buf.add_str(word)
        buf.guess_segment_properties()
        hb.shape(font, buf, {})
        glyphs = [texts.get(info.codepoint) for info in buf.glyph_infos]
        assert "".join(reversed(glyphs)) == word  # drawn right to left: read back to front


@pytest.mark.parametrize(("value", "face"), [
    ("王小明", "PKFHan"),                # every character common to GB 2312 and Big5: SC forms, as before
    ("陳志明", "PKFHant"),               # 陳 is only in Big5: the whole name in TC forms
    ("山田さくら", "PKFJapan"),          # kana: the kanji in Japanese forms
    ("渡辺", "PKFJapan"),                # 辺, a Japanese form, is in neither GB 2312 nor Big5
    ("澤田広", "PKFJapan"),              # 澤 is in Big5 and JIS, but 広 only in JIS
    ("김민준 (金敏俊)", "PKFHant"),       # Hangul, and Hanja in TC forms (the Hangul shares the file)
])
def test_a_han_character_gets_its_own_countrys_form(value, face):
    """直 or 骨 is drawn differently in China, Taiwan and Japan: the text's letters pick the face."""
    from parolekit.render.fonts import text, unprintable

    faces = set(re.findall(r'<font face="(\w+)">', text(value)))
    assert faces == {face} and unprintable(value) == []


def test_a_dari_ezafe_reads_back_as_written_and_draws_as_the_letter(tmp_path):
    """heh + hamza above (U+0647 U+0654, the spelling Unicode recommends for the ezafe) is drawn as
    the letter heh-with-yeh-above it looks like, so no stray mark; the text extracted is as written."""
    from factory import CASE_HEAD, manifest, require_poppler, text_pdf
    from parolekit.pipeline import build_packet

    require_poppler()

    def build(folder, word):
        text_pdf(folder / "a.pdf")
        case = manifest(folder / "case.yaml", CASE_HEAD + f"""\
declarations:
  - id: decl
    declarant: {{name: Test Beneficiary, role: beneficiary}}
    text: "{word} ما"
    executed: {{date: 2026-11-10, place: "Herat, Afghanistan", in_us: false}}
exhibits:
  - id: a
    title: A
    file: a.pdf
""")
        out = build_packet(case, folder / "p.pdf").output
        png = folder / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "4", "-l", "4", str(out), str(png)], check=True)
        text = subprocess.run(["pdftotext", "-f", "4", "-l", "4", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout
        return text, Image.open(next(folder.glob("page*.png"))).convert("L")

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ezafe, drawn = build(tmp_path / "a", "خانه\u0654")
    letter, reference = build(tmp_path / "b", "خان\u06c0")
    assert "خانه\u0654" in ezafe and "\u06c0" not in ezafe
    assert ImageChops.difference(drawn, reference).getbbox() is None  # the same pixels
