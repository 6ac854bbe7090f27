"""The cover letter: a Jinja2 template (built-in or the user's) rendering Markdown."""

from __future__ import annotations

import difflib
from pathlib import Path

from reportlab.platypus import KeepTogether, Spacer

from .scripts import Paragraph
from ..errors import display_path
from ..grouping import labels, packet_order
from ..manifest import Case, is_inline_text, read_text_file
from ..model import Manifest, birth_date_private, cited_id
from .. import money
from ..model import Pin
from ..plan import ExhibitSpec, PagePlan, Part, PinError, plan_pages
from ..response import (NOTICE_NAMES, SUBJECTS, front_notice, nbsp, notice_pin, notice_title, opening, pin_target,
                        pin_text)
from . import markdown
from .doc import Rendered, render
from .fonts import styles
from .sandbox import BODY, BUILTIN, LetterError, MarkdownText, _CiteError, _environment, _render
from .words import KINDS, join_names, language_name, long_date, party, sort_key

SIGNATURE_SPACE = 22  # points of room to sign in, left by a line that is only `&nbsp;`

def default_body(m: Manifest) -> str:
    signer = _signer(m)
    people = [b.name for b in m.case.beneficiaries]
    if signer["is_beneficiary"]:  # a beneficiary filing for themself (and perhaps family)
        whom = f" for {join_names(['myself'] + people[1:])}" if len(people) > 1 else ""
    else:
        whom = f" on behalf of {join_names(people)}"
    if m.response:
        return (f"The response to each ground, with the evidence that answers it, follows this letter; "
                f"the enclosed exhibits{',' + whom + ',' if whom else ''} are listed in the index.")
    who = "We" if signer["represented"] else "I"
    return (f"{who} respectfully submit the enclosed request for {KINDS[m.case.kind]}{whom}. "
            "The enclosed exhibits and declarations support the request; they are listed in the "
            "index that follows.")


def _client(m: Manifest) -> str:
    """Whom a representative acts for: the petitioner when there is one, else the beneficiaries."""
    pet = m.case.petitioner
    if pet:
        return pet.title or "Petitioner"
    word = party(m.case.kind, m.case.beneficiary_title)
    return word if len(m.case.beneficiaries) == 1 else f"{word}s"


def _signer(m: Manifest) -> dict:
    """Who signs: the representative, else the petitioner, else the (first) beneficiary, each
    under the title the manifest gives (representative.title) or their part in the case."""
    rep, pet = m.case.representative, m.case.petitioner
    base = {"firm": None, "address": None, "phone": None, "email": None, "represented": False,
            "is_beneficiary": False}
    if rep:
        title = rep.title or f"Attorney or Accredited Representative for {_client(m)}"
        if rep.bar_number:
            title += f", {rep.bar_number}"
        return base | {"name": rep.name, "title": title, "firm": rep.firm, "address": rep.address,
                       "phone": rep.phone, "email": rep.email, "represented": True}
    if pet:
        word = pet.title or "Petitioner"
        return base | {"name": pet.name, "title": f"{word} ({pet.relationship})" if pet.relationship
                       else word, "address": pet.address, "phone": pet.phone, "email": pet.email}
    return base | {"name": m.case.beneficiaries[0].name, "is_beneficiary": True,
                   "title": party(m.case.kind, m.case.beneficiary_title)}


