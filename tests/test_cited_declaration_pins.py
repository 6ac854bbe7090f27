"""A pin cite into a later page of a declaration that itself cites pages (the plan first guesses
such a declaration at one page): the brief and the letter cite it, and the cite lands on that page."""

from __future__ import annotations

import json

from test_brief import _case, _texts
from parolekit.lint import lint_manifest
from parolekit.pipeline import build_packet

# About three pages of numbered paragraphs; the last one cites the letter's page 2.
LONG = '"' + "\\n\\n".join(f"Paragraph {n}: " + "I saw what happened that day and I remember it. " * 6
                           for n in range(1, 30)) + "\\n\\nThe letter says so ({{ cite('letter', 2) }}).\""


def test_the_brief_cites_page_2_of_a_declaration_that_cites(tmp_path):
    brief = "# Brief\n\nShe says so ({{ cite('decl', 2) }}).\n"
    case = _case(tmp_path, brief=brief, decl_text=LONG)
    assert not [p for p in lint_manifest(case).problems if p.severity == "error"]
    out = build_packet(case, tmp_path / "packet.pdf").output
    texts = _texts(out)
    decl = next(e for e in json.loads(out.with_suffix(".receipt.json").read_text())["exhibits"]
                if e["id"] == "decl")
    assert decl["pages"] >= 3  # its separator and at least two pages
    page2 = decl["start"] + 2
    assert f"Exhibit {decl['label']}, p. 2 of" in texts[page2 - 1].replace("\u00a0", " ")
    assert f"Exhibit {decl['label']} at {page2}" in texts[1].replace("\u00a0", " ")
