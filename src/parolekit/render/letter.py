"""The cover letter: a Jinja2 template (built-in or the user's) rendering Markdown."""

from __future__ import annotations

import traceback
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from reportlab.platypus import Paragraph, Spacer

from ..errors import TemplateError
from ..model import Manifest
from ..plan import PagePlan
from . import markdown
from .doc import Rendered, render
from .fonts import styles
from .words import KINDS, join_names, long_date

BUILTIN = "cover-letter.md.j2"


class MarkdownText(str):
    """Text that is already Markdown: printed by templates without escaping."""


def _finalize(value: object) -> object:
    if isinstance(value, MarkdownText) or value is None:
        return value if value is not None else ""
    return markdown.escape_markdown(value)


def _lines(values) -> MarkdownText:
    """Address-style lines: each printed as written, one per line."""
    if values is None:
        return MarkdownText("")
    if isinstance(values, str):
        values = [values]
    return MarkdownText("\\\n".join(markdown.escape_markdown(v) for v in values if v))


class _Loader(jinja2.BaseLoader):
    def __init__(self, user_path: Path | None):
        self.user_path = user_path

    def get_source(self, environment, template):
        if self.user_path is not None and template == self.user_path.name:
            try:
                source = self.user_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise TemplateError(f"cover_letter.template: cannot read '{self.user_path}' ({e}); "
                                    "check the path (relative to the manifest)") from e
            return source, str(self.user_path), lambda: True
        source = resources.files("parolekit.templates").joinpath(template).read_text(encoding="utf-8")
        return source, template, lambda: True


def default_body(m: Manifest) -> str:
    names = join_names([b.name for b in m.case.beneficiaries])
    return (f"We respectfully submit the enclosed request for {KINDS[m.case.kind]} on behalf of "
            f"{names}. The enclosed exhibits and declarations support the request; they are "
            "listed in the index that follows.")


def context(m: Manifest, plan: PagePlan, body_md: str) -> dict:
    """What a cover-letter template can use: the whole case and the page plan."""
    def place(p):
        return {"id": p.id, "label": p.label, "title": p.title, "date": long_date(p.date),
                "start": p.start, "end": p.end, "range": p.range,
                "pages": p.end - p.start + 1, "volume": p.volume}

    exhibits = [place(p) for p in plan.exhibits.values()]
    by_id = {e["id"]: e for e in exhibits}
    forms = []
    for i, form in enumerate(m.forms):
        start, end = plan.sections.get(f"form:{i}", (0, 0))
        who = m.case.beneficiaries[form.beneficiary - 1].name if form.beneficiary and \
            form.beneficiary <= len(m.case.beneficiaries) else ""
        forms.append({"name": form.name, "beneficiary": who, "start": start, "end": end,
                      "range": f"{start}" if start == end else f"{start}\u2013{end}"})
    sections = {k: {"start": s, "end": e} for k, (s, e) in plan.sections.items()}
    rep, pet = m.case.representative, m.case.petitioner
    if rep:
        signer = {"name": rep.name, "title": "Attorney or Accredited Representative", "firm": rep.firm,
                  "address": rep.address, "phone": rep.phone, "email": rep.email}
        if rep.bar_number:
            signer["title"] += f", {rep.bar_number}"
    elif pet:
        signer = {"name": pet.name, "title": f"Petitioner ({pet.relationship})" if pet.relationship
                  else "Petitioner", "firm": None, "address": pet.address, "phone": pet.phone,
                  "email": pet.email}
    else:
        signer = {"name": m.case.beneficiaries[0].name, "title": "Beneficiary", "firm": None,
                  "address": None, "phone": None, "email": None}
    beneficiaries = [dict(b.model_dump(), birth_date_long=long_date(b.birth_date))
                     for b in m.case.beneficiaries]

    def cite(exhibit_id: str) -> str:
        if exhibit_id not in by_id:
            raise jinja2.UndefinedError(f"cite('{exhibit_id}'): no exhibit or declaration has that id")
        e = by_id[exhibit_id]
        return f"Exhibit {e['label']} at {e['start']}"

    return {
        "case": m.case, "date": long_date(m.case.date), "recipient": m.case.recipient,
        "beneficiaries": beneficiaries, "petitioner": pet, "representative": rep,
        "signer": signer, "body": MarkdownText(body_md), "forms": forms, "exhibits": exhibits,
        "ex": by_id, "cite": cite, "sections": sections, "total_pages": plan.total,
        "kind": KINDS[m.case.kind],
    }


def render_markdown(m: Manifest, plan: PagePlan, body_md: str, template: Path | None) -> str:
    env = SandboxedEnvironment(loader=_Loader(template), undefined=jinja2.StrictUndefined,
                               finalize=_finalize, autoescape=False, keep_trailing_newline=True)
    env.filters["lines"] = _lines
    name = template.name if template else BUILTIN
    shown = str(template) if template else f"built-in {BUILTIN}"
    try:
        return env.get_template(name).render(context(m, plan, body_md))
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"template {shown}, line {e.lineno}: {e.message}; fix the template's "
                            "syntax") from e
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as e:
        line = _template_line(e, name)
        raise TemplateError(f"template {shown}, line {line}: {e.message}; use a field the case has "
                            "(see the comment at the top of the built-in template) or add it to "
                            "the manifest") from e
    except TemplateError:
        raise
    except Exception as e:  # a template can call filters that fail on odd data
        line = _template_line(e, name)
        raise TemplateError(f"template {shown}, line {line}: {type(e).__name__}: {e}") from e


def _template_line(e: BaseException, name: str) -> int | str:
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename.endswith(name):
            return frame.lineno
    return "?"


def cover_letter(m: Manifest, plan: PagePlan, body_md: str, template: Path | None, paper: str) -> Rendered:
    st = styles()
    story: list = []
    for block in markdown.blocks(render_markdown(m, plan, body_md, template)):
        if block.kind == "heading":
            story.append(Paragraph(block.markup, st["heading"]))
        elif block.kind in ("bullet", "ordered"):
            bullet = "\u2022" if block.kind == "bullet" else f"{block.number}."
            story.append(Paragraph(block.markup, st["bullet"], bulletText=bullet))
        elif block.markup.strip() in ("", "\u00a0"):
            story.append(Spacer(1, 10))
        else:
            story.append(Paragraph(block.markup, st["body"]))
    return render(story, paper, title="Cover letter")
