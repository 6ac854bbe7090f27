"""Chronology and claims: citations name where each exhibit begins; dates sort; the timeline figure."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from itertools import combinations

import pikepdf
import pytest
from pypdf import PdfReader

from factory import CASE_HEAD, manifest, text_pdf
from parolekit.pipeline import build_packet
from parolekit.render.timeline import Mark, axis, fitted, label_box, layout, timeline
from parolekit.render.words import sort_key, start_of

CASE = CASE_HEAD + """\
declarations:
  - id: decl-a
    declarant: {name: Ana Pérez, role: petitioner}
    text: I am the sister of the beneficiary.
    executed: {date: 2026-11-12, place: "Houston, Texas", in_us: true}
exhibits:
  - id: letter
    title: Letter from the doctor
    file: exhibits/letter.pdf
  - id: records
    title: Medical records
    file: exhibits/records.pdf
  - id: acceptance
    title: Acceptance letter
    file: exhibits/acceptance.pdf
chronology:
  - date: 2026-11-03
    event: Accepted for treatment
    exhibits: [acceptance]
  - date: "2025"
    event: Symptoms began during the year
  - date: 2025-03-05
    event: Diagnosis confirmed
    exhibits: [records, letter]
  - date: 2025-03
    event: First tests in March
    exhibits: [records]
  - date: 2024-12-31
    event: Seen at the clinic
    exhibits: [decl-a]
  - date: 2027-01-15
    event: Start of CAR-T therapy
    planned: true
    exhibits: [acceptance]
claims:
  - claim: The illness is life-threatening
    exhibits: [letter, records]
  - claim: A U.S. provider has accepted the beneficiary
    exhibits: [acceptance, decl-a]
"""

ORDER = ["Seen at the clinic", "Symptoms began during the year", "First tests in March",
         "Diagnosis confirmed", "Accepted for treatment", "Start of CAR-T therapy"]


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    base = tmp_path_factory.mktemp("chrono")
    text_pdf(base / "exhibits" / "letter.pdf", pages=3, title="Letter")
    text_pdf(base / "exhibits" / "records.pdf", pages=4, title="Records")
    text_pdf(base / "exhibits" / "acceptance.pdf", pages=1, title="Acceptance")
    manifest(base / "case.yaml", CASE)
    result = build_packet(base / "case.yaml")
    reader = PdfReader(result.output)
    return result, reader, [_flat(p.extract_text() or "") for p in reader.pages]


def _section(packet, key: str) -> str:
    result, _reader, texts = packet
    start, end = result.plan.sections[key]
    return " ".join(texts[start - 1:end])


def _table(text: str) -> str:
    """The chronology's table (after the figure's legend), without the figure's labels."""
    return text[text.index("# Date Event Evidence"):]


def test_chronology_citations_name_each_documents_first_page(packet):
    result, _reader, texts = packet
    table = _table(_section(packet, "chronology"))
    cites = re.findall(r"Ex\. ([A-Z]+) at (\d+)", table)
    by_label = {p.label: p for p in result.plan.exhibits.values()}
    assert len(cites) == 6
    for label, page in cites:
        assert int(page) == by_label[label].first_content
        assert f"EXHIBIT {label}" in texts[int(page) - 2]  # the document's first page, after its separator


def test_chronology_rows_cite_their_own_exhibits(packet):
    result, _reader, _texts = packet
    table = _table(_section(packet, "chronology"))
    ex = {k: f"Ex. {p.label} at {p.first_content}" for k, p in result.plan.exhibits.items()}
    assert f"Diagnosis confirmed {ex['records']} {ex['letter']}" in table
    assert f"Seen at the clinic {ex['decl-a']}" in table
    assert "Symptoms began during the year \u2014" in table  # no evidence cited


def test_chronology_sorts_partial_dates_sensibly(packet):
    table = _table(_section(packet, "chronology"))
    positions = [table.index(event) for event in ORDER]
    assert positions == sorted(positions)
    for n, date in enumerate(["December 31, 2024", "2025", "March 2025", "March 5, 2025",
                              "November 3, 2026", "January 15, 2027"], start=1):
        assert re.search(rf"\b{n} {date}", table), (n, date)


