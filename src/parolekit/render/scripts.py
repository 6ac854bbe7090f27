"""Scripts beyond Latin: fallback fonts per character, HarfBuzz shaping of mixed words, bidi order per line.

Design (measured, see the commit): reportlab keeps drawing every generated page. Its own shaping
(uharfbuzz, one word at a time) joins Arabic, Dari and Pashto letters right, but lays the words of a
right-to-left run out left to right, and shapes a word with the font of its first letter. So:

- user text is cut into runs per character (`runs`): the serif face where it has the glyph, else the
  first fallback font (Noto) that has it; such runs become `<font face=...>` markup;
- a word mixing fonts (a parenthesis in serif round an Arabic name) is shaped one run at a time, its
  runs put in visual order (`shape_word`, installed in place of reportlab's per-word shaper);
- once lines are broken, each line's words are put in visual order by the Unicode Bidirectional
  Algorithm at word level (`Paragraph.drawPara`), with the paragraph's direction from its first
  strong letter (UAX #9, P2); a right-to-left paragraph set flush left is set flush right;
- the embedded fonts' ToUnicode maps name each shaped glyph by the letters it stands for (`Face`),
  so pdftotext reads the text back in logical order.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from bidi import algorithm as uax9
from reportlab.lib.abag import ABag
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, makeShapedFragWord
from reportlab.platypus import paragraph as rl_paragraph

from .tags import marked

FOLDER = Path(__file__).resolve().parents[1] / "fonts"
JOINERS = "\u200c\u200d"  # ZWNJ (Persian and Dari spelling needs it) and ZWJ: kept with their run


class Face(TTFont):
    """A fallback TrueType font whose ToUnicode map names shaped glyphs by their letters."""

    @functools.cached_property
    def texts(self) -> dict[int, str]:
        """Glyph id -> the text it stands for: its cmap letter, or what GSUB made it from."""
        return glyph_texts(self.face._ttf_data)

    def addObjects(self, doc):
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = (b"".join((ttfonts.SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = self._cmap(base, subset)

    def _cmap(self, base: str, subset: list[int]) -> str:
        lines = []
        for i, code in enumerate(subset):
            text = self.texts.get(self.face.charToGlyph.get(code, -1)) or chr(code)
            lines.append("<%02X> <%s>" % (i, text.encode("utf-16-be").hex().upper()))
        return "\n".join(["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                          f"/CIDSystemInfo << /Registry ({base}) /Ordering ({base}) /Supplement 0 >> def",
                          f"/CMapName /{base} def", "/CMapType 2 def", "1 begincodespacerange",
                          "<00> <%02X>" % (len(subset) - 1), "endcodespacerange",
                          f"{len(subset)} beginbfchar", *lines, "endbfchar", "endcmap",
                          "CMapName currentdict /CMap defineresource pop", "end", "end"])


def _presentation(code: int) -> bool:
    return 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF or 0xFB1D <= code <= 0xFB4F


def glyph_texts(data: bytes) -> dict[int, str]:
    """Glyph id -> text for one font, following its GSUB substitutions from the cmap's letters."""
    import io

    from fontTools.ttLib import TTFont as FTFont

    font = FTFont(io.BytesIO(data), lazy=True)
    order = {name: i for i, name in enumerate(font.getGlyphOrder())}
    cmap = font.getBestCmap()
    texts: dict[str, str] = {}
    for code, name in sorted(cmap.items(), key=lambda kv: (_presentation(kv[0]), kv[0])):
        texts.setdefault(name, unicodedata.normalize("NFKC", chr(code)) if _presentation(code) else chr(code))
    lookups = font["GSUB"].table.LookupList.Lookup if "GSUB" in font else []
    for _ in range(4):  # substitutions of substitutions (a final form's ligature)
        size = len(texts)
        for lookup in lookups:
            for table in lookup.SubTable:
                _follow(getattr(table, "ExtSubTable", table), texts)
        if len(texts) == size:
            break
    return {order[name]: text for name, text in texts.items() if name in order}


