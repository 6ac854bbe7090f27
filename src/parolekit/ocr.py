"""OCR of scanned inputs: an invisible text layer under each image-only page, made by OCRmyPDF, cached by input."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Dictionary, Name

from . import __version__
from .intake import Source
from .manifest import Case
from .pdfscan import page_list, scan_pdf

if TYPE_CHECKING:  # prepare imports output, which imports this module
    from .plan import PagePlan

CACHE = ".parolekit-cache"  # beside the packet; its "ocr" folder holds one PDF per OCR'd input
LAYER = "/PKOCR"  # the text layer's XObject name in a cached page (OCRmyPDF's own names are random)
INSTALL_PY = "pip install 'ocrmypdf>=17' (the [ocr] extra of parolekit)"
INSTALL_TESSERACT = "sudo apt-get install -y tesseract-ocr tesseract-ocr-eng (macOS: brew install tesseract)"
INSTALL_GS = "sudo apt-get install -y ghostscript (macOS: brew install ghostscript)"

# Exhibit `language:` codes (ISO 639-1 or -3) to Tesseract's language data names.
TESSERACT = {
    "en": "eng", "es": "spa", "fr": "fra", "pt": "por", "ar": "ara", "ru": "rus", "uk": "ukr",
    "zh": "chi_sim", "cmn": "chi_sim", "yue": "chi_tra", "vi": "vie", "ps": "pus", "fa": "fas",
    "prs": "fas", "ti": "tir", "am": "amh", "so": "som", "sw": "swa", "tr": "tur", "ku": "kmr",
    "ur": "urd", "hi": "hin", "bn": "ben", "pa": "pan", "ne": "nep", "tl": "tgl", "fil": "fil",
    "ko": "kor", "ja": "jpn", "de": "deu", "it": "ita", "pl": "pol", "ro": "ron", "uz": "uzb",
    "kk": "kaz", "ky": "kir", "tg": "tgk", "hy": "hye", "ka": "kat", "ht": "hat", "he": "heb",
    "el": "ell", "bg": "bul", "sr": "srp", "hr": "hrv", "bs": "bos", "cs": "ces", "sk": "slk",
    "hu": "hun", "nl": "nld", "sv": "swe", "no": "nor", "nb": "nor", "da": "dan", "fi": "fin",
    "et": "est", "lv": "lav", "lt": "lit", "sl": "slv", "mk": "mkd", "ca": "cat", "eu": "eus",
    "gl": "glg", "ga": "gle", "cy": "cym", "is": "isl", "mt": "mlt", "yi": "yid", "km": "khm",
    "lo": "lao", "my": "mya", "si": "sin", "ta": "tam", "te": "tel", "ml": "mal", "mr": "mar",
    "gu": "guj", "kn": "kan", "sd": "snd", "bo": "bod", "ug": "uig", "az": "aze", "ms": "msa",
    "id": "ind", "af": "afr", "qu": "que", "jv": "jav", "su": "sun", "ceb": "ceb", "eo": "epo",
    "la": "lat", "sa": "san", "or": "ori", "as": "asm", "yo": "yor", "be": "bel", "mn": "mon",
    "sq": "sqi", "th": "tha", "dv": "div", "lb": "ltz", "tk": "tuk", "fy": "fry",
}


@dataclass
class Job:
    """One input's image-only pages to OCR, and where its result is kept."""

    src: Source
    pages: list[int]  # 0-based, within the file, in the order of the selection
    languages: tuple[str, ...]
    key: str

    @property
    def name(self) -> str:
        return f"{self.key}.pdf"


@dataclass
class OcrRun:
    """What the OCR stage did: pages OCR'd now, pages taken from the cache, words for the log."""

    ocred: int = 0
    cached: int = 0
    jobs: list[Job] = field(default_factory=list)


def wanted(case: Case) -> bool:
    return case.ocr or case.manifest.output.ocr


