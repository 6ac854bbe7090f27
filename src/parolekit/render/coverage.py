"""Manifest text no embedded font can print, and unusable output.fonts: found before a build, located at its key."""

from __future__ import annotations

from ..manifest import Case, read_text_file, text_files
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


def check_printable(case: Case) -> None:
    """Report every manifest value and text file that has characters the font lacks."""
    _check_fonts(case)
    use_case_fonts(case)
    _walk(case, case.located.data, ())
    flagged = {p.path for p in case.problems.items if p.severity == "error"}

    for ref, relative in text_files(case):
        if case.keypath(ref) in flagged:
            continue  # missing, unreadable or outside the case folder: reported already
        path = case.resolve(relative)
        try:  # only a regular, modest file: pipes, huge and unreadable files are reported elsewhere
            if not path.is_file() or path.stat().st_size > MAX_TEXT_BYTES:
                continue
            lines = read_text_file(path).splitlines()
        except (OSError, UnicodeDecodeError, ValueError, WordError):
            continue
        for n, line in enumerate(lines, start=1):
            bad = unprintable(line)
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
        bad = unprintable(node)
        if bad:
            case.add(path, "text-unprintable", f"has characters no embedded font can print "
                     f"({describe(bad)}); {_FIX}")
