"""Benchmark the photo pipeline on full-size phone photos: ``python bench/photos.py [-n N]``.

Uses ``../shared/photos/phone/*.jpg`` beside the checkout when present, otherwise a generated
3264x2448 JPEG. For each photo it prints the time per photo of ``process_photo`` and of a bare
full decode (``Image.open(...).load()``) of the same bytes, their ratio, and the peak-RSS growth
of each. Every measurement runs in its own child process, so the peaks do not mask each other.
Prints numbers only: no assertions, no thresholds.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_PHONE = ROOT.parent / "shared" / "photos" / "phone"
sys.path.insert(0, str(ROOT))


def generated_photo() -> bytes:
    """A 3264x2448 photo-like JPEG (noise over gradients) with EXIF orientation 6."""
    from PIL import Image

    size = (3264, 2448)
    noise = Image.effect_noise(size, 40)
    gradient = Image.linear_gradient("L").resize(size)
    im = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue()


def photos() -> list[tuple[str, bytes]]:
    found = sorted(SHARED_PHONE.glob("*.jpg")) if SHARED_PHONE.is_dir() else []
    if found:
        return [(path.name, path.read_bytes()) for path in found]
    return [("generated-3264x2448.jpg", generated_photo())]


def child(kind: str, name: str, repeat: int) -> None:
    """Measure one kind of work on one photo; print {ms, rss_kib} as JSON.

    The RSS figure is the peak-RSS growth from just before the first run (imports done, the
    photo's bytes in memory), so it is the working memory one photo needs.
    """
    from PIL import Image

    from server.photos import process_photo

    data = dict(photos())[name]

    def once() -> None:
        if kind == "baseline":
            with Image.open(io.BytesIO(data)) as im:
                im.load()
        else:
            process_photo(io.BytesIO(data), name, "image/jpeg")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    once()  # warm up (plugin init, first allocations); its memory peak counts, its time not
    started = time.perf_counter()
    for _ in range(repeat):
        once()
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"ms": elapsed * 1000 / repeat, "rss_kib": rss_after - rss_before}))


def measure(kind: str, name: str, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--photo", name, "-n", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=8, help="runs per photo (default 8)")
    parser.add_argument("--child", choices=["baseline", "pipeline"], help=argparse.SUPPRESS)
    parser.add_argument("--photo", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.photo, args.repeat)
        return

    from PIL import Image

    source = SHARED_PHONE if SHARED_PHONE.is_dir() else "generated"
    print(f"photos: {source}; {args.repeat} runs each, after one warm-up run")
    print(
        f"{'photo':<26}{'size':>11}{'KiB':>7}{'decode ms':>11}{'pipeline ms':>13}"
        f"{'ratio':>7}{'decode +RSS':>13}{'pipeline +RSS':>15}"
    )
    for name, data in photos():
        with Image.open(io.BytesIO(data)) as im:
            size = f"{im.width}x{im.height}"
        base = measure("baseline", name, args.repeat)
        pipe = measure("pipeline", name, args.repeat)
        print(
            f"{name:<26}{size:>11}{len(data) // 1024:>7}{base['ms']:>11.1f}{pipe['ms']:>13.1f}"
            f"{pipe['ms'] / base['ms']:>6.1f}x{base['rss_kib'] / 1024:>10.1f} MiB"
            f"{pipe['rss_kib'] / 1024:>11.1f} MiB"
        )
    print(
        "ratio = pipeline / bare full decode of the same bytes; "
        "+RSS = peak RSS growth while working"
    )


if __name__ == "__main__":
    main()