def languages(case: Case) -> dict[tuple, tuple[str, ...]]:
    """Tesseract languages for each input that may hold scans: the exhibit's language and English."""
    out: dict[tuple, tuple[str, ...]] = {}
    for i, ex in enumerate(case.manifest.exhibits):
        code = (ex.language or "en").split("-")[0].lower()
        tess = TESSERACT.get(code)
        langs = ("eng",) if tess in (None, "eng") else (tess, "eng")
        for j in range(len(ex.files or ())):
            out[("exhibits", i, "files", j)] = langs
        out[("exhibits", i, "file")] = langs
    return out


def check_tools(case: Case) -> None:
    """Fail at once (before anything is rendered) when OCRmyPDF, Tesseract, Ghostscript or a
    language pack the exhibits need is missing, with the command that installs it."""
    ref = ("output", "ocr") if case.manifest.output.ocr else ()
    for i, ex in enumerate(case.manifest.exhibits):
        if TESSERACT.get((ex.language or "en").split("-")[0].lower()) is None:
            case.add(("exhibits", i, "language"), "ocr-language-unsupported",
                     f"parolekit knows no Tesseract language for '{ex.language}'; its scans are read "
                     "as English only. OCR the file yourself in its language if words are missed")
    needed = sorted({lang for langs in languages(case).values() for lang in langs} | {"eng"})
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        case.add(ref, "ocr-unavailable", f"OCR needs OCRmyPDF, which is not installed; install it: {INSTALL_PY}")
        return
    if shutil.which("tesseract") is None:
        case.add(ref, "ocr-unavailable", f"OCR needs Tesseract, which is not installed; install it: {INSTALL_TESSERACT}")
        return
    if shutil.which("gs") is None and not _has("pypdfium2"):
        case.add(ref, "ocr-unavailable", f"OCR needs Ghostscript to read the pages; install it: {INSTALL_GS}")
    have = installed_languages()
    for lang in needed:
        if lang not in have:
            package = "tesseract-ocr-" + lang.replace("_", "-")
            case.add(ref, "ocr-unavailable", f"Tesseract has no '{lang}' language data, which the "
                     f"exhibits' language: asks for; install it: sudo apt-get install -y {package}")


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def installed_languages() -> set[str]:
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in done.stdout.splitlines()[1:] if line.strip()}


def _versions() -> str:
    import ocrmypdf

    try:
        tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True,
                              timeout=30).stdout.split("\n", 1)[0]
    except (OSError, subprocess.SubprocessError):
        tess = ""
    return f"ocrmypdf {ocrmypdf.__version__}; {tess}"


def plan_jobs(case: Case, sources: list[Source]) -> list[Job]:
    """Each input whose selected pages include image-only ones, keyed by what its OCR depends on:
    the input's bytes, the pages, the languages, the tools' versions and how images are embedded."""
    langs, versions = languages(case), _versions()
    jobs = []
    for src in sources:
        if src.pdf is None:
            continue
        scan = scan_pdf(src.pdf, src.pages, document=False, text=True)
        if not scan.no_text:
            continue
        pages = [p - 1 for p in scan.no_text]
        language = langs.get(src.ref, ("eng",))
        recipe = [__version__, versions, src.sha256, src.kind, case.manifest.output.max_dpi, pages, language]
        key = hashlib.sha256(json.dumps(recipe).encode()).hexdigest()[:32]
        jobs.append(Job(src, pages, language, key))
    return jobs


