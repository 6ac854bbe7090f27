"""A manifest with its invalid values set aside, so that one typo does not hide every other problem."""

from __future__ import annotations

import copy
import difflib
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .model import Manifest

ROUNDS = 3  # taking a value out can reveal another (a required key left without its value)


def repaired(data: dict, errors: list[dict]) -> tuple[Manifest, list[tuple]] | None:
    """The manifest validated with each invalid value taken out (an optional key, an unknown
    key) or replaced by an allowed one (a required choice), and the places changed; None where
    that cannot be done (a required value of another kind, a list item of the wrong kind).

    For the checks that do not read those values: duplicate ids, citations, the files. The
    schema's own problems name every value changed, so nothing here is reported twice.
    """
    fixed = copy.deepcopy(data)
    places: list[tuple] = []
    for _round in range(ROUNDS):
        # A missing key first: it may be the misspelt one beside it (`titel:` for `title:`).
        for err in sorted(errors, key=lambda e: e["type"] != "missing"):
            loc = tuple(err["loc"])
            if not _set_aside(fixed, loc, err["type"]):
                return None
            places.append(loc)
        try:
            return Manifest.model_validate(fixed), places
        except ValidationError as e:
            errors = e.errors()
    return None


def _set_aside(data: dict, loc: tuple, kind: str) -> bool:
    if not loc or loc[0] == "parolekit":
        return False  # another format version is not checked as this one
    parent = _walk(data, loc[:-1])
    last = loc[-1]
    if kind == "missing":
        return isinstance(parent, dict) and _respelt(parent, loc)
    if kind == "extra_forbidden" and isinstance(parent, dict):
        if last in parent:  # (gone already if it was taken for a required key it misspells)
            value = parent.pop(last)
            meant = _meant(parent, loc)
            if meant is not None:  # `declarationsx:`, `executedx:`: checked as the key it misspells
                parent[meant] = value
        return True
    if not isinstance(parent, dict) or last not in parent:
        return False  # a list item, or a place inside a union pydantic names by member
    model = model_at(loc[:-1])
    field = model.model_fields.get(last) if model is not None else None
    if field is None:
        return False
    if not field.is_required():
        del parent[last]  # its default stands in
        return True
    choices = _choices(field.annotation)
    if choices:
        parent[last] = choices[-1]  # "other" where there is one: the least said about the case
        return True
    return False


def _respelt(parent: dict, loc: tuple) -> bool:
    """A required key missing where a key the model does not know is close to its name: that
    key's value is taken as this one's (both are reported)."""
    model = model_at(loc[:-1])
    if model is None:
        return False
    unknown = [k for k in parent if isinstance(k, str) and k not in model.model_fields]
    close = difflib.get_close_matches(str(loc[-1]), unknown, n=1, cutoff=0.6)
    if not close:
        return False
    parent[loc[-1]] = parent.pop(close[0])
    return True


def _meant(parent: dict, loc: tuple) -> str | None:
    """The key the model knows, absent here, that unknown key *loc* is close to, if any."""
    model = model_at(loc[:-1])
    if model is None:
        return None
    absent = [k for k in model.model_fields if k not in parent]
    close = difflib.get_close_matches(str(loc[-1]), absent, n=1, cutoff=0.75)
    return close[0] if close else None


def _walk(data: Any, path: tuple) -> Any:
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at *loc*, if any."""
    model: Any = Manifest
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = _find_model(field.annotation) if field is not None else None
        if model is None:
            return None
    return model


def _find_model(ann) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in get_args(ann):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


def _choices(ann) -> tuple:
    return get_args(ann) if get_origin(ann) is Literal else ()