def _follow(table, texts: dict[str, str]) -> None:
    kind = getattr(table, "LookupType", None)
    if kind == 1:
        for a, b in table.mapping.items():
            if a in texts:
                texts.setdefault(b, texts[a])
    elif kind == 2:
        for a, seq in table.mapping.items():
            if a in texts and seq:
                texts.setdefault(seq[0], texts[a])
    elif kind == 3:
        for a, alternates in table.alternates.items():
            for b in alternates if a in texts else ():
                texts.setdefault(b, texts[a])
    elif kind == 4:
        for first, ligatures in table.ligatures.items():
            for lig in ligatures:
                parts = [first, *lig.Component]
                if all(p in texts for p in parts):
                    texts.setdefault(lig.LigGlyph, "".join(texts[p] for p in parts))


# --- runs of one font -------------------------------------------------------------------------------

def runs(value: str, serif: frozenset[int], chain: list[tuple[str, frozenset[int]]]) -> list[tuple[str | None, str]]:
    """Cut *value* into (fallback family or None for the serif face, text) runs.

    A combining mark or a joiner stays with the letter before it; a character no font has stays in
    the serif face (lint reports it before any build).
    """
    out: list[tuple[str | None, str]] = []
    for ch in value:
        code, prev = ord(ch), out[-1][0] if out else None
        family = _family(ch, code, prev, serif, chain)
        if family == "drop":
            continue
        if out and out[-1][0] == family:
            out[-1] = (family, out[-1][1] + ch)
        else:
            out.append((family, ch))
    return out


def _family(ch: str, code: int, prev: str | None, serif, chain) -> str | None:
    covers = dict(chain)
    if ch in JOINERS or unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        if prev is not None and code in covers[prev]:
            return prev
        if ch in JOINERS:
            return "drop"  # between Latin letters a joiner changes nothing in print
    if code in serif:
        return None
    for family, covered in chain:
        if code in covered:
            return family
    return None


# --- shaping one word --------------------------------------------------------------------------------

_rl_shape = ttfonts.shapeFragWord
_STRONG = {"L": "a", "R": "\u05d0", "AL": "\u0627", "EN": "1", "AN": "\u0661"}


def klass(text: str) -> str:
    """The bidi class of a word: its first strong letter's, else a number's, else neutral."""
    numbers = None
    for ch in text:
        c = unicodedata.bidirectional(ch)
        if c in ("L", "R", "AL"):
            return c
        if c in ("EN", "AN") and numbers is None:
            numbers = c
    return numbers or "ON"


def levels(classes: list[str], base: int) -> list[int]:
    """UAX #9 embedding levels for a sequence of items (runs, spaces) of the given bidi classes."""
    proxy = "".join(" " if c == "WS" else _STRONG.get(c, "!") for c in classes)
    store = uax9.get_empty_storage()
    store["base_level"], store["base_dir"] = base, ("L", "R")[base]
    uax9.get_embedding_levels(proxy, store)
    uax9.explicit_embed_and_overrides(store)
    uax9.resolve_weak_types(store)
    uax9.resolve_neutral_types(store, False)
    uax9.resolve_implicit_levels(store, False)
    return [store["chars"][i]["level"] for i in range(len(classes))]


def visual(items: list, item_levels: list[int]) -> list:
    """Reorder *items* for display (UAX #9, L2): reverse each run at or above every odd level."""
    items, item_levels = list(items), list(item_levels)
    if not items:
        return items
    lowest_odd = min(lv for lv in item_levels) | 1
    for level in range(max(item_levels), lowest_odd - 1, -1):
        i = 0
        while i < len(items):
            if item_levels[i] >= level:
                j = i
                while j < len(items) and item_levels[j] >= level:
                    j += 1
                items[i:j] = items[i:j][::-1]
                item_levels[i:j] = item_levels[i:j][::-1]
                i = j
            else:
                i += 1
    return items


def _is_face(font_name: str) -> bool:
    return isinstance(pdfmetrics.getFont(font_name), Face)


