"""Entries made for the cache beside the packet: staged while a build runs, kept only if it succeeds."""

from __future__ import annotations

import os
from pathlib import Path

from .source import Source


def keep_staged(sources: list[Source]) -> None:
    """Put every staged entry in place (each renamed whole); one that cannot be is dropped: a
    cache that cannot be written costs only the next build's time."""
    for src in sources:
        for staged, final in src.cache_staged:
            try:
                os.replace(staged, final)
            except OSError:
                staged.unlink(missing_ok=True)
        src.cache_staged = []
        src.cache_made = []


def make_folder(folder: Path) -> list[Path]:
    """Make *folder* and its missing parents; those made, deepest first."""
    made = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        made.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    return made


def drop_staged(sources: list[Source]) -> None:
    """Remove every staged entry: the build failed or only looked (lint), nothing stays behind."""
    folders = set()
    for src in sources:
        for staged, _final in src.cache_staged:
            staged.unlink(missing_ok=True)
            folders.add(staged.parent)
        src.cache_staged = []
    for src in sources:  # and the folders made for them (build/ too): none is left empty
        folders.update(src.cache_made)
        src.cache_made = []
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass  # other entries are in it
