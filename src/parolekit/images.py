"""Photos and scans become PDF pages of their own size: JPEG passed through, others lossless."""

from __future__ import annotations

import io
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf

# Pillow and its HEIF opener are imported by the first image a build reads (_load_pil): a packet
# of PDFs never pays for them at start (~15 ms of every command).
Image = ImageOps = UnidentifiedImageError = None  # type: ignore[assignment]

DEFAULT_DPI = 200.0
FIT_SHORT, FIT_LONG = 612.0, 842.0  # points: letter's width by A4's height; both papers' scans fit
# An image that decodes past this is refused before it is decoded (decompression bombs).
MAX_PIXELS = 150_000_000
# A TIFF's frames are pages; an MPO's (phone JPEGs) are previews and depth maps of one photo.
MULTI_PAGE_FORMATS = {"TIFF"}
# Formats whose extra frames belong to the one picture, never a page of their own.
ONE_PICTURE_FORMATS = {"MPO"}
# Names for the frames of any other image that has several (GIF, APNG, WebP animations; HEIF
# collections): refused, since a printed page shows one still picture and which frame is the
# evidence is for the client to say, not for parolekit to guess.
_ANIMATIONS = {"GIF", "PNG", "WEBP"}
MAX_FRAMES = 1000  # pages in one multi-page image; a fax or scan batch is far below this
# All pages of one image file together: 300 letter pages at 600 dpi, or a bomb of many big frames.
MAX_TOTAL_PIXELS = 10_000_000_000

# Where a stored pixel (x, y; y down, 0..1) lands on the displayed image, per EXIF orientation.
_ORIENT = {
    1: lambda x, y: (x, y), 2: lambda x, y: (1 - x, y), 3: lambda x, y: (1 - x, 1 - y),
    4: lambda x, y: (x, 1 - y), 5: lambda x, y: (y, x), 6: lambda x, y: (1 - y, x),
    7: lambda x, y: (1 - y, 1 - x), 8: lambda x, y: (y, 1 - x),
}


class ImageProblem(Exception):
    """An image that cannot be used; the message says why and what to do."""

    def __init__(self, message: str, code: str = "file-corrupt"):
        super().__init__(message)
        self.code = code


@dataclass
class ImagePage:
    width_pt: float
    height_pt: float
    dpi: float  # as placed on the page (after downsampling to output.max_dpi)
    # The photo's or scan's own resolution at that page size, before parolekit resampled it: what
    # lint's scan-low-resolution judges, since a re-scan cannot undo a max_dpi the case asked for.
    source_dpi: float = 0.0


def image_matrix(orientation: int, page_w: float, page_h: float) -> list[float]:
    """The `cm` matrix drawing an image's unit square upright on a page of page_w x page_h."""
    f = _ORIENT.get(orientation, _ORIENT[1])

    def to_page(u: float, v: float) -> tuple[float, float]:
        X, Y = f(u, 1 - v)  # image space v=1 is the stored top row
        return X * page_w, (1 - Y) * page_h

    e, f0 = to_page(0, 0)
    ax, ay = to_page(1, 0)
    cx, cy = to_page(0, 1)
    return [ax - e, ay - f0, cx - e, cy - f0, e, f0]


def _dpi(img: Image.Image) -> tuple[float, float]:
    """Horizontal and vertical density: fax scans are 204 x 98 or 204 x 196 dpi, not square."""
    dpi = img.info.get("dpi")
    try:
        x, y = (float(dpi[0]), float(dpi[1])) if dpi else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        x = y = 0.0
    # 1 dpi or no density at all is what software writes when it does not know.
    x, y = (x if x >= 30 else y), (y if y >= 30 else x)
    return (x, y) if x >= 30 else (DEFAULT_DPI, DEFAULT_DPI)


