"""Lint rules for a response to a notice, documents that cannot be had, and the financial plan."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

from ..intake import Source
from ..manifest import Case, is_inline_text
from ..money import amount_text, line_total, totals
from ..plan import PinError
from ..response import notice_title, page_ranges
from ..selection import source_numbers
from .catalogue import Need, emit
from .evidence import satisfied

AFFIDAVIT_TAGS = {"affidavit", "declaration"}


def today() -> dt.date:
    """The date a build or lint runs on; SOURCE_DATE_EPOCH (reproducible builds, tests) sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def check_due(case: Case, _sources: list[Source] | None = None) -> None:
    """A response built after its due date, or within `warn_days` of it (build and lint)."""
    r = case.manifest.response
    if r is None or r.due_date is None or r.due_date < r.notice_date:
        return  # (a due date before the notice is an error of its own)
    now, due = today(), r.due_date
    left = (due - now).days
    title = notice_title(r)
    if left < 0:
        emit(case, ("response", "due_date"), "response-late",
             f"the response to the {title} was due {due.isoformat()}, {-left} day"
             f"{'s' if left != -1 else ''} ago; file at once, and say in the cover letter why it is "
             "late (a late response to an RFE or NOID is usually decided on the record as it was)")
    elif left <= r.warn_days:
        emit(case, ("response", "due_date"), "response-due-soon",
             f"the response to the {title} is due {due.isoformat()}, in {left} day"
             f"{'s' if left != 1 else ''}; allow time for mailing or upload (response.warn_days sets "
             "this warning)")
    if case.manifest.case.date > due:
        emit(case, ("case", "date"), "response-late",
             f"the packet is dated {case.manifest.case.date.isoformat()}, after the response's due "
             f"date {due.isoformat()}; fix the date or explain the delay in the cover letter")


def check_response(case: Case, sources: list[Source]) -> None:
    """Every ground answered and backed by evidence; pins within the pages the inputs have."""
    m = case.manifest
    check_due(case)
    if m.response is not None:
        for i, g in enumerate(m.response.grounds):
            if not g.answer:
                emit(case, ("response", "grounds", i), "response-ground-unanswered",
                     f"ground '{g.id}' has no answer; write `answer:` (Markdown; it may cite('id', "
                     "page)), since a ground left unanswered is usually a ground conceded")
            if not g.exhibits:
                emit(case, ("response", "grounds", i), "response-ground-unsupported",
                     f"ground '{g.id}' cites no evidence; list under `exhibits:` what answers it "
                     "(with `pages:` where the answer is on particular pages)")
        _check_motion_form(case)
    _check_pins(case, sources)
    _check_text_pins(case, sources)
    _check_brief_notes(case)
    _check_unavailable(case)
    _check_budget(case)


def _check_motion_form(case: Case) -> None:
    r = case.manifest.response
    if r is None or not r.kind.startswith("motion-"):
        return
    if not satisfied(case, Need(forms=["I-290B"], tags=["i-290b"])):
        what = "reopen" if r.kind == "motion-to-reopen" else "reconsider"
        emit(case, ("response", "kind"), "response-motion-form-missing",
             f"a motion to {what} a USCIS decision is filed on Form I-290B (with its fee); add it "
             "under `forms:` with `name: I-290B`")


def _numbering(case: Case, sources: list[Source]) -> dict[str, tuple[set[int], int]]:
    """Each exhibit's citable page numbers (as its source numbers them, after `pages:`) and how
    many pages it has in all; declarations rendered from text are left out (their length is
    known only once rendered), as are inputs that could not be read (reported already)."""
    m = case.manifest
    by_ref = {src.ref: src for src in sources}
    out: dict[str, tuple[set[int], int]] = {}
    items = [(d.id, [("declarations", i, "signed_file")]) for i, d in enumerate(m.declarations) if d.signed_file]
    items += [(e.id, [("exhibits", i, "files", j) for j in range(len(e.files))] if e.files else
               [("exhibits", i, "file")]) for i, e in enumerate(m.exhibits) if not e.unavailable]
    for ident, refs in items:
        if all(ref in by_ref for ref in refs):
            files = [by_ref[ref] for ref in refs]
            out[ident] = ({n for nums in source_numbers(files) for n in nums},
                          sum(src.page_count for src in files))
    return out