def shape_word(w, features=None, force=False):
    """reportlab's word shaper, one font run at a time (each fallback run shaped with its own font).

    The runs stay in logical order: their display order depends on the paragraph's direction,
    known when the line is drawn (visual_line).
    """
    parts = w[1:]
    if not parts or any(hasattr(f, "cbDefn") for f, _s in parts) or not any(
            _is_face(f.fontName) for f, _s in parts):
        return w  # a word of the serif face alone prints exactly as before
    if any(isinstance(s, ttfonts.ShapedStr) for _f, s in parts):
        return w  # shaped already: the rest of a paragraph split across pages
    out = makeShapedFragWord(w)([0.0])
    for f, s in parts:
        if not s:
            continue
        plain_run = [pdfmetrics.stringWidth(s, f.fontName, f.fontSize), (f, s)]
        if _is_face(f.fontName) and klass(s) not in ("EN", "AN"):  # digits need no shaping
            drawn = _drawable(s)
            run = _drop_ignorables(_rl_shape([plain_run[0], (f, drawn)] if drawn != s else plain_run))
            for _f, shaped in run[1:]:
                _remember(str(shaped), s)
        else:
            run = plain_run
        out[0] += run[0]
        out.extend(run[1:])
    return out


def shape_run(font_name: str, s: str, size: float, level: int) -> tuple[str, str, float]:
    """One run of one font for the canvas: (font, glyph string in display order, width)."""
    word = [pdfmetrics.stringWidth(s, font_name, size), (ABag(fontName=font_name, fontSize=size), s)]
    if level % 2 and not _is_face(font_name):
        s = "".join(uax9.MIRRORED.get(ch, ch) for ch in reversed(s))
        return font_name, s, pdfmetrics.stringWidth(s, font_name, size)
    if _is_face(font_name) and klass(s) not in ("EN", "AN"):
        word[1] = (word[1][0], _drawable(s))
        word = _drop_ignorables(_rl_shape(word))
    return font_name, word[1][1], word[0]


# Persian and Dari ezafe written heh + hamza above (U+0647 U+0654, as Unicode recommends) is drawn
# as the one letter heh-with-yeh-above (U+06C0) that looks the same: reportlab draws a shaped mark
# without HarfBuzz's offsets, and this one's lands as a stray stroke. The text extracted stays as
# written (the run's ActualText is its source).
_DRAWN_AS = {"\u0647\u0654": "\u06c0"}


def _drawable(s: str) -> str:
    for written, drawn in _DRAWN_AS.items():
        s = s.replace(written, drawn)
    return s


def _drop_ignorables(word: list) -> list:
    """HarfBuzz draws a joiner as a zero-width space glyph: drop it, or it would split the word.

    And a run whose first glyph is raised (a right-to-left word ending in a mark, as 'مهندساً')
    starts with an empty glyph: reportlab 5.1 fails on a rise before any other text operator.
    """
    out = [word[0]]
    for f, s in word[1:]:
        if isinstance(s, ttfonts.ShapedStr):
            data = s.__shapeData__
            keep = [i for i, ch in enumerate(s) if ch != " "]
            text, data = "".join(str(s[i]) for i in keep), [data[i] for i in keep]
            if data and data[0].y_offset:
                text, data = JOINERS[0] + text, [ttfonts.ShapeData(data[0].cluster, 0, 0, 0, 0, 0)] + data
            s = ttfonts.ShapedStr(text, shapeData=data)
        else:
            s = s.replace(" ", "")
        out.append((f, s))
    return out


_SOURCES: dict[str, str] = {}  # a shaped word's glyph string -> the text it was shaped from


def _remember(shaped: str, source: str) -> None:
    # Keyed by the glyphs: two spellings that draw alike (an ezafe written U+0647 U+0654 and the
    # letter U+06C0) read back as the one last drawn, a known limit when a text mixes them.
    if len(_SOURCES) > 50_000:  # a long build's vocabulary; forgetting costs only a re-derivation
        _SOURCES.clear()
    _SOURCES[shaped] = source


