"""The manifest's documentation is complete and its schema file current.

Convention: every key of the model, as a dotted path with `[]` for list items (`output.max_dpi`,
`exhibits[].translation.file`), appears in backticks in docs/manifest.md (the "Every key" table
lists them all). Documented keys the model lacks are allowed (docs may run ahead of a release).
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

from pydantic import BaseModel

from parolekit.model import Manifest, json_schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def key_paths(model: type[BaseModel] = Manifest, prefix: str = "", seen: frozenset = frozenset()) -> list[str]:
    out = []
    for name, f in model.model_fields.items():
        path = prefix + (f.alias or name)
        out.append(path)
        ann = f.annotation
        is_list = typing.get_origin(ann) is list or any(typing.get_origin(a) is list for a in typing.get_args(ann))
        for sub in _models(ann):
            if sub not in seen:
                out += key_paths(sub, path + ("[]." if is_list else "."), seen | {sub})
    return out


def _models(t) -> list[type[BaseModel]]:
    found = []
    for a in typing.get_args(t) or ():
        found += _models(a)
    if isinstance(t, type) and issubclass(t, BaseModel):
        found.append(t)
    return found


def test_every_key_of_the_model_is_documented():
    text = (DOCS / "manifest.md").read_text(encoding="utf-8")
    missing = [k for k in key_paths() if f"`{k}`" not in text]
    assert not missing, f"document these keys in docs/manifest.md: {missing}"


def test_the_key_walk_reaches_nested_keys():
    keys = key_paths()
    assert "exhibits[].translation.translator.name" in keys and "output.fit_to_paper" in keys
    assert len(keys) == len(set(keys)) > 80


def test_the_schema_file_is_current():
    on_disk = json.loads((DOCS / "manifest.schema.json").read_text(encoding="utf-8"))
    assert on_disk == json_schema(), "regenerate it: parolekit schema > docs/manifest.schema.json"


def test_the_readme_links_the_manifest_reference_inside_the_repository():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "(docs/manifest.md)" in readme and "../shared/spec" not in readme
    assert "pip install parolekit\n" not in readme  # not on an index yet


def test_every_pinned_release_is_this_version():
    """The README's pre-commit and CI snippets pin the tag of the version the package says it is."""
    from parolekit import __version__

    for name in ("README.md", "docs/lint.md", ".pre-commit-hooks.yaml"):
        text = (DOCS.parent / name).read_text(encoding="utf-8")
        pinned = set(re.findall(r"@?v(\d+\.\d+\.\d+)", text))
        assert pinned == {__version__}, f"{name} pins {sorted(pinned)}, the package is {__version__}"