def _check_pins(case: Case, sources: list[Source]) -> None:
    m = case.manifest
    numbering = _numbering(case, sources)
    pins: list[tuple[tuple, str, str]] = []
    if m.response:
        for i, g in enumerate(m.response.grounds):
            pins += [(("response", "grounds", i, "exhibits", j), p.id, p.pages)
                     for j, p in enumerate(g.exhibits) if p.pages]
            if g.page:
                pins.append((("response", "grounds", i, "page"), m.response.notice, str(g.page)))
    if m.budget:
        for section in ("costs", "resources"):
            for i, line in enumerate(getattr(m.budget, section)):
                pins += [(("budget", section, i, "exhibits", j), p.id, p.pages)
                         for j, p in enumerate(line.exhibits) if p.pages]
    for part in ("chronology", "claims"):
        for i, item in enumerate(getattr(m, part)):
            pins += [((part, i, "exhibits", j, "pages"), p.id, p.pages) for j, p in enumerate(item.exhibits)
                     if not isinstance(p, str) and p.pages]
    for ref, ident, spec in pins:
        if ident not in numbering:
            continue
        have, total = numbering[ident]
        for first, last in page_ranges(spec):
            missing = next((n for n in range(first, last + 1) if n not in have), None)
            if missing is not None:
                emit(case, ref, "pin-out-of-range", f"{PinError(ident, missing, total)} (pages are the "
                     "document's own, as its source numbers them, counted across `files:`)")
                break


# cite('id', 17), cite_short("id", page="3-4"): a pin written with literal arguments in a text.
_TEXT_PIN = re.compile(r"""cite(?:_short)?\(\s*['"]([^'"]+)['"]\s*,\s*(?:page\s*=\s*)?"""
                       r"""(?:(\d+)|['"]([\d\s,\-\u2013]+)['"])\s*\)""")


def _texts(case: Case) -> list[tuple[tuple, str | None, str]]:
    """(manifest key, file it was read from or None, Markdown) of every text that may cite()."""
    m = case.manifest
    out: list[tuple[tuple, str | None, str]] = []
    values: list[tuple[tuple, str]] = []
    cl = m.cover_letter
    if cl and cl.body:
        values.append((("cover_letter", "body"), cl.body))
    for key in ("file", "template"):
        if cl and getattr(cl, key):
            out.append((("cover_letter", key), getattr(cl, key), ""))
    if m.brief:
        out.append((("brief", "file"), m.brief.file, ""))
    for i, d in enumerate(m.declarations):
        if d.text and not d.signed_file:
            values.append((("declarations", i, "text"), d.text))
    if m.response:
        values += [(("response", "grounds", i, "answer"), g.answer) for i, g in enumerate(m.response.grounds)
                   if g.answer]
    values += [(("exhibits", i, "unavailable", "explanation"), e.unavailable.explanation)
               for i, e in enumerate(m.exhibits) if e.unavailable and e.unavailable.explanation]
    for ref, value in values:
        out.append((ref, None if is_inline_text(value) else value.strip(), value))
    read: list[tuple[tuple, str | None, str]] = []
    for ref, file, value in out:
        text = value if file is None else case.input_text(ref, file)
        if text is not None:  # (a refused file is reported already)
            read.append((ref, file, text))
    return read


