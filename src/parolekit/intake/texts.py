"""Text inputs (declaration text, letter body, template) read once: what prints is what is hashed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..manifest import Case, text_files, word_text
from ..wordtext import WordError, read_word
from .files import ChangedWhileRead, NotRegular, changed, read_whole
from .source import FileStat, Source


@dataclass
class TextInput:
    """A text input (declaration text, letter body or template) as read once for the packet."""

    ref: tuple
    relative: str
    path: Path
    text: str
    sha256: str
    stat: FileStat
    word: bool = False  # a .docx: *text* is its Markdown, *sha256* the Word file's


def snapshot_texts(case: Case) -> dict[tuple, TextInput]:
    """Read every text input once: the text printed and the hash in the receipt are the same bytes.

    Keyed by manifest key path. Inputs check_case already refused (missing, not UTF-8, a pipe)
    are left out without a second problem; one that changes while it is read is input-changed.
    """
    flagged = {p.path for p in case.problems.items if p.severity == "error"}
    out: dict[tuple, TextInput] = {}
    for ref, relative in text_files(case):
        if case.keypath(ref) in flagged:
            continue
        path = case.resolve(relative)
        try:
            data, facts = read_whole(path)
            word = word_text(ref, relative)
            text = read_word(data).markdown if word else data.decode("utf-8")
        except WordError:
            continue  # check_case said why (a damaged file, tracked changes, no mammoth)
        except NotRegular:
            case.add(ref, "file-not-a-file", f"'{relative}' is not a regular file (a device, pipe "
                     "or socket); name a saved text file")
        except ChangedWhileRead:
            changed(case, Source(ref, relative, path))
        except UnicodeDecodeError:
            case.add(ref, "file-not-utf8", f"'{relative}' is not UTF-8 text; save it as UTF-8")
        except (OSError, ValueError) as e:
            case.add(ref, "file-unreadable", f"'{relative}' cannot be read "
                     f"({getattr(e, 'strerror', None) or e}); check its permissions")
        else:
            # As Path.read_text gives it: universal newlines.
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            out[ref] = TextInput(ref, relative, path, text, hashlib.sha256(data).hexdigest(), facts, word)
    return out
