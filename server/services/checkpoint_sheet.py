"""The printable A4 sheet of a school's checkpoint QR codes (reportlab).

Six stickers a page (two columns, three rows) separated by dashed cut lines; each has the QR code
(``SAFETY-CP:<token>``, error correction M so a scuffed sticker still scans), the checkpoint's
name, the school's name and how to use it. Chinese is set in reportlab's built-in CID font
``STSong-Light``: the PDF names the font and its Adobe-GB1 encoding without embedding glyphs, and
every PDF reader brings a Song typeface for it (Adobe's Asian font pack, or the system's own
fonts in macOS, Windows, Android, iOS and poppler/pdf.js). So the server needs no font file,
which keeps a 10+ MB CJK font out of the repository and the image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from server.errors import ApiError
from server.models import Unit, User
from server.models.patrols import Checkpoint
from server.services.checkpoints import active_of_school, qr_content, views

FONT = "STSong-Light"
INSTRUCTIONS = "巡查时用微信小程序扫码"
COLUMNS, ROWS = 2, 3
QR_SIZE = 58 * mm
_MARGIN = 10 * mm

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass(frozen=True)
class Sticker:
    """What one cell of the sheet shows (the seam the tests read: QR content and texts)."""

    qr: str
    name: str
    school: str
    instructions: str = INSTRUCTIONS


def stickers(school: Unit, checkpoints: list[Checkpoint], names: dict[int, str]) -> list[Sticker]:
    """A sticker per checkpoint; ``names`` are the names as the caller sees them."""
    return [Sticker(qr_content(c), names.get(c.id, c.name), school.name) for c in checkpoints]


def _fit(canvas: Canvas, text: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    while size > 6 and canvas.stringWidth(text, FONT, size) > width:
        size -= 0.5
    return size


def _cut_lines(canvas: Canvas, cell_w: float, cell_h: float) -> None:
    """Dashed lines between the cells, to cut the stickers apart."""
    width, height = A4
    canvas.saveState()
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.6)
    for column in range(1, COLUMNS):
        x = _MARGIN + column * cell_w
        canvas.line(x, _MARGIN, x, height - _MARGIN)
    for row in range(1, ROWS):
        y = _MARGIN + row * cell_h
        canvas.line(_MARGIN, y, width - _MARGIN, y)
    canvas.rect(_MARGIN, _MARGIN, width - 2 * _MARGIN, height - 2 * _MARGIN)
    canvas.restoreState()


def _draw_sticker(canvas: Canvas, sticker: Sticker, x: float, y: float, w: float, h: float):
    """One sticker in the cell whose lower left corner is (x, y)."""
    widget = QrCodeWidget(sticker.qr, barLevel="M", barBorder=4)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x + (w - QR_SIZE) / 2, y + h - QR_SIZE - 5 * mm)
    centre, text_w = x + w / 2, w - 10 * mm
    size = _fit(canvas, sticker.name, 18, text_w)
    canvas.setFont(FONT, size)
    canvas.drawCentredString(centre, y + 18 * mm, sticker.name)
    canvas.setFont(FONT, _fit(canvas, sticker.school, 10, text_w))
    canvas.drawCentredString(centre, y + 11 * mm, sticker.school)
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(centre, y + 5 * mm, sticker.instructions)


def render(stickers: list[Sticker], title: str) -> bytes:
    """The A4 PDF: ``COLUMNS`` x ``ROWS`` stickers a page, in order."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("校园安全")
    width, height = A4
    cell_w = (width - 2 * _MARGIN) / COLUMNS
    cell_h = (height - 2 * _MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    for start in range(0, len(stickers), per_page):
        _cut_lines(canvas, cell_w, cell_h)
        for index, sticker in enumerate(stickers[start : start + per_page]):
            row, column = divmod(index, COLUMNS)
            x = _MARGIN + column * cell_w
            y = height - _MARGIN - (row + 1) * cell_h
            _draw_sticker(canvas, sticker, x, y, cell_w, cell_h)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def sheet_pdf(user: User, school_id: int) -> bytes:
    """``GET /checkpoints/sheet``: the school's active checkpoints as a printable PDF, for
    those who manage them. A school without any answers 409 ``no_checkpoints`` (an empty
    sheet would print a blank page nobody can tell from a failure)."""
    school, rows = active_of_school(user, school_id)
    if not rows:
        raise ApiError(409, "no_checkpoints", "This school has no active checkpoints to print yet.")
    names = {view["id"]: view["name"] for view in views(rows, user)}
    return render(stickers(school, rows, names), f"{school.name} 巡查点二维码")
