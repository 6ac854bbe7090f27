"""A manifest with its invalid values set aside, so that one typo does not hide every other problem."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import difflib
import re
import types
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from .model import CoverLetter, Exhibit, Manifest, Translation

ROUNDS = 4  # taking a value out can reveal another (a required key left without its value)
VARIANTS = 8  # other values tried in place of each one set aside (repair's cost: one check each)
ABSENT = object()  # the key left out, so that its default stands in


@dataclass
class Repair:
    """What repaired() made of a manifest the schema refused."""

    manifest: Manifest | None  # None: a value could not be set aside
    places: list[tuple] = field(default_factory=list)  # where values were changed or left out
    # The same manifest with other values in those places: a problem the checks find in the
    # manifest but not in one of these follows from the value put in, not from the case.
    variants: list[Manifest] = field(default_factory=list)
    later: list[dict] = field(default_factory=list)  # schema errors only the repair revealed


def repaired(data: dict, errors: list[dict]) -> Repair:
    """The manifest validated with each invalid value replaced by the likeliest valid one (a
    close choice, a one-item list, a real date), left out for its default, or replaced by a
    placeholder, and the places changed; Repair(None) where that cannot be done.

    For the checks that do not read those values: duplicate ids, citations, the files. The
    schema's own problems name every value changed, so nothing under them is reported twice.
    """
    fixed = copy.deepcopy(data)
    places: list[tuple] = []
    changed: list[tuple] = []  # known keys whose values were replaced (not unknown keys taken out)
    options: dict[tuple, list] = {}
    later: list[dict] = []
    for round_ in range(ROUNDS):
        todo = [(_in_data(fixed, tuple(err["loc"])), err) for err in errors if not _stood_aside(fixed, err, places)]
        todo.sort(key=lambda item: item[1]["type"] != "missing")
        if round_ and todo:
            later += [err for loc, err in todo if _news(loc, changed) and _written(data, loc, err["type"])]
        for loc, err in todo:
            choices = _set_aside(fixed, loc, err["type"])
            if choices is None:
                return Repair(None, later=later)
            places.append(loc)
            if err["type"] != "extra_forbidden":
                changed.append(loc)
            if len(choices) > 1:
                options[loc] = choices
        try:
            manifest = Manifest.model_validate(fixed)
        except ValidationError as e:
            errors = e.errors()
            if not all(_stood_aside(fixed, err, places) for err in errors):
                continue
            try:  # only the own checks of items set aside fail: validated without those checks
                manifest = Manifest.model_validate(fixed, context=_LENIENT)
            except ValidationError as e2:
                errors = e2.errors()
                continue
        return Repair(manifest, places, _variants(fixed, options), later)
    return Repair(None, later=later)


def _stood_aside(data: dict, err: dict, places: list[tuple]) -> bool:
    """Whether *err* is the own check of an item already set aside (an exhibit with no file):
    reported once, and validated without it from then on."""
    loc = _in_data(data, tuple(err["loc"]))
    return err["type"] == "value_error" and loc in places and _is_model(loc)


_LENIENT = {"lenient": True}  # the models' whole-item checks stand aside (only for what repair set aside)


def _news(loc: tuple, changed: list[tuple]) -> bool:
    """Whether an error found after a repair round is the user's, not one the repair made: it is
    not on, under or above a value the repair replaced (an unknown key taken out changes nothing)."""
    return not any(loc[:len(c)] == c or c[:len(loc)] == loc for c in changed)


def _written(data: dict, loc: tuple, kind: str) -> bool:
    """Whether the place of an error exists in the manifest as written (a key a misspelling was
    checked as, `x_beneficiaries:` as beneficiary_title, is not the user's to be told about)."""
    return _exists(data, loc[:-1] if kind == "missing" else loc)


def _exists(data: Any, loc: tuple) -> bool:
    """Whether *loc* names a key or list item present in *data* (its value may be null)."""
    if not loc:
        return True
    parent = _walk(data, loc[:-1])
    last = loc[-1]
    if isinstance(parent, dict):
        return last in parent
    return isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent)


