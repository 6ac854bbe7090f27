"""Markdown (paragraphs, emphasis, lists, headings) to reportlab paragraph markup blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from reportlab.platypus import Spacer

from .scripts import Paragraph
from .fonts import styles, text

_md = MarkdownIt("commonmark", {"breaks": False, "html": False})
# markdown-it drops, without a word, every block nested past maxNesting (and, in a list, all that
# follows): a parser allowed two levels more tells whether anything was dropped.
_deeper = MarkdownIt("commonmark", {"breaks": False, "html": False, "maxNesting": _md.options["maxNesting"] + 2})


def cut_short(source: str) -> bool:
    """Whether parsing *source* would silently drop text nested too deep (lists, block quotes)."""
    return len(_md.parse(source)) != len(_deeper.parse(source))


@dataclass
class Picture:
    """A Markdown image (`![alt](src)`, `![alt][ref]`): parolekit sets text only, so it is not printed."""

    line: int  # 1-based, in the source
    alt: str
    src: str

    def shown(self) -> str:
        return f"![{self.alt}]({self.src})"


def pictures(source: str, parser: MarkdownIt | None = None) -> list[Picture]:
    """Every image in *source*, with its line (the text is checked as written, before Jinja)."""
    out: list[Picture] = []
    for tok in (parser or _md).parse((source or "").lstrip("\ufeff")):
        if tok.type != "inline" or not tok.children:
            continue
        line = (tok.map[0] if tok.map else 0) + 1
        for child in tok.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image":
                alt = "".join(c.content for c in child.children or []) or child.content
                out.append(Picture(line, alt, str(child.attrGet("src") or "")))
    return out


def unused_definitions(source: str, parser: MarkdownIt | None = None) -> list[int]:
    """The lines of link reference definitions no link uses (`[a]: see-below`), and of footnotes
    where footnotes are not read (`[^1]: Ibid.`, whose `[^1]` becomes a link to "Ibid."): Markdown
    takes such a line for a definition and prints nothing of it."""
    env: dict = {}
    tokens = (parser or _md).parse((source or "").lstrip("\ufeff"), env)
    used = {child.attrGet("src" if child.type == "image" else "href") for tok in tokens if tok.type == "inline"
            for child in tok.children or [] if child.type in ("link_open", "image")}
    return sorted(ref["map"][0] + 1 for label, ref in env.get("references", {}).items()
                  if ref.get("map") and (ref["href"] not in used or label.startswith("^")))


_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
# A link parolekit makes (a citation): its target is resolved to a packet page at assembly.
LINK_SCHEME = "parolekit:"


@dataclass
class Block:
    kind: str  # paragraph | heading | bullet | ordered
    markup: str
    number: int = 0


# A citation's parts never part at a line end: "§ 208.13", "8 C.F.R. § 103.2", "Ex. C", "No. 12",
# "pp. 4-6", "INA § 212": the space after a section mark, a reporter or an abbreviation that
# numbers something, and between a title number and its code, becomes a no-break space.
_LEGAL_SPACE = re.compile(r"([§¶]+)\s+(?=\S)"
                          r"|(\d)\s+(?=C\.F\.R\.|U\.S\.C\.|Fed\. Reg\.|I&N Dec\.)"
                          r"|\b(C\.F\.R\.|U\.S\.C\.|Ex\.|No\.|pp\.|p\.|Reg\.|Dec\.|INA)\s+(?=[\d§(])")


def legal_spaces(value: str) -> str:
    """*value* with no-break spaces inside citations (see _LEGAL_SPACE)."""
    return _LEGAL_SPACE.sub(lambda m: next(g for g in m.groups() if g) + "\u00a0", value)


def escape_markdown(value: object) -> str:
    """Backslash-escape every ASCII punctuation mark so text renders exactly as written."""
    return _PUNCT.sub(r"\\\1", str(value))


def blocks(source: str) -> list[Block]:
    """Parse *source* into blocks whose markup reportlab's Paragraph understands."""
    out: list[Block] = []
    tokens = _md.parse((source or "").lstrip("\ufeff"))  # a byte-order mark from Windows editors
    lists: list[list] = []  # stack of [kind, counter]
    kind = "paragraph"
    for tok in tokens:
        if tok.type == "bullet_list_open":
            lists.append(["bullet", 0])
        elif tok.type == "ordered_list_open":
            lists.append(["ordered", int(tok.attrs.get("start", 1) or 1) - 1])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "list_item_open" and lists:
            lists[-1][1] += 1
        elif tok.type == "heading_open":
            kind = "heading"
        elif tok.type == "heading_close":
            kind = "paragraph"
        elif tok.type == "inline":
            markup = _inline(tok.children or [])
            if lists:
                out.append(Block(lists[-1][0], markup, lists[-1][1]))
            else:
                out.append(Block(kind, markup))
        elif tok.type in ("fence", "code_block"):
            out.append(Block("paragraph", text(tok.content).replace("\n", "<br/>")))
    return out


def _inline(children) -> str:
    parts: list[str] = []
    opened: list[bool] = []  # for each open link: is it one of ours (kept as a link)?
    for child in children:
        t = child.type
        if t == "text":
            parts.append(text(legal_spaces(child.content)))
        elif t == "softbreak":
            parts.append(" ")  # a line wrapped in the source is not a line break on the page
        elif t == "hardbreak":
            parts.append("<br/>")
        elif t == "em_open":
            parts.append("<i>")
        elif t == "em_close":
            parts.append("</i>")
        elif t == "strong_open":
            parts.append("<b>")
        elif t == "strong_close":
            parts.append("</b>")
        elif t == "code_inline":
            parts.append(text(child.content))
        elif t == "link_open":
            href = str(child.attrGet("href") or "")
            ours = href.startswith(LINK_SCHEME)
            opened.append(ours)
            if ours:  # other links print as their text: a filing is read on paper too
                parts.append(f'<a href="{text(href)}">')
        elif t == "link_close":
            if opened and opened.pop():
                parts.append("</a>")
        elif t == "footnote_ref":  # a brief's note (render/brief.py parses them)
            parts.append(f"<super>{int(child.meta['id']) + 1}</super>")
        elif t in ("image", "footnote_anchor"):
            continue
        else:
            parts.append(text(child.content))
    return "".join(parts)


def cell(source: str) -> list:
    """Markdown (already rendered from its template) as paragraphs that fit a table cell."""
    st = styles()
    out: list = []
    for block in blocks(source):
        if block.kind in ("bullet", "ordered"):
            mark = "\u2022" if block.kind == "bullet" else f"{block.number}."
            out.append(Paragraph(f"{mark} {block.markup}", st["cell"]))
        elif block.kind == "heading":
            out.append(Paragraph(block.markup, st["cellb"]))
        else:
            out.append(Paragraph(block.markup, st["cell"]))
        out.append(Spacer(1, 3))
    return out[:-1] or [Paragraph("\u2014", st["cell"])]
