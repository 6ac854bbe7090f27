"""Write the packet and its receipt atomically: a temporary file, fsync, then rename."""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pikepdf

from . import __version__
from .errors import CaseError, OutputError, ParolekitError
from .hashing import Follower, Prefix, sha256_file, sha256_open
from .intake import Source, TextInput, ensure_unchanged
from .manifest import Case, text_files, word_text
from .ocr import receipt_entry, wanted
from .plan import PagePlan
from .publish import Commit, Move, OutputLock, commit, discard


class Saved(NamedTuple):
    """A file just written: its SHA-256 and size, computed while it was sealed."""

    sha256: str
    size: int


class Staged(NamedTuple):
    """A packet (or volume) saved to its temporary file, not yet in place."""

    path: Path
    sha256: str
    size: int


@dataclass
class Written:
    path: Path
    receipt: Path
    sha256: str
    pages: int
    bytes: int


def default_output(case: Case) -> Path:
    configured = case.manifest.output.file
    if configured:
        return case.resolve(configured)
    return case.path.with_suffix(".pdf")


# Beside the packet: PDFs converted from office files, named by the original's SHA-256.
CACHE_FOLDER = ".parolekit-cache"


def output_path(case: Case, output: Path | str | None) -> Path:
    """Where the packet goes: -o (a file, or a folder keeping the usual name), else the usual place."""
    usual = default_output(case)
    if case.draft:  # beside the final packet, never in its place
        usual = usual.with_name(f"{usual.stem}.draft{usual.suffix}")
    path = Path(output).resolve() if output else usual
    if output and (path.is_dir() or str(output).endswith(("/", os.sep))):
        # `-o build/` names a folder, as cp and mv read it: the packet keeps its usual name there.
        path = path / usual.name
    return path


def cache_folder(case: Case, output: Path | str | None) -> Path:
    """The converted-PDF cache beside the packet; in the case folder when a manifest's
    `output.file` leads outside it (refused later: nothing is written there)."""
    path = output_path(case, output)
    return (path.parent if output or case.contains(path) else case.base) / CACHE_FOLDER


def check_output_path(case: Case, output: Path | str | None, sources: list[Source]) -> Path:
    """Where the packet goes; a problem (not an exception) when it would overwrite an input."""
    path = output_path(case, output)
    ref = ("output", "file") if not output and case.manifest.output.file else ()
    given = " (-o)" if output else ""
    inputs = input_paths(case, sources)
    receipt = receipt_path(path)
    if not output and case.manifest.output.file and not case.contains(path):
        # Only -o may name any place: a manifest from someone else must not replace files elsewhere.
        case.add(ref, "output-outside-case", f"'{case.manifest.output.file}' is outside the case "
                 "folder; a manifest writes its packet inside its own folder. Name a path inside it, "
                 "allow the folder with --allow-path DIR, or give the place with -o")
    elif path in inputs or receipt in inputs:
        case.add(ref, "output-overwrites-input", f"the output '{path.name}' is also an input; "
                 "parolekit never writes over its inputs. Choose another name with -o or `output.file`")
    elif path.suffix.lower() != ".pdf":
        case.add(ref, "output-not-pdf", f"the output '{path.name}'{given} must end in .pdf")
    elif path.is_dir():
        case.add(ref, "output-is-folder", f"the output '{path}' is a folder; name a .pdf file")
    elif case.draft and _is_final(path):
        case.add(ref, "draft-over-final", f"'{path.name}' is a final packet (its receipt says so); a "
                 "draft never replaces one. Leave out -o (the draft goes to "
                 f"'{path.stem}.draft.pdf') or name another file")
    return path


def _is_final(path: Path) -> bool:
    """A packet is there, and its receipt does not say it is a draft."""
    receipt = receipt_path(path)
    if not path.exists() or not receipt.exists():
        return False
    try:
        return not json.loads(receipt.read_text(encoding="utf-8")).get("draft", False)
    except (OSError, ValueError, AttributeError):
        return path.exists()  # an unreadable receipt: assume the worst, keep the packet


def input_paths(case: Case, sources: list[Source]) -> set[Path]:
    """Every file the build reads: none of them may ever be written or removed."""
    return {case.path.resolve(), *(s.path.resolve() for s in sources),
            *(case.resolve(v) for _r, v in text_files(case))}


def temp_beside(final: Path) -> Path:
    """Create an empty temporary file next to *final*; any interruption removes it again.

    The name is chosen before the file exists (mkstemp would return it only afterwards), so a
    Ctrl-C landing between creating and remembering it cannot leave a stray .part file.
    """
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot write to {final.parent} ({e.strerror}); check the folder "
                          "exists and is writable") from e
    for _attempt in range(100):
        tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")
        try:
            # 0o666 less the umask: the packet gets the permissions any file the user saves would.
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue
        except OSError as e:
            raise OutputError(f"cannot write to {final.parent} ({e.strerror}); check the folder "
                              "exists and is writable") from e
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    raise OutputError(f"cannot create a temporary file in {final.parent}; clear out old .part files")