def context(m: Manifest, plan: PagePlan, body_md: str) -> dict:
    """What a cover-letter template can use: the whole case and the page plan (the names
    templates/cover-letter.md.j2 documents)."""
    exhibits = _exhibit_views(m, plan)
    by_id = {e["id"]: e for e in exhibits}
    word = party(m.case.kind, m.case.beneficiary_title)
    pet = m.case.petitioner
    petitioner = dict(pet.model_dump(), title=pet.title or "Petitioner") if pet else None
    cite, short = _citers(m, plan, by_id)
    signer = _signer(m)
    chronology = [{"date": long_date(e.date), "event": e.event, "planned": e.planned,
                   "exhibits": [by_id[cited_id(x)] for x in e.exhibits if cited_id(x) in by_id]}
                  for e in sorted(m.chronology, key=lambda e: sort_key(e.date))]
    claims = [{"claim": c.claim, "exhibits": [by_id[cited_id(x)] for x in c.exhibits if cited_id(x) in by_id]}
              for c in m.claims]
    return {
        "case": m.case, "date": long_date(m.case.date), "recipient": m.case.recipient,
        "beneficiaries": _beneficiary_views(m, word), "petitioner": petitioner, "party": word,
        "representative": m.case.representative, "signer": signer,
        "body": MarkdownText(body_md), "forms": _form_views(m, plan), "exhibits": exhibits,
        "declarations": [e for e in exhibits if e["is_declaration"]],
        "documents": [e for e in exhibits if not e["is_declaration"]],
        "ex": by_id, "cite": cite, "cite_short": short, "sections": _section_views(m, plan),
        "total_pages": plan.total, "kind": KINDS[m.case.kind], "reasons": list(m.case.reasons),
        "chronology": chronology, "claims": claims,
        "response": _response_view(m, plan, signer["represented"]),
        "budget": money.template_view(m.budget) if m.budget else None,
    }


def _exhibit_views(m: Manifest, plan: PagePlan) -> list[dict]:
    """Every exhibit and declaration as a template sees it, in packet order."""
    items = {d.id: d for d in m.declarations} | {e.id: e for e in m.exhibits}

    def place(p) -> dict:
        item = items.get(p.id)
        lang = getattr(item, "language", "en") or "en"
        out = {"id": p.id, "label": p.label, "title": p.title, "date": long_date(p.date),
               "start": p.start, "end": p.end, "range": p.range, "pages": p.end - p.start + 1,
               "volume": p.volume, "is_declaration": p.is_declaration,
               "category": getattr(item, "category", None), "tags": list(getattr(item, "tags", [])),
               "language": lang, "language_name": language_name(lang),
               "translated": getattr(item, "translation", None) is not None,
               "section": getattr(item, "section", None)}
        if p.is_declaration and item is not None:
            out["declarant"] = {"name": item.declarant.name, "role": item.declarant.role}
        return out

    return [place(p) for p in plan.exhibits.values()]


def _form_views(m: Manifest, plan: PagePlan) -> list[dict]:
    forms = []
    for i, form in enumerate(m.forms):
        start, end = plan.sections.get(f"form:{i}", (0, 0))
        who = m.case.beneficiaries[form.beneficiary - 1].name if form.beneficiary and \
            form.beneficiary <= len(m.case.beneficiaries) else ""
        forms.append({"name": form.name, "beneficiary": who, "start": start, "end": end,
                      "range": f"{start}" if start == end else f"{start}\u2013{end}"})
    return forms


def _section_views(m: Manifest, plan: PagePlan) -> dict:
    # Every section name is present, so `{% if sections.chronology %}` works in any case.
    sections: dict = {k: None for k in ("cover", "brief", "index", "chronology", "claims", "notice",
                                        "response", "budget")}
    sections.update({k.partition(":")[0] if k.startswith("notice:") else k:
                     {"start": s, "end": e, "range": f"{s}\u2013{e}" if e != s else f"{s}"}
                     for k, (s, e) in plan.sections.items()})
    if sections["brief"] and m.brief:
        sections["brief"]["title"] = m.brief.title
    return sections


def _beneficiary_views(m: Manifest, word: str) -> list[dict]:
    # A minor's full date of birth is what lint asks not to repeat: `born` gives only the year.
    return [dict(b.model_dump(), birth_date_long=long_date(b.birth_date), title=word,
                 minor=birth_date_private(b.birth_date, m.case.date),
                 born=(str(b.birth_date.year) if birth_date_private(b.birth_date, m.case.date)
                       else long_date(b.birth_date)) if b.birth_date else "")
            for b in m.case.beneficiaries]


