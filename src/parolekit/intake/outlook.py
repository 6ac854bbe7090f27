"""Outlook .msg e-mails as exhibits: read by extract-msg (the msg extra), shown as an .eml is."""

from __future__ import annotations

import email.utils
import importlib.util
from pathlib import Path

from ..manifest import Case
from . import mail
from .converter import FileType, Opening, Tool
from .htmltext import html_text
from .message import Attachment, Message, sent_at
from .source import Source

TYPES = (FileType("msg", (".msg",), ("office",), "an Outlook message (.msg)"),)
TOOL = Tool("extract-msg", "pip install 'parolekit[msg]' (or save the message as .eml, or print it to PDF)")
check_pages = mail.check_pages
check_selected = mail.check_selected


def tool_found() -> bool:
    return importlib.util.find_spec("extract_msg") is not None


def open_source(case: Case, src: Source, opening: Opening) -> bool:
    """Read the .msg and make its pages as for an .eml; False (with a problem) if it cannot be read."""
    try:
        message = read_msg(src.path)
    except Exception as e:  # extract-msg raises its own kinds on a damaged or foreign OLE file
        case.add(src.ref, "file-corrupt", f"'{src.relative}' cannot be read as an Outlook message "
                 f"({type(e).__name__}: {str(e)[:120]}); save it again from Outlook, as .eml or PDF")
        return False
    return mail.message_exhibit(case, src, message, opening)


def read_msg(path: Path) -> Message:
    """The message's headers (the Date as its transport header says it), body and attachments."""
    import extract_msg

    msg = extract_msg.openMsg(str(path))
    try:
        raw = msg.header.get("Date") if getattr(msg, "header", None) is not None else None
        when = _parsed(raw) if raw else msg.date
        headers = [("From", _one_line(msg.sender)), ("To", _one_line(msg.to))]
        if msg.cc:
            headers.append(("Cc", _one_line(msg.cc)))
        headers += [("Date", sent_at(when, raw or "")), ("Subject", _one_line(msg.subject))]
        body = msg.body or ""
        if not body.strip() and msg.htmlBody:
            html = msg.htmlBody
            body = html_text(html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
        attachments = []
        for n, att in enumerate(msg.attachments, start=1):
            name = att.longFilename or att.shortFilename or f"attachment-{n}"
            data = att.data
            # A message attached to the message is listed, not opened: it is an exhibit of its own.
            attachments.append(Attachment(name if isinstance(data, bytes) else f"{name}.msg",
                                          data if isinstance(data, bytes) else b""))
        return Message(headers, body.replace("\r\n", "\n"), attachments, _one_line(msg.subject))
    finally:
        msg.close()


def _parsed(raw: str):
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None


def _one_line(value) -> str:
    return " ".join(str(value or "").split())
