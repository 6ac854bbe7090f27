"""Photos and scans as inputs: each image (each TIFF frame) one PDF page; animations refused (see images.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pikepdf

from ..images import ImageProblem, image_pages
from ..manifest import Case
from .cache import make_folder
from .converter import FileType, Opening, Tool
from .source import Source

IMAGE_KINDS = {"jpeg": "JPEG image", "png": "PNG image", "gif": "GIF image", "tiff": "TIFF image",
               "heic": "HEIC photo", "bmp": "BMP image", "webp": "WebP image"}
_EXTENSIONS = {"jpeg": (".jpg", ".jpeg"), "png": (".png",), "gif": (".gif",), "tiff": (".tif", ".tiff"),
               "heic": (".heic", ".heif"), "bmp": (".bmp",), "webp": (".webp",)}
TYPES = tuple(FileType(kind, _EXTENSIONS[kind], (kind,), f"a {words}") for kind, words in IMAGE_KINDS.items())
TOOL: Tool | None = None  # nothing to install: pikepdf and Pillow are dependencies


def open_source(case: Case, src: Source, opening: Opening) -> bool:
    """The image's pages as a new PDF; False (with a located problem) when it cannot be used.

    Decoding, downsampling and re-encoding are the costly part of an image: with a cache folder
    the pages are kept there by the image's SHA-256 (and max_dpi), and a rebuild opens them.
    """
    cached = _cached(src, opening)
    if cached is not None:
        return True
    pdf = pikepdf.new()
    try:
        placed = image_pages(src.path, pdf, opening.max_dpi)
    except ImageProblem as e:
        code = e.code if e.code in ("image-too-large", "image-animated") else "file-corrupt"
        case.add(src.ref, code, f"'{src.relative}': {e}")
        return False
    src.pdf = pdf
    src.page_count = len(pdf.pages)
    src.image_dpi = [p.source_dpi for p in placed]
    _keep(src, opening)
    return True


# Bumped when image_pages makes different pages from the same image (2: animations refused, so an
# entry made of an animation's first frame is never reused).
CACHE_FORMAT = 2


def _entry(src: Source, opening: Opening) -> Path | None:
    if opening.cache is None or not src.sha256:
        return None
    return opening.cache / f"{src.sha256}.image{CACHE_FORMAT}-{opening.max_dpi}dpi.pdf"


def _cached(src: Source, opening: Opening) -> bool | None:
    """The image's pages from the cache (True), or None when they are not there (or unreadable)."""
    entry = _entry(src, opening)
    if entry is None or not entry.is_file():
        return None
    try:
        dpi = json.loads(entry.with_suffix(".json").read_text(encoding="utf-8"))["dpi"]
        pdf = pikepdf.open(entry)
        if len(pdf.pages) != len(dpi):
            pdf.close()
            return None
    except (OSError, ValueError, KeyError, TypeError, pikepdf.PdfError):
        return None  # a damaged entry is made again
    src.pdf, src.page_count, src.image_dpi = pdf, len(dpi), [float(d) for d in dpi]
    return True


def _keep(src: Source, opening: Opening) -> None:
    """Stage the pages just made for the cache (put in place with the packet, intake/cache.py)."""
    entry = _entry(src, opening)
    if entry is None or src.pdf is None:
        return
    dpi = entry.with_suffix(".json")
    staged = [(entry.with_name(f".{p.name}.{os.getpid()}.tmp"), p) for p in (dpi, entry)]  # dpi first
    try:
        src.cache_made.extend(make_folder(entry.parent))
        staged[0][0].write_text(json.dumps({"dpi": src.image_dpi}), encoding="utf-8")
        with open(staged[1][0], "wb") as fh:  # an open file: pikepdf would make a temporary file of its own
            # As made, uncompressed streams too: the packet copies the same objects from either.
            src.pdf.save(fh, deterministic_id=True, compress_streams=False,
                         stream_decode_level=pikepdf.StreamDecodeLevel.none)
    except BaseException as e:
        for tmp, _final in staged:
            tmp.unlink(missing_ok=True)
        if not isinstance(e, OSError):
            raise
        return
    src.cache_staged.extend(staged)


def check_pages(case: Case, src: Source) -> bool:
    return True  # pages drawn here from decoded pixels: nothing left to decode


def check_selected(case: Case, src: Source) -> bool:
    return True


def tool_found() -> bool:
    return True