def test_planned_events_are_marked(packet):
    table = _table(_section(packet, "chronology"))
    assert "January 15, 2027 (planned)" in table
    assert table.count("(planned)") == 1
    figure = _section(packet, "chronology").split("# Date Event Evidence")[0]
    assert "6 · Jan 15, 2027 (planned)" in figure
    assert "proposed treatment window" in figure and "packet date (Nov 20, 2026)" in figure


def test_claims_cite_labels_pages_and_titles(packet):
    result, _reader, _texts = packet
    text = _section(packet, "claims")
    ex = {k: (p.label, p.first_content, p.title) for k, p in result.plan.exhibits.items()}
    for claim, ids in (("The illness is life-threatening", ["letter", "records"]),
                       ("A U.S. provider has accepted the beneficiary", ["acceptance", "decl-a"])):
        cites = " ".join(f"Ex. {ex[i][0]} at {ex[i][1]} {ex[i][2]}" for i in ids)
        assert f"{claim} {cites}" in text


def test_every_citation_links_to_its_exhibit(packet):
    result, reader, _texts = packet
    with pikepdf.open(reader.stream) as pdf:
        page_of = {p.objgen: n for n, p in enumerate(pdf.pages, start=1)}
        for key, count in (("chronology", 6), ("claims", 4)):
            start, _end = result.plan.sections[key]
            annots = [a for a in pdf.pages[start - 1].obj.get("/Annots", []) if a.Subtype == "/Link"]
            targets = sorted(page_of[a.Dest[0].objgen] for a in annots)
            assert len(annots) == count, key
            assert set(targets) <= {p.first_content for p in result.plan.exhibits.values()}


def test_figure_is_vector(packet):
    result, reader, _texts = packet
    start, _ = result.plan.sections["chronology"]
    resources = reader.pages[start - 1]["/Resources"]
    xobjects = resources.get("/XObject", {})
    assert not any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())


def test_no_window_without_planned_events(tmp_path):
    text_pdf(tmp_path / "exhibits" / "a.pdf", title="A")
    manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - {id: a, title: A, file: exhibits/a.pdf}
chronology:
  - {date: 2025-01-10, event: Diagnosed, exhibits: [a]}