def save_pdf(pdf: pikepdf.Pdf, path: Path, shown: str | None = None, follow: bool = False) -> Saved:
    """Save deterministically (same inputs, same bytes) and return the file's SHA-256 and size.

    The /ID is derived from the content, as qpdf's `deterministic_id` does, but from the SHA-256
    the receipt needs anyway: qpdf's own MD5 pass over the whole file cost as much as the write.
    """
    nonce = secrets.token_bytes(16)  # a placeholder /ID, found and replaced once the file is whole
    try:
        # Into our own open file: given a path, pikepdf would make a temporary file of its own,
        # which an interruption would leave behind.
        with open(path, "w+b") as fh:
            # A large packet is hashed by another process while it is written; a small one after.
            writer = fh.fileno()
            hashed = Follower(path, ID_TAIL, writer) if follow else Prefix(path, writer)
            try:
                _save(pdf, fh, nonce=nonce)
                fh.flush()
                saved = _seal(fh, nonce, hashed)
            finally:
                hashed.close()
            if saved is None:  # the placeholder was not found: let qpdf derive the /ID itself
                fh.seek(0)
                fh.truncate()
                _save(pdf, fh, nonce=None)
                fh.flush()
                saved = Saved(sha256_open(fh), os.fstat(fh.fileno()).st_size)
            fh.flush()
            os.fsync(fh.fileno())  # whole on disk before any rename puts it in place
        return saved
    except OSError as e:
        raise OutputError(f"cannot write {shown or path.name} ({e.strerror}); nothing was replaced. "
                          "Check free space and permissions") from e


def _save(pdf: pikepdf.Pdf, fh, *, nonce: bytes | None) -> None:
    # PDF/A-2 is PDF 1.7: an input's 2.0 header must not carry over.
    version = {"force_version": "1.7"} if getattr(pdf, "_parolekit_pdfa", False) else {}
    if nonce is None:
        if "/ID" in pdf.trailer:
            del pdf.trailer.ID
        ident = {"deterministic_id": True}
    else:
        # static_id keeps a first /ID entry that is set and writes a constant second one.
        pdf.trailer.ID = pikepdf.Array([pikepdf.String(nonce), pikepdf.String(nonce)])
        ident = {"static_id": True}
    try:
        pdf.save(fh, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 **ident, **version)
    finally:
        if "/ID" in pdf.trailer:
            del pdf.trailer.ID


ID_TAIL = 8 << 20  # the trailer (with the /ID) is in the last part of the file: its xref stream


def _seal(fh, nonce: bytes, hashed: Prefix | Follower) -> Saved | None:
    """Replace the placeholder /ID by the first 16 bytes of the SHA-256 of everything before it,
    hashing the file once: the digest returned is the finished file's."""
    size = os.fstat(fh.fileno()).st_size
    start = max(0, size - ID_TAIL)
    fh.seek(start)
    tail = fh.read()
    pattern = rb"/ID\s*\[\s*<(%s)>\s*<([0-9a-fA-F]{32})>\s*\]" % nonce.hex().encode()
    matches = list(re.finditer(pattern, tail, re.IGNORECASE))
    if not matches:
        return None
    found = matches[-1]  # the file's own trailer
    spots = (start + found.start(1), start + found.start(2))
    ident, digest = hashed.seal(start + found.start(), spots, size)
    for at in spots:
        fh.seek(at)
        fh.write(ident.encode())
    return Saved(digest, size)


def write_packet(case: Case, staged: Staged, path: Path, plan: PagePlan,
                 sources: list[Source], lock: OutputLock, remove: dict[Path, str] | None = None,
                 texts: dict[tuple, TextInput] | None = None) -> Written:
    """Check the staged packet (`stage_pdf`), stage its receipt, then put both in place at once.
    On any failure the staged file is removed.

    Last before the renames: every input is still what was hashed (pages are copied from the
    inputs while saving), so the receipt describes what the packet holds.
    """
    tmp, digest, size = staged
    try:
        check_pages(tmp, path, plan.total)
        rtmp = stage_receipt(case, path, make_receipt(case, path, digest, plan, sources, texts=texts))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        ensure_unchanged(case, sources, texts)
    except BaseException:
        discard([tmp, rtmp])
        raise
    commit(lock, Commit([Move(tmp, path), Move(rtmp, receipt_path(path))], remove or {}))
    return Written(path, receipt_path(path), digest, plan.total, size)


