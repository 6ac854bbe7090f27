"""Photos and scans as inputs: each image (each TIFF frame) one PDF page (see images.py)."""

from __future__ import annotations

import pikepdf

from ..images import ImageProblem, image_pages
from ..manifest import Case
from .converter import FileType, Opening, Tool
from .source import Source

IMAGE_KINDS = {"jpeg": "JPEG image", "png": "PNG image", "gif": "GIF image", "tiff": "TIFF image",
               "heic": "HEIC photo", "bmp": "BMP image", "webp": "WebP image"}
_EXTENSIONS = {"jpeg": (".jpg", ".jpeg"), "png": (".png",), "gif": (".gif",), "tiff": (".tif", ".tiff"),
               "heic": (".heic", ".heif"), "bmp": (".bmp",), "webp": (".webp",)}
TYPES = tuple(FileType(kind, _EXTENSIONS[kind], (kind,), f"a {words}") for kind, words in IMAGE_KINDS.items())
TOOL: Tool | None = None  # nothing to install: pikepdf and Pillow are dependencies


def open_source(case: Case, src: Source, opening: Opening) -> bool:
    """The image's pages as a new PDF; False (with a located problem) when it cannot be used."""
    pdf = pikepdf.new()
    try:
        placed = image_pages(src.path, pdf, opening.max_dpi)
    except ImageProblem as e:
        code = "image-too-large" if e.code == "image-too-large" else "file-corrupt"
        case.add(src.ref, code, f"'{src.relative}': {e}")
        return False
    src.pdf = pdf
    src.page_count = len(pdf.pages)
    src.image_dpi = [p.source_dpi for p in placed]
    return True


def check_pages(case: Case, src: Source) -> bool:
    return True  # pages drawn here from decoded pixels: nothing left to decode


def check_selected(case: Case, src: Source) -> bool:
    return True


def tool_found() -> bool:
    return True