def _set_aside(data: dict, loc: tuple, kind: str) -> list | None:
    """Change the value at *loc* in place; the values it could stand for (the first one put in),
    or None where nothing can stand in."""
    if not loc or loc[0] == "parolekit":
        return None  # another format version is not checked as this one
    parent = _walk(data, loc[:-1])
    last = loc[-1]
    if kind == "extra_forbidden" and isinstance(parent, dict):
        if last in parent:  # (gone already if it was taken for a required key it misspells)
            value = parent.pop(last)
            meant = _meant(parent, loc)
            if meant is not None:  # `declarationsx:`, `executedx:`: checked as the key it misspells
                parent[meant] = value
        return [ABSENT]
    if kind == "missing" and isinstance(parent, dict) and _respelt(parent, loc):
        return [parent[last]]
    if kind == "value_error" and _is_model(loc):
        return _fix_item(data, loc)
    if not (_exists(data, loc) or kind == "missing" and isinstance(parent, dict)):
        return None
    node = _walk(data, loc)
    typed = _type_at(loc)
    if typed is None:
        return None
    ann, optional = typed
    choices = _candidates(ann, None if kind == "missing" else node, optional)
    if not choices:
        return None
    _put(data, loc, choices[0])
    return choices


def _fix_item(data: dict, loc: tuple) -> list | None:
    """A whole item's own check failed (an exhibit with no file): it is validated without that
    check, and nothing under it is reported again, where the model is one that can stand so."""
    model = _model_of(loc)
    item = _walk(data, loc)
    if model not in (Exhibit, Translation, CoverLetter) or not isinstance(item, dict):
        return None
    return [item]


def _respelt(parent: dict, loc: tuple) -> bool:
    """A required key missing where a key the model does not know is close to its name: that
    key's value is taken as this one's (the unknown key is reported, naming this one)."""
    close = respelling_in(parent, loc)
    if close is None:
        return False
    parent[loc[-1]] = parent.pop(close)
    return True


def respelling(data: Any, loc: tuple) -> str | None:
    """The unknown key beside missing required key *loc* that misspells it, if any."""
    return respelling_in(_walk(data, loc[:-1]), loc)


def respelling_in(parent: Any, loc: tuple) -> str | None:
    model = model_at(loc[:-1])
    if not isinstance(parent, dict) or model is None:
        return None
    unknown = [k for k in parent if isinstance(k, str) and k not in model.model_fields]
    close = difflib.get_close_matches(str(loc[-1]), unknown, n=1, cutoff=0.6)
    return close[0] if close else None


def _meant(parent: dict, loc: tuple) -> str | None:
    """The key the model knows, absent here, that unknown key *loc* is close to, if any."""
    model = model_at(loc[:-1])
    if model is None:
        return None
    absent = [k for k in model.model_fields if k not in parent]
    close = difflib.get_close_matches(str(loc[-1]), absent, n=1, cutoff=0.75)
    return close[0] if close else None


def _variants(fixed: dict, options: dict[tuple, list]) -> list[Manifest]:
    """The manifest with the other values each changed place could hold (the k-th of each)."""
    count = min(max((len(c) for c in options.values()), default=1), VARIANTS + 1)
    out = []
    for k in range(1, count):
        data = copy.deepcopy(fixed)
        for loc, choices in options.items():
            _put(data, loc, choices[k % len(choices)])
        try:
            out.append(Manifest.model_validate(data, context=_LENIENT))
        except ValidationError:
            continue  # one that does not stand (another forum needs a court): not tried
    return out


def _put(data: dict, loc: tuple, value: Any) -> None:
    parent = _walk(data, loc[:-1])
    if value is ABSENT:
        if isinstance(parent, dict):
            parent.pop(loc[-1], None)
    elif isinstance(parent, (dict, list)):
        parent[loc[-1]] = copy.deepcopy(value)


# -- the values that could stand in ---------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _candidates(ann: Any, value: Any, optional: bool) -> list:
    """Values valid for *ann*: guesses at what *value* meant first, then the default (if
    *optional*), then samples of the type (always for a few fixed choices, else only when
    nothing was guessed)."""
    try:
        adapter = TypeAdapter(ann)
    except Exception:  # a type TypeAdapter cannot take alone (a forward reference): no guess
        return [ABSENT] if optional else []
    base = _strip(ann)
    guesses = [g for g in _guesses(value, _choices(base)) if _valid(adapter, g)]
    out: list = _unique(guesses)
    if optional:
        out.append(ABSENT)
    if not guesses or base is bool or _choices(base):
        out += [s for s in _unique(_samples(ann)) if _valid(adapter, s) and s not in out]
    return out[:VARIANTS + 1]


