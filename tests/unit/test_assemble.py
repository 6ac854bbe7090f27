"""Assembly details that whole-packet tests reach only through volumes."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from parolekit.assemble import _drop_dangling_links


def test_links_to_pages_outside_this_file_are_dropped():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pages = list(pdf.pages)
    orphan = pdf.make_indirect(Dictionary(Type=Name.Page, MediaBox=[0, 0, 10, 10]))

    def link(target):
        return pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 9, 9],
                                            Dest=Array([target, Name.Fit])))

    uri = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 9, 9],
                                       A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org"))))
    pages[0].obj.Annots = Array([link(pages[1].obj), link(None), link(orphan), uri])
    _drop_dangling_links(pages)
    kept = list(pages[0].obj.Annots)
    assert len(kept) == 2
    assert kept[0].Dest[0].objgen == pages[1].obj.objgen and kept[1].A.S == Name.URI