def _citers(m: Manifest, plan: PagePlan, by_id: dict):
    """The templates' cite() and cite_short(): citations as links to their packet pages."""
    notice_front = m.response.notice if m.response and m.response.notice_first else None

    def cite(exhibit_id: str, page: int | str | None = None) -> str:
        """"Exhibit C at 14": where the exhibit begins; with *page* ("2", "3-4"), at those of its pages."""
        if exhibit_id not in by_id and (notice_front is None or exhibit_id != notice_front):  # cite(none) too
            close = difflib.get_close_matches(str(exhibit_id), list(by_id), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "cite the id of an exhibit or declaration"
            raise _CiteError(f"cite('{exhibit_id}'): no exhibit or declaration has that id; {hint}")
        name = f"Exhibit {by_id[exhibit_id]['label']}" if exhibit_id in by_id else "Notice"
        if page is None:
            return _linked(nbsp(f"{name} at {plan.cite(exhibit_id)}"), f"cite:{exhibit_id}")
        try:
            pin = Pin(id=exhibit_id, pages=str(page))
        except ValueError:
            raise _CiteError(f"cite('{exhibit_id}', {page!r}): '{page}' is not a page; write a page "
                             "such as 2 or a range such as '2-3'") from None
        try:
            return _linked(pin_text(plan, pin, name), pin_target(pin))
        except PinError as e:
            raise _CiteError(f"cite('{exhibit_id}', {page!r}): {e}; cite a page it has") from None

    def short(exhibit_id: str, page: int | str | None = None) -> str:
        return MarkdownText(cite(exhibit_id, page).replace("[Exhibit\u00a0", "[Ex.\u00a0", 1))

    return cite, short


def _linked(citation: str, target: str) -> MarkdownText:
    """A citation as a Markdown link the assembler turns into a link to its packet page."""
    return MarkdownText(f"[{citation}]({markdown.LINK_SCHEME}{target})")


def _response_view(m: Manifest, plan: PagePlan, represented: bool = True) -> dict | None:
    """The notice answered, for a template: its names, dates, the letter's opening and the grounds."""
    r = m.response
    if r is None:
        return None
    grounds = [{"id": g.id, "ground": g.ground, "page": g.page,
                "notice_cite": notice_pin(plan, r, g.page)[0] if g.page and plan.resolve(r.notice) else ""}
               for g in r.grounds]
    return {"kind": r.kind, "name": NOTICE_NAMES[r.kind], "title": notice_title(r),
            "subject": SUBJECTS[r.kind], "opening": _first_person(opening(r), represented), "notice_date": long_date(r.notice_date),
            "receipt_number": r.receipt_number, "due_date": long_date(r.due_date) if r.due_date else None,
            "notice_first": r.notice_first, "grounds": grounds}


def _first_person(sentence: str, represented: bool) -> str:
    """A filer without a representative writes "I respectfully submit", not "we"."""
    return sentence if represented else sentence.replace("we respectfully", "I respectfully").replace(
        "We respectfully", "I respectfully")


def render_markdown(m: Manifest, plan: PagePlan, body_md: str, template: Path | None,
                    body_name: str = BODY, errors: list[LetterError] | None = None, *,
                    roots: list[Path] | None = None, loaded: dict[Path, str] | None = None) -> str:
    """The letter as Markdown: the body (itself a template) inside the cover-letter template.

    With *errors*, failures are collected there (the body's and the template's both) instead of
    raised, so that lint can report them all at once. Includes are read only inside *roots* (the
    case folder and --allow-path); each file read is recorded in *loaded* with its SHA-256.
    """
    env = _environment(template, body_md, roots, loaded)
    ctx = context(m, plan, "")
    name = template.name if template else BUILTIN
    shown = display_path(template) if template else f"built-in {BUILTIN}"
    out = ""
    for origin in ("body", "template"):
        try:
            if origin == "body":
                ctx["body"] = MarkdownText(_render(env, BODY, ctx, body_name, "body"))
            else:
                out = _render(env, name, ctx, shown, "template")
        except LetterError as e:
            if errors is None:
                raise
            errors.append(e)
            ctx["body"] = MarkdownText("")
    return out


def provisional_plan(m: Manifest) -> PagePlan:
    """A plan with one page per part: enough to try a template before any file is opened."""
    notice = front_notice(m)
    front = [*([Part("notice", f"notice:{notice}", 1)] if notice else []), Part("cover", "cover", 1),
             Part("response", "response", 1 if m.response else 0),
             *[Part("form", f"form:{i}", 1) for i in range(len(m.forms))], Part("brief", "brief", 1 if m.brief else 0),
             Part("index", "index", 1), Part("chronology", "chronology", 1 if m.chronology else 0),
             Part("claims", "claims", 1 if m.claims else 0), Part("budget", "budget", 1 if m.budget else 0)]
    items = packet_order(m, skip=notice)
    labs = labels(m, items)
    specs = []
    for it in items:
        if it.kind == "declaration":
            d = m.declarations[it.index]
            specs.append(ExhibitSpec(d.id, labs[d.id], d.title or f"Declaration of {d.declarant.name}", "",
                                     (Part("declaration", d.id, 1),), True, group=it.group))
        else:
            e = m.exhibits[it.index]
            specs.append(ExhibitSpec(e.id, labs[e.id], e.title, e.date.isoformat() if e.date else "",
                                     (Part("document", e.id, 1),), group=it.group))
    plan = plan_pages(front, specs)
    plan.provisional = True
    plan.cite_separator = m.output.cite_to == "separator"
    return plan


def render_text(m: Manifest, plan: PagePlan, source: str, shown: str, *,
                roots: list[Path] | None = None) -> str:
    """Markdown from the manifest that may cite() pages (a ground's answer, an explanation),
    rendered in the same sandbox as the letter; a failure is a LetterError naming *shown*."""
    env = _environment(None, source, roots)
    return _render(env, BODY, context(m, plan, ""), shown, "body")


def is_template(source: str) -> bool:
    """Text with Jinja markup (`{{ cite('id') }}`); a declaration without any is taken as written."""
    return "{{" in source or "{%" in source


def check_letter(case: Case) -> None:
    """Render the letter's templates against a provisional plan; report failures on the case."""
    m = case.manifest
    cl = m.cover_letter
    if any(p.path.startswith("cover_letter") and p.severity == "error" for p in case.problems.items):
        return  # a missing, unreadable or out-of-folder body or template is reported already
    try:
        body = letter_body(case)
    except (OSError, UnicodeDecodeError):
        return  # already reported as a text-file problem
    template = case.resolve(cl.template) if cl and cl.template else None
    try:
        if template is not None and not template.is_file():
            return  # already reported as a missing file
    except (OSError, ValueError):
        return
    errors: list[LetterError] = []
    render_markdown(m, provisional_plan(m), body, template, errors=errors, roots=case.roots,
                    loaded=case.template_files)
    for e in errors:
        record_error(case, e)


def cited_texts(m: Manifest) -> list[tuple[tuple, str]]:
    """Manifest Markdown outside the letter that may cite(): grounds' answers, unavailable explanations."""
    out: list[tuple[tuple, str]] = []
    if m.response:
        out += [(("response", "grounds", i, "answer"), g.answer) for i, g in enumerate(m.response.grounds)
                if g.answer]
    out += [(("exhibits", i, "unavailable", "explanation"), e.unavailable.explanation)
            for i, e in enumerate(m.exhibits) if e.unavailable and e.unavailable.explanation]
    return out


def check_cited_texts(case: Case) -> None:
    """Try every such text against a provisional plan (an unknown id or field, a syntax error),
    so lint reports what the build would refuse; page bounds are checked with the inputs' pages."""
    if any(p.severity == "error" and p.code in ("unknown-citation", "duplicate-id") for p in case.problems.items):
        return  # the plan cannot be laid out; those problems say why
    plan = provisional_plan(case.manifest)
    for ref, source in cited_texts(case.manifest):
        shown = case.keypath(ref)
        try:
            render_text(case.manifest, plan, source, shown, roots=case.roots)
        except LetterError as e:
            case.add(ref, "template-error", e.message.replace(f"{shown}, line", "line", 1))
    m = case.manifest
    for i, d in enumerate(m.declarations):
        if not d.text or d.signed_file:
            continue
        source = d.text if is_inline_text(d.text) else case.input_text(("declarations", i, "text"), d.text.strip())
        if source is not None and is_template(source):
            file = None if is_inline_text(d.text) else d.text.strip()
            try:
                render_text(m, plan, source, file or case.keypath(("declarations", i, "text")), roots=case.roots)
            except LetterError as e:
                shown = case.keypath(("declarations", i, "text"))
                case.add(("declarations", i, "text"), "template-error",
                         e.message if file else e.message.replace(f"{shown}, line", "line", 1))
    b = case.manifest.brief
    source = case.input_text(("brief", "file"), b.file) if b is not None else None
    if b is not None and source is not None:  # (a refused file is reported already)
        try:
            render_text(case.manifest, plan, source, b.file, roots=case.roots)
        except LetterError as e:
            case.add(("brief", "file"), "template-error", e.message)


def letter_body(case: Case) -> str:
    """The body's Markdown: inline, from `file:`, or the default sentence."""
    cl = case.manifest.cover_letter
    if cl and cl.body:
        return cl.body
    if cl and cl.file:
        return read_text_file(case.resolve(cl.file))
    return default_body(case.manifest)


def record_error(case: Case, e: LetterError) -> None:
    """Record a template failure at the manifest key it comes from (the body: at its line)."""
    cl = case.manifest.cover_letter
    if e.origin == "body" and cl and cl.body:
        line, col = case.where(("cover_letter", "body"))
        if e.line:
            src = _manifest_line(case, line)
            if src.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+")):
                line, col = line + e.line, col  # a block scalar starts on the next line
        message = f"cover_letter.body: {e.message.replace(BODY + ', line', 'body line', 1)}"
        case.problems.add(line, col, "template-error", message, "cover_letter.body")
    elif e.origin == "body" and cl and cl.file:
        case.add(("cover_letter", "file"), "template-error", e.message.replace(BODY, cl.file, 1))
    elif cl and cl.template:
        # Name the template as the manifest does, not by its resolved path.
        shown = display_path(case.resolve(cl.template))
        case.add(("cover_letter", "template"), "template-error", e.message.replace(shown, cl.template, 1))
    else:
        case.add(("cover_letter",) if cl else ("case",), "template-error", e.message)


def _manifest_line(case: Case, line: int) -> str:
    try:
        return case.path.read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""


def _spaced(blocks: list) -> list:
    """Paragraph flowables for Markdown blocks; a paragraph after a list gets a little air."""
    st = styles()
    story: list = []
    previous = ""
    for block in blocks:
        if block.kind == "heading":
            story.append(Paragraph(block.markup, st["heading"]))
        elif block.kind in ("bullet", "ordered"):
            bullet = "\u2022" if block.kind == "bullet" else f"{block.number}."
            story.append(Paragraph(block.markup, st["bullet"], bulletText=bullet))
        elif block.markup.strip() in ("", "\u00a0"):
            story.append(Spacer(1, SIGNATURE_SPACE))  # `&nbsp;` alone: room, e.g. for a signature
        else:
            if previous in ("bullet", "ordered"):
                story.append(Spacer(1, 5))
            story.append(Paragraph(block.markup, st["body"]))
        previous = block.kind
    # A closing, its signature space and the signature block (or any lines broken by hand, such
    # as an address) never split across pages.
    out: list = []
    i = 0
    while i < len(story):
        item = story[i]
        if isinstance(item, Spacer) and item.height == SIGNATURE_SPACE and out and i + 1 < len(story):
            out[-1] = KeepTogether([out[-1], item, story[i + 1]])
            i += 2
            continue
        if isinstance(item, Paragraph) and "<br/>" in item.text:
            item.keepTogether = 1
            out.append(KeepTogether([item]))
        else:
            out.append(item)
        i += 1
    return out


def cover_letter(m: Manifest, plan: PagePlan, body_md: str, template: Path | None, paper: str, *,
                 roots: list[Path] | None = None, loaded: dict[Path, str] | None = None) -> Rendered:
    text = render_markdown(m, plan, body_md, template, roots=roots, loaded=loaded)
    story = _spaced(markdown.blocks(text))
    return render(story, paper, title="Cover letter")
