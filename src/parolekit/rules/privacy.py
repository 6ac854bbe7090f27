"""Privacy rules: identifiers that should never sit in a manifest kept in git and CI logs."""

from __future__ import annotations

import bisect
import re

from ..intake import Source
from ..manifest import Case
from ..model import birth_date_private

_SSN = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
_SSN_CONTEXT = re.compile(r"\b(ssn|ss#|s\.s\.n\.?|social[\s-]+security|seguro\s+social|itin|tin)\b", re.I)
_NINE = re.compile(r"(?<![\w-])(\d{3})[\s-]?(\d{2})[\s-]?(\d{4})(?![\w-])")
_CARD = re.compile(r"(?<![\w+.-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\w-])")
_ACCOUNT_CONTEXT = re.compile(r"\b(account|acct|a/c|cuenta|routing|aba|bank)\b", re.I)
_ACCOUNT = re.compile(r"(?<![\w.-])\d(?:-?\d){7,16}(?![\w-])")
_ISO_DATE = re.compile(r"(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")  # "bank rate, 2026-11-20"
# "11-20-2026" and "20-11-2026": dates too, not account numbers.
_DASHED_DATE = re.compile(r"(0?[1-9]|[12]\d|3[01])-(0?[1-9]|[12]\d|3[01])-(19|20)\d{2}")
# Values that are names, not prose: ids and the files and exhibits they name. A number in them
# is a scanner's counter or a date ("bank/20261120.pdf"), and "bank" in them ("id: bank-letter")
# is no sign that a number beside it is an account number.
_NAME_KEYS = frozenset({"id", "file", "signed_file", "template", "notice", "earlier_receipt", "password_env"})
_NAME_LISTS = frozenset({"files", "exhibits", "secondary", "identity", "financial"})
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _valid_ssn(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and group != "00" and serial != "0000"


def _is_name(path: tuple) -> bool:
    if not path:
        return False
    if isinstance(path[-1], str):
        return path[-1] in _NAME_KEYS
    return len(path) > 2 and path[-2] in _NAME_LISTS  # not the top-level `exhibits:` list itself


def _name_spans(case: Case) -> dict[int, list[tuple[int, int]]]:
    """Per line, the 0-based column spans of name values: from where one starts to where the
    next key or value on its line starts (or a comment, or the line's end)."""
    starts: dict[int, list[int]] = {}
    for line, col in [*case.located.values.values(), *case.located.keys.values()]:
        starts.setdefault(line, []).append(col - 1)
    spans: dict[int, list[tuple[int, int]]] = {}
    for path, (line, col) in case.located.values.items():
        if _is_name(path):
            after = [c for c in starts[line] if c > col - 1]
            spans.setdefault(line, []).append((col - 1, min(after) if after else 1 << 30))
    return spans


class _Locator:
    """The key path of the manifest value at, or just before, a line and column."""

    def __init__(self, case: Case):
        marks = sorted({(pos, path) for path, pos in case.located.values.items()}, key=lambda t: t[0])
        self.positions = [pos for pos, _ in marks]
        self.paths = [path for _, path in marks]
        self.case = case

    def keypath(self, line: int, col: int) -> str:
        i = bisect.bisect_right(self.positions, (line, col)) - 1
        return self.case.keypath(self.paths[i]) if i >= 0 else ""


def _emit_at_key(case: Case, loc: _Locator, line: int, col: int, code: str, message: str,
             comment: bool = False) -> None:
    kp = "" if comment else loc.keypath(line, col)
    if comment:
        message = "in a comment, " + message
    case.problems.add(line, col, code, f"{kp}: {message}" if kp else message, kp)


def _date_forms(d) -> list[str]:
    month = _MONTHS[d.month - 1]
    return [d.isoformat(), f"{d.month}/{d.day}/{d.year}", f"{d.month:02d}/{d.day:02d}/{d.year}",
            f"{d.day:02d}/{d.month:02d}/{d.year}", f"{month} {d.day}, {d.year}",
            f"{d.day} {month} {d.year}", f"{d.day:02d}.{d.month:02d}.{d.year}"]


def check_privacy(case: Case, _sources: list[Source]) -> None:
    try:
        text = case.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return
    loc = _Locator(case)
    lines = text.splitlines()
    names = _name_spans(case)
    for n, line in enumerate(lines, 1):
        _scan_line(case, loc, n, line, names.get(n, []))
    _minor_birth_dates(case, loc, lines)


def _scan_line(case: Case, loc: _Locator, n: int, line: str, names: list[tuple[int, int]]) -> None:
    flagged: list[tuple[int, int]] = []
    comment = line.lstrip().startswith("#")

    def _emit_at(*args) -> None:  # comments belong to no key: do not name the one above
        _emit_at_key(*args, comment=comment)

    def taken(m: re.Match) -> bool:
        return any(a < m.end() and m.start() < b for a, b in flagged)

    for m in _SSN.finditer(line):
        if _valid_ssn(*m.groups()):
            flagged.append(m.span())
            _emit_at(case, loc, n, m.start() + 1, "privacy-ssn",
                     f"a full Social Security number (ending in {m[3]}) is in the manifest; keep "
                     "at most the last four digits here (the forms carry the full number)")
    if _SSN_CONTEXT.search(line):
        for m in _NINE.finditer(line):
            if not taken(m) and _valid_ssn(*m.groups()):
                flagged.append(m.span())
                _emit_at(case, loc, n, m.start() + 1, "privacy-ssn",
                         f"a nine-digit number next to 'SSN' (ending in {m[3]}) looks like a full "
                         "Social Security number; keep at most the last four digits")
    for m in _CARD.finditer(line):
        digits = re.sub(r"\D", "", m[0])
        if 13 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 1 and not taken(m):
            flagged.append(m.span())
            _emit_at(case, loc, n, m.start() + 1, "privacy-card-number",
                     f"a full payment-card number (ending in {digits[-4:]}) is in the manifest; "
                     "keep at most the last four digits")
    for m in _IBAN.finditer(line):
        if not taken(m):
            flagged.append(m.span())
            _emit_at(case, loc, n, m.start() + 1, "privacy-account-number",
                     f"a full IBAN (ending in {m[0].replace(' ', '')[-4:]}) is in the manifest; keep "
                     "at most the last four characters")
    comment_at = line.find(" #") if not comment else -1
    cut = [(a, min(b, comment_at) if comment_at > a else b) for a, b in names]
    prose = "".join(" " if any(a <= i < b for a, b in cut) else ch for i, ch in enumerate(line))
    if _ACCOUNT_CONTEXT.search(prose):
        for m in _ACCOUNT.finditer(prose):
            digits = m[0].replace("-", "")
            if not taken(m) and 8 <= len(digits) <= 17 and not _ISO_DATE.fullmatch(m[0]) and \
                    not _DASHED_DATE.fullmatch(m[0]):
                flagged.append(m.span())
                _emit_at(case, loc, n, m.start() + 1, "privacy-account-number",
                         f"a full account number (ending in {digits[-4:]}) is in the manifest; "
                         "write it as '****' plus the last four digits")


def _minor_birth_dates(case: Case, loc: _Locator, lines: list[str]) -> None:
    m = case.manifest
    for i, person in enumerate(m.case.beneficiaries):
        birth = person.birth_date
        if not birth_date_private(birth, m.case.date):
            continue
        ref = ("case", "beneficiaries", i, "birth_date")
        own = case.where(ref)
        case.add(ref, "privacy-minor-birth-date",
                 f"beneficiary {i + 1} is a minor and this is their full date of birth; parolekit uses it "
                 "only to apply the rules for minors. Keep this manifest in a private repository, "
                 "keep lint output out of public CI logs, and do not repeat the date elsewhere")
        forms = _date_forms(birth)
        # Other date fields may fall on the same day (a packet dated on a birthday): not a repeat.
        fields = {pos for path, pos in case.located.values.items()
                  if path and path[-1] in ("date", "birth_date")}
        for n, line in enumerate(lines, 1):
            for form in forms:
                start = line.find(form)
                while start >= 0:
                    before = line[start - 1] if start else " "
                    after = line[start + len(form)] if start + len(form) < len(line) else " "
                    if not (before.isdigit() or after.isdigit()) and (n, start + 1) != own \
                            and (n, start + 1) not in fields:
                        _emit_at_key(case, loc, n, start + 1, "privacy-minor-birth-date",
                                 f"this repeats the full date of birth of beneficiary {i + 1}, a minor; "
                                 "remove it, or give only the year")
                    start = line.find(form, start + 1)
