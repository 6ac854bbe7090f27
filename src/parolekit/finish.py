"""Finishing stages: what runs on the assembled packet before it is saved (the draft mark, PDF/A)."""

from __future__ import annotations

from typing import Callable

import pikepdf

from .conform import applies as _profiled, conform
from .prepare import Prepared
from .pdfa import make_pdfa
from .watermark import mark_draft

# A finisher changes the assembled PDF in place, never the page count or order (the index cites
# them), and raises a ParolekitError naming the missing tool or the page it cannot handle. Each is
# (name, applies(prep) -> bool, run(pdf, prep)); the pipeline runs those that apply, in order.
Finisher = tuple[str, Callable[[Prepared], bool], Callable[[pikepdf.Pdf, Prepared], None]]
FINISHERS: list[Finisher] = [
    ("draft", lambda prep: prep.case.draft,
     lambda pdf, prep: mark_draft(pdf, embedded=prep.case.manifest.output.pdfa)),
    # the filing profile's links, bookmarks, zoom and COPY marks (conform.py)
    ("profile", lambda prep: _profiled(prep.case.manifest), lambda pdf, prep: conform(pdf, prep.case.manifest)),
    # Last: it names every font subset and writes the XMP from the final info dictionary.
    ("pdfa", lambda prep: prep.case.manifest.output.pdfa, lambda pdf, _prep: make_pdfa(pdf)),
]


def finish(pdf: pikepdf.Pdf, prep: Prepared) -> list[str]:
    """Run every finishing stage that applies to this case; their names, for the progress line."""
    ran = []
    for name, applies, run in FINISHERS:
        if applies(prep):
            run(pdf, prep)
            ran.append(name)
    return ran
