"""Every converter in the registry has the one interface, and every extension names one type."""

from __future__ import annotations

from pathlib import Path

from parolekit.intake import registry
from parolekit.intake.converter import FileType


def test_every_converter_has_the_interface():
    for module in registry.CONVERTERS:
        for name in ("TYPES", "TOOL", "open_source", "check_pages", "check_selected", "tool_found"):
            assert hasattr(module, name), f"{module.__name__} lacks {name}"
        assert module.TYPES and all(isinstance(t, FileType) for t in module.TYPES)


def test_each_extension_belongs_to_one_type():
    seen: dict[str, str] = {}
    for module in registry.CONVERTERS:
        for ftype in module.TYPES:
            for ext in ftype.extensions:
                assert ext == ext.lower() and ext.startswith(".")
                assert ext not in seen, f"{ext} is both {seen[ext]} and {ftype.kind}"
                seen[ext] = ftype.kind
    assert registry.converter_for(Path("a/B.DOCX"))[1].kind == "docx"
    assert registry.converter_for(Path("x.txt")) is None
