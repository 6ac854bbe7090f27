"""render/markdown.py: the Markdown parolekit renders, citations held together, links kept only when ours."""

from __future__ import annotations

import pytest

from parolekit.render.markdown import LINK_SCHEME, _inline, blocks, legal_spaces

NB = "\u00a0"


@pytest.mark.parametrize("written, printed", [
    ("INA § 212(d)(5)(A)", f"INA{NB}§{NB}212(d)(5)(A)"),
    ("8 C.F.R. § 208.13(b)(1)", f"8{NB}C.F.R.{NB}§{NB}208.13(b)(1)"),
    ("Matter of A-B-, 27 I&N Dec. 316", f"Matter of A-B-, 27{NB}I&N Dec.{NB}316"),
    ("No. 12 and pp. 4-6", f"No.{NB}12 and pp.{NB}4-6"),
    ("§§ 1 and 2", f"§§{NB}1 and 2"),
    ("In 2026 we moved. No one came.", "In 2026 we moved. No one came."),
])
def test_citations_never_part_at_a_line_end(written, printed):
    assert legal_spaces(written) == printed


def test_only_parolekit_links_stay_links():
    [ours, theirs] = blocks(f"[Ex. C at 4]({LINK_SCHEME}cite:c) and [a site](https://example.org)")[0].markup.split(" and ")
    assert ours.startswith('<a href="parolekit:cite:c">') and "<a" not in theirs and "a site" in theirs


def test_a_footnote_reference_is_a_superscript_number():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    tokens = MarkdownIt("commonmark").use(footnote_plugin).parse("See this.[^n]\n\n[^n]: The note.\n")
    inline = next(t for t in tokens if t.type == "inline")
    assert _inline(inline.children) == "See this.<super>1</super>"


def test_unused_definitions_and_footnotes_outside_the_brief_are_found_by_line():
    from parolekit.render.markdown import unused_definitions

    source = ("I saw the notice.[^1] See [the record][rec].\n\n[^1]: Ibid.\n\n[rec]: https://example.org\n\n"
              "[a]: ibid.\n\n[1]: see the attached record\n")
    # [^1] is a link to "Ibid." here (its text lost), [a] is used by nothing; [rec] prints as its
    # link, and "[1]: see the attached record" is no definition (a space in its target): it prints.
    assert unused_definitions(source) == [3, 7]
    assert unused_definitions("Plain text.\n") == []
