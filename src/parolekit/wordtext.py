"""Word (.docx) text as the Markdown parolekit renders: mammoth reads it, this keeps its structure.

mammoth (a well-kept .docx reader) turns the document into plain semantic HTML (headings by
style, bold, italic, lists, footnotes), which maps one to one onto the Markdown parolekit
already renders in its own typography. mammoth silently takes tracked insertions and drops
tracked deletions, so unaccepted changes are found first, here, in the document's XML, and
refused: the packet must print what the declarant approved.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

SUFFIXES = (".docx",)
INSTALL = "pip install 'parolekit[office]'"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHANGES = {"ins": "inserted", "del": "deleted", "moveFrom": "moved", "moveTo": "moved"}
_FORMAT_CHANGES = {"rPrChange", "pPrChange", "tblPrChange", "trPrChange", "tcPrChange", "sectPrChange"}
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
MAX_PART = 50_000_000  # bytes of one part's XML, unpacked: a declaration is well under 1 MB


class WordError(Exception):
    """The .docx cannot be read (damaged, not a Word document, or mammoth missing)."""

    def __init__(self, message: str, code: str = "file-corrupt"):
        super().__init__(message)
        self.code = code


@dataclass
class WordText:
    markdown: str
    changes: list[str] = field(default_factory=list)  # unaccepted tracked changes, described
    comments: int = 0
    images: int = 0


def is_word(relative: str | Path) -> bool:
    return Path(str(relative).strip()).suffix.lower() in SUFFIXES


def read_word(data: bytes) -> WordText:
    """The document's Markdown, its unaccepted tracked changes, and how many comments and
    images were left out."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            changes = [c for part in _PARTS for c in _tracked(z, part)]
            comments = _count(z, "word/comments.xml", "comment")
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError) as e:
        raise WordError(f"it is not a Word document that can be read ({str(e)[:120]})") from None
    try:
        import mammoth
    except ImportError:
        raise WordError(f"reading Word text needs the office extra: {INSTALL}", "tool-missing") from None
    images = [0]

    def no_image(_image):
        images[0] += 1
        return {}  # the picture is left out (never decoded); the count goes into a warning

    try:
        html = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(no_image)).value
    except Exception as e:  # mammoth raises many kinds on a damaged document
        raise WordError(f"it is not a Word document that can be read ({str(e)[:120]})") from None
    return WordText(html_markdown(html), changes, comments, images[0])


def _tracked(z: zipfile.ZipFile, part: str) -> list[str]:
    """Each revision in *part* not yet accepted or rejected: 'inserted "on Monday" (paragraph 3)'."""
    try:
        info = z.getinfo(part)
    except KeyError:
        return []
    if info.file_size > MAX_PART:
        raise ValueError(f"{part} unpacks to more than {MAX_PART // 1_000_000} MB")
    root = ElementTree.fromstring(z.read(part))
    out: list[str] = []
    where = "" if part == "word/document.xml" else f" in the {part[5:-4]}"
    for n, para in enumerate(root.iter(_W + "p"), start=1):
        for el in para.iter():
            tag = el.tag[len(_W):] if el.tag.startswith(_W) else ""
            if tag in _CHANGES:
                words = "".join(t.text or "" for t in el.iter() if t.tag in (_W + "t", _W + "delText"))
                if words.strip():
                    out.append(f'{_CHANGES[tag]} "{_clip(words)}" (paragraph {n}{where})')
            elif tag in _FORMAT_CHANGES:
                out.append(f"formatting changed (paragraph {n}{where})")
    return list(dict.fromkeys(out))


def _count(z: zipfile.ZipFile, part: str, tag: str) -> int:
    try:
        info = z.getinfo(part)
    except KeyError:
        return 0
    if info.file_size > MAX_PART:
        raise ValueError(f"{part} unpacks to more than {MAX_PART // 1_000_000} MB")
    return sum(1 for el in ElementTree.fromstring(z.read(part)).iter(_W + tag))


