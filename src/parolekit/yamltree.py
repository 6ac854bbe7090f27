"""Read YAML as a node tree: every scalar keeps its text as written and its line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ProblemList

# A manifest is a few kilobytes; these bounds stop alias bombs and runaway files early.
MAX_MANIFEST_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50  # nesting; the real format is at most 6 deep
_NULLS = {"", "~", "null", "Null", "NULL"}

Path_ = tuple  # a key path: str keys and int list indices


@dataclass
class Located:
    """Plain Python data (dicts, lists, str, None) plus where each value and key sits."""

    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of *path*, falling back to its nearest located parent."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if not key and p in self.keys:
                return self.keys[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


class _TooBig(Exception):
    pass


def read_manifest(path) -> bytes:
    """The manifest's bytes, reading at most one byte past the limit (never a whole huge file)."""
    with open(path, "rb") as fh:
        return fh.read(MAX_MANIFEST_BYTES + 1)


def decode_manifest(raw: bytes, problems: ProblemList) -> str | None:
    """The manifest's text, or None with a problem when it is too large or not UTF-8."""
    if len(raw) > MAX_MANIFEST_BYTES:
        problems.add(1, 1, "manifest-too-large",
                     f"the manifest is larger than {MAX_MANIFEST_BYTES:,} bytes, the limit. "
                     "Split the case or move long text into files referenced with `text:`/`file:`.")
        return None
    if raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        problems.add(1, 1, "manifest-unreadable", "this file is a PDF, not a YAML manifest; give the "
                     "case's .yaml file (the PDF may be an exhibit or a packet saved under that name)")
        return None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        problems.add(1, 1, "manifest-not-utf8", "the manifest is saved as UTF-16; save it as UTF-8 "
                     "in your editor (\"Save with encoding\") and build again.")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        problems.add(line, col, "manifest-not-utf8",
                     f"the manifest is not UTF-8 (byte 0x{raw[e.start]:02x}); "
                     "save it as UTF-8 in your editor and build again.")
        return None
    return text


def parse_yaml(text: str, problems: ProblemList) -> Located | None:
    """Compose *text* into Located data; syntax errors and duplicate keys become problems."""
    deep_at = _flow_too_deep(text)
    if deep_at is not None:
        problems.add(*deep_at, "yaml-too-deep", f"the manifest nests lists or mappings more than "
                     f"{MAX_DEPTH} levels deep here; check for unclosed [ or {{ brackets.")
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        problems.add(1, 1, "yaml-too-deep", f"the manifest nests lists or mappings more than "
                     f"{MAX_DEPTH} levels deep; check for unclosed [ or {{ brackets.")
        return None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        col = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        problems.add(line, col, "yaml-syntax", f"the manifest contains the control character "
                     f"U+{e.character if isinstance(e.character, int) else ord(e.character):04X}, "
                     "which YAML does not allow; delete it (it is often pasted in invisibly).")
        return None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or e.context or "invalid YAML"
        if e.context_mark is not None and "end of stream" in (e.problem or ""):
            # An unclosed quote or bracket is reported at the end of the file; point at its start.
            what = f"{e.context} that is never closed"
            mark = e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "'\\t'" in what:  # the most common hand-editing slip gets a plain answer
            problems.add(line, col, "yaml-syntax", "YAML syntax error: a tab character here; YAML "
                         "does not allow tabs for indentation, so indent with spaces, not tabs.")
            return None
        problems.add(line, col, "yaml-syntax",
                     f"YAML syntax error: {what}. Check indentation and quoting near this line "
                     "(quote values containing ': ' or '#').")
        return None
    except yaml.YAMLError as e:
        problems.add(1, 1, "yaml-syntax", f"YAML error: {e}. Fix the manifest's syntax.")
        return None
    located = Located(None)
    if root is None:
        located.data = {}
        return located
    count = [0]
    try:
        if _expanded_size(root, {}, set(), 0) > MAX_NODES:
            raise _TooBig
        located.data = _convert(root, (), located, problems, count, set())
    except _TooDeep:
        problems.add(root.start_mark.line + 1, root.start_mark.column + 1, "yaml-too-deep",
                     f"the manifest nests lists or mappings more than {MAX_DEPTH} levels deep; "
                     "check for unclosed [ or { brackets.")
        return None
    except _TooBig:
        problems.add(root.start_mark.line + 1, root.start_mark.column + 1, "yaml-too-many-nodes",
                     f"the manifest expands to more than {MAX_NODES:,} values (a YAML alias bomb?); "
                     "remove the anchors and aliases (&, *) that repeat large blocks.")
        return None
    return located


_FLOW = re.compile(r"[\[\]{}\n'\"#]")


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """Where [ and { brackets first nest too deep, found before PyYAML sees them.

    PyYAML's scanner is quadratic in open flow brackets (2 MB of '[' takes hours), so they are
    counted here first: quotes and comments are skipped within a line; brackets in prose count,
    hence the generous margin over MAX_DEPTH.
    """
    depth, line, line_start, quote = 0, 1, 0, ""
    for m in _FLOW.finditer(text):
        ch = m.group()
        if ch == "\n":
            line, line_start, quote = line + 1, m.end(), ""
        elif quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            if m.start() == line_start or text[m.start() - 1] in " \t":
                quote = "\n"  # a comment: ignore the rest of the line
        elif ch in "[{":
            depth += 1
            if depth > 2 * MAX_DEPTH:
                return line, m.start() - line_start + 1
        else:
            depth = max(0, depth - 1)
    return None


class _TooDeep(Exception):
    pass


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int], depth: int) -> int:
    """How many values *node* becomes once aliases are expanded, without expanding them.

    Aliases share node objects, so memoising by identity costs one visit per distinct node: an
    alias bomb is measured in microseconds instead of being built.
    """
    if depth > MAX_DEPTH:
        raise _TooDeep
    key = id(node)
    if key in memo:
        return memo[key]
    if isinstance(node, yaml.ScalarNode):
        return 1
    if key in active:  # a recursive alias expands forever
        raise _TooBig
    active.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = [n for pair in node.value for n in pair]
    for child in children:
        total += _expanded_size(child, memo, active, depth + 1)
        if total > MAX_NODES:
            raise _TooBig
    active.discard(key)
    memo[key] = total
    return total


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, path: Path_, loc: Located, problems: ProblemList,
             count: list[int], active: set[int]) -> Any:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _TooBig
    loc.values.setdefault(path, _pos(node))
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.value in _NULLS and node.tag != "tag:yaml.org,2002:str":
            return None
        return node.value
    if id(node) in active:  # a recursive alias
        raise _TooBig
    active.add(id(node))
    try:
        if isinstance(node, yaml.SequenceNode):
            return [_convert(child, path + (i,), loc, problems, count, active)
                    for i, child in enumerate(node.value)]
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _pos(key_node)
                problems.add(line, col, "yaml-complex-key",
                             "a mapping key must be a plain word; write it as `key: value`.",
                             _dotted(path))
                continue
            key = key_node.value
            if key in out:
                line, col = _pos(key_node)
                first = loc.keys.get(path + (key,), (0, 0))[0]
                problems.add(line, col, "duplicate-key",
                             f"duplicate key '{key}' (first given on line {first}); "
                             "keep one of them.", _dotted(path + (key,)))
                continue
            loc.keys[path + (key,)] = _pos(key_node)
            out[key] = _convert(value_node, path + (key,), loc, problems, count, active)
        return out
    finally:
        active.discard(id(node))


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
