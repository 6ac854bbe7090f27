"""The rule catalogue and the evidence rules, read from the YAML data files shipped beside this module."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ..manifest import Case

Severity = Literal["error", "warning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """One rule: a stable code, its severity and why it exists."""

    code: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    group: str
    severity: Severity
    title: str
    rationale: str
    source: str | None = None
    lint_only: bool = False  # an error lint reports but a build tolerates


class Need(_Strict):
    """What satisfies an evidence rule: a form by name, or an exhibit by tag or category."""

    forms: list[str] = []
    tags: list[str] = []
    categories: list[str] = []


class When(_Strict):
    reasons: list[str] = []  # any of these reasons
    petitioner: bool | None = None  # true: only when `case.petitioner` is given
    # An evidence pack describes the request as first filed. A response to a notice answers its
    # grounds with the evidence they call for; the record already holds the forms and the rest,
    # so a rule applies to responses only when it says so ("response" or "any").
    filing: Literal["initial", "response", "any"] = "initial"


class EvidenceRule(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    title: str
    for_: Literal["case", "each-beneficiary", "each-minor-beneficiary", "each-reason"] = Field(alias="for")
    when: When = When()
    need: Need | None = None
    need_by_reason: dict[str, Need] | None = None
    missing: str
    fix: str
    rationale: str
    source: str


class EvidencePack(_Strict):
    """The evidence rules for one `case.kind`, dated and sourced so they can be kept current."""

    kind: str
    as_of: dt.date
    source: str
    rules: list[EvidenceRule]


class Catalogue(_Strict):
    groups: dict[str, str]
    rules: list[Rule]


# libyaml parses the rule data ~5x faster than pure Python; plain safe loading either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(name: str) -> object:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return Catalogue.model_validate(_load("catalogue.yaml"))


@lru_cache(maxsize=1)
def rules_by_code() -> dict[str, Rule]:
    """Every rule, general and evidence, by code (evidence rules are warnings)."""
    out = {r.code: r for r in catalogue().rules}
    for pack in evidence_packs().values():
        for er in pack.rules:
            out[er.code] = Rule(code=er.code, group=f"evidence:{pack.kind}", severity="warning",
                                title=er.title, rationale=er.rationale, source=er.source)
    return out


EVIDENCE_FILES = ("humanitarian-parole.yaml", "reparole.yaml")


@lru_cache(maxsize=1)
def evidence_packs() -> dict[str, EvidencePack]:
    packs = [EvidencePack.model_validate(_load(name)) for name in EVIDENCE_FILES]
    return {p.kind: p for p in packs}


@lru_cache(maxsize=1)
def tag_vocabulary() -> dict[str, str]:
    data = _load("tags.yaml")
    return dict(data["tags"])  # type: ignore[index]


@lru_cache(maxsize=1)
def places() -> tuple[frozenset[str], frozenset[str]]:
    """(U.S. place names, other countries), lower-cased."""
    data = _load("places.yaml")
    us = frozenset(str(s).lower() for s in data["united_states"])  # type: ignore[index]
    abroad = frozenset(str(s).lower() for s in data["countries"])  # type: ignore[index]
    return us, abroad


def emit(case: Case, path: tuple, code: str, message: str, key: bool = False) -> None:
    """Record a problem with the severity the catalogue gives *code* (one place decides it)."""
    case.add(path, code, message, key=key)
