"""Read the few EXIF facts the service keeps: orientation, when the photo was taken, where.

Everything here is tolerant: a malformed, truncated or strange EXIF block yields "unknown" for the
affected fact, never an exception. The caller rejects photos for their pixels, not their metadata.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from PIL import Image

# IFD pointers and tags (EXIF 2.32 / TIFF 6.0 numbers).
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
TAG_DATETIME_ORIGINAL = 0x9003
TAG_OFFSET_TIME = 0x9010
TAG_OFFSET_TIME_ORIGINAL = 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE = 1, 2
GPS_LONGITUDE_REF, GPS_LONGITUDE = 3, 4
GPS_ALTITUDE_REF, GPS_ALTITUDE = 5, 6

# Orientation -> the transpose that makes the stored pixels upright. The same table as Pillow's
# ImageOps.exif_transpose; applied by hand so a broken EXIF block can never make it raise.
ORIENTATION_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_DATETIME_RE = re.compile(r"^\s*(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)")
_OFFSET_RE = re.compile(r"^\s*([+-])(\d\d):(\d\d)\s*$")

# Anything Pillow's EXIF parser or a strange value may raise while being read.
_EXIF_ERRORS = (
    ArithmeticError,
    AttributeError,
    IndexError,
    KeyError,
    LookupError,
    OSError,
    SyntaxError,
    TypeError,
    ValueError,
    Warning,  # Pillow warns about corrupt EXIF; raised only when warnings are made errors
)


@dataclass(frozen=True)
class PhotoMetadata:
    """What the EXIF block says; every field is None (orientation 1) when absent or unreadable."""

    orientation: int = 1
    taken_at: datetime | None = None
    gps_lat: float | None = None
    gps_lng: float | None = None
    gps_alt: float | None = None


def read_metadata(im: Image.Image) -> PhotoMetadata:
    """Read orientation, capture time and GPS position from an opened (and loaded) image.

    Call it after ``load()``: for PNG, Pillow looks for an eXIf chunk after the pixel data, so
    reading EXIF first would decode an image whose size has not been checked yet.
    """
    try:
        exif = im.getexif()
    except _EXIF_ERRORS:
        return PhotoMetadata()
    return PhotoMetadata(
        orientation=_orientation(exif),
        taken_at=_taken_at(exif),
        **_gps(_sub_ifd(exif, GPS_IFD)),
    )


def _sub_ifd(exif: Image.Exif, pointer: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(pointer))
    except _EXIF_ERRORS:
        return {}


def _orientation(exif: Image.Exif) -> int:
    try:
        value = exif.get(TAG_ORIENTATION)
        orientation = int(value) if value is not None else 1
    except _EXIF_ERRORS:
        return 1
    return orientation if orientation in ORIENTATION_TRANSPOSE else 1


def _text(value: Any) -> str | None:
    """An ASCII tag as text (Pillow gives str; odd writers give bytes or a one-item tuple)."""
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 \t\r\n")


def _taken_at(exif: Image.Exif) -> datetime | None:
    """DateTimeOriginal (else IFD0 DateTime), aware only when the camera wrote its UTC offset.

    EXIF times are the camera clock's local time with no zone, so without an offset tag the
    result is naive and the caller decides which zone to assume.
    """
    exif_ifd = _sub_ifd(exif, EXIF_IFD)
    candidates = [
        (exif_ifd.get(TAG_DATETIME_ORIGINAL), exif_ifd.get(TAG_OFFSET_TIME_ORIGINAL)),
        (_safe_get(exif, TAG_DATETIME), exif_ifd.get(TAG_OFFSET_TIME)),
    ]
    for value, offset in candidates:
        when = _parse_datetime(_text(value))
        if when is not None:
            tz = _parse_offset(_text(offset))
            return when.replace(tzinfo=tz) if tz is not None else when
    return None


def _safe_get(exif: Image.Exif, tag: int) -> Any:
    try:
        return exif.get(tag)
    except _EXIF_ERRORS:
        return None


def _parse_datetime(text: str | None) -> datetime | None:
    match = _DATETIME_RE.match(text or "")
    if match is None:
        return None
    try:
        return datetime(*(int(part) for part in match.groups()))  # naive: camera-local time
    except ValueError:  # "0000:00:00 00:00:00", month 13, ...
        return None


def _parse_offset(text: str | None) -> timezone | None:
    match = _OFFSET_RE.match(text or "")
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if int(hours) > 18 or int(minutes) > 59:
        return None
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def _gps(gps: dict[int, Any]) -> dict[str, float | None]:
    """WGS-84 decimal degrees (south and west negative) and metres (below sea level negative)."""
    lat = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "S", 90.0)
    lng = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "W", 180.0)
    if lat is None or lng is None:  # half a position is no position
        lat = lng = None
    return {"gps_lat": lat, "gps_lng": lng, "gps_alt": _altitude(gps)}


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except _EXIF_ERRORS:
        return None
    return number if math.isfinite(number) else None  # x/0 rationals come out as nan


def _degrees(value: Any, ref: Any, negative_ref: str, bound: float) -> float | None:
    """(degrees, minutes, seconds) rationals -> signed decimal degrees; None if implausible."""
    if not isinstance(value, tuple | list):
        value = (value,)
    if not 1 <= len(value) <= 3:
        return None
    parts = [_number(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    degrees = sum(part / 60**i for i, part in enumerate(parts))  # type: ignore[operator]
    if degrees > bound:
        return None
    ref_text = (_text(ref) or "").upper()
    return -degrees if ref_text.startswith(negative_ref) else degrees


def _altitude(gps: dict[int, Any]) -> float | None:
    altitude = _number(gps.get(GPS_ALTITUDE))
    if altitude is None:
        return None
    ref = gps.get(GPS_ALTITUDE_REF)
    if isinstance(ref, bytes | tuple):
        ref = ref[0] if ref else 0
    below_sea_level = _number(ref) == 1
    return -altitude if below_sea_level else altitude
