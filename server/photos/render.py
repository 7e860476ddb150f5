"""Pixel work for the photo pipeline: shrink, convert to sRGB RGB, turn upright, encode a JPEG
with no metadata at all."""

from __future__ import annotations

import io

from PIL import Image, ImageCms

from server.photos.exif import ORIENTATION_TRANSPOSE, PhotoMetadata

WHITE = (255, 255, 255)


def display_image(im: Image.Image, meta: PhotoMetadata, long_side: int) -> Image.Image:
    """Shrink, convert to sRGB RGB and turn upright; a new image that shares nothing with ``im``.

    Shrinking first makes the colour conversion and the transpose work on the small image; the
    bound is a square, so it does not matter that the pixels are not upright yet.
    """
    icc = im.info.get("icc_profile")
    out = _resizable(im)
    if max(out.size) > long_side:
        out = out.resize(fit(out.size, long_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    if icc:
        out = _to_srgb(out, icc)
    out = _to_rgb(out)
    method = ORIENTATION_TRANSPOSE.get(meta.orientation)
    if method is not None:
        out = out.transpose(method)
    if out is im:
        out = out.copy()
    out.info = {}
    return out


def fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resizable(im: Image.Image) -> Image.Image:
    """A mode Pillow resamples properly: 8 bits per channel, alpha kept for later flattening."""
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        if "transparency" in im.info and mode in ("RGB", "L"):
            return im.convert("RGBA")
        return im
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # 16-bit grey: scale to 8 bits rather than letting convert() clip at 255.
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode == "P":
        return im.convert("RGBA" if "transparency" in im.info else "RGB")
    if mode in ("1", "YCbCr", "LAB", "HSV"):
        return im.convert("RGB")
    return im.convert("RGBA")  # PA, La, RGBa, RGBX, ...


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """Apply the embedded ICC profile so the pixels are sRGB; keep them as they are if it fails."""
    out_mode = "RGBA" if im.mode in ("RGBA", "LA") else "RGB"
    if im.mode == "LA":
        im = im.convert("RGBA")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if ImageCms.getProfileDescription(source).lstrip().lower().startswith("srgb"):
            return im  # already sRGB: the transform would cost ~50 ms for nothing
        converted = ImageCms.profileToProfile(
            im, source, ImageCms.createProfile("sRGB"), outputMode=out_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im
    return converted if converted is not None else im


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB, with any transparency flattened onto white (a transparent PNG shows as on paper)."""
    if im.mode in ("RGBA", "LA"):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if im.mode != "RGB":
        return im.convert("RGB")
    return im


def encode_jpeg(im: Image.Image, quality: int) -> bytes:
    """Baseline JPEG with nothing but pixels: no EXIF, ICC profile, XMP or comment is passed."""
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, optimize=False, progressive=False)
    return buf.getvalue()
