"""Read YAML as a node tree: every scalar keeps its text as written and its line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ProblemList

# A manifest is a few kilobytes; these bounds stop alias bombs and runaway files early.
MAX_MANIFEST_BYTES = 2_000_000
MAX_NODES = 200_000
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


def decode_manifest(raw: bytes, problems: ProblemList) -> str | None:
    """The manifest's text, or None with a problem when it is too large or not UTF-8."""
    if len(raw) > MAX_MANIFEST_BYTES:
        problems.add(1, 1, "manifest-too-large",
                     f"the manifest is {len(raw):,} bytes; the limit is {MAX_MANIFEST_BYTES:,}. "
                     "Split the case or move long text into files referenced with `text:`/`file:`.")
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
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or e.context or "invalid YAML"
        if e.context_mark is not None and "end of stream" in (e.problem or ""):
            # An unclosed quote or bracket is reported at the end of the file; point at its start.
            what = f"{e.context} that is never closed"
            mark = e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
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
        located.data = _convert(root, (), located, problems, count, set())
    except _TooBig:
        problems.add(root.start_mark.line + 1, root.start_mark.column + 1, "yaml-too-many-nodes",
                     f"the manifest expands to more than {MAX_NODES:,} values (a YAML alias bomb?); "
                     "remove the anchors and aliases (&, *) that repeat large blocks.")
        return None
    return located


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
