"""Entries made for the cache beside the packet: staged while a build runs, kept only if it succeeds."""

from __future__ import annotations

import os

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


def drop_staged(sources: list[Source]) -> None:
    """Remove every staged entry: the build failed or only looked (lint), nothing stays behind."""
    folders = set()
    for src in sources:
        for staged, _final in src.cache_staged:
            staged.unlink(missing_ok=True)
            folders.add(staged.parent)
        src.cache_staged = []
    for folder in folders:  # made for these entries: an empty cache folder is not left either
        try:
            folder.rmdir()
        except OSError:
            pass  # other entries are in it
