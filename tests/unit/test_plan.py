"""The page planner is pure: lengths in, every page number out."""

from __future__ import annotations

import pytest

from parolekit.labels import label, letter_label
from parolekit.plan import ExhibitSpec, Part, plan_pages


def _plan():
    front = [Part("cover", "cover", 2), Part("form", "form:0", 3, "Form I-131"), Part("index", "index", 1),
             Part("chronology", "chronology", 0)]
    exhibits = [ExhibitSpec("a", "A", "First", parts=(Part("declaration", "a", 2),), is_declaration=True),
                ExhibitSpec("b", "B", "Second", parts=(Part("document", "b", 5), Part("translation", "b", 5),
                                                       Part("certificate", "b", 1)))]
    return plan_pages(front, exhibits)


def test_ranges_are_contiguous_and_total_adds_up():
    plan = _plan()
    assert plan.sections == {"cover": (1, 2), "form:0": (3, 5), "index": (6, 6)}
    a, b = plan.exhibits["a"], plan.exhibits["b"]
    assert (a.start, a.end, a.first_content, a.content_pages) == (7, 9, 8, 2)
    assert (b.start, b.end, b.content_pages) == (10, 21, 11)
    assert plan.total == 21
    numbers = [p.number for p in plan.page_info()]
    assert numbers == list(range(1, 22))


def test_page_info_numbers_exhibit_pages():
    info = _plan().page_info()
    assert info[6].exhibit == "A" and info[6].within == 0  # separator sheet
    assert (info[7].exhibit, info[7].within, info[7].of) == ("A", 1, 2)
    assert (info[20].exhibit, info[20].within, info[20].of) == ("B", 11, 11)
    assert info[0].exhibit == "" and info[5].part.kind == "index"


def test_labels():
    assert [letter_label(n) for n in (1, 26, 27, 52, 53, 702, 703)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    assert label(3, "numbers") == "3"


def test_pins_name_the_documents_own_pages():
    from parolekit.plan import PinError

    front = [Part("cover", "cover", 1)]
    # An excerpt: pages 1, 17 and 18 of a 40-page report, then its translation (not citable by number).
    spec = ExhibitSpec("r", "A", "Report", parts=(Part("document", "r", 3, numbering=(1, 17, 18), of=40),
                                                  Part("translation", "r", 3)))
    plan = plan_pages(front, [spec])
    assert plan.exhibits["r"].first_content == 3
    assert plan.pin("r", 1) == 3 and plan.pin("r", 17) == 4 and plan.pin("r", 18) == 5
    with pytest.raises(PinError, match="page 5 of 'r' is left out of the packet by its `pages:`"):
        plan.pin("r", 5)
    with pytest.raises(PinError, match="'r' has 40 pages, so it has no page 41"):
        plan.pin("r", 41)
    assert plan.resolve("r@17") == 4 and plan.resolve("r") == 2 and plan.resolve("page:3") == 3
    assert plan.resolve("r@99") is None and plan.resolve("nope") is None


def test_a_notice_in_front_is_found_by_its_id():
    front = [Part("notice", "notice:rfe", 3, "RFE", numbering=(1, 2, 3), of=3), Part("cover", "cover", 1),
             Part("index", "index", 1)]
    plan = plan_pages(front, [ExhibitSpec("a", "A", "First", parts=(Part("document", "a", 2),))])
    assert plan.sections["notice:rfe"] == (1, 3) and plan.sections["cover"] == (4, 4)
    assert plan.pin("rfe", 2) == 2 and plan.resolve("rfe") == 1 and plan.exhibits["a"].start == 6
    assert [p.exhibit for p in plan.page_info()[:3]] == ["", "", ""]  # no exhibit footer on it