def _check_text_pins(case: Case, sources: list[Source]) -> None:
    """A cite('id', page) in a letter, brief, declaration or answer names a page the document
    has: the build would refuse it, so lint says so first, at the text's line."""
    numbering = _numbering(case, sources)
    for ref, file, value in _texts(case):
        for match in _TEXT_PIN.finditer(value):
            ident, spec = match.group(1), match.group(2) or match.group(3) or ""
            if ident not in numbering:
                continue  # an unknown id is the template check's to report
            have, total = numbering[ident]
            try:
                ranges = page_ranges(spec.replace("\u2013", "-"))
            except ValueError:
                continue
            missing = next((n for a, b in ranges for n in range(a, b + 1) if n not in have), None)
            if missing is not None:
                line = value.count("\n", 0, match.start()) + 1
                where = f"{file}, line {line}: " if file else (f"line {line}: " if "\n" in value else "")
                err = str(PinError(ident, missing, total))
                fix = "" if missing <= total else "; cite a page it has"
                emit(case, ref, "pin-out-of-range", f"{where}{match.group(0)}: {err}{fix}")


_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def _check_brief_notes(case: Case) -> None:
    """A footnote the brief never refers to, or defines twice, would not be printed: say so."""
    brief = case.manifest.brief
    text = case.input_text(("brief", "file"), brief.file) if brief else None
    if not text:
        return
    refs = {m.group(1).casefold() for m in _NOTE_REF.finditer(text)}
    seen: dict[str, int] = {}
    for match in _NOTE_DEF.finditer(text):
        label, line = match.group(1), text.count("\n", 0, match.start()) + 1
        key = label.casefold()
        if key in seen:
            emit(case, ("brief", "file"), "brief-footnote-unused",
                 f"{brief.file}, line {line}: footnote [^{label}] is defined again (first on line "
                 f"{seen[key]}), and only one of them is printed; give each note its own label")
        elif key not in refs:
            emit(case, ("brief", "file"), "brief-footnote-unused",
                 f"{brief.file}, line {line}: footnote [^{label}] is never referred to, so it is not "
                 f"printed; add [^{label}] to the text where the note belongs, or delete it")
        seen.setdefault(key, line)


