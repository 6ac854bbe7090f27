"""Load a case manifest: YAML node tree, schema validation, and located, id-named problems."""

from __future__ import annotations

import difflib
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from .errors import ManifestError, ProblemList, display_path
from .model import Manifest
from .repair import model_at, repaired, respelling
from .wordtext import SUFFIXES as WORD_SUFFIXES, WordError, is_word, read_word
from .yamltree import Located, decode_manifest, parse_yaml, read_manifest

# List sections whose items are named by their `id` in key paths.
_ID_LISTS = {"exhibits", "declarations", "grounds"}


@dataclass
class Case:
    """A loaded manifest: the validated model, where each value sits, and its folder."""

    path: Path
    manifest: Manifest
    located: Located
    sha256: str
    problems: ProblemList = field(default_factory=ProblemList)
    # Folders outside the case that --allow-path admits (inputs and template includes alike).
    allow: list[Path] = field(default_factory=list)
    # Files a cover-letter template pulled in with include/import: path -> SHA-256 of the bytes read.
    template_files: dict[Path, str] = field(default_factory=dict)
    draft: bool = False  # built with --draft: every page marked, never written over a final packet
    ocr: bool = False  # built with --ocr (output.ocr turns it on too)
    # Places whose invalid values were set aside (repair.py) so the other checks could run:
    # already reported, and nothing found under them is reported again.
    repaired: list[tuple] = field(default_factory=list)
    # The manifest with other values in those places (repair.py): what a check finds only with
    # the value put in is not reported.
    variants: list[Manifest] = field(default_factory=list)

    @property
    def base(self) -> Path:
        return self.path.parent

    @property
    def name(self) -> str:
        return display_path(self.path)

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        return self.located.where(path, key)

    def keypath(self, path: tuple) -> str:
        return keypath(self.located.data, path)

    def add(self, path: tuple, code: str, message: str, severity: str | None = None,
            key: bool = False) -> None:
        """Record a problem located at *path* (a tuple of keys and list indices)."""
        if any(path[:len(r)] == r for r in self.repaired):
            return  # a value the schema refused, set aside: what follows from that is not news
        line, col = self.where(path, key)
        kp = self.keypath(path)
        self.problems.add(line, col, code, f"{kp}: {message}" if kp else message, kp, severity)

    def check(self, run: Callable[[Case], None]) -> None:
        """Run a check that reads the manifest; where values were set aside, keep only the
        problems it also finds with the other values they could hold."""
        first = len(self.problems.items)
        run(self)
        if not self.variants or len(self.problems.items) == first:
            return
        found = self.problems.items[first:]
        keep = {_key(p) for p in found}
        for variant in self.variants:
            shadow = replace(self, manifest=variant, problems=ProblemList(file=self.problems.file),
                             template_files=dict(self.template_files), variants=[])
            try:
                run(shadow)
            except Exception:  # noqa: BLE001  (a value that cannot stand: this one tells nothing)
                continue
            keep &= {_key(p) for p in shadow.problems.items}
        self.problems.items[first:] = [p for p in found if _key(p) in keep]

    def flagged(self, path: tuple) -> bool:
        """Whether an error is recorded at *path* (a text file missing, outside, not a file...)."""
        kp = self.keypath(path)
        return any(p.path == kp and p.severity == "error" for p in self.problems.items)

    def input_text(self, path: tuple, relative: str) -> str | None:
        """The text file the manifest names at *path*, for a check that reads it; None when the
        file checks refused it (outside the case, a pipe, missing, not UTF-8) or it cannot be read."""
        if self.flagged(path):
            return None
        try:
            return read_text_file(self.resolve(relative))
        except (OSError, UnicodeDecodeError, ValueError, WordError):
            return None

    @property
    def roots(self) -> list[Path]:
        """The folders this case may read from (and write its packet into): its own, then --allow-path."""
        out = [self.base.resolve()]
        for folder in self.allow:
            try:
                out.append(Path(folder).resolve())
            except (OSError, RuntimeError, ValueError):
                continue
        return out

    def contains(self, path: Path) -> bool:
        """Whether *path* (already resolved, symlinks followed) lies inside one of the case's roots."""
        return any(path.is_relative_to(r) for r in self.roots)

    def resolve(self, relative: str) -> Path:
        try:
            path = (self.base / relative).resolve()
            if not path.exists():
                # macOS writes 'é' decomposed (NFD), keyboards type it composed (NFC): the names
                # look identical, so the other form of an existing file is the file meant.
                for form in ("NFC", "NFD"):
                    other = unicodedata.normalize(form, relative)
                    if other != relative and (self.base / other).exists():
                        return (self.base / other).resolve()
            return path
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte, a name too long
            return self.base / relative  # left unresolved: the file checks report why