def source(frag, shaped) -> str:
    """The logical text of a drawn run, as the author wrote it."""
    return _SOURCES.get(str(shaped)) or logical(frag.fontName, str(shaped))


def install() -> None:
    """Use shape_word for every shaped paragraph (reportlab looks the shaper up at call time)."""
    rl_paragraph.shapeFragWord = shape_word


# --- lines in visual order ---------------------------------------------------------------------------

def logical(font_name: str, s: str) -> str:
    """The letters a shaped string of *font_name* stands for (its glyphs read through Face.texts)."""
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, Face):
        return s
    to_glyph, texts = font.face.charToGlyph, font.texts
    return "".join(texts.get(to_glyph.get(ord(ch), -1), ch) for ch in s)


def _pieces(line_frags) -> list[tuple[object, str]]:
    """A line's frags cut into (frag, text) pieces: runs of one font between spaces, and each space."""
    out: list[tuple[object, str]] = []
    for f in line_frags:
        text, start = f.text, 0
        for i, ch in enumerate(text):
            if ch == " ":
                if i > start:
                    out.append((f, text[start:i]))
                out.append((f, " "))
                start = i + 1
        if start < len(text):
            out.append((f, text[start:]))
    return out


def base_level(lines, kind: int, font_name: str) -> int:
    for line in lines:
        for f in (line.words if kind else [None]):
            name = f.fontName if f is not None else font_name
            texts = [f.text] if f is not None else line[1]
            for t in texts:
                c = klass(logical(name, str(t)))
                if c in ("L", "R", "AL"):
                    return 1 if c != "L" else 0
    return 0


def visual_line(line, base: int):
    """A frag line (reportlab's ParaLine) with its runs in display order, or the line itself.

    UAX #9 runs over the line's pieces (font runs and spaces) with the paragraph's direction; a
    neutral run of the serif face at a right-to-left level (a parenthesis) is mirrored.
    """
    if any(hasattr(f, "cbDefn") for f in line.words):
        return line
    pieces = _pieces(line.words)
    if not any(_is_face(f.fontName) for f, _s in pieces):
        return line
    classes = ["WS" if s == " " else klass(source(f, s)) for f, s in pieces]
    piece_levels = levels(classes, base)
    frags = []
    for (f, s), level in visual(list(zip(pieces, piece_levels)), piece_levels):
        if s == " " or not _is_face(f.fontName):
            if level % 2 and s != " ":
                s = "".join(uax9.MIRRORED.get(ch, ch) for ch in reversed(str(s)))
            frags.append(f.clone(text=s))
            continue
        # pdftotext reads the run as written, whatever glyphs shaping made of it
        frags.append(_marker(f, ACTUAL_BEGIN, _as_drawn(source(f, s))))
        frags.append(f.clone(text=s))
        frags.append(_marker(f, ACTUAL_END, None))
    return line.clone(words=frags)


ACTUAL_BEGIN, ACTUAL_END = "pkActualTextBegin", "pkActualTextEnd"


def _as_drawn(word: str) -> str:
    """A word's ActualText: a right-to-left word's letters in display order.

    Measured with pdftotext (poppler 22.12): it spreads an ActualText over its span left to right and
    then reads a right-to-left word from right to left, as it does drawn glyphs; so the span holds
    the letters reversed and poppler gives them back as written.
    """
    return word[::-1] if klass(word) in ("R", "AL") else word


def _marker(frag, name: str, label: str | None):
    return frag.clone(text="", cbDefn=ABag(kind="onDraw", name=name, label=label))


def _begin_actual(canvas, _kind, label) -> None:
    hex_text = ("\ufeff" + label).encode("utf-16-be").hex().upper()
    canvas._curr_tx_info["tx"]._code.append(f"/Span <</ActualText <{hex_text}>>> BDC")


def _end_actual(canvas, _kind, _label) -> None:
    canvas._curr_tx_info["tx"]._code.append("EMC")


