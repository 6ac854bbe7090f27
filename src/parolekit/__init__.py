"""parolekit: build indexed, paginated, bookmarked evidence packets for immigration filings."""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__", "build_packet", "lint_manifest", "BuildResult", "ParolekitError", "CaseError",
           "ExitCode"]


def __getattr__(name: str):
    # Lazy imports keep `parolekit --version` and `import parolekit` quick.
    if name in ("build_packet", "BuildResult"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "lint_manifest":
        from .lint import lint_manifest

        return lint_manifest
    if name in ("ParolekitError", "CaseError", "ExitCode"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(name)