def ocr_sources(case: Case, sources: list[Source], output: Path, cache: bool = True,
                jobs: int | None = None) -> OcrRun:
    """Give every image-only page of every input an invisible text layer (the page's own content
    is untouched). Results are kept in `<output folder>/.parolekit-cache/ocr/`, one file per input:
    a rebuild OCRs only the inputs whose bytes, pages or language changed."""
    from .errors import CaseError

    run = OcrRun(jobs=plan_jobs(case, sources))
    folder = output.parent / CACHE / "ocr"
    layers: dict[str, bytes] = {}
    todo = []
    for job in run.jobs:
        hit = folder / job.name
        if cache and hit.is_file():
            layers[job.key] = hit.read_bytes()
            run.cached += len(job.pages)
        else:
            todo.append(job)
    groups: dict[tuple[str, ...], list[Job]] = {}
    for job in todo:
        groups.setdefault(job.languages, []).append(job)
    for language, group in groups.items():
        try:
            layers.update(_recognise(group, language, jobs))
        except OcrFailed as e:
            case.add(e.ref, "ocr-failed", f"OCR of '{e.relative}' failed ({e.why}); check the file "
                     "opens, or build without --ocr")
            raise CaseError(f"{case.name}: OCR failed", case.problems.sorted()) from None
        run.ocred += sum(len(job.pages) for job in group)
    if cache and todo:
        _keep(folder, {job.name: layers[job.key] for job in todo})
    for job in run.jobs:
        _graft(job, layers[job.key])
    return run


class OcrFailed(Exception):
    def __init__(self, ref: tuple, relative: str, why: str):
        super().__init__(why)
        self.ref, self.relative, self.why = ref, relative, why


def _recognise(group: list[Job], language: tuple[str, ...], jobs: int | None) -> dict[str, bytes]:
    """One OCRmyPDF run over the pages of every input in *group* (so its workers share them all),
    split back into one small PDF of text layers per input."""
    import ocrmypdf

    merged = pikepdf.new()
    for job in group:
        pages = list(job.src.pdf.pages)
        for i in job.pages:
            merged.pages.append(pages[i])
    workers = jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    with tempfile.TemporaryDirectory(prefix="parolekit-ocr-") as tmp, _quiet_logs(), _one_thread():
        src, dst = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        merged.save(src)
        merged.close()
        try:
            code = ocrmypdf.ocr(src, dst, language=list(language), mode="skip", output_type="pdf",
                                optimize=0, jobs=max(1, workers or 1), progress_bar=False, pdf_renderer="sandwich",
                                rotate_pages=False, deskew=False, clean=False)
        except Exception as e:  # OCRmyPDF's own errors carry no page; name the first input
            raise OcrFailed(group[0].src.ref, group[0].src.relative, f"{type(e).__name__}: {e}") from None
        if int(code) == 130:  # OCRmyPDF turns Ctrl-C in its workers into an exit code
            raise KeyboardInterrupt
        if int(code) != 0:
            raise OcrFailed(group[0].src.ref, group[0].src.relative, f"OCRmyPDF exit code {int(code)}")
        with pikepdf.open(dst) as done:
            pages = list(done.pages)
            out, at = {}, 0
            for job in group:
                out[job.key] = _layers(pages[at:at + len(job.pages)])
                at += len(job.pages)
    return out


def _layers(pages: list[pikepdf.Page]) -> bytes:
    """A PDF holding only each page's text layer (as `/PKOCR`, drawn by the page's contents), saved
    so the same OCR gives the same bytes whether it was just made or read from the cache."""
    out = pikepdf.new()
    for page in pages:
        xobjects = page.obj.Resources.get("/XObject", Dictionary())
        name = next((k for k in xobjects.keys() if k.startswith("/OCR-")), None)
        blank = out.add_blank_page()
        blank.obj.MediaBox = pikepdf.Array([float(v) for v in page.mediabox])
        if name is None:  # Tesseract found no words on this page
            continue
        blank.obj.Resources = Dictionary(XObject=Dictionary({LAYER: out.copy_foreign(xobjects[name])}))
        blank.obj.Contents = out.make_stream(_layer_ops(page, name))
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, compress_streams=True)
    return buf.getvalue()


def _layer_ops(page: pikepdf.Page, name: str) -> bytes:
    """The operators that draw OCRmyPDF's text layer (a q ... /OCR-x Do ... Q group), renamed."""
    ops = pikepdf.parse_content_stream(page)
    depth, start = 0, None
    for i, (_operands, op) in enumerate(ops):
        op = str(op)
        if op == "q":
            if depth == 0:
                start = i
            depth += 1
        elif op == "Q":
            depth -= 1
            if depth == 0 and start is not None:
                group = ops[start:i + 1]
                if any(str(o) == "Do" and operands_[:1] == [Name(name)] for operands_, o in group):
                    renamed = [([Name(LAYER) if v == Name(name) else v for v in opd], o) for opd, o in group]
                    return pikepdf.unparse_content_stream(renamed)
    return f"q {name} Do Q".replace(name, LAYER).encode()


