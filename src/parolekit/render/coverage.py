"""Manifest text no embedded font can print, and unusable output.fonts: found before a build, located at its key."""

from __future__ import annotations

import unicodedata

from ..manifest import Case, is_inline_text, read_text_file, text_files
from ..wordtext import WordError
from .fonts import describe, loadable, unprintable, use_case_fonts

# Keys whose values are never printed as text, or are codes and paths checked elsewhere.
_NOT_PRINTED = {"file", "files", "signed_file", "pages", "password_env", "id", "tags", "template",
                "category", "kind", "reasons", "date", "birth_date", "role", "a_number", "in_us",
                "planned", "beneficiary", "exhibits", "language", "output", "parolekit"}
_FIX = ("they would print as blanks or boxes: no font shipped with parolekit has them (it prints "
        "Latin, Cyrillic, Greek, Arabic script, Hebrew, Ethiopic, Devanagari, Bengali, Thai, Myanmar, "
        "Korean Hangul, Japanese kana and the Han characters of GB 2312, Big5 and JIS X "
        "0208); name a TrueType font file (.ttf) that has "
        "them under output.fonts, or write the text in Latin letters as on the passport")
MAX_TEXT_BYTES = 2_000_000
# C0 and C1 control characters and DEL, but the tab, line feed and carriage return that YAML block
# scalars and text files hold as whitespace; and the bidi embedding, override and isolate controls,
# which reorder what is printed around them (parolekit sets bidi order itself). All are invisible in
# an editor: a title or name holding one is not what anyone reading the manifest sees. (ZWNJ, ZWJ
# and U+200B stay: Persian, Indic and Myanmar scripts spell with them.)
CONTROLS = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                      *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def controls(value: str) -> list[str]:
    """The control characters of *value* (see CONTROLS), in order of first use."""
    out: list[str] = []
    for ch in value:
        if ord(ch) in CONTROLS and ch not in out:
            out.append(ch)
    return out


def _control_names(chars: list[str], limit: int = 3) -> str:
    names = [f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() if ord(c) > 0x9F
             else f"U+{ord(c):04X} (a control character)" for c in chars[:limit]]
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return ", ".join(names) + more


def _control_message(value: str, found: list[str], where: str = "") -> str:
    """'has an invisible control character, U+0000 (a control character) (the first after
    'Parole'); ... delete it'."""
    at = value.index(found[0])
    before = value[max(value.rfind("\n", 0, at) + 1, at - 24):at]
    after = f" after '{before}'" if before.strip() else " at its start" if at == 0 else ""
    what, it = (("invisible control characters", "them") if len(found) > 1
                else ("an invisible control character", "it"))
    return (f"{where}has {what}, {_control_names(found)} (the first{after}): the text is not what "
            "anyone reading it sees, and no font prints it. It often comes with text pasted from a "
            "PDF, a web form or a spreadsheet, or from an escape such as \"\\0\" in a quoted value; "
            f"delete {it}")


def check_printable(case: Case) -> None:
    """Report every manifest value and text file that has characters the font lacks."""
    _check_fonts(case)
    use_case_fonts(case)
    _walk_controls(case, case.located.data, ())
    _walk(case, case.located.data, ())
    flagged = {p.path for p in case.problems.items if p.severity == "error"}

    for ref, relative in text_files(case):
        if case.keypath(ref) in flagged:
            continue  # missing, unreadable or outside the case folder: reported already
        path = case.resolve(relative)
        try:  # only a regular, modest file: pipes, huge and unreadable files are reported elsewhere
            if not path.is_file() or path.stat().st_size > MAX_TEXT_BYTES:
                continue
            # split at line feeds only: splitlines() would also split (and so hide) \x0b, \x1c, \x85...
            lines = read_text_file(path).split("\n")
        except (OSError, UnicodeDecodeError, ValueError, WordError):
            continue
        for n, line in enumerate(lines, start=1):
            found = controls(line)
            if found:
                case.add(ref, "text-control-character", _control_message(line, found, f"'{relative}', line {n}, "))
                break  # one report per file, as below
        for n, line in enumerate(lines, start=1):
            bad = [ch for ch in unprintable(line) if ord(ch) not in CONTROLS]  # (reported above)
            if bad:
                case.add(ref, "text-unprintable", f"'{relative}', line {n}, has characters no "
                         f"embedded font can print ({describe(bad)}); {_FIX}")
                break  # one report per file: the first line shows what to fix


def _check_fonts(case: Case) -> None:
    for i, relative in enumerate(case.manifest.output.fonts):
        path = case.resolve(relative)
        where = ("output", "fonts", i)
        if not case.contains(path):
            case.add(where, "font-unusable", f"'{relative}' is outside the case folder; copy the font "
                     "file into it (or pass --allow-path)")
        elif not path.is_file():
            case.add(where, "font-unusable", f"'{relative}' is not a file; give the path of a .ttf "
                     "font file, from the case folder")
        elif (why := loadable(path)) is not None:
            case.add(where, "font-unusable", f"'{relative}' cannot be embedded ({why}); give a TrueType "
                     "font (.ttf with glyf outlines): OpenType CFF fonts (.otf, most .ttc) are not "
                     "supported by the PDF writer")


def _walk(case: Case, node, path: tuple) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            # `exhibits:` at the top is the exhibit list; inside an event or claim, ids it cites
            if key not in _NOT_PRINTED or (key == "exhibits" and not path):
                _walk(case, value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(case, value, path + (i,))
    elif isinstance(node, str) and path:
        bad = [ch for ch in unprintable(node) if ord(ch) not in CONTROLS]  # (_walk_controls reports those)
        if bad:
            case.add(path, "text-unprintable", f"has characters no embedded font can print "
                     f"({describe(bad)}); {_FIX}")


# Keys naming files: a NUL is file-bad-path's to report, and any other character names the file
# as it is on disk (the name is not printed; a wrong one is file-missing).
_PATHS = {"file", "files", "signed_file", "template", "fonts", "freeze", "earlier_receipt"}


def _walk_controls(case: Case, node, path: tuple) -> None:
    """Every string value, printed or not (a title, a name, an id, a number): none holds a control."""
    if isinstance(node, dict):
        for key, value in node.items():
            file_text = key == "text" and isinstance(value, str) and not is_inline_text(value)
            if key not in _PATHS and not file_text:
                _walk_controls(case, value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk_controls(case, value, path + (i,))
    elif isinstance(node, str) and path:
        found = controls(node)
        if found:
            case.add(path, "text-control-character", _control_message(node, found))
