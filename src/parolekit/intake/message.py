"""An e-mail as parolekit reads it, whatever the file format: headers, body, attachments."""

from __future__ import annotations

import datetime as dt
import email
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import DateHeader

from ..render.words import long_date
from .htmltext import html_text

HEADERS = ("From", "To", "Cc", "Date", "Subject")


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass
class Message:
    """What the e-mail page shows and the attachments that follow it."""

    headers: list[tuple[str, str]]  # (name, value) in HEADERS order, Cc only when present
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    subject: str = ""


def sent_at(when: dt.datetime | None, raw: str) -> str:
    """The date as the sender's clock said it: 'November 3, 2026, 14:05 (UTC-05:00)'."""
    if when is None:
        return raw.strip()
    moment = f"{long_date(when.date())}, {when:%H:%M}"
    if when.tzinfo is None:  # "-0000": the sender's zone is not known
        return f"{moment} (time zone not given)"
    offset = when.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{moment} (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def read_eml(data: bytes) -> Message:
    """An RFC 5322 message (.eml), decoded with the standard library's modern policy."""
    msg = email.message_from_bytes(data, policy=policy.default)
    headers = []
    for name in HEADERS:
        value = msg.get(name)
        if value is None and name == "Cc":
            continue
        if name == "Date" and isinstance(value, DateHeader):
            shown = sent_at(value.datetime, str(value))
        else:
            shown = " ".join(str(value or "").split())
        headers.append((name, shown))
    body_part = msg.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        content = _content(body_part)
        body = html_text(content) if body_part.get_content_subtype() == "html" else content
    attachments = []
    for n, part in enumerate(msg.iter_attachments(), start=1):
        payload = part.get_payload(decode=True) if not part.is_multipart() else part.as_bytes()
        attachments.append(Attachment(part.get_filename() or f"attachment-{n}", payload or b""))
    return Message(headers, body, attachments, " ".join(str(msg.get("Subject", "")).split()))


def _content(part) -> str:
    try:
        value = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset: read it as Latin-1
        value = (part.get_payload(decode=True) or b"").decode("latin-1")
    return value if isinstance(value, str) else value.decode("utf-8", "replace")
