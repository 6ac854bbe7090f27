"""`build --draft`: every page marked, the receipt says so, and a draft never replaces a final packet."""

from __future__ import annotations

import json
import subprocess

import pikepdf

from factory import require_poppler


def test_a_draft_is_marked_on_every_page_and_goes_beside_the_final(case_dir, cli):
    require_poppler()
    code, _o, err = cli("build", case_dir / "case.yaml", "-q")
    assert code == 0, err
    final = case_dir / "case.pdf"
    before = final.read_bytes()
    code, _o, err = cli("build", case_dir / "case.yaml", "--draft", "-q")
    assert code == 0, err
    draft = case_dir / "case.draft.pdf"
    assert final.read_bytes() == before  # the final packet is untouched
    with pikepdf.open(draft) as pdf, pikepdf.open(final) as fin:
        assert len(pdf.pages) == len(fin.pages)
        for page in pdf.pages:  # a marked watermark artifact on every page, translucent
            assert b"/Watermark>> BDC" in _contents(page) and b"(DRAFT \x97 not for filing) Tj" in _contents(page)
            assert any(float(g.get("/ca", 1)) < 0.5 for _k, g in page.Resources.ExtGState.items())
        assert all(b"/Watermark" not in _contents(page) for page in fin.pages)
    # Seen, not only written: the mark's colour across the middle of a page, none on the final's.
    assert _reddish(draft) > 500 and _reddish(final) == 0
    receipt = json.loads((case_dir / "case.draft.receipt.json").read_text())
    assert receipt["draft"] is True
    assert "draft" not in json.loads((case_dir / "case.receipt.json").read_text())


def test_a_draft_never_replaces_a_final_packet(case_dir, cli):
    code, _o, err = cli("build", case_dir / "case.yaml", "-q")
    assert code == 0, err
    before = (case_dir / "case.pdf").read_bytes()
    code, _o, err = cli("build", case_dir / "case.yaml", "--draft", "-o", case_dir / "case.pdf")
    assert code == 1 and "draft-over-final" in err and "case.draft.pdf" in err
    assert (case_dir / "case.pdf").read_bytes() == before
    # A draft may replace a draft, and a final build replaces a draft.
    assert cli("build", case_dir / "case.yaml", "--draft", "-o", case_dir / "d.pdf", "-q")[0] == 0
    assert cli("build", case_dir / "case.yaml", "--draft", "-o", case_dir / "d.pdf", "-q")[0] == 0
    assert cli("build", case_dir / "case.yaml", "-o", case_dir / "d.pdf", "-q")[0] == 0
    assert "draft" not in json.loads((case_dir / "d.receipt.json").read_text())


def _contents(page) -> bytes:
    c = page.obj.Contents
    return b"".join(x.read_bytes() for x in c) if isinstance(c, pikepdf.Array) else c.read_bytes()


def _reddish(path) -> int:
    """Pixels of the mark's red on the packet's first page, rendered at 40 dpi."""
    from PIL import Image

    out = path.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(path), str(out)],
                   check=True)
    with Image.open(f"{out}.png") as img:
        data = img.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > data[i + 1] + 25 and data[i] > data[i + 2] + 25)
