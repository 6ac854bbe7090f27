"""The notice a packet answers: its name in words, the letter's opening, pins, and what is new since the earlier filing."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .model import Manifest, Pin, Response
from .plan import PagePlan
from .render.words import long_date

# What each kind of notice is called in a letter, and how the letter opens.
NOTICE_NAMES = {
    "rfe": "Request for Evidence",
    "noid": "Notice of Intent to Deny",
    "denial": "decision",
    "motion-to-reopen": "decision",
    "motion-to-reconsider": "decision",
}
SUBJECTS = {
    "rfe": "Response to Request for Evidence",
    "noid": "Response to Notice of Intent to Deny",
    "denial": "Renewed request following denial",
    "motion-to-reopen": "Motion to reopen",
    "motion-to-reconsider": "Motion to reconsider",
}
_OPENINGS = {
    "rfe": "In response to the Request for Evidence dated {date}{receipt}, we respectfully submit the "
           "enclosed evidence, which answers each ground of the request in turn.",
    "noid": "In response to the Notice of Intent to Deny dated {date}{receipt}, we respectfully submit "
            "the enclosed evidence and argument, which answer each ground of the notice in turn.",
    "denial": "Following the decision dated {date}{receipt}, which denied the earlier request, we "
              "respectfully submit a renewed request with the enclosed evidence, which addresses each "
              "ground of the denial in turn.",
    "motion-to-reopen": "We respectfully move to reopen the decision dated {date}{receipt}, on the new "
                        "facts shown by the enclosed evidence (8 C.F.R. § 103.5(a)(2)); each ground of "
                        "the decision is answered in turn.",
    "motion-to-reconsider": "We respectfully move for reconsideration of the decision dated {date}{receipt}, "
                            "which rests on an incorrect application of law or policy (8 C.F.R. "
                            "§ 103.5(a)(3)); each ground of the decision is answered in turn.",
}


def front_notice(m: Manifest) -> str | None:
    """The id of the notice when it leads the packet (before the cover letter, not an exhibit)."""
    return m.response.notice if m.response and m.response.notice_first else None


def notice_title(r: Response) -> str:
    """"Request for Evidence dated November 2, 2026" (a denial: "Decision dated ...")."""
    name = NOTICE_NAMES[r.kind]
    return f"{name[0].upper()}{name[1:]} dated {long_date(r.notice_date)}"


def opening(r: Response) -> str:
    """The cover letter's first sentence for this kind of notice."""
    receipt = f", receipt number {r.receipt_number}" if r.receipt_number else ""
    return _OPENINGS[r.kind].format(date=long_date(r.notice_date), receipt=receipt)


def page_ranges(pages: str | None) -> list[tuple[int, int]]:
    """"2-3, 5" as [(2, 3), (5, 5)]; the model has checked the form."""
    out = []
    for chunk in (pages or "").split(","):
        first, _, last = (p.strip() for p in chunk.partition("-"))
        if first:
            out.append((int(first), int(last or first)))
    return out


def nbsp(citation: str) -> str:
    """A citation whose words never part across lines ("Ex.\u00a0C\u00a0at\u00a014")."""
    return citation.replace(" ", "\u00a0")


def pin_pages(plan: PagePlan, pin: Pin) -> list[tuple[int, int]]:
    """Packet page ranges a pin cite points at (without pages: the page a citation names)."""
    if not pin.pages:
        return [(plan.cite(pin.id),) * 2]
    return [(plan.pin(pin.id, a), plan.pin(pin.id, b)) for a, b in page_ranges(pin.pages)]


def pin_text(plan: PagePlan, pin: Pin, label: str | None = None) -> str:
    """"Ex. E at 18\u201319, 22" for a pin cite; "Ex. E at 17" (the exhibit's start) without pages."""
    label = label or _label(plan, pin.id)
    spans = ", ".join(f"{a}" if a == b else f"{a}\u2013{b}" for a, b in pin_pages(plan, pin))
    return nbsp(f"{label} at {spans}")


def _label(plan: PagePlan, ident: str) -> str:
    place = plan.exhibits.get(ident)
    return f"Ex. {place.label}" if place else "Notice"


def pin_target(pin: Pin) -> str:
    """The link target of a pin cite: its first page, or the exhibit."""
    ranges = page_ranges(pin.pages)
    return f"{pin.id}@{ranges[0][0]}" if ranges else f"cite:{pin.id}"


def notice_pin(plan: PagePlan, r: Response, page: int) -> tuple[str, str]:
    """("Notice at 2", link target) for a page of the notice, wherever the notice is placed."""
    pin = Pin(id=r.notice, pages=str(page))
    return pin_text(plan, pin, "Notice" if r.notice_first else None), pin_target(pin)


@dataclass(frozen=True)
class Earlier:
    """What an earlier filing's receipt says it held: exhibit ids and input hashes."""

    ids: frozenset[str]
    hashes: frozenset[str]
    labels: tuple[tuple[str, str], ...] = ()  # (id, label) in the earlier packet's order


def read_earlier(text: str) -> Earlier:
    """Parse a parolekit receipt (.receipt.json); ValueError says what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"it is not JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:  # brackets nested thousands deep: no receipt is shaped so
        raise ValueError("it is nested too deeply to be a receipt") from None
    if not isinstance(data, dict) or "inputs" not in data or "exhibits" not in data:
        raise ValueError("it is not a parolekit receipt (no `inputs` and `exhibits`)")
    try:
        ids = frozenset(str(e["id"]) for e in data["exhibits"])
        hashes = frozenset(str(i["sha256"]) for i in data["inputs"])
        labels = tuple((str(e["id"]), str(e["label"])) for e in data["exhibits"] if e.get("label"))
    except (TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"its `exhibits` or `inputs` lack {e}") from None
    return Earlier(ids, hashes, labels)


def new_exhibits(m: Manifest, earlier: Earlier, hashes: dict[tuple, str]) -> set[str]:
    """Ids of exhibits and declarations the earlier filing did not have.

    A file-based exhibit is new unless every file in it was filed before (by content, whatever
    its id is now); a generated one (declaration text, unavailable statement) unless its id was
    in the earlier filing and the text file it is made from is unchanged.
    """
    new: set[str] = set()
    for i, decl in enumerate(m.declarations):
        keys = [("declarations", i, "signed_file" if decl.signed_file else "text")]
        if not _filed(keys, hashes, earlier) or (not decl.signed_file and decl.id not in earlier.ids):
            new.add(decl.id)
    for i, ex in enumerate(m.exhibits):
        if ex.unavailable:
            if ex.id not in earlier.ids:
                new.add(ex.id)
            continue
        keys = [("exhibits", i, "files", j) for j in range(len(ex.files))] if ex.files else \
            [("exhibits", i, "file")]
        if not _filed(keys, hashes, earlier):
            new.add(ex.id)
    return new


def _filed(keys: list[tuple], hashes: dict[tuple, str], earlier: Earlier) -> bool:
    """Every file under *keys* (those that are files) was in the earlier filing."""
    return all(hashes[k] in earlier.hashes for k in keys if k in hashes)
