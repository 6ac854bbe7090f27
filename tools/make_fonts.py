"""Build src/parolekit/fonts/ from Debian's Noto fonts (fonts-noto-core, fonts-noto-cjk): run by hand.

The fonts ship in the wheel (SIL Open Font License 1.1, whose text ships beside them). Most are
copied whole; Noto Sans CJK SC is cut to the 6,763 hanzi of GB 2312 with CJK punctuation, kana and
full-width forms, and its CFF outlines are converted to TrueType, since reportlab embeds TrueType
outlines only. Usage: python tools/make_fonts.py
"""

from __future__ import annotations

import shutil
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


def gb2312() -> list[int]:
    """Every character GB 2312 encodes (hanzi levels 1 and 2, punctuation, kana, full-width forms)."""
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


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


def cjk() -> None:
    fonts = TTCollection(str(CJK)).fonts
    font = next(f for f in fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    wanted = set(gb2312()) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(wanted & set(font.getBestCmap())))
    sub.subset(font)
    to_truetype(font)
    font.save(str(OUT / "NotoSansSC-GB2312-Regular.ttf"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(CORE / f"{name}.ttf", OUT / f"{name}.ttf")
    cjk()


if __name__ == "__main__":
    main()
