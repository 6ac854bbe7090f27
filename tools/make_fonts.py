"""Build src/parolekit/fonts/ from Debian's Noto fonts (fonts-noto-core, fonts-noto-cjk): run by hand.

The fonts ship in the wheel (SIL Open Font License 1.1, whose text ships beside them). Most are
copied whole; Noto Sans CJK is cut to what clients' names and documents need, one regional face per
file, since the same code point has a different glyph in China, Taiwan and Japan:

- SC: the 6,763 hanzi of GB 2312 with CJK punctuation, kana and full-width forms;
- TC + Hangul: the 13,053 hanzi of Big5 (level 1's 5,401 common ones and level 2's 7,652, 1.7 MB
  of wheel, many of them in Taiwanese names) and its punctuation, in TC forms; and all
  11,172 modern Hangul syllables with the compatibility jamo (NFC composes any syllable, and all of
  them cost 0.6 MB of wheel more than KS X 1001's 2,350). Hangul looks alike in every face; it
  shares the file so that a Korean line with Hanja, set in TC forms, is one font run;
- JP: kana (half-width too), JIS X 0208's punctuation and symbols and its 6,355 kanji (levels 1 and
  2: level 2, 0.7 MB of wheel, holds many kanji of family and given names).

Left out, for the wheel's size: HKSCS's 4,671 hanzi beyond Big5 (1.0 MB of wheel, 1,693 of them
outside the BMP), CJK extension B and Korean Hanja forms; output.fonts prints them. The CFF
outlines are converted to TrueType, since reportlab embeds TrueType outlines only.
Usage: python tools/make_fonts.py [file names to rebuild, e.g. NotoSansJP-JIS-Regular]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

CORE = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = Path(__file__).resolve().parents[1] / "src" / "parolekit" / "fonts"
COPIED = ["NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold", "NotoSerifHebrew-Regular",
          "NotoSerifHebrew-Bold", "NotoSerifEthiopic-Regular", "NotoSerifEthiopic-Bold",
          "NotoSerifDevanagari-Regular", "NotoSerifBengali-Regular", "NotoSerifThai-Regular",
          "NotoSansMyanmar-Regular"]


def encoded(codec: str, rows, cells=range(0xA1, 0xFF)) -> list[int]:
    """The characters a double-byte *codec* encodes in these lead bytes (rows) and trail bytes."""
    out = []
    for hi in rows:
        for lo in cells:
            try:
                out.append(ord(bytes([hi, lo]).decode(codec)))
            except UnicodeDecodeError:
                pass
    return out


def gb2312() -> list[int]:
    """Every character GB 2312 encodes (hanzi levels 1 and 2, punctuation, kana, full-width forms)."""
    return encoded("gb2312", range(0xA1, 0xF8))


BIG5_CELLS = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
PUNCTUATION = set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))  # CJK and full/half-width


def big5_hangul() -> list[int]:
    """Big5's symbols (A1-A3), level 1 (A440-C67E) and level 2 (C940-F9D5); every Hangul syllable and jamo."""
    level1 = set(encoded("big5", range(0xA4, 0xC6), BIG5_CELLS)) | set(encoded("big5", [0xC6], range(0x40, 0x7F)))
    level2 = set(encoded("big5", range(0xC9, 0xFA), BIG5_CELLS))
    symbols = set(encoded("big5", range(0xA1, 0xA4), BIG5_CELLS))
    assert (len(level1), len(level2)) == (5401, 7652), (len(level1), len(level2))
    hanzi = level1 | level2
    return sorted(hanzi | symbols | set(range(0xAC00, 0xD7A4)) | set(range(0x3131, 0x318F)) | PUNCTUATION)


def jis() -> list[int]:
    """JIS X 0208 rows 1-8 (punctuation, kana, symbols), 16-47 (2,965 level-1 kanji) and 48-84
    (3,390 level-2 kanji); all kana."""
    kanji = encoded("euc_jp", range(0xB0, 0xF5))
    assert len(kanji) == 2965 + 3390, len(kanji)
    return sorted(set(encoded("euc_jp", range(0xA1, 0xA9))) | set(kanji) | set(range(0x3040, 0x3100))
                  | set(range(0x31F0, 0x3200)) | PUNCTUATION)


def to_truetype(font) -> None:
    """Replace CFF outlines by quadratic TrueType ones (as fontTools' otf2ttf snippet does)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    for name in order:
        glyf.glyphs[name].recalcBounds(glyf)
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for key in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, key, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font["post"].extraNames, font["post"].mapping = [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


# Each cut keeps only the features HarfBuzz applies to horizontal text by default: every feature
# ("*") also keeps each character's vertical, other-region (locl) and historic (jp78, hojo...)
# alternates, which doubled the JP file and the SC one (4.1 MB with them, 2.1 MB without).
HORIZONTAL = ["ccmp", "liga", "clig", "calt", "rlig", "kern", "mark", "mkmk"]
CUTS = [("Noto Sans CJK SC", lambda: sorted(set(gb2312()) | PUNCTUATION), "NotoSansSC-GB2312-Regular", HORIZONTAL),
        ("Noto Sans CJK TC", big5_hangul, "NotoSansTC-Big5-Hangul-Regular", HORIZONTAL),
        ("Noto Sans CJK JP", jis, "NotoSansJP-JIS-Regular", HORIZONTAL)]


def cjk(face: str, wanted: list[int], name: str, features: list[str]) -> None:
    """One regional face of Noto Sans CJK cut to *wanted*, in TrueType outlines."""
    fonts = TTCollection(str(CJK)).fonts
    font = next(f for f in fonts if f["name"].getDebugName(1) == face)
    options = subset.Options()
    options.layout_features = features
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(set(wanted) & set(font.getBestCmap())))
    sub.subset(font)
    to_truetype(font)
    font.save(str(OUT / f"{name}.ttf"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(CORE / f"{name}.ttf", OUT / f"{name}.ttf")
    only = set(sys.argv[1:])  # file names to rebuild, or all of them
    for face, wanted, name, features in CUTS:
        if not only or name in only:
            cjk(face, wanted(), name, features)


if __name__ == "__main__":
    main()