def _key(problem) -> tuple:
    return problem.code, problem.path, problem.line, problem.column


def keypath(data: Any, path: tuple) -> str:
    """`exhibits[physician-letter].file` for ('exhibits', 3, 'file'); positions as `[#4]`."""
    out = ""
    node = data
    parent_key = None
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            if parent_key in _ID_LISTS and isinstance(ident, str) and ident:
                out += f"[{ident}]"
            else:
                out += f"[#{part + 1}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
            parent_key = part
    return out


def load_case(path: Path | str, keep_going: bool = False) -> Case:
    """Read and validate a manifest; raise ManifestError listing every problem found.

    With *keep_going*, a manifest whose values the schema refuses comes back (its problems
    recorded) validated without them where repair.py can set them aside, for the checks that
    do not read them: the caller fails on those problems once it has found the rest.
    """
    path = Path(path)
    problems = ProblemList(file=display_path(path))
    try:
        raw = read_manifest(path)
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest; check the path.") from None
    except IsADirectoryError:
        raise ManifestError(f"{path}: is a folder; give the case's .yaml file.") from None
    except OSError as e:
        raise ManifestError(f"{path}: cannot read the manifest ({e.strerror}).") from e
    sha = hashlib.sha256(raw).hexdigest()
    text = decode_manifest(raw, problems)
    located = parse_yaml(text, problems) if text is not None else None
    if located is None:
        raise ManifestError(f"{problems.file}: cannot read the manifest", problems.sorted())
    case = Case(path.resolve(), None, located, sha, problems)  # type: ignore[arg-type]
    if not isinstance(located.data, dict):
        case.add((), "manifest-not-mapping",
                 "the manifest must be a mapping of keys (parolekit:, case:, exhibits: ...); "
                 "start from `parolekit init`.")
        raise ManifestError(f"{problems.file}: invalid manifest", problems.sorted())
    # The YAML read into data: a key given twice is reported, and its data is still well defined.
    readable = all(p.code == "duplicate-key" for p in problems.errors)
    try:
        case.manifest = Manifest.model_validate(located.data)
    except ValidationError as e:
        for err in e.errors():
            _add_schema_problem(case, err)
        # The other checks still run, on the manifest without those values: all problems at once.
        if keep_going and readable:
            fixed = repaired(located.data, e.errors())
            for err in fixed.later:  # found once values before them were set aside
                _add_schema_problem(case, err)
            if fixed.manifest is not None:
                case.manifest, case.repaired, case.variants = fixed.manifest, fixed.places, fixed.variants
                return case
    if case.manifest is None or (problems.errors and not (keep_going and readable)):
        raise ManifestError(f"{problems.file}: the manifest has errors", problems.sorted())
    return case


_KIND_WORDS = {
    "dict_type": "a mapping (key: value lines)", "model_type": "a mapping (key: value lines)",
    "list_type": "a list (lines starting with '- ')", "string_type": "text",
    "int_parsing": "a whole number", "int_type": "a whole number", "float_parsing": "a number",
    "float_type": "a number", "bool_parsing": "true or false", "bool_type": "true or false",
}


