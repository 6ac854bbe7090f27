"""Checks across the manifest that a schema cannot express: ids, citations, legal completeness."""

from __future__ import annotations

import difflib
import re

from .manifest import Case, is_inline_text, read_text, read_text_file, text_files, word_text  # noqa: F401  (re-exported)
from .wordtext import WordError, read_word
from .paths import check_text_paths, not_regular
from .model import cited_id
from .render.words import is_english, known_language


# Values left as in a template: the spec's own example writes `address: "..."`, and whatever a
# value holds is printed into a sworn certificate or the cover letter.
PLACEHOLDERS = {"...", "\u2026", "todo", "tbd", "xxx", "fixme", "<name>", "<address>", "<phone>"}


def _check_placeholders(case: Case, node, path: tuple) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _check_placeholders(case, value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_placeholders(case, value, path + (i,))
    elif isinstance(node, str) and node.strip().lower() in PLACEHOLDERS:
        # A warning, not an error: the spec's own example uses `...`, and it must still build.
        case.add(path, "placeholder-value", f"'{node.strip()}' is a placeholder, and it would be "
                 "printed in the packet as it is; write the real value")


def check_case(case: Case) -> None:
    """Add every cross-reference and legal-content problem to case.problems."""
    m = case.manifest
    seen: dict[str, tuple] = {}
    for section in ("declarations", "exhibits"):
        for i, item in enumerate(getattr(m, section)):
            ref = (section, i, "id")
            if item.id in seen:
                first = case.where(seen[item.id])[0]
                case.add(ref, "duplicate-id", f"id '{item.id}' is already used on line {first}; "
                         "give each exhibit and declaration its own id")
            else:
                seen[item.id] = ref
    _check_placeholders(case, case.located.data, ())
    if not m.exhibits and not m.declarations:
        case.add(("exhibits",), "no-exhibits", "the packet has no exhibits or declarations; add at "
                 "least one under `exhibits:`")
    for part in ("chronology", "claims"):
        for i, item in enumerate(getattr(m, part)):
            for j, ref in enumerate(item.exhibits):
                if cited_id(ref) not in seen:
                    where = (part, i, "exhibits", j) + (() if isinstance(ref, str) else ("id",))
                    _unknown(case, where, cited_id(ref), seen)
    _check_response(case, seen)
    _check_budget_refs(case, seen)
    for i, ex in enumerate(m.exhibits):
        _check_exhibit(case, i, ex, seen)
    for i, form in enumerate(m.forms):
        if form.beneficiary and form.beneficiary > len(m.case.beneficiaries):
            case.add(("forms", i, "beneficiary"), "form-beneficiary-unknown",
                     f"there is no beneficiary {form.beneficiary} (the case lists "
                     f"{len(m.case.beneficiaries)}); fix the number")
    for i, decl in enumerate(m.declarations):
        _check_declaration(case, i, decl)
    _check_sections(case)
    check_text_paths(case, case.allow)  # before any text is read: none is read from outside the case
    for ref, value in text_files(case):
        if not case.flagged(ref):
            _check_text_file(case, ref, value)
    _check_pictures(case)
    _check_definitions(case)
    _check_freeze(case)
    from .render.coverage import check_printable
    from .render.letter import check_cited_texts, check_letter  # tries the templates (Jinja only, fast)

    check_printable(case)
    check_letter(case)
    check_cited_texts(case)


def _check_exhibit(case: Case, i: int, ex, seen: dict) -> None:
    """An exhibit's secondary evidence ids, and its language's translation and certificate."""
    if ex.unavailable:
        for j, ref in enumerate(ex.unavailable.secondary):
            if ref not in seen:
                _unknown(case, ("exhibits", i, "unavailable", "secondary", j), ref, seen)
        return  # no file, so no language or translation to check
    if not is_english(ex.language) and ex.translation is None:
        case.add(("exhibits", i, "language"), "translation-missing",
                 f"the exhibit is in '{ex.language}' but has no English translation; add "
                 "`translation:` with `file:` and `translator:` (name, address, phone) or the "
                 "translator's `signed_certificate:`, "
                 "as 8 CFR 103.2(b)(3) requires")
    if not known_language(ex.language):
        case.add(("exhibits", i, "language"), "language-unknown",
                 f"'{ex.language}' is not a language code parolekit knows, so certificates "
                 f"will print it as written; use an ISO 639-1 code such as es, fr or ht "
                 "(or 639-3, such as mam or prs)")


def _check_text_file(case: Case, ref: tuple, relative: str) -> None:
    path = case.resolve(relative)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long, say; intake names the exact reason
        return
    if not is_file and not_regular(path, "a saved text file"):
        case.add(ref, "file-not-a-file", f"'{relative}' {not_regular(path, 'a saved text file')}")
        return
    if not is_file:
        as_text = ("; if this is the text itself, not a file name, write `text: |` and the text on "
                   "the lines below it, indented" if ref[-1] == "text" and " " in relative.strip() else "")
        case.add(ref, "file-missing", f"'{relative}' does not exist; check the name (paths are "
                 f"relative to {case.path.name}){as_text}")
        return
    if word_text(ref, relative):
        _check_word(case, ref, relative, path)
        return
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        case.add(ref, "file-not-utf8", f"'{relative}' is not UTF-8 text; save it as UTF-8")
    except OSError as e:
        case.add(ref, "file-unreadable", f"'{relative}' cannot be read ({e.strerror})")
    else:
        if ref in (("brief", "file"), ("cover_letter", "file")) or ref[0] == "declarations" and ref[-1] == "text":
            from .render.markdown import cut_short

            if cut_short(source):
                case.add(ref, "markdown-too-deep", f"'{relative}' has lists or block quotes nested about "
                         "ten levels deep, and text nested that deep (and, in a list, all that follows "
                         "it) would be left out of the packet; nest them fewer levels")


def _markdown_texts(case: Case) -> list[tuple[tuple, str | None, str, bool]]:
    """(manifest key, file it was read from or None, Markdown, sworn) of every Markdown text
    parolekit prints; a refused file (outside the case, missing, not UTF-8) is reported already."""
    m = case.manifest
    values: list[tuple[tuple, str, bool]] = []
    for i, d in enumerate(m.declarations):
        if d.signed_file:
            continue  # printed as scanned, not from its text
        if d.declarant.qualifications:
            values.append((("declarations", i, "declarant", "qualifications"), d.declarant.qualifications, True))
        if d.text:
            values.append((("declarations", i, "text"), d.text, True))
    cl = m.cover_letter
    if cl and cl.body:
        values.append((("cover_letter", "body"), cl.body, False))
    if m.response:
        values += [(("response", "grounds", i, "answer"), g.answer, False)
                   for i, g in enumerate(m.response.grounds) if g.answer]
    values += [(("exhibits", i, "unavailable", "explanation"), e.unavailable.explanation, False)
               for i, e in enumerate(m.exhibits) if e.unavailable and e.unavailable.explanation]
    out: list[tuple[tuple, str | None, str, bool]] = []
    files: list[tuple[tuple, str, bool]] = []
    for ref, value, sworn in values:
        if ref[-1] == "text" and not is_inline_text(value):  # a declaration's `text:` naming its file
            files.append((ref, value.strip(), sworn))
        else:
            out.append((ref, None, value, sworn))
    for key in ("file", "template"):
        if cl and getattr(cl, key):
            files.append((("cover_letter", key), getattr(cl, key), False))
    if m.brief:
        files.append((("brief", "file"), m.brief.file, False))
    for ref, relative, sworn in files:
        text = case.input_text(ref, relative)
        if text is not None:
            out.append((ref, relative, text, sworn))
    return out


def _check_pictures(case: Case) -> None:
    """A Markdown image is never printed (parolekit sets text): in a declaration that would change
    what the declarant swore to, so it is an error; in a letter, brief or answer, a warning."""
    from .render.brief import _md as brief_parser
    from .render.markdown import pictures

    for ref, file, source, sworn in _markdown_texts(case):
        found = pictures(source, brief_parser if ref == ("brief", "file") else None)
        if not found:
            continue
        first = found[0]
        where = f"{file}, line {first.line}: " if file else (f"line {first.line}: " if "\n" in source.strip() else "")
        more = (f" (and {len(found) - 1} more image{'s' * (len(found) > 2)}, from line {found[1].line})"
                if len(found) > 1 else "")
        if sworn:
            case.add(ref, "declaration-image", f"{where}the image {first.shown()}{more} cannot be part of a "
                     "declaration: parolekit prints a declaration's text only, and what the declarant "
                     "signs must be what is filed. Attach the photo as an exhibit of its own and cite it "
                     "in the text (\"a photo of ... (Exhibit ...)\") instead of the image")
        else:
            case.add(ref, "markdown-image-ignored", f"{where}the image {first.shown()}{more} is not printed: "
                     "parolekit sets this text without pictures. Add any that is evidence as an exhibit "
                     "and cite it, and delete the image from the text")


def _check_definitions(case: Case) -> None:
    """A line Markdown reads as a link definition no link uses is not printed: a footnote typed
    as `[^1]: Ibid.` outside the brief, a note written `[a]: ...`."""
    from .render.brief import _md as brief_parser
    from .render.markdown import unused_definitions

    for ref, file, source, _sworn in _markdown_texts(case):
        lines = unused_definitions(source, brief_parser if ref == ("brief", "file") else None)
        if lines:
            where = f"{file}, line" if file else "line"
            at = ", ".join(str(n) for n in lines)
            case.add(ref, "markdown-text-dropped", f"{where}{'s' * (len(lines) > 1)} {at}: Markdown reads "
                     "the line as a link definition (`[label]: ...`) that no link uses, so it would "
                     "not be printed; write `\\[` for its opening bracket, or reword it")


def _check_word(case: Case, ref: tuple, relative: str, path) -> None:
    """A .docx read as Markdown: readable, every tracked change settled; comments and pictures
    left out with a warning."""
    try:
        if path.stat().st_size > 20_000_000:
            case.add(ref, "file-corrupt", f"'{relative}' is larger than 20 MB, more than any statement; "
                     "check it is the right file, or save it without pictures")
            return
        word = read_word(path.read_bytes())
    except WordError as e:
        fix = "" if e.code == "tool-missing" else "; open it in Word and save it again as .docx, or save it as .md"
        case.add(ref, e.code, f"'{relative}': {e}{fix}")
        return
    except OSError as e:
        case.add(ref, "file-unreadable", f"'{relative}' cannot be read ({e.strerror})")
        return
    if word.changes:
        more = f", and {len(word.changes) - 3} more" if len(word.changes) > 3 else ""
        case.add(ref, "docx-tracked-changes", f"'{relative}' has tracked changes that were not accepted "
                 f"or rejected: {'; '.join(word.changes[:3])}{more}. Accept or reject the changes in "
                 "Word first (Review > Accept or Reject), save, and build again: the packet prints only "
                 "text the declarant approved")
    if word.comments:
        case.add(ref, "docx-comments-ignored", f"'{relative}' has {word.comments} comment"
                 f"{'s' * (word.comments > 1)}; comments are not printed. Delete them in Word once they "
                 "are resolved")
    if word.images:
        case.add(ref, "docx-images-ignored", f"'{relative}' has {word.images} picture"
                 f"{'s' * (word.images > 1)}, which parolekit leaves out of the text; add any that are "
                 "evidence as exhibits")


def _check_declaration(case: Case, i: int, decl) -> None:
    if decl.declarant.role == "expert" and not decl.declarant.qualifications:
        case.add(("declarations", i, "declarant"), "expert-qualifications-missing",
                 "an expert declaration must open with the expert's qualifications; add "
                 "`qualifications:` under `declarant:`")
    if not decl.text and not decl.signed_file:
        case.add(("declarations", i), "declaration-text-missing",
                 "the declaration has no `text:` (Markdown or a .md file) and no `signed_file:`; "
                 "add one")
    executed = decl.executed
    if executed is None or executed.date is None:
        case.add(("declarations", i, "executed") if executed else ("declarations", i),
                 "declaration-undated", "the declaration has no execution date; add "
                 "`executed: {date: YYYY-MM-DD, place: ..., in_us: ...}` (28 U.S.C. § 1746)")
    if executed is None or not executed.place:
        if executed is not None and executed.date is not None:
            case.add(("declarations", i, "executed"), "declaration-place-missing",
                     "the declaration does not say where it was executed; add `place:` "
                     "(city and country) under `executed:`")
    if decl.text and not decl.signed_file:
        body = decl.text
        if not is_inline_text(decl.text):
            try:  # only a regular, modest file: a pipe or a huge file is reported elsewhere
                path = case.resolve(decl.text.strip())
                ok = path.is_file() and path.stat().st_size < 2_000_000
                body = read_text_file(path) if ok else ""
            except (OSError, UnicodeDecodeError, ValueError, WordError):
                body = ""
        if "penalty of perjury" in body.lower():
            case.add(("declarations", i, "text"), "declaration-clause-in-text",
                     "the text already has a \"penalty of perjury\" sentence; parolekit adds the "
                     "28 U.S.C. § 1746 clause, date, place and signature line itself, so delete "
                     "them from the text")


def _check_response(case: Case, seen: dict) -> None:
    """The notice is an exhibit with a file, grounds have their own ids, their evidence exists."""
    r = case.manifest.response
    if r is None:
        return
    if r.notice not in seen:
        _unknown(case, ("response", "notice"), r.notice, seen)
    elif seen[r.notice][0] == "exhibits" and case.manifest.exhibits[seen[r.notice][1]].unavailable:
        case.add(("response", "notice"), "response-notice-unavailable",
                 f"the notice '{r.notice}' is marked unavailable; the notice answered must be filed "
                 "with the response: give its exhibit the `file:` of the notice as received")
    elif seen[r.notice][0] == "declarations":
        case.add(("response", "notice"), "response-notice-unavailable",
                 f"'{r.notice}' is a declaration, not the notice; name the exhibit that holds the "
                 "notice as received")
    if r.due_date and r.due_date < r.notice_date:
        case.add(("response", "due_date"), "response-due-before-notice",
                 f"the response is due {r.due_date.isoformat()}, before the notice's own date "
                 f"{r.notice_date.isoformat()}; check both dates against the notice")
    ids: dict[str, int] = {}
    for i, g in enumerate(r.grounds):
        if g.id in ids:
            case.add(("response", "grounds", i, "id"), "duplicate-id",
                     f"ground id '{g.id}' is already used on line "
                     f"{case.where(('response', 'grounds', ids[g.id], 'id'))[0]}; give each ground its own id")
        ids.setdefault(g.id, i)
        for j, pin in enumerate(g.exhibits):
            if pin.id not in seen:
                _unknown(case, ("response", "grounds", i, "exhibits", j), pin.id, seen)
    if r.earlier_receipt:
        _check_earlier(case, ("response", "earlier_receipt"), r.earlier_receipt)


def _check_earlier(case: Case, ref: tuple, relative: str):
    """The earlier filing's receipt at *ref*, read (None when it cannot be: reported)."""
    from .response import read_earlier

    code = "earlier-receipt-invalid" if ref[0] == "response" else "freeze-receipt-invalid"
    path = case.resolve(relative)
    try:
        if case.flagged(ref) or not path.is_file():
            return None  # a missing, outside or odd file is reported by the text-file checks
        if path.stat().st_size > 20_000_000:  # unread: not silently built without its labels
            raise ValueError("it is larger than 20 MB, far more than any receipt")
        return read_earlier(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    except ValueError as e:
        case.add(ref, code, f"'{relative}' cannot be read as the earlier filing's receipt: {e}; name the "
                 "`.receipt.json` parolekit wrote beside that packet")
        return None


def _check_sections(case: Case) -> None:
    """Section ids unique, every `section:` one of them; a grouped packet's stray exhibit said."""
    m = case.manifest
    known: dict[str, int] = {}
    for i, sec in enumerate(m.sections):
        if sec.id in known:
            case.add(("sections", i, "id"), "duplicate-id", f"section id '{sec.id}' is already used on "
                     f"line {case.where(('sections', known[sec.id], 'id'))[0]}; give each section its own id")
        known.setdefault(sec.id, i)
    prefixes: dict[str, int] = {}
    for i, sec in enumerate(m.sections):
        if sec.label and sec.label in prefixes and prefixes[sec.label] != i:
            case.add(("sections", i, "label"), "duplicate-id", f"label '{sec.label}' is already the "
                     "label of another section; exhibit labels would repeat")
        prefixes.setdefault(sec.label or "", i)
    for part in ("declarations", "exhibits"):
        for i, item in enumerate(getattr(m, part)):
            if item.section is not None and item.section not in known:
                near = difflib.get_close_matches(item.section, list(known), n=1)
                hint = f"did you mean '{near[0]}'? " if near else ""
                case.add((part, i, "section"), "section-unknown",
                         f"no section has the id '{item.section}'; {hint}use one of `sections:` "
                         f"({', '.join(known) or 'none given'})")
            elif part == "exhibits" and m.sections and item.section is None and m.output.group_by != "category" \
                    and item.id != _leading_notice(m):
                case.add((part, i, "id"), "section-missing",
                         f"'{item.id}' names no `section:`; it is filed last, under \"Other evidence\"")


def _leading_notice(m) -> str | None:
    return m.response.notice if m.response and m.response.notice_first else None


_LABEL = re.compile(r"(?=.{1,24}$)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")  # A, 12, 12A, C-1, C-1A, 12A-1


def _check_freeze(case: Case) -> None:
    m = case.manifest
    if not m.output.freeze:
        return
    earlier = _check_earlier(case, ("output", "freeze"), m.output.freeze)
    if earlier is None:
        return
    labels = [lab for _i, lab in earlier.labels]
    odd = next((lab for lab in labels if not _LABEL.fullmatch(lab)), None)
    twice = next((lab for lab in labels if labels.count(lab) > 1), None)
    if odd is not None or twice is not None:  # kept as they are, they would print as labels
        why = (f"its label {odd[:20]!r} is not one parolekit writes" if odd is not None
               else f"it gives label {twice!r} to more than one exhibit")
        case.add(("output", "freeze"), "freeze-receipt-invalid", f"'{m.output.freeze}' cannot be read as "
                 f"the earlier filing's receipt: {why}; name the `.receipt.json` parolekit wrote beside that packet")
        return
    now = {d.id for d in m.declarations} | {e.id for e in m.exhibits}
    if earlier.labels and not now & {i for i, _lab in earlier.labels}:  # another case's: it would relabel all
        case.add(("output", "freeze"), "freeze-receipt-invalid", f"'{m.output.freeze}' cannot be read as "
                 "the earlier filing's receipt: none of this packet's exhibits or declarations is in it, so "
                 "it is another packet's; name the `.receipt.json` parolekit wrote beside this case's packet")
        return
    gone = [f"{lab} ('{i}')" for i, lab in earlier.labels if i not in now]
    if gone:
        case.add(("output", "freeze"), "freeze-label-dropped",
                 f"the earlier filing's Exhibit{'s' if len(gone) > 1 else ''} {', '.join(gone)} "
                 f"{'are' if len(gone) > 1 else 'is'} not in this packet; the label is not reused, so say in "
                 "the cover letter that it was withdrawn (or add it back)")


def _check_budget_refs(case: Case, seen: dict) -> None:
    b = case.manifest.budget
    if b is None:
        return
    for section in ("costs", "resources"):
        for i, line in enumerate(getattr(b, section)):
            for j, pin in enumerate(line.exhibits):
                if pin.id not in seen:
                    _unknown(case, ("budget", section, i, "exhibits", j), pin.id, seen)
    for i, s in enumerate(b.supporters):
        for key in ("identity", "financial"):
            for j, ref in enumerate(getattr(s, key)):
                if ref not in seen:
                    _unknown(case, ("budget", "supporters", i, key, j), ref, seen)


def _unknown(case: Case, ref: tuple, value: str, seen: dict) -> None:
    import difflib

    close = difflib.get_close_matches(value, list(seen), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "; cite the id of an exhibit or declaration"
    case.add(ref, "unknown-citation", f"no exhibit or declaration has the id '{value}'{hint}")