def _load_pil() -> None:
    global Image, ImageOps, UnidentifiedImageError
    if Image is not None:
        return
    from PIL import Image as image, ImageOps as ops, UnidentifiedImageError as unidentified

    image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:  # iPhone photos; optional at import so a broken wheel does not break PDFs.
        import pillow_heif

        pillow_heif.register_heif_opener()
    except Exception:  # pragma: no cover - depends on the platform's wheel
        pass
    Image, ImageOps, UnidentifiedImageError = image, ops, unidentified


def _open(path: Path) -> Image.Image:
    _load_pil()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            if img.width * img.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except UnidentifiedImageError:
        raise ImageProblem("the image cannot be read (unknown or damaged format); "
                           "re-export it as JPEG, PNG or PDF") from None
    except Exception as e:  # Pillow raises many kinds on hostile headers; all mean "damaged"
        raise ImageProblem(f"the image cannot be read ({_reason(e)}); re-export it") from e
    return img


def _too_large() -> ImageProblem:
    return ImageProblem(f"the image is too large to decode safely (more than "
                        f"{MAX_PIXELS // 1_000_000} megapixels); scale it down or export it as a PDF",
                        "image-too-large")


def _reason(e: Exception) -> str:
    return (str(e) or type(e).__name__)[:160]


def image_pages(path: Path, pdf: pikepdf.Pdf, max_dpi: int = 300) -> list[ImagePage]:
    """Append one page per frame of the image at *path* to *pdf*."""
    img = _open(path)
    out = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _refuse_animation(img)
            frames = img.n_frames if img.format in MULTI_PAGE_FORMATS else 1
            if frames > MAX_FRAMES:
                raise ImageProblem(f"the image has {frames:,} pages, more than {MAX_FRAMES:,}; "
                                   "split it or export it as a PDF", "image-too-large")
            total = 0
            for index in range(frames):
                img.seek(index)
                # Each frame of a TIFF has its own size: a small first page proves nothing.
                if img.width * img.height > MAX_PIXELS:
                    raise _too_large()
                total += img.width * img.height
                if total > MAX_TOTAL_PIXELS:
                    raise ImageProblem(f"the image's {frames:,} pages add up to more than "
                                       f"{MAX_TOTAL_PIXELS // 1_000_000:,} megapixels; split it or "
                                       "export it as a PDF", "image-too-large")
                out.append(_add_frame(path, img, pdf, max_dpi))
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        raise _too_large() from None
    except Exception as e:  # truncated or corrupt data surfaces as many exception types
        raise ImageProblem(f"the image is damaged or truncated ({_reason(e)}); "
                           "re-export or re-scan it") from e
    finally:
        img.close()
    return out


def frame_count(img: Image.Image) -> int:
    try:
        return max(1, int(getattr(img, "n_frames", 1) or 1))
    except (TypeError, ValueError):
        return 1


def _refuse_animation(img: Image.Image) -> None:
    """An animated GIF, PNG or WebP (or a HEIF holding several pictures) is refused with its
    number of frames: printing its first frame alone would lose the rest without a word, and a
    screen recording as hundreds of pages is not what anyone files."""
    if img.format in MULTI_PAGE_FORMATS or img.format in ONE_PICTURE_FORMATS:
        return
    frames = frame_count(img)
    if frames <= 1:
        return
    what = (f"an animation of {frames:,} frames" if img.format in _ANIMATIONS
            else f"{frames:,} pictures in one file")
    raise ImageProblem(f"the image is {what}, and a printed page shows one still picture; export the "
                       "frame(s) that show the evidence as PNG or PDF and name those files instead",
                       "image-animated")