def _add_schema_problem(case: Case, err: dict) -> None:
    """One pydantic error as a located problem whose message ends with the fix. (Long on purpose:
    one branch per kind of error, each with its own wording, read best side by side.)"""
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        parent = model_at(loc[:-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1, cutoff=0.6)
            if close:
                hint = f"; did you mean '{close[0]}'?"
            else:
                hint = f"; allowed keys here: {', '.join(parent.model_fields)}"
        case.add(loc, "unknown-key", f"unknown key '{loc[-1]}'{hint}", key=True)
        return
    if kind == "missing":
        if respelling(case.located.data, loc):
            return  # `kimd:` for `kind:`: the unknown key's problem names the key meant
        case.add(loc[:-1], "missing-key", f"missing required key '{loc[-1]}'; add it "
                 f"(see the example in `parolekit init`)")
        return
    if loc and loc[0] == "parolekit" and kind.startswith("literal"):
        case.add(loc, "unsupported-version",
                 f"unsupported format version '{value}'; this parolekit reads `parolekit: 1`")
        return
    if kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
        code = "invalid-date" if "date" in msg else "invalid-value"
        case.add(loc, code, msg if msg.endswith(".") else msg + ".")
        return
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        case.add(loc, "invalid-value", f"'{value}' is not allowed; use one of {expected}")
        return
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] == "id" or (len(loc) >= 2 and loc[-2] == "exhibits"):
            case.add(loc, "invalid-id", f"'{value}' is not a valid id; use lowercase letters, "
                     "digits and hyphens, e.g. physician-letter")
        elif loc and loc[-1] == "a_number":
            case.add(loc, "invalid-a-number", f"'{value}' is not an A-number; write A followed by "
                     "8 or 9 digits, e.g. A123456789")
        elif loc and loc[-1] == "bates_prefix":
            case.add(loc, "invalid-value", f"'{value}' cannot be a Bates prefix; use up to 20 "
                     "ASCII letters, digits, '-', '_' or '.'")
        elif loc and loc[-1] == "language":
            case.add(loc, "invalid-value", f"'{value}' is not a language code; use an ISO 639-1 "
                     "code such as es, ht, ru")
        else:
            case.add(loc, "invalid-value", f"'{value}' has the wrong form ({err['msg']})")
        return
    if kind in ("too_short",) and isinstance(value, str):
        case.add(loc, "invalid-value", "is empty; write the text, or leave the key out where it is optional")
        return
    if kind in ("too_short",):
        case.add(loc, "empty-list", "needs at least one item; add one")
        return
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        case.add(loc, "invalid-value", f"'{value}': {err['msg'].lower()}")
        return
    if kind in _KIND_WORDS:
        got = "nothing" if value is None else f"'{value}'" if isinstance(value, str) else type(value).__name__
        want = _KIND_WORDS[kind]
        case.add(loc, "invalid-type", f"expected {want}, got {got}; write it as {want}")
        return
    case.add(loc, "invalid-value", f"{err['msg']}; check this value against the manifest format")


def is_inline_text(value: str) -> bool:
    """`text:` holds Markdown unless it is a single line naming a .md or .txt file.

    A block scalar (`text: |`) is always text: its value ends in a newline, a plain line's never.
    """
    return "\n" in value or not value.strip().lower().endswith((".md", ".markdown", ".txt", *WORD_SUFFIXES))


def text_files(case: Case) -> list[tuple[tuple, str]]:
    """Manifest values that name text inputs (declaration text, letter body, template, brief)."""
    m = case.manifest
    out: list[tuple[tuple, str]] = []
    for i, decl in enumerate(m.declarations):
        if decl.text and not is_inline_text(decl.text):
            out.append((("declarations", i, "text"), decl.text.strip()))
    if m.cover_letter and m.cover_letter.file:
        out.append((("cover_letter", "file"), m.cover_letter.file))
    if m.cover_letter and m.cover_letter.template:
        out.append((("cover_letter", "template"), m.cover_letter.template))
    if m.brief:
        out.append((("brief", "file"), m.brief.file))
    if m.response and m.response.earlier_receipt:
        out.append((("response", "earlier_receipt"), m.response.earlier_receipt))
    if m.output.freeze:
        out.append((("output", "freeze"), m.output.freeze))
    return out


def read_text(case: Case, value: str) -> str:
    """Inline Markdown as given, or the contents of the file it names."""
    if is_inline_text(value):
        return value
    return read_text_file(Path(case.resolve(value.strip())))


# Where a Word file may stand for Markdown: a declaration's `text:` and the cover letter's `file:`.
WORD_TEXT_KEYS = ("text", "file")


def word_text(ref: tuple, relative: str) -> bool:
    """Whether this text input is a Word document read as Markdown (wordtext.py)."""
    return ref[-1] in WORD_TEXT_KEYS and ref[0] in ("declarations", "cover_letter", "brief") and is_word(relative)


def read_text_file(path: Path) -> str:
    """A text input's Markdown: a .docx through wordtext (WordError if unreadable), else UTF-8."""
    if is_word(path):
        return read_word(path.read_bytes()).markdown
    return path.read_text(encoding="utf-8")
