"""The embedded fonts (Source Serif Pro for Latin, Cyrillic and Greek; Noto for other scripts) and styles."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

import font_source_serif_pro
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.fonts import addMapping

from . import scripts

FAMILY = "PKSerif"
_FILES = {"": "Regular", "-Bold": "Bold", "-Italic": "It", "-BoldItalic": "BoldIt"}
# Fallback families, tried in order for a character the serif face lacks: (family, regular, bold).
# Naskh is the Arabic script's book hand (Arabic, Persian, Dari, Pashto, Urdu); the others are the
# serif Noto faces where one exists, beside Source Serif. No bold face: bold prints in the regular.
FALLBACKS = [("PKFArabic", "NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold"),
             ("PKFHebrew", "NotoSerifHebrew-Regular", "NotoSerifHebrew-Bold"),
             ("PKFEthiopic", "NotoSerifEthiopic-Regular", "NotoSerifEthiopic-Bold"),
             ("PKFDevanagari", "NotoSerifDevanagari-Regular", None),
             ("PKFBengali", "NotoSerifBengali-Regular", None),
             ("PKFThai", "NotoSerifThai-Regular", None),
             ("PKFMyanmar", "NotoSansMyanmar-Regular", None),
             ("PKFHan", "NotoSansSC-GB2312-Regular", None),
             ("PKFHant", "NotoSansTC-Big5-Hangul-Regular", None),
             ("PKFJapan", "NotoSansJP-JIS-Regular", None)]
# One Han character has a Chinese (simplified or traditional), a Japanese and a Korean form: the three
# Noto Sans CJK cuts are tried in the order the text's own letters call for (see _cjk_order).
HAN = ("PKFHan", "PKFHant", "PKFJapan")
_user: list[tuple[str, frozenset[int]]] = []  # output.fonts of the case being built, tried first


@functools.cache
def register() -> str:
    """Register the font family once per process; return its name."""
    folder = Path(font_source_serif_pro.__file__).parent / "files"
    for suffix, style in _FILES.items():
        pdfmetrics.registerFont(TTFont(FAMILY + suffix, str(folder / f"SourceSerifPro-{style}.ttf")))
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, FAMILY + "-Bold")
    addMapping(FAMILY, 0, 1, FAMILY + "-Italic")
    addMapping(FAMILY, 1, 1, FAMILY + "-BoldItalic")
    scripts.install()
    return FAMILY


@functools.cache
def _fallbacks() -> list[str]:
    """Register the shipped fallback fonts, the first time text needs one (parsing them costs)."""
    register()
    for family, regular, bold in FALLBACKS:
        _family(family, scripts.FOLDER / f"{regular}.ttf", bold and scripts.FOLDER / f"{bold}.ttf")
    return [family for family, _r, _b in FALLBACKS]


def _family(family: str, regular: Path, bold: Path | None) -> None:
    pdfmetrics.registerFont(scripts.Face(family, str(regular)))
    if bold:
        pdfmetrics.registerFont(scripts.Face(family + "-Bold", str(bold)))
    heavy = family + "-Bold" if bold else family
    for b, i, name in ((0, 0, family), (1, 0, heavy), (0, 1, family), (1, 1, heavy)):
        addMapping(family, b, i, name)


@functools.cache
def _covered(family: str) -> frozenset[int]:
    register()
    return frozenset(c for c in pdfmetrics.getFont(family).face.charToGlyph if c < 0xE000 or c > 0xF8FF)


def chain(value: str = "") -> list[tuple[str, frozenset[int]]]:
    """The fallback families in the order tried for *value*, each with the code points it has glyphs for."""
    families = [f for f in _fallbacks() if f not in HAN]
    return _user + [(family, _covered(family)) for family in families + _cjk_order(value)]


def _kana(code: int) -> bool:
    return 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F


def _hangul(code: int) -> bool:
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def _cjk_order(value: str) -> list[str]:
    """The CJK faces in the order *value* calls for, so that a name gets its own country's glyph forms.

    Kana make it Japanese (JP forms first); Hangul make it Korean (Hanja in TC forms, nearest to
    Korean ones; the TC file has the Hangul); a Han character only the JP cut has (a Japanese form as
    辺 or 駅) makes it Japanese, else one beyond GB 2312 that Big5 has (陳, 於) Traditional Chinese.
    Else Simplified Chinese, as before: text whose every character is common to GB 2312 and Big5
    (王小明, or a Japanese name in kanji as 山田太郎) cannot tell, and prints in SC forms.
    """
    han, hant, japan = HAN
    codes = {ord(ch) for ch in value if ord(ch) >= 0x1100}
    if not codes:
        return [han, hant, japan]
    if any(_kana(c) for c in codes):
        return [japan, hant, han]
    if any(_hangul(c) for c in codes):
        return [hant, japan, han]
    tc = _covered(hant)
    beyond = codes - _covered(han) - _coverage()
    if (beyond & _covered(japan)) - tc:
        return [japan, hant, han]
    if beyond & tc:
        return [hant, han, japan]
    return [han, hant, japan]


def use_case_fonts(case) -> None:
    """Use the case's output.fonts (files that exist and load; others are reported by validate)."""
    paths = []
    for relative in getattr(case.manifest.output, "fonts", None) or []:
        path = case.resolve(str(relative))
        if path.is_file() and loadable(path) is None:
            paths.append(path)
    use(paths)