def _add_frame(path: Path, img: Image.Image, pdf: pikepdf.Pdf, max_dpi: int) -> ImagePage:
    # A photo's size on paper is a guess from its density tag; a phone's 4032 x 3024 at "72 dpi"
    # would be a 56-inch page. Nothing comes out larger than a letter or A4 sheet (either way up).
    xdpi, ydpi = _dpi(img)
    sw, sh = img.width * 72.0 / xdpi, img.height * 72.0 / ydpi
    grow = max(1.0, max(sw, sh) / FIT_LONG, min(sw, sh) / FIT_SHORT)  # shrink to fit the paper
    xdpi, ydpi = xdpi * grow, ydpi * grow
    dpi = source_dpi = max(xdpi, ydpi)
    orientation = 1
    try:
        orientation = int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block is no reason to refuse a photo
        orientation = 1
    if img.format == "JPEG" and dpi <= max_dpi and img.mode in ("L", "RGB", "CMYK"):
        # The file's bytes go in as they are; decoding at 1/8 scale still reads every byte, so a
        # truncated photo fails here, in an eighth of the memory.
        (w, h), mode, adobe = img.size, img.mode, "adobe" in img.info
        img.draft(mode, (max(1, w // 8), max(1, h // 8)))
        img.load()
        stream = _jpeg_stream(path, (w, h), mode, adobe, pdf)
    else:
        img.load()  # decode now so truncated files fail here, not in the writer
        frame = img if img.format == "JPEG" else ImageOps.exif_transpose(img)
        if frame is not img:
            orientation = 1
        frame = _flatten(frame)
        if dpi > max_dpi:
            sx, sy = min(1.0, max_dpi / xdpi), min(1.0, max_dpi / ydpi)
            frame = frame.resize((max(1, round(frame.width * sx)), max(1, round(frame.height * sy))),
                                 Image.Resampling.LANCZOS)
            xdpi, ydpi = min(xdpi, float(max_dpi)), min(ydpi, float(max_dpi))
            dpi = max(xdpi, ydpi)
        stream = _encode(frame, pdf, photo=img.format in ("JPEG", "HEIF", "MPO", "WEBP"))
        w, h = frame.size
    sw, sh = w * 72.0 / xdpi, h * 72.0 / ydpi
    page_w, page_h = (sh, sw) if orientation in (5, 6, 7, 8) else (sw, sh)
    matrix = image_matrix(orientation, page_w, page_h)
    content = pikepdf.Stream(pdf, ("q %s cm /Im0 Do Q" % " ".join(f"{v:.4f}" for v in matrix)).encode())
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(page_w, 3), round(page_h, 3)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
        Contents=content,
    )
    pdf.pages.append(pikepdf.Page(page))
    return ImagePage(page_w, page_h, dpi, source_dpi)


def _jpeg_stream(path: Path, size: tuple[int, int], mode: str, adobe: bool,
                 pdf: pikepdf.Pdf) -> pikepdf.Stream:
    data = path.read_bytes()
    colorspace = {"L": pikepdf.Name.DeviceGray, "RGB": pikepdf.Name.DeviceRGB,
                  "CMYK": pikepdf.Name.DeviceCMYK}[mode]
    stream = pikepdf.Stream(pdf, data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = size
    stream.ColorSpace = colorspace
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.DCTDecode
    if mode == "CMYK" and adobe:
        stream.Decode = [1, 0, 1, 0, 1, 0, 1, 0]  # Adobe writes CMYK JPEGs inverted
    return stream


def _flatten(img: Image.Image) -> Image.Image:
    """RGB, L or 1-bit, with any transparency composited onto white paper."""
    if img.mode == "1":
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v / 256).convert("L")
    if img.mode == "P":
        img = img.convert("RGBA") if "transparency" in img.info else img.convert("RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode in ("L", "RGB"):
        return img
    return img.convert("RGB")


def _encode(img: Image.Image, pdf: pikepdf.Pdf, photo: bool) -> pikepdf.Stream:
    if photo and img.mode in ("RGB", "L"):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=90, optimize=False)
        stream = pikepdf.Stream(pdf, buf.getvalue())
        stream.Filter = pikepdf.Name.DCTDecode
    else:
        stream = pikepdf.Stream(pdf, zlib.compress(img.tobytes(), 6))
        stream.Filter = pikepdf.Name.FlateDecode
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = img.size
    stream.ColorSpace = pikepdf.Name.DeviceRGB if img.mode == "RGB" else pikepdf.Name.DeviceGray
    stream.BitsPerComponent = 1 if img.mode == "1" else 8
    return stream
