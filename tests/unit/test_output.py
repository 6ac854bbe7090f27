"""output.save_pdf: the file's /ID comes from its content, and the digest returned is the file's."""

from __future__ import annotations

import hashlib
import os

import pikepdf
import pytest

from parolekit import output

QPDF_STATIC_ID = bytes.fromhex("31415926535897932384626433832795")  # what static_id writes alone


def _pdf(text: str) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(612, 792))
    pdf.pages[0].Contents = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    return pdf


def _ids(path) -> tuple[bytes, bytes]:
    with pikepdf.open(path) as pdf:
        return bytes(pdf.trailer.ID[0]), bytes(pdf.trailer.ID[1])


@pytest.mark.parametrize("tail", [output.ID_TAIL, 16])  # 16: the /ID is not in the tail read back
def test_saving_returns_the_written_files_hash_and_size(tmp_path, monkeypatch, tail):
    monkeypatch.setattr(output, "ID_TAIL", tail)
    path = tmp_path / "a.pdf"
    saved = output.save_pdf(_pdf("Exhibit A"), path)
    data = path.read_bytes()
    assert saved.sha256 == hashlib.sha256(data).hexdigest()
    assert saved.size == len(data)
    first, second = _ids(path)
    assert first == second and first != QPDF_STATIC_ID and len(first) == 16


def test_the_id_is_derived_from_the_content_so_saving_is_deterministic(tmp_path):
    a, b, c = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    output.save_pdf(_pdf("Exhibit A"), a)
    output.save_pdf(_pdf("Exhibit A"), b)
    output.save_pdf(_pdf("Exhibit B"), c)
    assert a.read_bytes() == b.read_bytes()
    assert _ids(a) != _ids(c)
    # The first 16 bytes of the SHA-256 of everything before the trailer's /ID.
    data = a.read_bytes()
    at = data.rindex(b"/ID")
    assert _ids(a)[0] == hashlib.sha256(data[:at]).digest()[:16]


def test_the_pdf_is_left_without_the_placeholder_id(tmp_path):
    pdf = _pdf("Exhibit A")
    output.save_pdf(pdf, tmp_path / "a.pdf")
    assert "/ID" not in pdf.trailer


def test_a_large_packet_is_hashed_by_another_process_while_it_is_written(tmp_path, monkeypatch):
    # 24 MB of incompressible page content, far more than the tail the seal reads back: the
    # digest and /ID come from what the child process hashed during qpdf's write.
    monkeypatch.setattr(output, "ID_TAIL", 1 << 20)
    pdf = _pdf("Exhibit A")
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(
        Noise=pikepdf.Stream(pdf, os.urandom(24 << 20), Type=pikepdf.Name.XObject,
                             Subtype=pikepdf.Name.Image, Width=4096, Height=2048,
                             ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)))
    children = []
    real = output.Follower.__init__

    def spy(self, *a, **k):
        real(self, *a, **k)
        children.append(self._child)

    monkeypatch.setattr(output.Follower, "__init__", spy)
    path = tmp_path / "big.pdf"
    saved = output.save_pdf(pdf, path, follow=True)
    data = path.read_bytes()
    assert saved.sha256 == hashlib.sha256(data).hexdigest() and saved.size == len(data)
    at = data.rindex(b"/ID")
    assert _ids(path)[0] == hashlib.sha256(data[:at]).digest()[:16]
    assert children and children[0] is not None and children[0].returncode is not None  # done
    plain = output.save_pdf(pdf, tmp_path / "plain.pdf")  # hashed here: the same bytes
    assert plain.sha256 == saved.sha256