@functools.cache
def loadable(path: Path) -> str | None:
    """None if reportlab can embed the font file, else why not (CFF outlines, not a font...)."""
    try:
        TTFont("PKProbe", str(path))
    except Exception as e:  # reportlab raises TTFError or struct errors for what it cannot read
        return str(e) or type(e).__name__
    return None


def use(paths: list[Path]) -> None:
    """Try these font files (a case's output.fonts) before the shipped fallbacks, for this process."""
    register()
    _user.clear()
    for n, path in enumerate(paths, start=1):
        family = f"PKFUser{n}-{abs(hash(str(path))) % 10**8}"
        if family not in pdfmetrics.getRegisteredFontNames():
            _family(family, path, None)
        _user.append((family, _covered(family)))


# Typographic spaces, invisible marks and a non-breaking hyphen the font lacks, as pasted from word
# processors and web pages: printed as their plain equivalents rather than refused. The joiners
# ZWNJ and ZWJ stay: Persian and Dari spell with ZWNJ (they print with their script's run).
_PLAIN = {**{c: " " for c in range(0x2000, 0x200B) if c != 0x2007}, 0x205F: " ", 0x3000: " ",
          0x202F: "\u00a0", 0x2007: "\u00a0", 0x2011: "\u2010",
          **{c: None for c in (0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF)}}


def plain(value: str) -> str:
    """NFC, with look-alike spaces and invisible marks made plain (see _PLAIN)."""
    return unicodedata.normalize("NFC", value).translate(_PLAIN)


@functools.cache
def _coverage() -> frozenset[int]:
    """Code points the regular face has glyphs for (the bold and italic faces match it)."""
    register()
    return frozenset(pdfmetrics.getFont(FAMILY).face.charToGlyph)


def unprintable(value: str) -> list[str]:
    """Characters of *value* no embedded font has a glyph for, in order of first use.

    They would print as blanks or boxes: emoji, scripts no shipped font covers (Cherokee, Tibetan,
    Sinhala, Han characters beyond GB 2312, Big5 and JIS X 0208, ...) unless output.fonts
    names a font that has them.
    (Look-alike spaces and invisible marks are made plain instead.)
    """
    covered = _coverage()
    fallbacks = None
    out: list[str] = []
    for ch in plain(value):
        code = ord(ch)
        if ch in "\n\r\t" or ch in scripts.JOINERS or code in covered or ch in out:
            continue
        if fallbacks is None:  # the fallback fonts are parsed only for text the serif face lacks (0.45 s)
            fallbacks = chain()
        if any(code in c for _f, c in fallbacks):
            continue
        out.append(ch)
    return out


