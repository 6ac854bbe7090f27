"""`parolekit init`: a new case folder (commented manifest, declaration stub, templates, a sample exhibit)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from importlib import resources
from pathlib import Path

from .errors import CaseError, OutputError, display_path

GITIGNORE = """\
# Built packets hold the whole case: keep them out of version control.
build/
"""


def _template(name: str) -> str:
    return resources.files("parolekit.templates").joinpath(name).read_text(encoding="utf-8")


def sample_exhibit() -> bytes:
    """A one-page, plainly fictional letter so the new case builds before real files arrive."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    from .render.fonts import FAMILY, register

    register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER, invariant=1)
    c.setTitle("SAMPLE exhibit")
    w, h = LETTER
    c.setFont(FAMILY + "-Bold", 16)
    c.drawString(72, h - 90, "SAMPLE EXHIBIT \u2014 fictional placeholder")
    c.setFont(FAMILY, 11)
    lines = ["This page stands in for a real document, such as a letter from the treating",
             "physician. Replace exhibits/sample-letter.pdf with the real file (or point",
             "`file:` in case.yaml at it) and update the exhibit's title and date.",
             "",
             "Every person and fact on this page is invented."]
    for i, line in enumerate(lines):
        c.drawString(72, h - 130 - 16 * i, line)
    c.setFont(FAMILY + "-Bold", 90)
    c.setFillGray(0.9)
    c.saveState()
    c.translate(w / 2, h / 2 - 60)
    c.rotate(35)
    c.drawCentredString(0, 0, "SAMPLE")
    c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def files(today: dt.date) -> dict[str, bytes]:
    """Relative path -> content of everything a new case folder holds."""
    case = _template("case.yaml").replace("@DATE@", today.isoformat())
    return {
        "case.yaml": case.encode("utf-8"),
        "declarations/beneficiary.md": _template("declaration.md").encode("utf-8"),
        "templates/cover-letter.md.j2": _template("cover-letter.md.j2").encode("utf-8"),
        "exhibits/sample-letter.pdf": sample_exhibit(),
        ".gitignore": GITIGNORE.encode("utf-8"),
    }


def init_case(directory: Path | str, today: dt.date | None = None) -> list[Path]:
    """Create *directory* with a case that lints and builds as it is; return the files made.

    An existing folder must be empty: init never overwrites or mixes with someone's files.
    """
    folder = Path(directory)
    shown = display_path(folder)
    if folder.exists() and not folder.is_dir():
        raise CaseError(f"'{shown}' exists and is not a folder; choose a new folder name for the case")
    if folder.is_dir() and any(folder.iterdir()):
        raise CaseError(f"'{shown}' already exists and is not empty; parolekit init only creates new "
                        "case folders (choose a new name, or empty the folder first)")
    content = files(today or dt.date.today())
    created_folder = not folder.exists()
    made: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for relative, data in content.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:  # "x": never replace a file that appeared meanwhile
                fh.write(data)
            made.append(path)
    except OSError as e:
        # Leave nothing half-made: remove what this call created.
        if created_folder:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for path in made:
                path.unlink(missing_ok=True)
        raise OutputError(f"cannot create the case in '{shown}': {e.strerror or e}; check the path "
                          "and its permissions") from e
    return made