def _guesses(value: Any, choices: tuple) -> list:
    out: list = []
    if isinstance(value, list) and len(value) == 1:
        out.append(value[0])
        value = value[0]
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return out
    text = value.strip()
    if choices:
        out += difflib.get_close_matches(text.lower(), [str(c) for c in choices], n=1, cutoff=0.6)
    m = _DATE.match(text)
    if m:  # 2026-11-31: the month's last day
        year, month = int(m[1]), min(max(int(m[2]), 1), 12)
        day = min(max(int(m[3]), 1), calendar.monthrange(year, month)[1])
        out.append(dt.date(year, month, day).isoformat())
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    out += [text, text.lower(), slug, [text], parts]
    return out


def _samples(ann: Any, depth: int = 0) -> list:
    """A few valid-looking values of a type, a model's with its required keys filled in."""
    base = _strip(ann)
    if depth > 4:
        return []
    if base is bool:
        return [False, True]
    if _choices(base):
        return list(_choices(base))
    origin = get_origin(base)
    if origin in (Union, types.UnionType):
        return [s for arg in get_args(base) if arg is not type(None) for s in _samples(arg, depth + 1)]
    if origin is list:
        items = _samples(get_args(base)[0], depth + 1) if get_args(base) else []
        return [[], items[:1]] if items else [[]]
    if origin is dict or base is dict:
        return [{}]
    if isinstance(base, type) and issubclass(base, BaseModel):
        minimal = {}
        for name, info in base.model_fields.items():
            if info.is_required():
                values = _samples(Annotated[info.annotation, info], depth + 1)
                if not values:
                    return []
                minimal[name] = values[0]
        return [minimal]
    if base is dt.date:
        return ["2000-01-01", "2099-12-31"]
    if base in (int, float, Decimal):
        return [1, 1000, Decimal("0.001")] if base is not int else [1, 1000]
    return ["x", "other"]


def _valid(adapter: TypeAdapter, value: Any) -> bool:
    try:
        adapter.validate_python(value, context=_LENIENT)
        return True
    except (ValidationError, TypeError, ValueError):
        return False


def _unique(values: list) -> list:
    out: list = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _type_at(loc: tuple) -> tuple[Any, bool] | None:
    """The type that validates the value at *loc*, and whether it may be left out."""
    if isinstance(loc[-1], int):
        outer = _type_at(loc[:-1]) if len(loc) > 1 else None
        base = _strip(outer[0]) if outer else None
        if get_origin(base) is not list or not get_args(base):
            return None
        return get_args(base)[0], False
    model = model_at(loc[:-1])
    if model is None and len(loc) > 1:  # a mapping's entry (budget.rates.HNL): it may be left out
        outer = _type_at(loc[:-1])
        base = _strip(outer[0]) if outer else None
        if get_origin(base) is dict and len(get_args(base)) == 2:
            return get_args(base)[1], True
        return None
    info = model.model_fields.get(loc[-1]) if model is not None else None
    if info is None:
        return None
    return Annotated[info.annotation, info], not info.is_required()


def _strip(ann: Any) -> Any:
    """The type under Annotated[...] and Optional[...]."""
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann


def _in_data(data: Any, loc: tuple) -> tuple:
    """*loc* without the names pydantic gives union members and validators (`str`, `Pin`,
    `function-after[...]`): the place in the data itself."""
    out: list = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str):
            out.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif node is None and i == len(loc) - 1:
            out.append(part)
        # else a member's name inside a value: not a place
    return tuple(out)


def _is_model(loc: tuple) -> bool:
    return _model_of(loc) is not None


def _model_of(loc: tuple) -> type[BaseModel] | None:
    """The model that validates the item at *loc* itself (an exhibit at ('exhibits', 3))."""
    if not loc:
        return Manifest
    if isinstance(loc[-1], int):
        typed = _type_at(loc)
        return _find_model(typed[0]) if typed else None
    return model_at(loc)


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
        field_ = model.model_fields.get(part)
        model = _find_model(field_.annotation) if field_ is not None else None
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