def _graft(job: Job, layers: bytes) -> None:
    """Put each text layer under its page of the input (drawn first, invisible text): the page's
    own content, resources and annotations stay as they were."""
    layer_pdf = pikepdf.open(io.BytesIO(layers))
    job.src.keep.append(layer_pdf)  # the grafted objects read their data from it until saved
    pdf = job.src.pdf
    pages = list(pdf.pages)
    ocred = []
    for i, layer in zip(job.pages, layer_pdf.pages):
        res = layer.obj.get("/Resources")
        if not isinstance(res, Dictionary) or LAYER not in res.get("/XObject", Dictionary()):
            continue
        page = pages[i].obj
        own = _own_resources(page)
        xobjects = own.get("/XObject")
        xobjects = own.XObject = Dictionary(dict(xobjects.items())) if isinstance(xobjects, Dictionary) else Dictionary()
        name, n = LAYER, 0
        while name in xobjects:
            n += 1
            name = f"{LAYER}{n}"
        xobjects[name] = pdf.copy_foreign(res.XObject[LAYER])
        ops = layer.obj.Contents.read_bytes().replace(LAYER.encode() + b" ", name.encode() + b" ")
        pages[i].contents_add(pdf.make_stream(ops), prepend=True)
        ocred.append(i + 1)
    job.src.ocr_pages = ocred


def _own_resources(page: Dictionary) -> Dictionary:
    """The page's resources as its own direct dictionary (inherited or shared ones are copied
    first, so a layer added to this page lands on no other)."""
    node, res = page, None
    while isinstance(node, Dictionary) and res is None:
        res = node.get("/Resources")
        node = node.get("/Parent")
    res = Dictionary(dict(res.items())) if isinstance(res, Dictionary) else Dictionary()
    page.Resources = res
    return res


def _keep(folder: Path, files: dict[str, bytes]) -> None:
    """Write cache entries atomically; a cache that cannot be written only costs the next build time."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, folder / name)
    except OSError:
        pass


@contextlib.contextmanager
def _quiet_logs():
    """OCRmyPDF logs through `logging`, and its (rich) progress bars redirect sys.stderr and may
    leave it redirected: the library never prints, so keep its records to itself and put the
    streams back as they were."""
    logger = logging.getLogger("ocrmypdf")
    saved = logger.propagate, logger.handlers[:], logger.level
    streams = sys.stdout, sys.stderr
    logger.propagate, logger.handlers = False, [logging.NullHandler()]
    try:
        yield
    finally:
        logger.propagate, logger.handlers = saved[0], saved[1]
        logger.setLevel(saved[2])
        sys.stdout, sys.stderr = streams


@contextlib.contextmanager
def _one_thread():
    """Tesseract in each worker on one thread: its own threads would oversubscribe the cores."""
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = before


def receipt_entry(case: Case, plan: PagePlan, sources: list[Source]) -> dict:
    """The receipt's `ocr`: which packet pages carry a text layer parolekit added, and from which input."""
    starts = {part.ref: start for start, part in plan.parts if isinstance(part.ref, tuple)}
    pages, inputs = [], []
    for src in sources:
        if not src.ocr_pages or src.ref not in starts:
            continue
        at = {p: k for k, p in enumerate(src.pages)}
        packet = [starts[src.ref] + at[p - 1] for p in src.ocr_pages if p - 1 in at]
        pages.extend(packet)
        inputs.append({"key": case.keypath(src.ref), "file_pages": page_list(src.ocr_pages, 1000),
                       "packet_pages": page_list(packet, 1000)})
    pages.sort()
    return {"ocr": {"pages": page_list(pages, 1000), "count": len(pages), "inputs": inputs}}
