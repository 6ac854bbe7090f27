"""Outlook .msg e-mails (the msg extra): read by extract-msg, shown as an .eml is.

No library writes .msg files, so extract-msg's reader is stood in for by an object with its
interface (openMsg, sender, to, cc, date, header, subject, body, htmlBody, attachments); the
sniffing, the page and the attachments' pages are parolekit's and run for real.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import types
from email.message import Message as Header

import pytest

from factory import CASE_HEAD, manifest, photo, require_poppler, text_pdf
from parolekit.errors import CaseError
from parolekit.intake import outlook
from parolekit.pipeline import build_packet

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016)


class _Att:
    def __init__(self, name, data):
        self.longFilename, self.shortFilename, self.data = name, None, data


def _fake_reader(monkeypatch, tmp_path, closed: list):
    header = Header()
    header["Date"] = "Mon, 02 Nov 2026 08:15:00 -0600"

    class Msg:
        sender = "Ana Ejemplo <ana@example.org>"
        to = "intake@example.net"
        cc = None
        date = dt.datetime(2026, 11, 2, 14, 15, tzinfo=dt.timezone.utc)
        subject = "Photos of the damage"
        body = "Here are the photos.\r\nAna"
        htmlBody = None
        attachments = [_Att("report.pdf", text_pdf(tmp_path / "made" / "r.pdf", title="Police report").read_bytes()),
                       _Att("door.png", photo(tmp_path / "made" / "door.png").read_bytes()),
                       _Att("forwarded", object())]  # an attached message

        def __init__(self):
            self.header = header

        def close(self):
            closed.append(True)

    fake = types.ModuleType("extract_msg")
    fake.openMsg = lambda path: Msg()
    monkeypatch.setitem(sys.modules, "extract_msg", fake)
    monkeypatch.setattr(outlook, "tool_found", lambda: True)


def _case(tmp_path):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", title="Letter")
    (tmp_path / "exhibits" / "damage.msg").write_bytes(OLE)
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
exhibits:
  - id: letter
    title: Letter
    file: exhibits/letter.pdf
  - id: damage
    title: E-mail with photos of the damage
    file: exhibits/damage.msg
""")


def test_a_msg_is_shown_as_an_eml_with_its_attachments(tmp_path, monkeypatch):
    closed: list = []
    _fake_reader(monkeypatch, tmp_path, closed)
    result = build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    ex = next(e for e in json.loads(result.receipt.read_text())["exhibits"] if e["id"] == "damage")
    assert ex["pages"] == 1 + 1 + 1 + 1  # separator, e-mail page, the PDF's page, the photo
    require_poppler()
    page = " ".join(subprocess.run(["pdftotext", "-f", str(ex["start"] + 1), "-l", str(ex["start"] + 1),
                                    str(result.output), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "November 2, 2026, 08:15 (UTC-06:00)" in page  # the sender's clock, not UTC
    assert "Here are the photos." in page and "forwarded.msg" in page and "Cc" not in page
    assert closed == [True]
    [w] = [p for p in result.warnings if p.code == "email-attachment-not-shown"]
    assert "'forwarded.msg'" in w.message


def test_without_extract_msg_a_msg_is_a_located_tool_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(outlook, "tool_found", lambda: False)
    with pytest.raises(CaseError) as err:
        build_packet(_case(tmp_path), tmp_path / "out" / "packet.pdf")
    [p] = [p for p in err.value.problems if p.code == "tool-missing"]
    assert p.path == "exhibits[damage].file" and "pip install 'parolekit[msg]'" in p.message


def test_a_damaged_msg_read_by_the_real_extract_msg_is_file_corrupt(tmp_path):
    pytest.importorskip("extract_msg")
    from parolekit.prepare import prepare

    prep = prepare(_case(tmp_path), read_texts=False)
    [p] = [p for p in prep.case.problems.items if p.path == "exhibits[damage].file"]
    assert p.code == "file-corrupt" and "save it again from Outlook" in p.message
