"""Draw the tab bar icons (images/tab/*.png): 81x81 PNG, normal (#646566) and selected (#1a6fd8).

Run from miniprogram/: `python scripts/draw-tab-icons.py` (needs Pillow). Each icon is drawn at 8x
and scaled down, so its lines are smooth. The selected icon is the same shape, filled.
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 81
SCALE = 8
NORMAL = "#646566"
SELECTED = "#1a6fd8"
OUT = Path(__file__).resolve().parent.parent / "images" / "tab"
W = 6 * SCALE  # line width


def px(value):
    """Icon units (0-81) to canvas pixels."""
    return int(round(value * SCALE))


def home(draw, colour, filled):
    """A house: the roof and the walls, with a door."""
    roof = [(px(10), px(38)), (px(40.5), px(12)), (px(71), px(38))]
    body = [px(18), px(34), px(63), px(70)]
    if filled:
        draw.polygon(roof, fill=colour)
        draw.rectangle(body, fill=colour)
        draw.rectangle([px(34), px(50), px(47), px(70)], fill="white")
    else:
        draw.line(roof, fill=colour, width=W, joint="curve")
        draw.line([(px(18), px(36)), (px(18), px(70)), (px(63), px(70)), (px(63), px(36))], fill=colour, width=W, joint="curve")
        draw.line([(px(34), px(70)), (px(34), px(50)), (px(47), px(50)), (px(47), px(70))], fill=colour, width=W, joint="curve")


def todo(draw, colour, filled):
    """A clipboard with a tick and a line."""
    board = [px(16), px(14), px(65), px(72)]
    clip = [px(29), px(8), px(52), px(20)]
    ink = "white" if filled else colour
    if filled:
        draw.rounded_rectangle(board, radius=px(6), fill=colour)
    else:
        draw.rounded_rectangle(board, radius=px(6), outline=colour, width=W)
    draw.rounded_rectangle(clip, radius=px(3), fill=colour if not filled else colour, outline="white" if filled else colour, width=px(2))
    draw.line([(px(26), px(40)), (px(34), px(48)), (px(50), px(32))], fill=ink, width=W, joint="curve")
    draw.line([(px(26), px(60)), (px(55), px(60))], fill=ink, width=W)


def inbox(draw, colour, filled):
    """A speech bubble with three dots."""
    bubble = [px(10), px(14), px(71), px(58)]
    tail = [(px(24), px(56)), (px(22), px(72)), (px(40), px(56))]
    if filled:
        draw.rounded_rectangle(bubble, radius=px(12), fill=colour)
        draw.polygon(tail, fill=colour)
        dot = "white"
    else:
        draw.rounded_rectangle(bubble, radius=px(12), outline=colour, width=W)
        draw.polygon(tail, fill=colour)
        draw.polygon([(px(27), px(53)), (px(26), px(62)), (px(36), px(53))], fill="white")
        dot = colour
    for x in (27, 40.5, 54):
        draw.ellipse([px(x - 4), px(32), px(x + 4), px(40)], fill=dot)


def mine(draw, colour, filled):
    """A person: the head and the shoulders."""
    head = [px(27), px(10), px(54), px(37)]
    body = [px(12), px(44), px(69), px(100)]
    if filled:
        draw.ellipse(head, fill=colour)
        draw.pieslice(body, 180, 360, fill=colour)
    else:
        draw.ellipse(head, outline=colour, width=W)
        draw.arc(body, 180, 360, fill=colour, width=W)
        draw.line([(px(14), px(71)), (px(67), px(71))], fill=colour, width=W)


ICONS = {"home": home, "todo": todo, "inbox": inbox, "mine": mine}


def render(shape, colour, filled):
    """One icon as an 81x81 RGBA image on a transparent background."""
    big = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (255, 255, 255, 0))
    shape(ImageDraw.Draw(big), colour, filled)
    # White strokes drawn on a filled shape become transparent holes.
    pixels = big.load()
    for y in range(big.height):
        for x in range(big.width):
            r, g, b, a = pixels[x, y]
            if a and r == 255 and g == 255 and b == 255:
                pixels[x, y] = (255, 255, 255, 0)
    return big.resize((SIZE, SIZE), Image.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, shape in ICONS.items():
        render(shape, NORMAL, False).save(OUT / f"{name}.png", optimize=True)
        render(shape, SELECTED, True).save(OUT / f"{name}-active.png", optimize=True)


if __name__ == "__main__":
    main()
