"""render.doc.LinkTo: a row's size measured once per width, and again at another width or after a split."""

from __future__ import annotations

from parolekit.render import fonts
from parolekit.render.doc import LinkTo
from parolekit.render.scripts import Paragraph
from parolekit.render.tables import row


def _row(text: str):
    st = fonts.styles()
    return row([Paragraph("A", st["cellb"]), Paragraph(text, st["cell"])], [40.0, 300.0])


def test_a_row_is_measured_once_per_width(monkeypatch):
    fonts.register()
    link = LinkTo(_row("a description long enough to wrap at a narrow width " * 3), "a", [])
    calls = []
    real = type(link.inner).wrap
    monkeypatch.setattr(type(link.inner), "wrap", lambda self, w, h: calls.append(w) or real(self, w, h))
    wide = link.wrap(340, 700)
    assert link.wrap(340, 50) == wide and link.wrap(340, 700) == wide
    assert calls == [340]
    link.inner._argW = [40.0, 120.0]  # narrower columns, as on another page's frame
    narrow = link.wrap(160, 700)
    assert calls == [340, 160] and narrow[1] > wide[1]


def test_a_multi_row_table_is_measured_each_time():
    from reportlab.platypus import Table

    fonts.register()
    link = LinkTo(Table([["a"], ["b"]]), "a", [])
    calls = []
    real = link.inner.wrap
    link.inner.wrap = lambda w, h: calls.append(h) or real(w, h)
    link.wrap(300, 700)
    link.wrap(300, 10)
    assert calls == [700, 10]  # its height may depend on the height offered
