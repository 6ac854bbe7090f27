"""Rules on what the manifest says: dates that contradict each other, citations, declarations."""

from __future__ import annotations

import datetime as dt
import re

from ..intake import Source
from ..manifest import Case
from ..model import cited_id
from .catalogue import emit, places


def date_range(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a chronology date (YYYY, YYYY-MM or YYYY-MM-DD) may stand for."""
    parts = [int(p) for p in text.strip().split("-")]
    year = parts[0]
    if len(parts) == 1:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return dt.date(year, month, 1), nxt - dt.timedelta(days=1)
    day = dt.date(year, month, parts[2])
    return day, day


def check_dates(case: Case, _sources: list[Source]) -> None:
    m = case.manifest
    packet = m.case.date
    shown = packet.isoformat()
    for i, b in enumerate(m.case.beneficiaries):
        if b.birth_date and b.birth_date > packet:
            emit(case, ("case", "beneficiaries", i, "birth_date"), "birth-date-after-packet",
                 f"born {b.birth_date.isoformat()}, after the packet date {shown}; check the year")
    latest: tuple[dt.date, int] | None = None
    for i, event in enumerate(m.chronology):
        start, end = date_range(event.date)
        where = ("chronology", i, "date")
        if start > packet and not event.planned:
            emit(case, where, "chronology-future",
                 f"'{event.date}' is after the packet date {shown}; fix the date, or add "
                 "`planned: true` if this event is still to come")
        elif event.planned and end < packet:
            emit(case, where, "chronology-planned-past",
                 f"'{event.date}' is marked planned but is before the packet date {shown}; "
                 "record what happened (and remove `planned: true`) or update the date")
        if latest is not None and end < latest[0]:
            emit(case, where, "chronology-out-of-order",
                 f"'{event.date}' comes before the previous event (line "
                 f"{case.where(('chronology', latest[1], 'date'))[0]}); the chronology prints in "
                 "manifest order, so move this event up or check its year")
        if latest is None or start >= latest[0]:
            latest = (start, i)
    for i, ex in enumerate(m.exhibits):
        if ex.date and ex.date > packet:
            emit(case, ("exhibits", i, "date"), "document-after-packet",
                 f"the document is dated {ex.date.isoformat()}, after the packet date {shown}; "
                 "fix whichever date is wrong")
    for i, decl in enumerate(m.declarations):
        if decl.executed and decl.executed.date and decl.executed.date > packet:
            emit(case, ("declarations", i, "executed", "date"), "declaration-after-packet",
                 f"executed {decl.executed.date.isoformat()}, after the packet date {shown}; "
                 "a declaration is made when signed: fix the date or move the packet date")


def check_beneficiaries(case: Case) -> None:
    """`beneficiary: N` on an exhibit must name one of the case's beneficiaries."""
    count = len(case.manifest.case.beneficiaries)
    for i, ex in enumerate(case.manifest.exhibits):
        if ex.beneficiary is not None and ex.beneficiary > count:
            emit(case, ("exhibits", i, "beneficiary"), "exhibit-beneficiary-unknown",
                 f"there is no beneficiary {ex.beneficiary} (the case lists {count}); fix the "
                 "number, or the evidence rules will not count this exhibit for anyone")


_CITE = re.compile(r"""\bcite(?:_short)?\(\s*['"]([a-z0-9][a-z0-9-]*)['"]\s*[,)]""")


def letter_citations(case: Case) -> set[str]:
    """Ids the cover letter cites with cite('id') or cite_short('id'), in its body or template."""
    cl = case.manifest.cover_letter
    if cl is None:
        return set()
    texts = [cl.body or ""]
    for key in ("file", "template"):
        relative = getattr(cl, key)
        if relative and (found := case.input_text(("cover_letter", key), relative)) is not None:
            texts.append(found)  # (a refused file is reported by the file checks)
    return {ref for text in texts for ref in _CITE.findall(text)}


def check_references(case: Case, _sources: list[Source]) -> None:
    m = case.manifest
    check_beneficiaries(case)
    from_letter = letter_citations(case)
    from_response = response_citations(case)
    if not m.chronology and not m.claims and not from_letter and not from_response:
        if len(m.exhibits) + len(m.declarations) > 0:
            emit(case, ("exhibits",), "no-citations",
                 "nothing ties the exhibits to what they prove; add `claims:` (each claim with "
                 "the exhibits that support it) or a `chronology:` citing them", key=True)
        return
    cited = {cited_id(ref) for event in m.chronology for ref in event.exhibits}
    cited |= {cited_id(ref) for claim in m.claims for ref in claim.exhibits} | from_letter | from_response
    for section, noun in (("declarations", "declaration"), ("exhibits", "exhibit")):
        for i, item in enumerate(getattr(m, section)):
            identity = section == "exhibits" and (item.category == "identity" or
                                                  "identity-document" in item.tags)
            background = section == "exhibits" and item.background
            if item.id in cited or identity or background:  # identity documents prove themselves
                continue
            if m.response:
                emit(case, (section, i, "id"), "exhibit-uncited",
                     f"no ground of the response, claim, chronology event or cite() cites this {noun}; "
                     f"cite '{item.id}' under the ground it answers, or mark it `background: true` if "
                     "it is filed for context")
            else:
                emit(case, (section, i, "id"), "exhibit-uncited",
                     f"no claim, chronology event or cover-letter cite() cites this {noun}; cite "
                     f"'{item.id}' where it supports a claim or event, or remove it if it does not")


def response_citations(case: Case) -> set[str]:
    """Ids a response, budget or unavailable document cites: what answers a ground counts as cited."""
    m = case.manifest
    out: set[str] = set()
    if m.response:
        out.add(m.response.notice)
        for g in m.response.grounds:
            out |= {p.id for p in g.exhibits} | set(_CITE.findall(g.answer or ""))
    if m.budget:
        out |= {p.id for line in (*m.budget.costs, *m.budget.resources) for p in line.exhibits}
        out |= {ref for s in m.budget.supporters for ref in (*s.identity, *s.financial)}
    for ex in m.exhibits:
        if ex.unavailable:
            out |= set(ex.unavailable.secondary) | set(_CITE.findall(ex.unavailable.explanation or ""))
    return out


_ZIP = re.compile(r"[\s\d-]+$")


def place_country(place: str) -> str | None:
    """'us' or 'abroad' when the last part of *place* names a U.S. place or another country."""
    us, abroad = (frozenset(map(_norm, names)) for names in places())
    text = place.strip().rstrip(".")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    candidates = [parts[-1], _ZIP.sub("", parts[-1]).strip()]
    if len(parts) >= 2:
        candidates.append(", ".join(parts[-2:]))  # "Washington, D.C."
    keys = [_norm(c) for c in candidates]
    if any(k in us for k in keys):
        return "us"
    if any(k in abroad for k in keys):
        return "abroad"
    return None


def _norm(name: str) -> str:
    return " ".join(name.lower().replace(".", "").split())


def check_legal(case: Case, _sources: list[Source]) -> None:
    for i, decl in enumerate(case.manifest.declarations):
        executed = decl.executed
        if executed is None or not executed.place:
            continue
        where = place_country(executed.place)
        explicit = ("declarations", i, "executed", "in_us") in case.located.values
        ref = ("declarations", i, "executed", "in_us" if explicit else "place")
        if where == "abroad" and executed.in_us:
            how = "says `in_us: true`" if explicit else "does not set `in_us`, which defaults to true"
            emit(case, ref, "declaration-abroad-marked-in-us",
                 f"executed in '{executed.place}', outside the United States, but {how}; set "
                 "`in_us: false` so the declaration uses the 28 U.S.C. § 1746(1) wording "
                 "(\"under the laws of the United States of America\")")
        elif where == "us" and not executed.in_us:
            emit(case, ref, "declaration-in-us-marked-abroad",
                 f"executed in '{executed.place}', in the United States, but says `in_us: false`; set "
                 "`in_us: true` (28 U.S.C. § 1746(2)) or correct the place")
