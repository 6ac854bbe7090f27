"""Where input files may come from: inside the case folder (symlinks followed) or --allow-path."""

from __future__ import annotations

import difflib
import errno
from pathlib import Path

from .manifest import Case, text_files


def check_path(case: Case, ref: tuple, relative: str, allow: list[Path]) -> Path | None:
    """The resolved path of an input, or None with a problem when it is missing or outside.

    Symbolic links are followed first, so a link inside the folder to a file elsewhere is
    outside; folders given with --allow-path (resolved too) are inside.
    """
    raw = case.base / relative
    why = _unusable_name(raw)
    if why:
        case.add(ref, "file-bad-path", f"'{_printable(relative)}' {why}")
        return None
    path = case.resolve(relative)
    if not _inside(path, case, allow):
        case.add(ref, "file-outside-case",
                 f"'{relative}' is outside the case folder; move it into the folder or allow its "
                 "folder with --allow-path DIR")
        return None
    if not path.exists():
        case.add(ref, "file-missing", f"'{relative}' does not exist{_near_name(raw, relative)}; "
                 f"check the name and folder (paths are relative to {case.path.name})")
        return None
    why = not_regular(path, "a saved PDF or image")
    if why:
        case.add(ref, "file-not-a-file", f"'{relative}' {why}")
        return None
    return path


def not_regular(path: Path, wanted: str) -> str:
    """Why an existing *path* is not a file that can be read to its end (a folder, a pipe, a
    device: reading /dev/zero never ends, a pipe waits for a writer), or ''."""
    try:
        if path.is_dir():
            return "is a folder, not a file; name the file"
        if path.exists() and not path.is_file():
            return f"is not a regular file (a device, pipe or socket); name {wanted}"
    except (OSError, ValueError):
        return ""
    return ""


def _near_name(raw: Path, relative: str) -> str:
    """" (did you mean 'exhibits/passport.pdf'?)" for a name differing in case or a typo, else ''."""
    try:
        names = [p.name for _, p in zip(range(2000), raw.parent.iterdir())]
    except OSError:
        return ""
    folded = {n.casefold(): n for n in names}
    near = folded.get(raw.name.casefold()) or next(iter(difflib.get_close_matches(raw.name, names, 1, 0.8)), "")
    if not near:
        return ""
    head, sep, _ = relative.replace("\\", "/").rpartition("/")
    return f" (did you mean '{head}{sep}{near}'?)"


def _inside(path: Path, case: Case, allow: list[Path]) -> bool:
    roots = [case.base.resolve()]
    for folder in allow:
        try:
            roots.append(Path(folder).resolve())
        except (OSError, RuntimeError, ValueError):
            continue
    return any(path.is_relative_to(r) for r in roots)


def _unusable_name(path: Path) -> str:
    """Why *path* cannot name a file at all (checked before it is used), or ''."""
    if "\x00" in str(path):
        return "contains a NUL character; retype the file name"
    try:
        path.resolve(strict=False)
        path.exists()
    except RuntimeError:
        return "is a symbolic link that leads back to itself (a loop); replace it with the file"
    except ValueError:
        return "is not a valid file name; retype it"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "is a symbolic link that leads back to itself (a loop); replace it with the file"
        return f"cannot be used as a file name ({e.strerror}); shorten or retype it"
    return ""


def _printable(text: str) -> str:
    text = text.replace("\x00", "\\0")
    return text if len(text) <= 80 else text[:60] + "\u2026" + text[-15:]


def check_text_paths(case: Case, allow: list[Path]) -> None:
    """Declaration texts, letter body and template must be inside the case folder too.

    They are printed into the packet: a manifest naming ../../somewhere/else would copy any
    readable text file into a filing.
    """

    done = {p.path for p in case.problems.items if p.code in ("file-bad-path", "file-outside-case")}
    for ref, relative in text_files(case):
        if case.keypath(ref) in done:
            continue  # (validation checks them first, so nothing is read from outside the case)
        raw = case.base / relative
        if _unusable_name(raw):
            case.add(ref, "file-bad-path", f"'{_printable(relative)}' {_unusable_name(raw)}")
        elif not _inside(case.resolve(relative), case, allow):
            case.add(ref, "file-outside-case",
                     f"'{relative}' is outside the case folder; move it into the folder or allow "
                     "its folder with --allow-path DIR")
