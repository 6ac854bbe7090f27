"""The brief: a memorandum in Markdown (headings, lists, block quotes, footnotes) set as packet pages."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, Spacer

from .doc import Rendered, render
from .fonts import FAMILY, styles, text
from .scripts import Paragraph
from .markdown import _inline

_md = MarkdownIt("commonmark", {"breaks": False, "html": False}).use(footnote_plugin)
INDENT = 18  # points per list level and per block-quote level


@dataclass
class _State:
    lists: list  # stack of [kind, counter]
    quote: int = 0  # block-quote depth
    heading: int = 0  # 1-6 inside a heading
    note: int = 0  # the footnote being read (1-based), 0 in the body


def brief(markdown_text: str, title: str, paper: str) -> Rendered:
    """The brief's pages. Footnotes are numbered in order of reference and set as notes at its
    end (a page-bottom footnote would move with every page break the plan settles)."""
    story, notes = _story(markdown_text)
    if not story or not (isinstance(story[0], Paragraph) and story[0].style.name == "brief-h1"):
        story.insert(0, Paragraph(text(title), _styles()["brief-h1"]))
    if notes:
        st = _styles()
        story += [CondPageBreak(72), Spacer(1, 10),
                  HRFlowable(width="30%", thickness=0.6, hAlign="LEFT", spaceAfter=6),
                  *[Paragraph(markup, st["note"], bulletText=f"{n}." if n != before else None)
                    for (before, _m), (n, markup) in zip([(0, "")] + notes, notes)]]
    return render(story, paper, title=title)


def _styles() -> dict[str, ParagraphStyle]:
    st = styles()
    body = st["body"]
    return {
        "brief-h1": ParagraphStyle("brief-h1", parent=st["title"], keepWithNext=1),
        "brief-h2": ParagraphStyle("brief-h2", parent=st["heading"], keepWithNext=1, spaceBefore=10),
        "brief-h3": ParagraphStyle("brief-h3", parent=body, fontName=FAMILY + "-Bold", keepWithNext=1,
                                   spaceBefore=6),
        "brief-body": ParagraphStyle("brief-body", parent=body, alignment=TA_JUSTIFY),
        "quote": ParagraphStyle("quote", parent=body, fontSize=10.5, leading=13.5),
        "note": ParagraphStyle("note", parent=body, fontSize=9.5, leading=12, leftIndent=14,
                               bulletIndent=0, bulletFontSize=9.5, spaceAfter=3),
    }


def _story(source: str) -> tuple[list[Flowable], list[tuple[int, str]]]:
    """Flowables for the body, and (number, markup) for each footnote."""
    st = _styles()
    out: list[Flowable] = []
    notes: list[tuple[int, str]] = []
    state = _State([])
    for tok in _md.parse((source or "").lstrip("\ufeff")):
        t = tok.type
        if t == "heading_open":
            state.heading = int(tok.tag[1:])
        elif t == "heading_close":
            state.heading = 0
        elif t == "blockquote_open":
            state.quote += 1
        elif t == "blockquote_close":
            state.quote -= 1
        elif t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrs.get("start", 1) or 1) if t == "ordered_list_open" else 1
            state.lists.append(["bullet" if t == "bullet_list_open" else "ordered", start - 1])
        elif t in ("bullet_list_close", "ordered_list_close"):
            state.lists.pop()
        elif t == "list_item_open" and state.lists:
            state.lists[-1][1] += 1
        elif t == "footnote_open":
            state.note = int(tok.meta["id"]) + 1
        elif t == "footnote_close":
            state.note = 0
        elif t == "hr":
            out.append(HRFlowable(width="40%", thickness=0.6, spaceBefore=6, spaceAfter=10))
        elif t in ("fence", "code_block"):
            out.append(Paragraph(text(tok.content).replace("\n", "<br/>"), st["quote"]))
        elif t == "inline":
            markup = _inline(tok.children or [])
            if state.note:
                notes.append((state.note, markup))
            else:
                out.append(_paragraph(markup, state, st))
    return out, notes


def _paragraph(markup: str, state: _State, st: dict) -> Paragraph:
    if state.heading:
        return Paragraph(markup, st[f"brief-h{min(state.heading, 3)}"])
    quote = state.quote * INDENT * 2
    if state.lists:
        kind, number = state.lists[-1]
        depth = len(state.lists)
        style = ParagraphStyle("item", parent=st["quote"] if state.quote else st["brief-body"],
                               leftIndent=quote + INDENT * depth + 6, bulletIndent=quote + INDENT * (depth - 1) + 6,
                               spaceAfter=3, alignment=0)
        mark = "\u2022" if kind == "bullet" else f"{number}."
        return Paragraph(markup, style, bulletText=mark)
    if state.quote:
        style = ParagraphStyle("quoted", parent=st["quote"], leftIndent=quote, rightIndent=quote)
        return Paragraph(markup, style)
    return Paragraph(markup, st["brief-body"])
