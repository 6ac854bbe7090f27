"""Filing profiles: each channel's rules as dated, sourced data (one YAML file per profile)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from ..model import Manifest, ProfileSettings

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Profile(BaseModel):
    """One channel: what it asks of a packet, where that was read, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    source: str
    as_of: dt.date
    notes: str = ""
    settings: ProfileSettings


@lru_cache(maxsize=1)
def profiles() -> dict[str, Profile]:
    """Every shipped profile, by name (the YAML files beside this module)."""
    out = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - safe loader
            p = Profile.model_validate(data)
            out[p.name] = p
    return out


def names() -> list[str]:
    return sorted(profiles())


def active(m: Manifest) -> ProfileSettings | None:
    """The case's profile figures with the manifest's overrides on top; None without a profile
    (or with one not shipped: lint and build report that as profile-unknown)."""
    name = m.output.profile
    if name is None or name not in profiles():
        return None
    base = profiles()[name].settings.model_dump()
    if m.output.profile_settings is not None:
        base.update(m.output.profile_settings.model_dump(exclude_unset=True))
    return ProfileSettings.model_validate(base)


def max_file_mb(m: Manifest) -> float | None:
    """The per-file cap a build splits under: output.max_file_mb when given, else the profile's."""
    s = active(m)
    if s is not None and s.single_file:
        return None  # one PDF whatever its size (a max_file_mb beside it is profile-setting-conflict)
    return m.output.max_file_mb or (s.max_file_mb if s else None)


def part_names(m: Manifest) -> str | None:
    s = active(m)
    return s.part_names if s else None


def apply(m: Manifest) -> None:
    """Set what the profile decides and the manifest leaves open: the paper, and every input
    page placed on it when the channel takes one page size (a conflict is profile-setting-conflict)."""
    s = active(m)
    if s is None or s.page_size not in ("letter", "a4"):
        return
    out = m.output
    if "paper" not in out.model_fields_set:
        out.paper = s.page_size
    if "fit_to_paper" not in out.model_fields_set:
        out.fit_to_paper = True
