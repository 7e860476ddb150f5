"""Benchmark the photo pipeline on full-size phone photos: ``python bench/photos.py [-n N]``.

Uses ``../shared/photos/phone/*.jpg`` beside the checkout when present, otherwise a generated
3264x2448 JPEG. For each photo it prints the time per photo of ``process_photo``, of Pillow alone
doing the same pixel work (the floor: decode with the same draft rule, shrink with the same filter,
turn upright, encode the display copy and the thumbnail with the same quality) and of a bare full
decode (``Image.open(...).load()``) of the same bytes, the ratios, and the peak-RSS growth of
each. Times are CPU time (see ``child``). Every measurement runs in its own child process, so
the peaks do not mask each other; the kinds alternate over ``--rounds`` rounds and the best time
of each is kept (a busy machine only ever adds time).

Issue 13's guard (``bench/targets.py``): the pipeline's time over all photos at most 1.15x Pillow
doing the same work, and its peak-RSS growth per photo at most 80 MB (about +70 MB today).
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

from bench.targets import check  # noqa: E402  (needs ROOT on the path)

# The guard: "the same throughput as Pillow alone doing the same work" with a margin
# for noise, and "about +70 MB per worker at peak" with ~10 MB of head-room.
TIME_RATIO_LIMIT = 1.15
PEAK_MB_LIMIT = 80
KINDS = ("decode", "pillow", "pipeline")


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


def small_photo() -> bytes:
    """A 64x48 JPEG with EXIF orientation 6, to warm a child process up on."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def photos() -> list[tuple[str, bytes]]:
    """The phone photos to measure, as (file name, bytes)."""
    found = sorted(SHARED_PHONE.glob("*.jpg")) if SHARED_PHONE.is_dir() else []
    if found:
        return [(path.name, path.read_bytes()) for path in found]
    return [("generated-3264x2448.jpg", generated_photo())]


def child(kind: str, name: str, repeat: int) -> None:
    """Measure one kind of work on one photo; print {ms, wall_ms, rss_kib} as JSON.

    ``ms`` is the process's CPU time per run, not the wall clock: on a machine shared with other
    work the wall clock mostly measures the others (the same photo's wall time varied 2x between
    runs), while the CPU time the work itself takes stays within a few per cent. The work is
    single-threaded, so CPU time is what one worker would spend. The RSS figure is the peak-RSS
    growth from just before the first run (imports done, the photo's bytes in memory), so it is
    the working memory one photo needs.
    """
    from PIL import Image

    from server.photos import process_photo

    data = dict(photos())[name]

    def once(photo: bytes = data) -> None:
        if kind == "decode":
            with Image.open(io.BytesIO(photo)) as im:
                im.load()
        elif kind == "pillow":
            pillow_same_work(photo)
        else:
            process_photo(io.BytesIO(photo), name, "image/jpeg")

    # Lazy imports and plugin set-up happen on a small photo first: they are the process's,
    # paid once per worker, not the memory a photo needs.
    once(small_photo())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    once()  # warm up (first large allocations); its memory peak counts, its time not
    cpu = 1e9
    started = time.perf_counter()
    for _ in range(repeat):
        run_started = time.process_time()
        once()
        cpu = min(cpu, time.process_time() - run_started)
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall_ms = elapsed * 1000 / repeat
    print(json.dumps({"ms": cpu * 1000, "wall_ms": wall_ms, "rss_kib": rss_after - rss_before}))


def pillow_same_work(data: bytes) -> tuple[bytes, bytes]:
    """Pillow alone doing the pixel work of ``server/photos`` (its defaults: display 2048 px,
    thumbnail 320 px, quality 85): the floor the pipeline is held to.

    Left out, because they are the pipeline's own rules rather than image work: hashing the
    upload, identifying its type, reading the date and GPS, the colour-profile check and the
    perceptual hash.
    """
    from PIL import Image, ImageOps

    from server.photos import PhotoLimits
    from server.photos.render import fit

    limits = PhotoLimits()
    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
        scale = limits.display_long_side / max(width, height)
        if scale < 0.5:  # the pipeline's draft rule: libjpeg's DCT scaling
            im.draft(im.mode, (max(1, int(width * scale)), max(1, int(height * scale))))
        im.load()
        shown = im
        if max(im.size) > limits.display_long_side:
            size = fit(im.size, limits.display_long_side)
            shown = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        shown = ImageOps.exif_transpose(shown)  # reads the orientation the resize kept in info
        display = io.BytesIO()
        shown.save(display, "JPEG", quality=limits.jpeg_quality)
        shown.thumbnail((limits.thumb_long_side,) * 2, Image.Resampling.LANCZOS)
        thumb = io.BytesIO()
        shown.save(thumb, "JPEG", quality=limits.jpeg_quality)
    return display.getvalue(), thumb.getvalue()


