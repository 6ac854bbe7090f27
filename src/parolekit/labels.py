"""Exhibit labels: A..Z, AA, AB, ... (bijective base 26) or 1, 2, 3."""

from __future__ import annotations


def letter_label(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 28 -> AB, 702 -> ZZ, 703 -> AAA."""
    if n < 1:
        raise ValueError("labels start at 1")
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def label(n: int, style: str = "letters") -> str:
    return str(n) if style == "numbers" else letter_label(n)