def _check_unavailable(case: Case) -> None:
    """8 C.F.R. § 103.2(b)(2): secondary evidence in the place of a document that cannot be had,
    and, where that is not to be had either, two or more affidavits."""
    m = case.manifest
    affidavits = {d.id for d in m.declarations} | {e.id for e in m.exhibits if AFFIDAVIT_TAGS & set(e.tags)}
    for i, ex in enumerate(m.exhibits):
        u = ex.unavailable
        if u is None:
            continue
        ref = ("exhibits", i, "unavailable")
        if not u.secondary:
            emit(case, ref, "unavailable-no-secondary",
                 "no secondary evidence is offered in place of this document; cite it under "
                 "`secondary:` (a certificate of non-availability from the issuing office, other "
                 "records, or two or more affidavits of people who know the facts), as 8 C.F.R. "
                 "§ 103.2(b)(2) asks")
        elif all(s in affidavits for s in u.secondary) and len(set(u.secondary)) < 2:
            emit(case, ref, "unavailable-few-affidavits",
                 "the only secondary evidence is one affidavit; 8 C.F.R. § 103.2(b)(2) asks for two "
                 "or more affidavits (or other secondary evidence, such as a certificate of "
                 "non-availability); add another")
        if not u.efforts:
            emit(case, ref, "unavailable-no-efforts",
                 "no effort to obtain the document is recorded; list under `efforts:` what was done, "
                 "when and with what result, or say in `explanation:` why asking is impossible or unsafe")


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def _check_budget(case: Case) -> None:
    m = case.manifest
    b = m.budget
    if b is None:
        return
    parties = {_norm(x.name) for x in m.case.beneficiaries}
    if m.case.petitioner:
        parties.add(_norm(m.case.petitioner.name))
    supporters = {_norm(s.name): s for s in b.supporters}
    for section, who in (("costs", "paid_by"), ("resources", "held_by")):
        for i, line in enumerate(getattr(b, section)):
            if not line.exhibits:
                emit(case, ("budget", section, i), "budget-line-no-evidence",
                     f"'{line.item}' has no evidence; cite under `exhibits:` what shows it (a cost "
                     "estimate, a bank statement, a supporter's Form I-134)")
            payer = getattr(line, who)
            if payer and _norm(payer) not in parties and _norm(payer) not in supporters:
                emit(case, ("budget", section, i, who), "budget-payer-unknown",
                     f"'{payer}' is neither a party (the petitioner or a beneficiary) nor listed under "
                     "budget.supporters; add them there with their identity and financial evidence, "
                     "or correct the name")
    for i, s in enumerate(b.supporters):
        lacking = [k for k in (("identity", "financial") if s.kind == "person" else ("financial",))
                   if not getattr(s, k)]
        if lacking:
            emit(case, ("budget", "supporters", i), "budget-supporter-evidence",
                 f"supporter '{s.name}' has no {' and no '.join(lacking)} evidence; cite under "
                 f"`{lacking[0]}:` the exhibits that show it (an identity document; a bank statement, "
                 "tax return or Form I-134)")
    t = totals(b)
    if t.missing_rates and len(set(t.costs) | set(t.resources)) > 1:
        emit(case, ("budget",), "budget-currency-no-rate",
             f"amounts in {', '.join(t.missing_rates)} cannot be added to those in {b.currency} without "
             f"a rate, so each currency is totalled apart; add budget.rates (e.g. "
             f"{t.missing_rates[0]}: 0.04) and budget.rate_source", key=True)
    if t.combined_costs is not None and (t.combined_resources or 0) < t.combined_costs:
        emit(case, ("budget",), "budget-shortfall",
             f"the resources shown ({amount_text(t.combined_resources or 0, t.base)}) fall short of the "
             f"costs ({amount_text(t.combined_costs, t.base)}); add the evidence of who pays the rest",
             key=True)
    elif t.combined_costs is None:
        for cur in [c for c in t.costs if t.balance(c) < 0]:
            emit(case, ("budget",), "budget-shortfall",
                 f"the resources shown in {cur} ({amount_text(t.resources.get(cur, 0), cur)}) fall "
                 f"short of the costs ({amount_text(t.costs[cur], cur)}); add the evidence of who pays "
                 "the rest", key=True)
    _check_stated_totals(case)


_AMOUNT = re.compile(r"(?:US\$|\$|\bUSD\s?)\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{2})?")
_TOTAL_WORDS = re.compile(r"\b(total|totals|in all|altogether|overall)\b", re.I)


def _check_stated_totals(case: Case) -> None:
    """A total written into the letter or an answer by hand that the budget does not compute."""
    m = case.manifest
    b = m.budget
    assert b is not None
    t = totals(b)
    known = {v for v in (*t.costs.values(), *t.resources.values(), t.combined_costs, t.combined_resources)
             if v is not None}
    known |= {line_total(x) for x in (*b.costs, *b.resources)} | {x.amount for x in (*b.costs, *b.resources)}
    texts: list[tuple[tuple, str]] = []
    cl = m.cover_letter
    if cl and cl.body:
        texts.append((("cover_letter", "body"), cl.body))
    elif cl and cl.file and (letter := case.input_text(("cover_letter", "file"), cl.file)) is not None:
        texts.append((("cover_letter", "file"), letter))
    if m.response:
        texts += [(("response", "grounds", i, "answer"), g.answer) for i, g in enumerate(m.response.grounds)
                  if g.answer]
    for ref, body in texts:
        for sentence in re.split(r"(?<=[.;!?])\s+|\n\s*\n", body):
            if not _TOTAL_WORDS.search(sentence):
                continue
            for match in _AMOUNT.finditer(sentence):
                value = Decimal(match[1].replace(",", "") + (match[2] or ""))
                if value not in known:
                    emit(case, ref, "budget-total-mismatch",
                         f"it states a total of ${match[1]}{match[2] or ''}, which is no total the "
                         "budget computes; print the computed one with {{ budget.total_costs }} (or "
                         "{{ budget.costs.USD }}) so the two cannot differ")
