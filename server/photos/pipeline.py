"""Turn an uploaded phone photo into two clean JPEGs (display and thumbnail) plus a few facts.

Pure: no Flask, database or object store. The upload is read in bounded chunks into a spooled
temporary file while it is hashed; the type is identified from the bytes and checked against the
file name and declared content type; the pixel count is checked from the header before anything
is decoded; the pixels are decoded, turned upright, converted to sRGB RGB, shrunk and re-encoded
with no metadata at all (no EXIF, GPS, XMP, ICC profile or comment).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

import imagehash
from PIL import Image

from server.photos.exif import read_metadata
from server.photos.render import display_image, encode_jpeg

try:  # HEIC/HEIF (iPhone photos) needs the optional pillow-heif plugin.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the environment
    HEIF_SUPPORTED = False

CHUNK_SIZE = 64 * 1024
# Uploads up to this size stay in memory; larger ones spill to a temporary file.
SPOOL_MEMORY_BYTES = 4 * 1024 * 1024

# Our type name -> the Pillow plugin allowed to open it.
PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
TYPE_LABELS = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP", "heic": "HEIC"}

# File name extensions and content types that name an image type. Types we do not take (GIF, ...)
# are listed too, so that "cat.gif" holding JPEG bytes counts as a mismatch.
EXTENSION_TYPES = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".jfif": "jpeg",
    ".png": "png",
    ".webp": "webp",
    ".heic": "heic",
    ".heif": "heic",
    ".hif": "heic",
    ".gif": "gif",
    ".bmp": "bmp",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".svg": "svg",
    ".avif": "avif",
}
CONTENT_TYPES = {
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/png": "png",
    "image/x-png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/heic-sequence": "heic",
    "image/heif-sequence": "heic",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/x-ms-bmp": "bmp",
    "image/tiff": "tiff",
    "image/svg+xml": "svg",
    "image/avif": "avif",
}
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
GENERIC_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}

# What Pillow may raise while reading a header or decoding pixels of a broken file.
DECODE_ERRORS = (
    OSError,  # includes "image file is truncated" and UnidentifiedImageError
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ArithmeticError,
    RuntimeError,  # pillow-heif / libheif
    Warning,  # e.g. corrupt EXIF met while opening, only when warnings are made errors
)


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000  # width*height, checked from the header BEFORE decoding
    display_long_side: int = 2048
    thumb_long_side: int = 320
    jpeg_quality: int = 85


@dataclass(frozen=True)
class ProcessedPhoto:
    """The result of :func:`process_photo`.

    ``taken_at`` is EXIF DateTimeOriginal (else DateTime): naive, in the camera clock's local
    time, unless the photo also carries OffsetTimeOriginal (OffsetTime), in which case it is
    aware. ``width``/``height`` are the full-size dimensions once turned upright.
    """

    sha256: str  # hex digest of the original bytes
    original_format: str  # "jpeg" | "png" | "webp" | "heic"
    original_size: int  # bytes
    width: int
    height: int
    taken_at: datetime | None
    gps_lat: float | None
    gps_lng: float | None
    gps_alt: float | None
    display: bytes = field(repr=False)  # JPEG, long side <= display_long_side, no metadata
    thumb: bytes = field(repr=False)  # JPEG, long side <= thumb_long_side, no metadata
    # The 64-bit perceptual hash (imagehash.phash) of the upright picture, as 16 hex digits:
    # the same scene re-encoded or resized lands within a few bits (reused-photo checks).
    phash: str | None = None


class PhotoRejected(Exception):
    """The upload is not an acceptable photo; ``status`` is the HTTP status to answer with.

    Codes: photo_too_large (413), photo_too_many_pixels (413), photo_unsupported_type (415),
    photo_type_mismatch (415), photo_damaged (422), photo_empty (422).
    """

    def __init__(self, code: str, message: str, status: int):
        super().__init__(code, message, status)
        self.code = code
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def process_photo(
    stream: BinaryIO,
    filename: str | None,
    declared_type: str | None,
    limits: PhotoLimits = PhotoLimits(),  # frozen, so a shared default is safe
) -> ProcessedPhoto:
    """Validate and process one upload; raises :class:`PhotoRejected` for anything unacceptable."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES) as spool:
        sha256, size = _spool(stream, spool, limits.max_bytes)
        if size == 0:
            raise PhotoRejected("photo_empty", "The uploaded file is empty.", 422)
        spool.seek(0)
        kind = _identify(spool.read(64))
        _check_declared(kind, filename, declared_type)
        spool.seek(0)
        return _process(spool, kind, sha256, size, limits)


