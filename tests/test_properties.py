"""Property tests: selection parser, labels, page planner and manifest loader, on generated input."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parolekit.errors import ManifestError, Problem
from parolekit.intake import inspect_sources
from parolekit.labels import label, letter_label
from parolekit.manifest import load_case
from parolekit.plan import ExhibitSpec, Part, plan_pages
from parolekit.selection import SelectionError, check_syntax, describe, parse_selection
from parolekit.validate import check_case

# --- page selections ---------------------------------------------------------------------------


@st.composite
def selections(draw):
    """A page count and a selection of distinct pages in any order, as runs."""
    count = draw(st.integers(1, 400))
    pages = draw(st.lists(st.integers(0, count - 1), unique=True, max_size=60))
    return count, pages


def _write(pages: list[int]) -> str:
    """Write indices the way a person would: runs as a-b, single pages alone."""
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(f"{r[0] + 1}" if len(r) == 1 else f"{r[0] + 1} - {r[-1] + 1}" for r in runs)


@given(selections())
def test_selection_reads_back_what_was_written(case):
    count, pages = case
    assume(pages)
    assert parse_selection(_write(pages), count) == pages


@given(selections())
def test_describe_and_parse_are_inverse(case):
    count, pages = case
    assume(pages)
    assert parse_selection(describe(pages, count), count) == pages


@given(st.integers(1, 10_000))
def test_all_and_open_ranges(count):
    everything = list(range(count))
    assert parse_selection(None, count) == parse_selection("all", count) == everything
    assert parse_selection("1-", count) == everything
    assert describe(everything, count) == "all"


@given(st.text(max_size=40), st.integers(1, 1_000))
def test_selection_never_fails_any_other_way(text, count):
    try:
        pages = parse_selection(text, count)
    except SelectionError as e:
        assert str(e)  # says what is wrong
        return
    assert len(set(pages)) == len(pages)
    assert all(0 <= p < count for p in pages)


@given(st.text(alphabet="0123456789-, all", max_size=30))
def test_selection_syntax_check_is_cheap_and_total(text):
    # check_syntax knows no page count: it must not expand "2-" to a billion pages.
    try:
        check_syntax(text)
    except SelectionError:
        pass


def test_huge_numbers_are_a_selection_error():
    with pytest.raises(SelectionError):
        parse_selection("9" * 5000, 10)
    with pytest.raises(SelectionError):
        parse_selection("1-" + "9" * 40, 10)


# --- labels ------------------------------------------------------------------------------------


def _unlabel(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n


@given(st.integers(1, 10**7))
def test_letter_labels_are_bijective_base_26(n):
    text = letter_label(n)
    assert set(text) <= set(string.ascii_uppercase)
    assert _unlabel(text) == n
    assert label(n, "numbers") == str(n)


@given(st.integers(1, 10**6))
def test_letter_labels_sort_in_exhibit_order(n):
    a, b = letter_label(n), letter_label(n + 1)
    assert (len(a), a) < (len(b), b)


def test_label_boundaries():
    assert [letter_label(n) for n in (1, 26, 27, 52, 53, 702, 703, 18278, 18279)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "ZZZ", "AAAA"]
    with pytest.raises(ValueError):
        letter_label(0)


# --- the page planner --------------------------------------------------------------------------

FRONT_KINDS = ["cover", "form", "index", "chronology", "claims"]
CONTENT_KINDS = ["document", "translation", "certificate", "declaration"]


@st.composite
def plans(draw):
    front = [Part(kind, f"{kind}:{i}" if kind == "form" else kind, draw(st.integers(0, 5)), kind)
             for i, kind in enumerate(draw(st.lists(st.sampled_from(FRONT_KINDS), max_size=6)))]
    n = draw(st.integers(0, 40))
    exhibits = []
    for i in range(n):
        parts = tuple(Part(kind, f"ex{i}", draw(st.integers(0, 300)), kind, f"ref{i}:{j}")
                      for j, kind in enumerate(draw(st.lists(st.sampled_from(CONTENT_KINDS),
                                                             max_size=4))))
        exhibits.append(ExhibitSpec(f"ex{i}", letter_label(i + 1), f"Exhibit {i}", "", parts,
                                    draw(st.booleans())))
    return front, exhibits


@given(plans())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_plan_ranges_are_contiguous_and_add_up(plan_input):
    front, exhibits = plan_input
    plan = plan_pages(front, exhibits)
    expected_total = sum(max(p.pages, 0) for p in front) + sum(
        1 + sum(max(p.pages, 0) for p in ex.parts) for ex in exhibits)
    assert plan.total == expected_total
    # Parts follow each other without gaps or overlaps, starting at page 1.
    n = 1
    for start, part in plan.parts:
        assert start == n and part.pages > 0
        n += part.pages
    assert n - 1 == plan.total
    # Every page appears exactly once in the footer facts, in order.
    info = plan.page_info()
    assert [p.number for p in info] == list(range(1, plan.total + 1))
    # Exhibits in manifest order, each separator then its content, and nothing in between.
    previous_end = sum(max(p.pages, 0) for p in front)
    for ex in exhibits:
        place = plan.exhibits[ex.id]
        assert place.start == previous_end + 1 and place.first_content == place.start + 1
        assert place.end == place.start + place.content_pages
        assert place.content_pages == sum(max(p.pages, 0) for p in ex.parts)
        previous_end = place.end
        # A citation lands inside the exhibit; the footer counts its pages 1..n.
        assert place.start <= plan.cite(ex.id) <= place.end
        pages = [p for p in info if place.start <= p.number <= place.end]
        assert all(p.exhibit == ex.label for p in pages)
        assert [p.within for p in pages] == list(range(0, place.content_pages + 1))
        assert all(p.of == place.content_pages for p in pages)
    # Front matter sections lie before the first exhibit.
    first_exhibit = min((p.start for p in plan.exhibits.values()), default=plan.total + 1)
    for start, end in plan.sections.values():
        assert 1 <= start <= end < first_exhibit


# --- the manifest loader -----------------------------------------------------------------------

KEYS = ["parolekit", "case", "title", "kind", "reasons", "date", "beneficiaries", "name",
        "birth_date", "citizenship", "a_number", "recipient", "address", "exhibits", "id", "file",
        "files", "pages", "language", "translation", "translator", "password_env", "declarations",
        "declarant", "role", "text", "executed", "place", "in_us", "chronology", "event", "claims",
        "claim", "output", "labels", "paper", "bates_prefix", "max_file_mb", "forms", "planned",
        "cover_letter", "body", "template", "category", "qualifications", "interpreter", "x"]
SCALARS = st.one_of(
    st.sampled_from(["1", "2026-11-20", "2027-02-30", "humanitarian-parole", "medical", "letters",
                     "a4", "es", "expert", "true", "no", "A123456789", "1-3,5", "9-2", "", "~",
                     "x.pdf", "../x.pdf", "/etc/passwd", "0x1F", "1e3", "-1", "2026-11"]),
    st.text(max_size=12), st.integers(-5, 10**6), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)),
    max_leaves=40)


def _only_located(path: Path) -> None:
    """Loading (and checking) *path* either works or raises ManifestError with located problems."""
    try:
        case = load_case(path)
    except ManifestError as e:
        _located(e.problems, e.message)
        return
    check_case(case)
    inspect_sources(case, [], open_pdfs=False)
    _located(case.problems.items, "")


def _located(problems: list[Problem], message: str) -> None:
    assert problems or message
    for p in problems:
        assert p.line >= 1 and p.column >= 1 and p.code and p.message
        assert p.severity in ("error", "warning")


@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_yaml_mapping_yields_only_located_problems(tmp_path, data):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _only_located(path)


@given(st.fixed_dictionaries({"parolekit": st.just(1), "case": st.fixed_dictionaries({
    "title": st.text(max_size=10), "kind": st.sampled_from(["humanitarian-parole", "other", "x"]),
    "date": st.sampled_from(["2026-11-20", "2026-02-30", "tomorrow"]),
    "beneficiaries": st.lists(st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=4), max_size=2),
    "recipient": st.fixed_dictionaries({"name": st.text(max_size=8)})}),
    "exhibits": st.lists(st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=6), max_size=3)}))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_nearly_valid_manifests_yield_only_located_problems(tmp_path, data):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _only_located(path)


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_yields_only_located_problems(tmp_path, text):
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _only_located(path)


@given(st.binary(max_size=300))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_yield_only_located_problems(tmp_path, raw):
    path = tmp_path / "case.yaml"
    path.write_bytes(raw)
    _only_located(path)