def visual_simple(line, base: int, font_name: str):
    """A one-font line (extra space, words) with its words in display order."""
    extra, words = line
    classes = [klass(logical(font_name, str(w))) for w in words]
    if not any(c in ("R", "AL", "AN") for c in classes) and base == 0:
        return line
    spaced = [c for k in classes for c in (k, "WS")][:-1]
    return (extra, visual(list(words), levels(spaced, base)[::2]))


class Paragraph(rl_paragraph.Paragraph):
    """reportlab's Paragraph, shaping text set in a fallback font and drawing its lines in bidi order."""

    def __init__(self, text, style, *args, **kwargs):
        if text is not None and 'face="PKF' in text and not style.shaping:
            style = _shaping(style)
        elif not args and not kwargs and _plain(text, style):
            # Text with no markup: the fragment the parser would make, without the parser (an
            # index of thousands of rows is mostly one-word cells: a third of its rendering).
            kwargs["frags"] = [_frag(style, text)]
        super().__init__(text, style, *args, **kwargs)

    def wrap(self, availWidth, availHeight):
        # A paragraph's lines depend on the width alone, and a table measures each cell again
        # to draw it: the same width gives the same lines.
        # The lines must still be those it made (a split may remove or replace them).
        key = (availWidth, self.style, self.frags, self.__dict__.get("blPara"))
        if self.__dict__.get("_pk_wrapped") == key:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        fit = availWidth >= rl_paragraph._FUZZ
        self._pk_wrapped = (availWidth, self.style, self.frags, self.blPara) if fit else None
        return size

    def drawOn(self, canvas, x, y, _sW=0):
        marked(self, canvas, lambda: super(Paragraph, self).drawOn(canvas, x, y, _sW))

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        node = self.__dict__.get("_pk_node")
        for p in parts:  # both halves are the same element
            p._pk_node = node
        return parts

    def drawPara(self, debug=0):
        if not self.style.shaping:
            return super().drawPara(debug)
        kept, kept_style = self.blPara, self.style
        bl = self.blPara
        kind = getattr(bl, "kind", 0)
        base = base_level(bl.lines, kind, getattr(bl, "fontName", self.style.fontName))
        if kind:
            lines = [visual_line(line, base) for line in bl.lines]
        else:
            lines = [visual_simple(line, base, bl.fontName) for line in bl.lines]
        self.blPara = bl.clone(lines=lines)
        self.canv.setNamedCB(ACTUAL_BEGIN, _begin_actual)
        self.canv.setNamedCB(ACTUAL_END, _end_actual)
        if base and self.style.alignment == TA_LEFT:
            self.style = _aligned_right(self.style)
        try:
            return super().drawPara(debug)
        finally:
            self.blPara, self.style = kept, kept_style


def _plain(text, style) -> bool:
    """Text the parser would take as it is: no markup, entities or whitespace to clean."""
    return (isinstance(text, str) and text != "" and not any(c in text for c in "<>&")
            and not getattr(style, "textTransform", None) and getattr(style, "bulletText", None) is None
            and text == rl_paragraph.cleanBlockQuotedText(text))


def _frag(style, text: str):
    """The parser's fragment for plain *text* in *style*: a copy of its fragment for "x", its
    lists fresh (drawing may extend them)."""
    frag = _template(style).clone(text=text)
    for k, v in frag.__dict__.items():
        if isinstance(v, list):
            setattr(frag, k, list(v))
    return frag


# Keyed on the style object itself (as the wrap cache is): styles are made once (fonts.styles)
# and never changed in place; a variant is a clone, a new key.
@functools.lru_cache(maxsize=256)
def _template(style):
    return rl_paragraph.Paragraph("x", style).frags[0]


@functools.cache
def _shaping(style):
    return style.clone(style.name + "-shaped", shaping=1)


@functools.cache
def _aligned_right(style):
    return style.clone(style.name + "-rtl", alignment=TA_RIGHT)
