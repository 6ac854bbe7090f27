"""Evidence-gap rules per case kind, interpreted from the data files (not written as code)."""

from __future__ import annotations

import difflib
import re

from ..intake import Source
from ..manifest import Case
from ..model import is_minor
from .catalogue import EvidencePack, emit, EvidenceRule, Need, evidence_packs, tag_vocabulary


def _form_pattern(name: str) -> re.Pattern:
    # "I-131" matches "I-131", "i131", "Form I 131 (parole)"; not "I-131A", a different form.
    letters, _, digits = name.upper().partition("-")
    return re.compile(rf"(?<![A-Z0-9]){re.escape(letters)}[\s-]?{re.escape(digits)}(?![A-Z0-9])", re.I)


def _items(case: Case):
    """(tags, category, beneficiary) for every exhibit and declaration."""
    m = case.manifest
    for ex in m.exhibits:
        yield set(ex.tags), ex.category, ex.beneficiary
    for decl in m.declarations:
        yield set(decl.tags), None, None


def _for_person(assigned: int | None, n: int | None, people: int) -> bool:
    # With one beneficiary everything is theirs; with several, only what names them.
    return n is None or people == 1 or assigned == n


def satisfied(case: Case, need: Need, n: int | None = None) -> bool:
    people = len(case.manifest.case.beneficiaries)
    for pattern in map(_form_pattern, need.forms):
        for form in case.manifest.forms:
            if pattern.search(form.name) and _for_person(form.beneficiary, n, people):
                return True
    tags, cats = set(need.tags), set(need.categories)
    for item_tags, category, assigned in _items(case):
        if (item_tags & tags or category in cats) and _for_person(assigned, n, people):
            return True
    return False


def filing_kind(case: Case) -> str:
    """"response" for an answer to a notice or a motion; a renewed request after a denial is a
    new request ("initial"): it is filed whole again, forms and all."""
    r = case.manifest.response
    return "initial" if r is None or r.kind == "denial" else "response"


def _fill(text: str, **values: object) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _apply(case: Case, pack: EvidencePack, rule: EvidenceRule) -> None:
    m = case.manifest
    filing = filing_kind(case)
    if rule.when.filing not in ("any", filing):
        return
    if rule.when.reasons and not set(rule.when.reasons) & set(m.case.reasons):
        return
    if rule.when.petitioner is not None and rule.when.petitioner != (m.case.petitioner is not None):
        return
    cite = f" ({pack.kind} evidence, as of {pack.as_of.isoformat()}: {rule.source})"
    if rule.for_ == "each-reason":
        for i, reason in enumerate(m.case.reasons):
            need = (rule.need_by_reason or {}).get(reason)
            if need is None or satisfied(case, need):
                continue
            tag = need.tags[0] if need.tags else reason
            emit(case, ("case", "reasons", i), rule.code,
                 f"evidence gap: {_fill(rule.missing, reason=reason)}; "
                 f"{_fill(rule.fix, tag=tag, reason=reason)}{cite}")
        return
    assert rule.need is not None
    if rule.for_ == "case":
        if not satisfied(case, rule.need):
            reason = next((r for r in rule.when.reasons if r in m.case.reasons), None)
            ref = ("case", "reasons", m.case.reasons.index(reason)) if reason else \
                ("case", "petitioner") if rule.when.petitioner else ("case", "kind")
            emit(case, ref, rule.code, f"evidence gap: {rule.missing}; "
                 f"{_fill(rule.fix, n=1)}{cite}")
        return
    people = m.case.beneficiaries
    for i, person in enumerate(people):
        if rule.for_ == "each-minor-beneficiary" and not is_minor(person.birth_date, m.case.date):
            continue
        if satisfied(case, rule.need, i + 1):
            continue
        # By position, not name: lint output lands in CI logs and pull-request annotations.
        who = "the beneficiary" if len(people) == 1 else f"beneficiary {i + 1}"
        emit(case, ("case", "beneficiaries", i), rule.code,
             f"evidence gap for {who}: {rule.missing}; {_fill(rule.fix, n=i + 1)}{cite}")


def check_evidence(case: Case, _sources: list[Source]) -> None:
    pack = evidence_packs().get(case.manifest.case.kind)
    if pack is None:
        return
    for rule in pack.rules:
        _apply(case, pack, rule)


def check_tags(case: Case, _sources: list[Source]) -> None:
    """A tag one typo away from a known tag would silently fail its evidence rule."""
    known = list(tag_vocabulary())
    for section in ("exhibits", "declarations"):
        for i, item in enumerate(getattr(case.manifest, section)):
            for j, tag in enumerate(item.tags):
                if tag in known:
                    continue
                close = difflib.get_close_matches(tag, known, n=1, cutoff=0.8)
                if close:
                    emit(case, (section, i, "tags", j), "tag-misspelt",
                         f"unknown tag '{tag}'; did you mean '{close[0]}'? Evidence rules only "
                         "recognise the tags listed in docs/rules.md")