def receipt_path(path: Path) -> Path:
    return path.with_name(path.stem + ".receipt.json")


def stage_receipt(case: Case, path: Path, receipt: dict) -> Path:
    """The receipt, written and synced to a temporary file beside where it goes."""
    final = receipt_path(path)
    failure = (f"cannot write the receipt {final.name} ({{why}}); nothing was replaced: the earlier "
               "packet and its receipt, if any, are unchanged")
    try:
        data = (json.dumps(receipt, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except OSError as e:  # the same message whichever step of writing the receipt fails
        raise OutputError(failure.format(why=e.strerror)) from e
    return stage_bytes(final, data, failure)


def stage_bytes(final: Path, data: bytes, failure: str) -> Path:
    """*data* written and synced to a temporary file beside *final*; *failure* ({why}) on error."""
    tmp = temp_beside(final)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(failure.format(why=e.strerror)) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def check_pages(tmp: Path, final: Path, pages: int) -> None:
    """Read the staged file back before it replaces anything: its page count is the plan's."""
    with pikepdf.open(tmp) as check:
        found = len(check.pages)
    if found != pages:
        raise ParolekitError(f"the packet {final.name} came out with {found} pages but the plan has "
                             f"{pages}; nothing was replaced. This is a bug in parolekit: please report it")


def _rel(case: Case, path: Path) -> str:
    """A path relative to the case folder ('../filed/packet.pdf' for -o elsewhere), so a receipt
    stays true when the case and its output move together; absolute only across drives."""
    try:
        return Path(os.path.relpath(path.resolve(), case.base.resolve())).as_posix()
    except ValueError:
        return str(path)


def make_receipt(case: Case, path: Path, digest: str, plan: PagePlan, sources: list[Source],
                 volumes: list[dict] | None = None, texts: dict[tuple, TextInput] | None = None) -> dict:
    """What went in and what came out, for the file and for anyone checking it later.

    A text input's hash is of the bytes that were printed (*texts*), not of a second read.
    """
    texts = texts or {}

    def text_hash(ref: tuple, rel: str) -> str:
        return texts[ref].sha256 if ref in texts else sha256_file(case.resolve(rel))

    return {
        "parolekit": __version__,
        "manifest": {"path": case.path.name, "sha256": case.sha256},
        "inputs": [{"path": s.relative, "key": case.keypath(s.ref), "sha256": s.sha256,
                    "kind": s.kind, "page_count": s.page_count, "pages_used": s.selection,
                    "pages_used_count": len(s.pages)} | ({"converted": s.converted} if s.converted else {})
                   for s in sources]
        + [{"path": rel, "key": case.keypath(ref), "sha256": text_hash(ref, rel)} | _text_kind(ref, rel)
           for ref, rel in text_files(case)]
        + [{"path": _rel(case, path), "key": "cover_letter", "sha256": digest, "kind": "template-include"}
           for path, digest in sorted(case.template_files.items())],
        "exhibits": [{"id": p.id, "label": p.label, "title": p.title, "start": p.start, "end": p.end,
                      "pages": p.end - p.start + 1, "volume": p.volume,
                      "last_volume": max(p.last_volume, p.volume)} for p in plan.exhibits.values()],
        "output": {"path": _rel(case, path), "sha256": digest, "pages": plan.total},
        "volumes": volumes or [],
    } | ({"draft": True} if case.draft else {}) | ({"pdfa": "2b"} if case.manifest.output.pdfa else {}) \
        | _notice(plan) | \
        (receipt_entry(case, plan, sources) if wanted(case) else {}) | _recompressed(sources)


def _recompressed(sources: list[Source]) -> dict:
    """Inputs whose scans were re-encoded to fit the size cap, when any were."""
    done = [s.recompressed for s in sources if s.recompressed]
    return {"recompressed": done} if done else {}


def _text_kind(ref: tuple, relative: str) -> dict:
    """A text input's kind; a Word file's says it was read as Markdown (the hash is the .docx's)."""
    if word_text(ref, relative):
        return {"kind": "docx", "converted": {"to": "markdown", "by": "mammoth"}}
    return {"kind": "text"}


def _notice(plan: PagePlan) -> dict:
    """The notice answered, when it leads the packet unlabelled (it is no exhibit then)."""
    for key, (start, end) in plan.sections.items():
        if key.startswith("notice:"):
            return {"notice": {"id": key.partition(":")[2], "start": start, "end": end, "pages": end - start + 1}}
    return {}


def stage_pdf(pdf: pikepdf.Pdf, final: Path) -> Staged:
    """Save *pdf* to a temporary file beside *final* (not yet in place): its size can be checked."""
    tmp_path = temp_beside(final)
    try:
        # A packet of more than a few scans is worth hashing in another process while it is
        # written (0.04 s of 0.26 at 1,000 pages, 1.5 s at 20,000 with the fsync it hastens).
        saved = save_pdf(pdf, tmp_path, final.name, follow=getattr(pdf, "_parolekit_large", False))
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return Staged(tmp_path, saved.sha256, saved.size)


def write_volumes(case: Case, staged: list[tuple[Staged, Path, tuple[int, int]]], base: Path,
                  plan: PagePlan, sources: list[Source], lock: OutputLock,
                  remove: dict[Path, str] | None = None,
                  texts: dict[tuple, TextInput] | None = None,
                  cover_pages: dict[Path, int] | None = None) -> list[Written]:
    """Put staged volumes (temporary file, final path, (first, last) packet pages) in place, with
    one receipt listing every volume and its hash. All or nothing: on failure no volume is left.
    *cover_pages*: pages a volume has before its packet pages (a court filing's volume cover)."""
    written: list[Written] = []
    volumes: list[dict] = []
    inputs = input_paths(case, sources)
    clash = [final for _tmp, final, _pages in staged if final.resolve() in inputs]
    if clash:
        discard([tmp.path for tmp, _f, _p in staged])
        ref = ("output", "file") if case.manifest.output.file else ()
        case.add(ref, "output-overwrites-input", f"volume '{clash[0].name}' would replace an input "
                 "of the same name; parolekit never writes over its inputs. Rename that input, or "
                 "choose another output name with -o or `output.file`")
        raise CaseError(f"{case.name}: the case has problems", case.problems.sorted())
    try:
        for number, (tmp, final, (first, last)) in enumerate(staged, start=1):
            lead = (cover_pages or {}).get(final, 0)
            check_pages(tmp.path, final, last - first + 1 + lead)
            digest, size = tmp.sha256, tmp.size
            written.append(Written(final, receipt_path(base), digest, last - first + 1, size))
            volumes.append({"volume": number, "path": _rel(case, final), "sha256": digest,
                            "bytes": size, "first_page": first, "last_page": last,
                            "pages": last - first + 1, **({"cover_pages": lead} if lead else {})})
        lead = written[0]
        receipt = make_receipt(case, lead.path, lead.sha256, plan, sources,
                               volumes if len(staged) > 1 else None, texts=texts)
        receipt["output"]["volumes"] = len(staged)
        rtmp = stage_receipt(case, lead.path, receipt)
    except BaseException:
        discard([tmp.path for tmp, _f, _p in staged])  # a partial set of volumes is worse than none
        raise
    try:
        ensure_unchanged(case, sources, texts)
    except BaseException:
        discard([tmp.path for tmp, _f, _p in staged] + [rtmp])
        raise
    commit(lock, Commit([Move(tmp.path, final) for tmp, final, _p in staged] + [Move(rtmp, lead.receipt)],
                        remove or {}))
    return written


def signed_electronically(m) -> set[str]:
    """Renderings whose every signature is "/s/": nothing on them is left to sign by hand."""
    out = {f"declaration:{d.id}" for d in m.declarations
           if d.executed and d.executed.signature == "/s/" and (d.interpreter is None or d.interpreter.signature == "/s/")}
    out |= {"service"} if m.service and m.service.signature == "/s/" else set()
    return out | {f"certificate:{e.id}" for e in m.exhibits if e.translation and e.translation.signature == "/s/"}


def write_signing_copies(plan: PagePlan, rendered: dict, packet: Path, skip: set[str] = frozenset()) -> list[Path]:
    """Each generated declaration and certificate (and a court filing's proof of service) as its
    own unstamped PDF, for wet signature (those in *skip*, signed "/s/", need none).

    Named by label and id ('B-decl-ana.declaration.pdf') in `<packet>.signing/`; each is written
    to a temporary file and renamed, like the packet.
    """
    folder = packet.with_name(packet.stem + ".signing")
    written = []
    for key, r in rendered.items():
        kind, _, ident = key.partition(":")
        if key == "service" and key not in skip and key in plan.sections:  # a court filing's proof of service
            final = folder / "proof-of-service.pdf"
        elif kind not in ("declaration", "certificate") or ident not in plan.exhibits or key in skip:
            continue
        else:
            final = folder / f"{plan.exhibits[ident].label}-{ident}.{kind}.pdf"
        tmp = stage_bytes(final, r.data, f"cannot write the signing copy {final.name} ({{why}}); "
                          "the packet itself is in place")
        try:
            os.replace(tmp, final)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write the signing copy {final.name} ({e.strerror}); the "
                              "packet itself is in place") from e
        written.append(final)
    return sorted(written)
