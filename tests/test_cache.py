"""The per-exhibit cache beside the packet: images made into pages once, never a different packet."""

from __future__ import annotations

from pathlib import Path

from factory import CASE_HEAD, manifest, photo, text_pdf

from parolekit import images
from parolekit.pipeline import build_packet


def _case(tmp_path: Path) -> Path:
    ex = tmp_path / "exhibits"
    photo(ex / "receipt.png", size=(1200, 900), dpi=600)  # downsampled past max_dpi: re-encoded
    photo(ex / "passport.jpg", size=(900, 1200), orientation=6, dpi=300)
    photo(ex / "scan.tif", size=(800, 1000), dpi=200)
    text_pdf(ex / "letter.pdf", pages=2, title="Letter")
    return manifest(tmp_path / "case.yaml", CASE_HEAD + """\
output:
  max_dpi: 150
exhibits:
  - {id: receipt, title: Receipt, file: exhibits/receipt.png}
  - {id: passport, title: Passport, file: exhibits/passport.jpg}
  - {id: scan, title: Scanned record, file: exhibits/scan.tif}
  - {id: letter, title: Letter, file: exhibits/letter.pdf}
""")


def test_cached_and_uncached_builds_are_byte_identical(tmp_path, monkeypatch):
    m = _case(tmp_path)
    out = tmp_path / "out"
    cache = out / ".parolekit-cache"
    fresh = build_packet(m, out / "fresh.pdf", cache=False)
    assert not cache.exists()  # --no-cache writes nothing there either
    first = build_packet(m, out / "first.pdf")  # made, and kept
    assert len(list(cache.glob("*.pdf"))) == 3 and len(list(cache.glob("*.json"))) == 3
    made = []
    real = images.image_pages
    monkeypatch.setattr("parolekit.intake.image.image_pages", lambda *a, **k: made.append(a) or real(*a, **k))
    again = build_packet(m, out / "again.pdf")  # from the cache
    assert made == []
    data = (out / "fresh.pdf").read_bytes()
    assert (out / "first.pdf").read_bytes() == data and (out / "again.pdf").read_bytes() == data
    assert fresh.sha256 == first.sha256 == again.sha256


def test_another_max_dpi_or_a_damaged_entry_makes_the_pages_again(tmp_path, monkeypatch):
    m = _case(tmp_path)
    out = tmp_path / "out"
    build_packet(m, out / "packet.pdf")
    cache = out / ".parolekit-cache"
    for entry in cache.glob("*.pdf"):
        entry.write_bytes(b"%PDF-1.7 damaged")
    made = []
    real = images.image_pages
    monkeypatch.setattr("parolekit.intake.image.image_pages", lambda *a, **k: made.append(a) or real(*a, **k))
    rebuilt = build_packet(m, out / "packet.pdf")
    assert len(made) == 3
    assert rebuilt.sha256 == build_packet(m, out / "fresh.pdf", cache=False).sha256
    m.write_text(m.read_text().replace("max_dpi: 150", "max_dpi: 100"))
    build_packet(m, out / "packet.pdf")
    assert len(list(cache.glob("*-100dpi.pdf"))) == 3


def test_a_failed_build_or_lint_leaves_no_cache(tmp_path):
    import pytest

    from parolekit.errors import CaseError
    from parolekit.lint import lint_manifest

    m = _case(tmp_path)
    lint_manifest(m)
    assert not (tmp_path / ".parolekit-cache").exists()
    m.write_text(m.read_text() + "  - {id: gone, title: Missing, file: exhibits/missing.pdf}\n")
    with pytest.raises(CaseError):
        build_packet(m, tmp_path / "out" / "packet.pdf")
    assert not (tmp_path / "out" / ".parolekit-cache").exists()