""")
    result = build_packet(tmp_path / "case.yaml")
    start, _ = result.plan.sections["chronology"]
    text = _flat(PdfReader(result.output).pages[start - 1].extract_text())
    assert "proposed treatment window" not in text and "(planned)" not in text
    assert f"Diagnosed Ex. A at {result.plan.exhibits['a'].first_content}" in text


def test_sort_key_orders_partial_dates_before_the_days_in_them():
    dates = ["2025-03-05", "2025", "2024-12-31", "2025-03", "2025-03-01", "2026"]
    assert sorted(dates, key=sort_key) == ["2024-12-31", "2025", "2025-03", "2025-03-01",
                                           "2025-03-05", "2026"]


# --- the timeline's label layout --------------------------------------------------------------

WIDTH = 468.0  # letter paper inside one-inch margins
TODAY = dt.date(2026, 11, 20)
SPREAD = [Mark(i + 1, d, t, p) for i, (d, t, p) in enumerate([
    ("2024-02", "First symptoms: fatigue, bruising and recurrent fevers", False),
    ("2024-03-10", "Seen at the regional health center, referred to the capital", False),
    ("2025-01-10", "Diagnosed with acute lymphoblastic leukemia at Hospital Escuela", False),
    ("2025-02-01", "Induction chemotherapy begins", False),
    ("2025-06", "Relapse after two cycles of induction chemotherapy", False),
    ("2025-06-20", "Second-line chemotherapy", False),
    ("2026-10-02", "Treating hematologist certifies CAR-T is unavailable in Honduras", False),
    ("2026-11-03", "Gulf Coast Cancer Center accepts her for CAR-T therapy", False),
    ("2027-01-15", "Planned start of CAR-T therapy", True),
    ("2027-04-25", "Planned end of 100-day follow-up and return to Honduras", True)])]
CLUSTER = [Mark(i + 1, f"2026-11-{i + 1:02d}", f"Event {i + 1} with a moderately long description",
                i > 6) for i in range(10)]


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("marks", [SPREAD, CLUSTER, SPREAD[:1], SPREAD[7:9]], ids=["spread", "cluster",
                                                                                    "one", "two"])
def test_labels_never_overlap_nor_hide_leader_lines(marks):
    labels = fitted(marks, TODAY, WIDTH)
    assert sorted(lab.mark.number for lab in labels) == [m.number for m in marks]
    assert not any(lab.crossed for lab in labels)
    axis_y = 500.0
    boxes = {lab.mark.number: label_box(lab, axis_y) for lab in labels}
    for a, b in combinations(labels, 2):
        assert not _overlap(boxes[a.mark.number], boxes[b.mark.number]), (a.mark.number, b.mark.number)
    for lab in labels:
        assert 0 <= lab.left and lab.right <= WIDTH + 0.01
        x0, y0, x1, y1 = boxes[lab.mark.number]
        # the leader runs from the axis to the label; no other label may sit across it
        lo, hi = (axis_y, y0) if lab.side > 0 else (y1, axis_y)
        for other in labels:
            if other is lab:
                continue
            ox0, oy0, ox1, oy1 = boxes[other.mark.number]
            crosses = ox0 - 1 <= lab.x <= ox1 + 1 and oy0 < hi and lo < oy1
            assert not crosses, (lab.mark.number, other.mark.number)


def test_spread_events_keep_their_descriptions():
    labels = fitted(SPREAD, TODAY, WIDTH)
    assert all(lab.lines[1] for lab in labels)
    first = next(lab for lab in labels if lab.mark.number == 8)
    assert first.lines[0] == "8 · Nov 3, 2026"
    assert first.lines[1].startswith("Gulf Coast Cancer")


def test_marks_sit_at_their_dates_in_order():
    _lo, _hi, x = axis(SPREAD, TODAY, WIDTH)
    xs = [x(start_of(m.date)) for m in SPREAD]
    assert xs == sorted(xs) and 0 < xs[0] and xs[-1] < WIDTH
    assert x(TODAY) < x(start_of("2027-01-15"))
    assert len(layout(SPREAD, TODAY, WIDTH, max_label=-1)) == len(SPREAD)


def test_crowded_timelines_group_marks_and_stay_small():
    # 60 events, most of them weeks apart on an axis of years: numbers alone would collide.
    marks = [Mark(i + 1, (dt.date(2020, 1, 1) + dt.timedelta(days=i * 13)).isoformat(),
                  f"Event {i + 1}", i > 55) for i in range(60)]
    labels = fitted(marks, TODAY, WIDTH)
    assert not any(lab.crossed for lab in labels)
    covered: set[int] = set()
    for lab in labels:
        head = lab.lines[0]
        if "\u2013" in head:
            a, b = (int(n) for n in head.split("\u2013"))
            covered |= set(range(a, b + 1))
        else:
            covered |= {int(n) for n in head.split(", ")}
    assert covered == set(range(1, 61))  # every event is named by some label
    drawing = timeline(marks, TODAY, WIDTH)
    assert drawing.height < 250  # it fits on the page above the table


def _section_text(reader: PdfReader, pages: tuple[int, int]) -> str:
    return " ".join(" ".join(reader.pages[n - 1].extract_text().split())
                    for n in range(pages[0], pages[1] + 1))


def test_rows_taller_than_a_page_and_extreme_dates_still_build(tmp_path):
    """A 900-word event, a claim citing 26 exhibits, and dates 0001 and 9999 (typos, placeholders)."""
    rows = ""
    for i in range(26):
        text_pdf(tmp_path / f"e{i}.pdf", title=f"E{i}")
        rows += f"  - {{id: e{i}, title: Exhibit {i}, file: e{i}.pdf}}\n"
    long = " ".join(["word"] * 900)
    cites = ", ".join(f"e{i}" for i in range(26))
    manifest(tmp_path / "case.yaml", CASE_HEAD + "exhibits:\n" + rows + f"""\
