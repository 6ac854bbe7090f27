"""Re-encoding scanned images so a packet fits its size cap: JPEG quality first, then resolution, never below 150 dpi."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Dictionary, Name
from PIL import Image

from .intake import Source
from .pdfscan import page_list, printed_dpi, scan_pdf
from .volumes import page_sizes

FLOOR_DPI = 150  # below it small print, stamps and signatures stop being legible (scan-low-resolution)
# Each step re-encodes every scan image from its original: (JPEG quality, resolution cap or None).
LADDER = [(85, None), (75, None), (60, None), (60, 225), (60, 200), (50, FLOOR_DPI)]
_COLOURS = {"/DeviceGray": "L", "/DeviceRGB": "RGB"}


@dataclass
class ScanImage:
    """One image XObject drawn on scanned pages of an input, with what it was before any re-encoding."""

    src: Source
    stream: pikepdf.Stream
    pages: list[int]  # 1-based file pages that draw it
    dpi: int  # as printed on its page
    original: tuple[bytes, dict]  # raw stream data and dictionary, to start every step from
    size: int  # bytes as given

    @property
    def current(self) -> int:
        return len(self.stream.read_raw_bytes())


@dataclass
class Recompressed:
    """What was re-encoded in one input, for the warning and the receipt."""

    src: Source
    pages: list[int] = field(default_factory=list)
    quality: int = 0
    dpi: int | None = None
    before: int = 0
    after: int = 0


def scan_images(sources: list[Source]) -> list[ScanImage]:
    """The images of scanned pages that can be re-encoded: 8-bit grey or RGB, without masks
    (a bilevel or CMYK scan, or an image with transparency, is left as it is)."""
    found: dict[tuple[int, int], ScanImage] = {}
    for src in sources:
        if src.pdf is None:
            continue
        pages = list(src.pdf.pages)
        for number in scan_pdf(src.pdf, src.pages, document=False, text=False).scans:
            page = pages[number - 1]
            box = page.cropbox if "/CropBox" in page.obj else page.mediabox
            w, h = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
            xobjects = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
            for key in xobjects.keys():
                xo = xobjects[key]
                if not _recodable(xo):
                    continue
                if not xo.is_indirect:  # an object of its own, so a re-encoding replaces it in place
                    xo = xobjects[key] = src.pdf.make_indirect(xo)
                seen = found.get((id(src), xo.objgen))
                if seen is not None:
                    seen.pages.append(number)
                    continue
                raw = xo.read_raw_bytes()
                dpi = printed_dpi((int(xo.Width), int(xo.Height)), (w, h))
                found[(id(src), xo.objgen)] = ScanImage(src, xo, [number], dpi,
                                                        (raw, {k: xo.stream_dict[k] for k in xo.stream_dict.keys()}),
                                                        len(raw))
    return list(found.values())


def _recodable(xo) -> bool:
    if not isinstance(xo, pikepdf.Stream) or xo.get("/Subtype") != Name.Image:
        return False
    if any(k in xo for k in ("/SMask", "/Mask", "/ImageMask", "/Decode")) or int(xo.get("/BitsPerComponent", 0)) != 8:
        return False
    space = xo.get("/ColorSpace")
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == Name.ICCBased:
        return int(space[1].get("/N", 0)) in (1, 3)
    return str(space) in _COLOURS


def apply_step(images: list[ScanImage], step: tuple[int, int | None] | None) -> None:
    """Every image re-encoded from its original at *step* (None: the originals back); an
    encoding that comes out larger than the original keeps the original."""
    for image in images:
        _restore(image)
        if step is None:
            continue
        quality, cap = step
        try:
            pil = pikepdf.PdfImage(image.stream).as_pil_image()
        except Exception:  # an image Pillow cannot decode stays as it is
            continue
        if pil.mode not in ("L", "RGB"):
            pil = pil.convert("RGB")
        if cap and image.dpi > cap:
            scale = cap / image.dpi
            pil = pil.resize((max(1, round(pil.width * scale)), max(1, round(pil.height * scale))),
                             Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        pil.save(buf, "JPEG", quality=quality, optimize=True)
        data = buf.getvalue()
        if len(data) >= image.size:
            continue
        image.stream.write(data, filter=Name.DCTDecode)
        for key in ("/DecodeParms", "/Interpolate"):
            if key in image.stream:
                del image.stream[key]
        image.stream.Width, image.stream.Height = pil.width, pil.height
        image.stream.BitsPerComponent = 8
        image.stream.ColorSpace = Name.DeviceGray if pil.mode == "L" else Name.DeviceRGB


def _restore(image: ScanImage) -> None:
    raw, entries = image.original
    if image.current == len(raw) and image.stream.read_raw_bytes() == raw:
        return
    for key in list(image.stream.stream_dict.keys()):
        if key != "/Length":
            del image.stream.stream_dict[key]
    for key, value in entries.items():
        if key != "/Length":
            image.stream.stream_dict[key] = value
    filt, parms = entries.get("/Filter"), entries.get("/DecodeParms")
    image.stream.write(raw, filter=filt, decode_parms=parms, type_check=False) if filt is not None \
        else image.stream.write(raw)


def fit_scans(sources: list[Source], other: float, budget: float) -> list[Recompressed]:
    """Re-encode scans, step by step down the ladder, until the packet fits one file of *budget*
    bytes (*other*: what its generated pages and structure take). When no step can get it there,
    the scans stay as they are (the split does the rest), except those on a page too large for any
    volume, re-encoded only as far as that page fits. Pages that are not scans are never touched.
    Returns what was re-encoded (nothing when it already fitted)."""
    base = _sizes(sources)
    if sum(base) + other <= budget:
        return []
    images = scan_images(sources)
    if not images:
        return []
    if _could_fit(images, sum(base) + other, budget):
        for step in LADDER:
            apply_step(images, step)
            if sum(_sizes(sources)) + other <= budget:
                return summary(images, step)
        apply_step(images, None)
    over = _over(sources, base, budget)
    targets = [image for image in images if any((id(image.src), p) in over for p in image.pages)]
    if not targets:
        _sizes(sources)
        return []
    for step in LADDER:
        apply_step(targets, step)
        if max(_sizes(sources), default=0) <= budget:
            return summary(targets, step)
    return summary(targets, LADDER[-1])  # the split names the page still too large


SAMPLE = 12  # images tried at the last step to judge whether any step could fit one file


def _could_fit(images: list[ScanImage], total: float, budget: float) -> bool:
    """Whether even the last step might fit one file, judged on the largest images: a packet far
    over the cap is split as it is, without re-encoding every scan in it six times."""
    scans = sum(image.size for image in images)
    if total - scans > budget:
        return False  # text, drawings and generated pages alone are over
    sample = sorted(images, key=lambda i: -i.size)[:SAMPLE]
    apply_step(sample, LADDER[-1])
    ratio = sum(i.current for i in sample) / max(1, sum(i.size for i in sample))
    apply_step(sample, None)
    return total - scans + scans * ratio <= budget * 1.1


def _over(sources: list[Source], sizes: list[float], budget: float) -> set[tuple[int, int]]:
    """(input, 1-based file page) of every selected page larger than a volume on its own."""
    out, at = set(), 0
    for src in sources:
        if src.pdf is None:
            continue
        for index in src.pages:
            if sizes[at] > budget:
                out.add((id(src), index + 1))
            at += 1
    return out


def _sizes(sources: list[Source]) -> list[float]:
    """Each selected page's estimated bytes, measured again (and kept for the split's estimates)."""
    out: list[float] = []
    for src in sources:
        if src.pdf is not None:
            src.page_sizes = page_sizes(src.pdf, src.pages)
            out.extend(src.page_sizes)
    return out


def summary(images: list[ScanImage], step: tuple[int, int | None]) -> list[Recompressed]:
    """Per input: which pages were re-encoded, how, and bytes before and after."""
    out: dict[int, Recompressed] = {}
    quality, cap = step
    for image in images:
        if image.current >= image.size:
            continue
        r = out.setdefault(id(image.src), Recompressed(image.src, quality=quality))
        r.pages = sorted(set(r.pages) | set(image.pages))
        if cap and image.dpi > cap:
            r.dpi = cap
        r.before += image.size
        r.after += image.current
    return list(out.values())


def receipt_entry(case, r: Recompressed) -> dict:
    """One input's entry in the receipt's `recompressed`: which scans were re-encoded, and how."""
    return {"key": case.keypath(r.src.ref), "file_pages": page_list(r.pages, 1000), "jpeg_quality": r.quality,
            "dpi": r.dpi, "bytes_before": r.before, "bytes_after": r.after}
