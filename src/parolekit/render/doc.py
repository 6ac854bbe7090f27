"""Render a list of flowables to PDF bytes, counting pages and recording link rectangles."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table
from reportlab.platypus.doctemplate import LayoutError

from ..errors import CaseError
from . import fonts
from .tags import Tags, mark_page, recording, stop, tag_story

PAPER = {"letter": LETTER, "a4": A4}
# The bottom margin leaves room for the footer stamp added at assembly.
MARGINS = dict(leftMargin=1 * inch, rightMargin=1 * inch, topMargin=0.9 * inch, bottomMargin=1.0 * inch)


@dataclass(frozen=True)
class Link:
    """A clickable rectangle on page *page* (0-based within the section) to an exhibit id."""

    page: int
    rect: tuple[float, float, float, float]
    target: str
    node: int = -1  # its Link element in the rendering's Tags (-1: none)


@dataclass
class Rendered:
    data: bytes
    pages: int
    links: list[Link] = field(default_factory=list)
    first: int = 0  # where these pages begin in *data* when several sections share one rendering
    shared_pages: int = 0  # pages in *data* when shared (0: just these)
    tags: Tags | None = None  # the structure of *data*'s pages (tagging.py makes the tree of it)
    marked: bool = False  # its decorations are marked as artifacts already (tags.mark_page)

    @property
    def bytes_per_page(self) -> float:
        return len(self.data) / max(self.shared_pages or self.pages, 1)


class LinkTo(Flowable):
    """Wraps a flowable and records where it was drawn, so assembly can make it a link."""

    links_to = True  # how render/tags.py knows one

    def __init__(self, inner: Flowable, target: str, sink: list[Link], node: int = -1):
        super().__init__()
        self.inner, self.target, self.sink, self.node = inner, target, sink, node
        self._wrapped: float | None = None  # the width *inner* was last wrapped at
        self._fixed = isinstance(inner, Paragraph) or isinstance(inner, Table) and len(inner._cellvalues) == 1

    def wrap(self, aw, ah):
        # A frame asks a row's size several times at the same width (to see whether it fits, to
        # split the table, to place it): a one-row table's or a paragraph's size does not depend
        # on the height offered, so it is measured once per width (~40% of an index's rendering).
        if aw != self._wrapped or not self._fixed:
            self.width, self.height = self.inner.wrap(aw, ah)
            self._wrapped = aw
        return self.width, self.height

    # A row shorter than this moves whole to the next page; a taller one (a very long event or a
    # claim citing dozens of exhibits) is split, since it could never fit on any page.
    KEEP_WHOLE = 560.0

    def split(self, aw, ah):
        _w, height = self.wrap(aw, ah)
        if height <= self.KEEP_WHOLE:
            return []
        self._wrapped = None  # splitting wraps *inner* at other heights
        return [LinkTo(part, self.target, self.sink, self.node) for part in self.inner.split(aw, ah)]

    def draw(self):
        self.inner.drawOn(self.canv, 0, 0)
        x, y = self.canv.absolutePosition(0, 0)
        page = self.canv.getPageNumber() - 1
        self.sink.append(Link(page, (x, y, x + self.width, y + self.height), self.target, self.node))


def render(story: list, paper: str = "letter", title: str = "", links: list[Link] | None = None,
           on_page=None) -> Rendered:
    """Build *story* into a PDF; reportlab's invariant mode keeps the bytes reproducible."""
    fonts.register()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAPER[paper], title=title, author="parolekit",
                            invariant=1, **MARGINS)
    pages = [0]

    def count(canvas, _doc):
        pages[0] = canvas.getPageNumber()
        if on_page:
            on_page(canvas, _doc)

    if links is not None:
        links.clear()  # a rebuild records afresh
    tags = Tags()
    story = list(story)
    tag_story(story, tags)
    token = recording(tags)
    try:
        doc.build(story, onFirstPage=count, onLaterPages=count, canvasmaker=_Canvas)
    except LayoutError as e:  # one row or paragraph taller than a page: only shorter text helps
        raise CaseError(f"{title or 'a generated page'}: one entry is too long to fit on a page "
                        "(a title, event, claim or address of thousands of characters); shorten it "
                        "and build again") from e
    finally:
        stop(token)
    return Rendered(buf.getvalue(), pages[0], list(links or []), tags=tags, marked=True)


class _Canvas(Canvas):
    """reportlab's canvas, each page's decorations marked as artifacts as the page is closed."""

    def showPage(self):
        self._code[:] = mark_page(self._code)
        super().showPage()
