"""What changed between two builds, read from their receipts: exhibits added, removed, changed or moved."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import CaseError, display_path

_EXHIBIT_KEY = re.compile(r"^(?:exhibits|declarations)\[([a-z0-9][a-z0-9-]*)\]")


@dataclass(frozen=True)
class Change:
    """One exhibit's fate: added | removed | changed | moved | unchanged, with old and new places."""

    id: str
    status: str
    title: str
    old_label: str = ""
    new_label: str = ""
    old_pages: str = ""
    new_pages: str = ""
    files: tuple[str, ...] = ()  # inputs whose content differs (changed)


@dataclass
class Changes:
    old: str
    new: str
    exhibits: list[Change] = field(default_factory=list)
    old_total: int = 0
    new_total: int = 0

    def count(self, status: str) -> int:
        return sum(1 for c in self.exhibits if c.status == status)

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "old_pages": self.old_total, "new_pages": self.new_total,
                "exhibits": [asdict(c) | {"files": list(c.files)} for c in self.exhibits]}


def _load(path: Path) -> dict:
    """A receipt as written beside a packet; a CaseError (exit 1) that says what is wrong."""
    shown = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CaseError(f"{shown}: no such receipt; name the .receipt.json written beside a packet") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CaseError(f"{shown}: cannot be read ({getattr(e, 'strerror', None) or e})") from None
    except json.JSONDecodeError as e:
        raise CaseError(f"{shown}: is not JSON (line {e.lineno}: {e.msg}); name the .receipt.json "
                        "written beside a packet") from None
    if not isinstance(data, dict) or not isinstance(data.get("exhibits"), list) or \
            not isinstance(data.get("inputs"), list):
        raise CaseError(f"{shown}: is not a parolekit receipt (no `exhibits` and `inputs`)")
    return data


def _span(e: dict) -> str:
    start, end = e.get("start"), e.get("end")
    return f"{start}" if start == end else f"{start}\u2013{end}"


def _hashes(receipt: dict) -> dict[str, dict[str, str]]:
    """Input hashes by exhibit id: {key: sha256} for every input of that exhibit or declaration."""
    out: dict[str, dict[str, str]] = {}
    for item in receipt["inputs"]:
        if isinstance(item, dict) and (m := _EXHIBIT_KEY.match(str(item.get("key", "")))):
            out.setdefault(m[1], {})[str(item["key"])] = str(item.get("sha256", ""))
    return out


def compare_receipts(old_path: Path, new_path: Path) -> Changes:
    """Match exhibits by id: new ids were added, lost ids removed; an input whose hash differs
    (or a page count that differs) is changed; a new label or first page is moved."""
    old, new = _load(old_path), _load(new_path)
    before = {str(e.get("id")): e for e in old["exhibits"] if isinstance(e, dict)}
    after = {str(e.get("id")): e for e in new["exhibits"] if isinstance(e, dict)}
    old_hashes, new_hashes = _hashes(old), _hashes(new)
    out = Changes(display_path(old_path), display_path(new_path),
                  old_total=int((old.get("output") or {}).get("pages") or 0),
                  new_total=int((new.get("output") or {}).get("pages") or 0))
    for ident, e in after.items():
        if ident not in before:
            out.exhibits.append(Change(ident, "added", str(e.get("title", "")), new_label=str(e.get("label", "")),
                                       new_pages=_span(e)))
            continue
        was = before[ident]
        a, b = old_hashes.get(ident, {}), new_hashes.get(ident, {})
        differ = tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
        status = "changed" if differ or was.get("pages") != e.get("pages") else \
            "moved" if (was.get("label"), was.get("start")) != (e.get("label"), e.get("start")) else "unchanged"
        out.exhibits.append(Change(ident, status, str(e.get("title", "")), str(was.get("label", "")),
                                   str(e.get("label", "")), _span(was), _span(e), differ))
    for ident, was in before.items():
        if ident not in after:
            out.exhibits.append(Change(ident, "removed", str(was.get("title", "")),
                                       old_label=str(was.get("label", "")), old_pages=_span(was)))
    return out
