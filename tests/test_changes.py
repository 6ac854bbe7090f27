"""`parolekit diff`: what was added, removed, changed (by content) or moved between two receipts."""

from __future__ import annotations

import json

from factory import CASE_HEAD, manifest, text_pdf

EXHIBITS = {
    "letter": "  - id: letter\n    title: Letter\n    file: exhibits/letter.pdf\n",
    "report": "  - id: report\n    title: Report\n    file: exhibits/report.pdf\n",
    "photo": "  - id: photo\n    title: Photo\n    file: exhibits/photo.pdf\n",
    "late": "  - id: late\n    title: Late addition\n    file: exhibits/late.pdf\n",
}


def _build(root, cli, ids, out):
    path = manifest(root / "case.yaml", CASE_HEAD + "exhibits:\n" + "".join(EXHIBITS[i] for i in ids))
    code, _o, err = cli("build", path, "-o", root / out / "packet.pdf", "-q")
    assert code == 0, err
    return root / out / "packet.receipt.json"


def test_diff_names_each_exhibits_fate_with_old_and_new_pages(tmp_path, cli):
    for name, pages in (("letter", 2), ("report", 3), ("photo", 1), ("late", 2)):
        text_pdf(tmp_path / "exhibits" / f"{name}.pdf", pages=pages, title=name)
    old = _build(tmp_path, cli, ["letter", "report", "photo"], "old")
    text_pdf(tmp_path / "exhibits" / "report.pdf", pages=3, title="report, corrected")
    new = _build(tmp_path, cli, ["late", "letter", "report"], "new")
    code, out, _err = cli("diff", old, new, "--format", "json")
    assert code == 0
    data = json.loads(out)
    fate = {e["id"]: e for e in data["exhibits"]}
    assert fate["late"]["status"] == "added" and fate["late"]["new_label"] == "A"
    assert fate["photo"]["status"] == "removed" and fate["photo"]["old_label"] == "C"
    assert fate["report"]["status"] == "changed" and fate["report"]["files"] == ["exhibits[report].file"]
    assert fate["letter"]["status"] == "moved"
    assert (fate["letter"]["old_label"], fate["letter"]["new_label"]) == ("A", "B")
    old_start = json.loads(old.read_text())["exhibits"][0]["start"]
    assert fate["letter"]["old_pages"].startswith(str(old_start))
    code, text, _err = cli("diff", old, new)
    assert code == 0 and "1 added, 1 removed, 1 changed, 1 moved, 0 unchanged" in text
    assert "added    late: Late addition" in text and "content differs: exhibits[report].file" in text


def test_diff_of_the_same_build_is_all_unchanged(tmp_path, cli):
    text_pdf(tmp_path / "exhibits" / "letter.pdf", pages=2)
    receipt = _build(tmp_path, cli, ["letter"], "one")
    code, text, _err = cli("diff", receipt, receipt)
    assert code == 0 and text.strip().endswith("0 added, 0 removed, 0 changed, 0 moved, 1 unchanged")


def test_diff_refuses_what_is_not_a_receipt(tmp_path, cli):
    (tmp_path / "x.json").write_text("[1, 2]")
    (tmp_path / "bad.json").write_text("{not json")
    code, _o, err = cli("diff", tmp_path / "x.json", tmp_path / "bad.json")
    assert code == 1 and "is not a parolekit receipt" in err and "Traceback" not in err
    code, _o, err = cli("diff", tmp_path / "bad.json", tmp_path / "x.json")
    assert code == 1 and "is not JSON (line 1" in err
    code, _o, err = cli("diff", tmp_path / "missing.json", tmp_path / "x.json")
    assert code == 1 and "no such receipt" in err
