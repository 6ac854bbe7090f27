"""lint's page scan reads the page tree once per file, not once per page (it was quadratic in pages)."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

LEGAL = [0, 0, 612, 1008]


class _CountingPages:
    """pdf.pages that counts its walks: each pages[i] and each iteration goes through the tree."""

    def __init__(self, pages):
        self._pages = pages
        self.walks = 0

    def __getitem__(self, index):
        self.walks += 1
        return self._pages[index]

    def __iter__(self):
        self.walks += 1
        return iter(self._pages)

    def __len__(self):
        return len(self._pages)


class _CountingPdf:
    def __init__(self, pdf: pikepdf.Pdf):
        self._pdf = pdf
        self.pages = _CountingPages(pdf.pages)

    def __getattr__(self, name):
        return getattr(self._pdf, name)


def _pdf(pages: int, legal: set[int]) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
    for k in legal:
        pdf.pages[k - 1].obj.MediaBox = Array(LEGAL)
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    return pdf


def test_scan_walks_the_page_tree_once_and_reports_the_selected_pages():
    from parolekit.pdfscan import scan_pdf

    pdf = _pdf(40, legal={4, 10, 17})
    counting = _CountingPdf(pdf)
    scan = scan_pdf(counting, [0, 3, 16, 20, 39])
    assert counting.pages.walks == 1  # was one per selected page, each as long as the file
    assert [p for p, _w, _h in scan.odd_size] == [4, 17]  # page 10 is legal but not selected
    assert scan.odd_size[0][1:] == (8.5, 14.0)
    assert scan.javascript  # page 1's open action, found through the same page list

