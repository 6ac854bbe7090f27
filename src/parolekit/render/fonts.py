"""The embedded Unicode font (Source Serif Pro: Latin incl. Vietnamese, Cyrillic, Greek) and styles."""

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

FAMILY = "PKSerif"
_FILES = {"": "Regular", "-Bold": "Bold", "-Italic": "It", "-BoldItalic": "BoldIt"}


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
    return FAMILY


# Typographic spaces, invisible marks and a non-breaking hyphen the font lacks, as pasted from word
# processors and web pages: printed as their plain equivalents rather than refused.
_PLAIN = {**{c: " " for c in range(0x2000, 0x200B) if c != 0x2007}, 0x205F: " ", 0x3000: " ",
          0x202F: "\u00a0", 0x2007: "\u00a0", 0x2011: "\u2010",
          **{c: None for c in (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF)}}


def plain(value: str) -> str:
    """NFC, with look-alike spaces and invisible marks made plain (see _PLAIN)."""
    return unicodedata.normalize("NFC", value).translate(_PLAIN)


@functools.cache
def _coverage() -> frozenset[int]:
    """Code points the regular face has glyphs for (the bold and italic faces match it)."""
    register()
    return frozenset(pdfmetrics.getFont(FAMILY).face.charToGlyph)


def unprintable(value: str) -> list[str]:
    """Characters of *value* the embedded font has no glyph for, in order of first use.

    They would print as blanks or boxes: Arabic, Hebrew, CJK, Ethiopic, Devanagari and other
    scripts, emoji and the like. (Look-alike spaces and invisible marks are made plain instead.)
    """
    covered = _coverage()
    out: list[str] = []
    for ch in plain(value):
        if ch in "\n\r\t" or ord(ch) in covered or ch in out:
            continue
        out.append(ch)
    return out


def describe(chars: list[str], limit: int = 3) -> str:
    """'U+0645 ARABIC LETTER MEEM, ...' for a problem message."""
    names = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in chars[:limit]]
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return ", ".join(names) + more


def text(value: object) -> str:
    """User text made safe for reportlab's paragraph markup, composed (NFC) for the font."""
    return escape(plain(str(value)))


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
