"""Inputs: sniffed, hashed and opened once, each file type by its converter (registry.py)."""

from .converter import Converter, FileType, Opening, Tool
from .files import NotRegular, check_unchanged, ensure_unchanged
from .image import IMAGE_KINDS
from .inputs import inspect_sources
from .pdf import MAX_PAGE_CONTENT
from .registry import CONVERTERS, converter_for
from .sniff import sniff
from .source import FileStat, Source, file_refs
from .texts import TextInput, snapshot_texts

__all__ = ["CONVERTERS", "IMAGE_KINDS", "MAX_PAGE_CONTENT", "Converter", "FileStat", "FileType", "NotRegular",
           "Opening", "Source", "TextInput", "Tool", "check_unchanged", "converter_for", "ensure_unchanged",
           "file_refs", "inspect_sources", "sniff", "snapshot_texts"]