def measure(kind: str, name: str, repeat: int) -> dict:
    """Run one kind of work on one photo in a fresh child process; its {ms, rss_kib}."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--photo", name, "-n", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def best(name: str, repeat: int, rounds: int) -> dict[str, dict]:
    """Each kind measured ``rounds`` times, alternating; the best time and largest peak kept."""
    figures: dict[str, dict] = {}
    for _ in range(rounds):
        for kind in KINDS:
            got = measure(kind, name, repeat)
            seen = figures.setdefault(kind, got)
            seen["ms"] = min(seen["ms"], got["ms"])
            seen["wall_ms"] = min(seen["wall_ms"], got["wall_ms"])
            seen["rss_kib"] = max(seen["rss_kib"], got["rss_kib"])
    return figures


def main() -> None:
    """Measure every photo, print a line each, and check issue 13's guard over all of them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=8, help="runs per photo (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--photo", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.photo, args.repeat)
        return

    from PIL import Image

    source = SHARED_PHONE if SHARED_PHONE.is_dir() else "generated"
    print(
        f"photos: {source}; {args.repeat} runs each after one warm-up run, best of "
        f"{args.rounds} alternating rounds; times are CPU ms per photo (best run)"
    )
    print(
        f"{'photo':<26}{'size':>11}{'KiB':>6}{'decode ms':>10}{'Pillow ms':>10}{'pipeline ms':>12}"
        f"{'/decode':>8}{'/Pillow':>8}{'Pillow +RSS':>13}{'pipeline +RSS':>15}"
    )
    totals = dict.fromkeys(KINDS, 0.0)
    pipeline_wall = 0.0
    peak_mib = 0.0
    measured = photos()
    for name, data in measured:
        with Image.open(io.BytesIO(data)) as im:
            size = f"{im.width}x{im.height}"
        got = best(name, args.repeat, args.rounds)
        for kind in KINDS:
            totals[kind] += got[kind]["ms"]
        pipeline_wall += got["pipeline"]["wall_ms"]
        pipe, pillow = got["pipeline"], got["pillow"]
        peak_mib = max(peak_mib, pipe["rss_kib"] / 1024)
        print(
            f"{name:<26}{size:>11}{len(data) // 1024:>6}{got['decode']['ms']:>10.1f}"
            f"{pillow['ms']:>10.1f}{pipe['ms']:>12.1f}{pipe['ms'] / got['decode']['ms']:>7.1f}x"
            f"{pipe['ms'] / pillow['ms']:>7.2f}x{pillow['rss_kib'] / 1024:>9.1f} MiB"
            f"{pipe['rss_kib'] / 1024:>11.1f} MiB"
        )
    print(
        "/decode = pipeline / bare full decode of the same bytes; /Pillow = pipeline / Pillow "
        "alone doing the same pixel work; +RSS = peak RSS growth while working"
    )
    ratio = totals["pipeline"] / totals["pillow"]
    detail = (
        f"all photos: pipeline {totals['pipeline']:.0f} ms, Pillow {totals['pillow']:.0f} ms, "
        f"bare decode {totals['decode']:.0f} ms (CPU); pipeline wall clock {pipeline_wall:.0f} ms"
    )
    check(
        "photos",
        "pipeline time vs Pillow doing the same work",
        ratio,
        TIME_RATIO_LIMIT,
        at_least=False,
        detail=detail,
        absolute={"pipeline_cpu_ms_per_photo": totals["pipeline"] / len(measured)},
    )
    check(
        "photos",
        "peak memory per photo (RSS growth)",
        peak_mib * 1024 * 1024 / 1e6,
        PEAK_MB_LIMIT,
        at_least=False,
        unit=" MB",
    )


if __name__ == "__main__":
    main()