def script(ch: str) -> str:
    """The script (or kind) of a character, for a message: 'Korean Hangul', 'Arabic', 'symbol or emoji'."""
    name = unicodedata.name(ch, "")
    for prefix, script_name in (("CJK", "Chinese or Japanese Han"), ("HANGUL", "Korean Hangul"),
                                ("HIRAGANA", "Japanese kana"), ("KATAKANA", "Japanese kana")):
        if name.startswith(prefix):
            return script_name
    if not name or unicodedata.category(ch) in ("So", "Sk", "Cs", "Co", "Cn", "Cf", "Cc"):
        return "symbol or emoji" if unicodedata.category(ch) == "So" else "invisible or unassigned"
    return name.split()[0].title()


def describe(chars: list[str], limit: int = 3) -> str:
    """'U+AE40 HANGUL SYLLABLE GIM, Korean Hangul; ...' for a problem message."""
    names = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}, {script(c)}" for c in chars[:limit]]
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return "; ".join(names) + more


def text(value: object) -> str:
    """User text made safe for reportlab's paragraph markup, composed (NFC) for the font.

    Characters the serif face lacks are set in the first fallback font that has them.
    """
    value = plain(str(value))
    covered = _coverage()
    if all(ord(ch) in covered for ch in value):  # the serif face alone, as most text is
        return escape(value)
    return "".join(escape(s) if family is None else f'<font face="{family}">{escape(s)}</font>'
                   for family, s in scripts.runs(value, covered, chain(value)))


def drawn(value: str, font: str, size: float) -> list[tuple[str, str, float]]:
    """A line of user text for the canvas (the timeline): (font, text, width) runs in display order,
    shaped; *font* is the serif face for the runs it covers."""
    value = plain(value)
    if all(ord(ch) in _coverage() for ch in value):  # the serif face alone: as it always printed
        return [(font, value, pdfmetrics.stringWidth(value, font, size))]
    pieces = scripts.runs(value, _coverage(), chain(value))
    classes = ["WS" if s.isspace() else scripts.klass(s) for _f, s in pieces]
    base = next((1 if c in ("R", "AL") else 0 for c in classes if c in ("L", "R", "AL")), 0)
    out = []
    for (family, s), level in zip(pieces, scripts.levels(classes, base)):
        name = font if family is None else family + ("-Bold" if font.endswith("Bold") and
                                                     family + "-Bold" in pdfmetrics.getRegisteredFontNames() else "")
        out.append(scripts.shape_run(name, s, size, level))
    return scripts.visual(out, scripts.levels(classes, base))


def width(value: str, font: str, size: float) -> float:
    """The printed width of a line of user text (see drawn)."""
    return sum(w for _f, _s, w in drawn(value, font, size))


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register()
    base = ParagraphStyle("body", fontName=FAMILY, fontSize=11, leading=14.5, spaceAfter=7,
                          bulletFontName=FAMILY, bulletFontSize=11)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=13, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=13.5, spaceAfter=0),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=FAMILY + "-Bold", fontSize=10.5,
                                leading=13.5, spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=FAMILY + "-Bold", fontSize=15,
                                leading=19, alignment=TA_CENTER, spaceAfter=14),
        "heading": ParagraphStyle("heading", parent=base, fontName=FAMILY + "-Bold", fontSize=12.5,
                                  leading=16, spaceBefore=6, spaceAfter=6),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "continued": ParagraphStyle("continued", parent=base, fontName=FAMILY + "-Bold", fontSize=12.5,
                                    leading=16, alignment=TA_CENTER, spaceAfter=8),
        "label": ParagraphStyle("label", parent=base, fontName=FAMILY + "-Bold", fontSize=40,
                                leading=48, alignment=TA_CENTER, spaceAfter=24),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=16, leading=21,
                                   alignment=TA_CENTER),
        "numbered": ParagraphStyle("numbered", parent=base, leftIndent=28, bulletIndent=0),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=18, bulletIndent=6, spaceAfter=3),
        # A list inside a numbered declaration sits under its paragraph's text.
        "declbullet": ParagraphStyle("declbullet", parent=base, leftIndent=46, bulletIndent=32,
                                     spaceAfter=3),
    }
