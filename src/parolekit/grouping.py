"""The order exhibits are filed in, the groups they are filed under, and the labels they carry."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import label, letter_label
from .model import Manifest

# Headings when the index is grouped by `category` (in this order); the `Category` values.
CATEGORY_TITLES = {
    "identity": "Identity documents", "family": "Family relationship", "medical": "Medical evidence",
    "financial": "Financial support", "country-conditions": "Country conditions",
    "legal": "Legal documents", "other": "Other evidence",
}
DECLARATIONS, OTHER = "_declarations", "_other"  # declarations and exhibits no group claims


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    prefix: str | None = None  # per-section labels: "B" labels its exhibits B-1, B-2, ...


@dataclass(frozen=True)
class Item:
    """A declaration or an exhibit, in the order the packet files it."""

    kind: str  # declaration | exhibit
    index: int  # in the manifest's list
    id: str
    group: str = ""  # its Group's key; "" when the packet is not grouped


def mode(m: Manifest) -> str | None:
    """"sections", "category" or None: what the index and bookmarks are grouped by."""
    return m.output.group_by or ("sections" if m.sections else None)


def groups(m: Manifest) -> list[Group]:
    """Every group a packet may have, in filing order (empty ones included)."""
    how = mode(m)
    if how is None:
        return []
    out = [Group(DECLARATIONS, "Declarations")]
    if how == "sections":
        out += [Group(s.id, s.title, s.label) for s in m.sections]
    else:
        out += [Group(k, t) for k, t in CATEGORY_TITLES.items() if k != "other"]
    return out + [Group(OTHER, "Other evidence")]


def _group_of(m: Manifest, how: str | None, item, declaration: bool) -> str:
    if how is None:
        return ""
    known = {s.id for s in m.sections} if how == "sections" else set(CATEGORY_TITLES) - {"other"}
    key = item.section if how == "sections" else (None if declaration else item.category)
    if key in known:
        return key
    return DECLARATIONS if declaration else OTHER


def packet_order(m: Manifest, skip: str | None = None, frozen: set[str] | None = None,
                 append: bool = False) -> list[Item]:
    """Declarations then exhibits, in manifest order; grouped, group by group (a group's
    declarations first). *skip* is an exhibit filed elsewhere (a leading notice). With *append*,
    what is not *frozen* (new since the earlier filing) goes after the rest of its group."""
    how = mode(m)
    items = [Item("declaration", i, d.id, _group_of(m, how, d, True)) for i, d in enumerate(m.declarations)]
    items += [Item("exhibit", i, e.id, _group_of(m, how, e, False)) for i, e in enumerate(m.exhibits)
              if e.id != skip]
    rank = {g.key: n for n, g in enumerate(groups(m))}
    key = (lambda it: (rank.get(it.group, 0), append and it.id not in (frozen or ())))
    return sorted(items, key=key)  # stable: manifest order within a group


def labels(m: Manifest, items: list[Item], earlier: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """Each item's label: "A", "B"... (or 1, 2...) through the packet, "B-1", "B-2"... within a
    section that has `label:`. An *earlier* filing's labels (output.freeze) stay with their ids;
    a new item takes the label before it with a suffix ("12A", "C-1"), or, appended, the next."""
    prefix = {g.key: g.prefix for g in groups(m) if g.prefix}
    style = m.output.labels
    fresh: dict[str, str] = {}
    n, within = 0, {}
    for it in items:
        if it.group in prefix:
            within[it.group] = within.get(it.group, 0) + 1
            fresh[it.id] = f"{prefix[it.group]}-{within[it.group]}"
        else:
            n += 1
            fresh[it.id] = label(n, style)
    if not earlier:
        return fresh
    kept = {i: lab for i, lab in earlier if i in fresh}
    used = set(dict(earlier).values())
    out: dict[str, str] = {}
    previous = ""
    for it in items:
        if it.id in kept:
            out[it.id] = previous = kept[it.id]
        elif m.output.freeze_new == "append":
            out[it.id] = _next(prefix.get(it.group), style, used)
        else:  # new items after the same earlier one: 12A, 12B (C-1, C-2)
            out[it.id] = _after(previous or "0", used)
        used.add(out[it.id])
    return out


def _after(previous: str, used: set[str]) -> str:
    """The first free label inserted after *previous*: "12" -> "12A", "C" -> "C-1"."""
    k = 1
    while True:
        candidate = previous + (letter_label(k) if previous[-1].isdigit() else f"-{k}")
        if candidate not in used:
            return candidate
        k += 1


def _next(prefix: str | None, style: str, used: set[str]) -> str:
    """The label after the highest one in use, in the same series."""
    if prefix:
        ks = [int(u.rpartition("-")[2]) for u in used if u.startswith(prefix + "-") and u.rpartition("-")[2].isdigit()]
        return _free(lambda k: f"{prefix}-{k}", max(ks, default=0) + 1, used)
    if style == "numbers":
        return _free(str, max((int(u) for u in used if u.isdigit()), default=0) + 1, used)
    top = max((_letter_index(u) for u in used if u.isalpha() and u.isupper()), default=0)
    return _free(letter_label, top + 1, used)


def _free(make, k: int, used: set[str]) -> str:
    while make(k) in used:
        k += 1
    return make(k)


def _letter_index(value: str) -> int:
    n = 0
    for ch in value:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n
