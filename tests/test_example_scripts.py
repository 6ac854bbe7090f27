"""The family-reunification example (examples/family-reunification): Dari names beside their
transliteration on every generated page, read back from the written PDF.

The golden tests (test_scripts.py) check exact words and pictures; here every page that prints
user text is checked for the Dari letters in logical order, wherever they sit in an English line.
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest

from factory import require_poppler
from test_scripts import _reading_words
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "family-reunification" / "case.yaml"
NAME = "احمد\u200cشاه کریمی"
WIFE = "زرغونه کریمی"


def _letters(text: str) -> str:
    """Letters, marks and joiners only: what must read in order whatever the spacing and brackets."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LM" or c == "\u200c")


@pytest.fixture(scope="module")
def packet(tmp_path_factory) -> Path:
    require_poppler()
    return build_packet(EXAMPLE, output=tmp_path_factory.mktemp("fr") / "packet.pdf").output


@pytest.fixture(scope="module")
def pages(packet) -> list[str]:
    text = subprocess.run(["pdftotext", str(packet), "-"], capture_output=True, text=True, check=True).stdout
    return [_letters(p) for p in text.split("\f")]


def _page_with(pages: list[str], needle: str) -> str:
    return next(p for p in pages if _letters(needle) in p)


@pytest.mark.parametrize("where, needle", [
    ("cover letter", f"Zarghuna Karimi ({WIFE}), we request humanitarian parole for her husband, "
                     f"Ahmad Shah Karimi ({NAME})"),
    ("index of exhibits", f"Declaration of Ahmad Shah Karimi ({NAME})"),
    ("index of exhibits", f"Tazkira (national identity card) of Ahmad Shah Karimi — تذکرهٔ {NAME}"),
    ("chronology", "Interpreter in Kabul (ترجمان در کابل)"),
    ("claims", f"The beneficiary is who he says he is — {NAME}"),
    ("separator sheet", f"EXHIBIT A Declaration of Ahmad Shah Karimi ({NAME})"),
    ("declaration", f"DECLARATION OF AHMAD SHAH KARIMI ({NAME}) I, Ahmad Shah Karimi ({NAME}), declare"),
    ("certificate of translation", "I, Farid Ahmadi (فرید احمدی), certify"),
])
def test_user_text_in_dari_reads_back_on_every_generated_page(pages, where, needle):
    assert any(_letters(needle) in p for p in pages), f"{where}: {needle!r} not read back"


def test_a_paragraph_in_dari_reads_in_order_within_the_english_declaration(packet, pages):
    # pdftotext's plain text scrambles a right-to-left paragraph with numbers on a left-to-right
    # page (poppler reorders it around each number); the words as placed read right.
    page = next(n for n, p in enumerate(pages, start=1) if p.startswith(_letters("DECLARATION OF AHMAD")))
    words = [w for line in _reading_words(packet, page) for w in line]
    said = "من احمد\u200cشاه کریمی هستم. از سال ۲۰۱۴ تا ۲۰۲۱ در کابل ترجمان بودم.".split()
    assert any(words[i:i + len(said)] == said for i in range(len(words)))


def test_the_example_lints_without_errors():
    report = lint_manifest(EXAMPLE)
    assert not [p for p in report.problems if p.severity == "error"]


def test_the_example_lints_clean_under_strict():
    """An example a newcomer copies must not teach them to ignore warnings."""
    report = lint_manifest(EXAMPLE)
    assert [p.code for p in report.problems] == []