def _clip(words: str, limit: int = 40) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else words[: limit - 1] + "\u2026"


# --- mammoth's HTML to parolekit's Markdown ---------------------------------------------------

# Placeholders for emphasis while a paragraph is gathered: spaces move outside them at the end
# ("**bold **" is no emphasis in CommonMark), and text is escaped around them.
_B_OPEN, _B_CLOSE, _I_OPEN, _I_CLOSE = "\x01", "\x02", "\x03", "\x04"
_ESCAPE = re.compile(r"([\\`*_\[\]<>!|~&#+=-])")
# A cover letter's Jinja calls ({{ cite('id', 3) }}) stay as written, Word's curly quotes made straight.
_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})", re.S)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def html_markdown(html: str) -> str:
    """The Markdown of mammoth's HTML: headings, paragraphs, emphasis, lists, then the notes."""
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    out = parser.blocks
    if parser.notes:
        out = out + ["## Notes"] + ["\n".join(f"{n}. {text}" for n, text in enumerate(parser.notes, start=1))]
    return "\n\n".join(b for b in out if b.strip()) + "\n"


class _Markdown(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.notes: list[str] = []
        self.lists: list[list] = []  # [kind, counter] per open list
        self.buf: list[str] = []
        self.prefix = ""
        self.in_note = False
        self.back_link = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.prefix = "#" * int(tag[1]) + " "
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if (a.get("id") or "").startswith(("footnote-", "endnote-")):
                self.in_note = True
            elif self.lists:
                kind = self.lists[-1]
                kind[1] += 1
                indent = "   " * (len(self.lists) - 1)
                self.prefix = indent + ("- " if kind[0] == "ul" else f"{kind[1]}. ")
        elif tag in ("p", "table", "tr"):
            if not self.buf or self.buf == [""]:
                return
            if not (self.in_note or (self.prefix and tag == "p")):
                self._flush()
        elif tag in ("td", "th") and self.buf:
            self.buf.append("; ")
        elif tag == "br":
            self.buf.append("\\\n")
        elif tag == "strong":
            self.buf.append(_B_OPEN)
        elif tag == "em":
            self.buf.append(_I_OPEN)
        elif tag == "a" and (a.get("href") or "").startswith(("#footnote-ref-", "#endnote-ref-")):
            self.back_link = True  # the note's "↑" back to its reference

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p") and not self.in_note and not self.prefix.strip("# "):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "li":
            if self.in_note:
                self.notes.append(self._paragraph())
                self.buf, self.in_note = [], False
            else:
                self._flush()
        elif tag == "strong":
            self.buf.append(_B_CLOSE)
        elif tag == "em":
            self.buf.append(_I_CLOSE)
        elif tag == "a":
            self.back_link = False

    def handle_data(self, data):
        if not self.back_link:
            self.buf.append(re.sub(r"[\x00-\x08\s]+", " ", data))

    def _flush(self):
        para = self._paragraph()
        if para:
            self.blocks.append(self.prefix + para)
        self.buf, self.prefix = [], ""

    def _paragraph(self) -> str:
        raw = "".join(self.buf).strip()
        parts = _JINJA.split(raw)
        text = "".join(p.translate(_QUOTES) if i % 2 else _ESCAPE.sub(r"\\\1", p) for i, p in enumerate(parts))
        text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)  # "1990. I left" is no list item
        for opener, closer, mark in ((_B_OPEN, _B_CLOSE, "**"), (_I_OPEN, _I_CLOSE, "*")):
            text = text.replace(closer + opener, "").replace(opener + closer, "")
            text = re.sub(f"{opener}(\\s+)", f"\\1{opener}", text)
            text = re.sub(f"(\\s+){closer}", f"{closer}\\1", text)
            text = text.replace(opener, mark).replace(closer, mark)
        return text.strip()
