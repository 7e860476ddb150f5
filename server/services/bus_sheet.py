"""The printable A4 sheet of a school's bus stickers: the checkpoint sheet's layout
(``checkpoint_sheet.render``), one sticker per active bus, named by its plate."""

from __future__ import annotations

from server.errors import ApiError
from server.models import User
from server.services.bus_views import active_of_school
from server.services.checkpoint_sheet import Sticker, render
from server.services.checkpoints import qr_content

INSTRUCTIONS = "校车出车前检查时用微信小程序扫码"


def sheet_pdf(user: User, school_id: int) -> bytes:
    """``GET /buses/sheet``: the school's active buses' stickers (bus.manage). None to print:
    409 ``no_buses`` (a blank page could not be told from a failure)."""
    school, rows = active_of_school(user, school_id)
    if not rows:
        raise ApiError(409, "no_buses", "This school runs no active bus to print a sticker for.")
    stickers = [
        Sticker(qr_content(bus.checkpoint), f"校车 {bus.plate}", school.name, INSTRUCTIONS)
        for bus in rows
    ]
    return render(stickers, f"{school.name} 校车二维码")