def _spool(stream: BinaryIO, spool: BinaryIO, max_bytes: int) -> tuple[str, int]:
    """Copy at most ``max_bytes + 1`` bytes into ``spool``; reject as soon as there are more."""
    digest = hashlib.sha256()
    size = 0
    while True:
        chunk = stream.read(min(CHUNK_SIZE, max_bytes + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            mib, rest = divmod(max_bytes, 1024 * 1024)
            limit = f"{mib} MiB" if mib and not rest else f"{max_bytes:,} bytes"
            raise PhotoRejected("photo_too_large", f"The photo is larger than {limit}.", 413)
        digest.update(chunk)
        spool.write(chunk)
    return digest.hexdigest(), size


def _identify(head: bytes) -> str:
    """Our type name from the magic bytes, or PhotoRejected(photo_unsupported_type)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brands = {head[i : i + 4] for i in range(8, min(len(head), int.from_bytes(head[:4])), 4)}
        if brands & HEIF_BRANDS or (head[8:12] in GENERIC_HEIF_BRANDS and b"avif" not in brands):
            if not HEIF_SUPPORTED:
                raise _unsupported("HEIC photos cannot be read on this server")
            return "heic"
        raise _unsupported("AVIF and video files are not accepted")
    if head.startswith((b"GIF87a", b"GIF89a")):
        raise _unsupported("GIF images are not accepted")
    if head.startswith(b"BM"):
        raise _unsupported("BMP images are not accepted")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        raise _unsupported("TIFF images are not accepted")
    raise _unsupported("The file is not a photo")


def _unsupported(reason: str) -> PhotoRejected:
    return PhotoRejected(
        "photo_unsupported_type", f"{reason}; send a JPEG, PNG, WebP or HEIC photo.", 415
    )


def _check_declared(kind: str, filename: str | None, declared_type: str | None) -> None:
    """Reject when the extension or content type names a known image type other than the bytes'.

    Unknown extensions (WeChat temp names like ``wxfile://tmp_abc``) and ``application/octet-
    stream`` say nothing, so they never mismatch.
    """
    claims = []
    if filename:
        base = filename.replace("\\", "/").rsplit("/", 1)[-1]
        claims.append(("file name", EXTENSION_TYPES.get(os.path.splitext(base)[1].lower())))
    if declared_type:
        mime = declared_type.split(";", 1)[0].strip().lower()
        claims.append(("content type", CONTENT_TYPES.get(mime)))
    for source, claimed in claims:
        if claimed is not None and claimed != kind:
            raise PhotoRejected(
                "photo_type_mismatch",
                f"The {source} says {claimed.upper()} but the file is {TYPE_LABELS[kind]}.",
                415,
            )


def _too_many_pixels(limits: PhotoLimits) -> PhotoRejected:
    return PhotoRejected(
        "photo_too_many_pixels",
        f"The photo has more than {limits.max_pixels:,} pixels.",
        413,
    )


def _damaged() -> PhotoRejected:
    return PhotoRejected("photo_damaged", "The photo is damaged or incomplete.", 422)


def _process(
    spool: BinaryIO, kind: str, sha256: str, size: int, limits: PhotoLimits
) -> ProcessedPhoto:
    try:
        im = Image.open(spool, formats=[PIL_FORMATS[kind]])
    except Image.DecompressionBombError as exc:  # over Pillow's own global cap
        raise _too_many_pixels(limits) from exc
    except Image.DecompressionBombWarning as exc:  # only when warnings are made errors
        raise _too_many_pixels(limits) from exc
    except DECODE_ERRORS as exc:
        raise _damaged() from exc
    with im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise _damaged()
        if width * height > limits.max_pixels:  # from the header: nothing decoded yet
            raise _too_many_pixels(limits)
        if kind == "jpeg":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers the display
            # size (DCT scaling, much cheaper than decoding everything and shrinking).
            scale = limits.display_long_side / max(width, height)
            if scale < 0.5:
                im.draft(im.mode, (max(1, int(width * scale)), max(1, int(height * scale))))
        try:
            im.load()
        except Image.DecompressionBombError as exc:  # a plugin re-checking while decoding
            raise _too_many_pixels(limits) from exc
        except DECODE_ERRORS as exc:
            raise _damaged() from exc
        meta = read_metadata(im)
        shown = display_image(im, meta, limits.display_long_side)
    if meta.orientation in (5, 6, 7, 8):
        width, height = height, width
    display = encode_jpeg(shown, limits.jpeg_quality)
    shown.thumbnail((limits.thumb_long_side,) * 2, Image.Resampling.LANCZOS)
    # From the upright thumbnail: no second decode, the same picture hashes alike whatever its
    # original size or orientation tag, and phash's own shrink to 32x32 starts from 320 px
    # (0.4 ms) instead of the 2048 px display copy (about 20 ms, half the pipeline's time).
    phash = str(imagehash.phash(shown))
    thumb = encode_jpeg(shown, limits.jpeg_quality)
    shown.close()
    return ProcessedPhoto(
        sha256=sha256,
        original_format=kind,
        original_size=size,
        width=width,
        height=height,
        taken_at=meta.taken_at,
        gps_lat=meta.gps_lat,
        gps_lng=meta.gps_lng,
        gps_alt=meta.gps_alt,
        display=display,
        thumb=thumb,
        phash=phash,
    )