chronology:
  - {{date: 0001-01-01, event: {long}, exhibits: [e0]}}
  - {{date: 9999-12-31, event: Placeholder, planned: true}}
claims:
  - {{claim: {long}, exhibits: [{cites}]}}
""")
    result = build_packet(tmp_path / "case.yaml")
    reader = PdfReader(result.output)
    claims = _section_text(reader, result.plan.sections["claims"])
    for place in result.plan.exhibits.values():
        assert f"Ex. {place.label} at {place.first_content}" in claims
    chronology = _section_text(reader, result.plan.sections["chronology"])
    assert f"Ex. A at {result.plan.exhibits['e0'].first_content}" in chronology


def test_the_legend_keys_only_what_the_timeline_shows():
    """No "planned event" key on a timeline without a planned event (nor "past event" without a past one)."""
    import datetime as dt

    from reportlab.graphics.shapes import String

    from parolekit.render.timeline import Mark, timeline

    def legend(marks):
        return {s.text for s in timeline(marks, dt.date(2026, 11, 20), 460).contents if isinstance(s, String)}

    past = [Mark(1, "2025-01-10", "Diagnosed", False), Mark(2, "2026-03-01", "Relapse", False)]
    assert "past event" in legend(past) and "planned event" not in legend(past)
    both = past + [Mark(3, "2027-01-15", "Treatment", True)]
    assert {"past event", "planned event"} <= legend(both)


PINNED = CASE_HEAD + """\
exhibits:
  - id: record
    title: Hospital record
    file: exhibits/record.pdf
chronology:
  - date: 2025-01-10
    event: Diagnosed
    exhibits: [{id: record, pages: "3"}, record]
claims:
  - claim: She is ill
    exhibits: [{id: record, pages: "2-3"}]
"""


def _pinned(tmp_path, body=PINNED):
    text_pdf(tmp_path / "exhibits" / "record.pdf", pages=4, title="Record")
    return manifest(tmp_path / "case.yaml", body)


def test_chronology_and_claims_cite_a_page_of_an_exhibit(tmp_path):
    out = build_packet(_pinned(tmp_path), tmp_path / "p.pdf").output
    pdf = pikepdf.open(out)
    reader = PdfReader(out)
    start = next(i for i, p in enumerate(reader.pages, 1) if "Record page 1" in (p.extract_text() or ""))
    index = {p.obj.objgen: n for n, p in enumerate(pdf.pages, 1)}

    def page_with(needle):
        return next(n for n, p in enumerate(reader.pages, 1) if needle in (p.extract_text() or ""))

    def targets(n):
        return sorted(index[a.Dest[0].objgen] for a in pdf.pages[n - 1].obj.get("/Annots", [])
                      if a.get("/Subtype") == "/Link" and "/Dest" in a)

    chron, claims = page_with("CHRONOLOGY"), page_with("SUMMARY OF CLAIMS")
    chron_text = " ".join(reader.pages[chron - 1].extract_text().split()).replace("\u00a0", " ")
    assert f"Ex. A at {start + 2}" in chron_text and f"Ex. A at {start}" in chron_text
    assert start + 2 in targets(chron) and start in targets(chron)  # the pin, and the plain cite
    claims_text = " ".join(reader.pages[claims - 1].extract_text().split()).replace("\u00a0", " ")
    assert f"Ex. A at {start + 1}–{start + 2}" in claims_text and start + 1 in targets(claims)


def test_a_chronology_pin_past_the_end_is_reported(tmp_path):
    from parolekit.errors import CaseError
    from parolekit.lint import lint_manifest

    case = _pinned(tmp_path, PINNED.replace('pages: "3"', 'pages: "9"'))
    found = [p for p in lint_manifest(case).problems if p.code == "pin-out-of-range"]
    assert found and found[0].path == "chronology[#1].exhibits[record].pages" and "has 4 pages" in found[0].message
    with pytest.raises(CaseError):
        build_packet(case, tmp_path / "p.pdf")
