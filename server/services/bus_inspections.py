"""A bus inspection that failed tells the school at once (the issue: "a fail blocks clearance,
pushes to the school's safety officer at once, and becomes a hazard").

``after_round`` runs inside the round's own transaction (``patrols._save``), after the failed
items' hazards were added: the inbox messages and deliveries of ``bus_failed`` are written with
the round, so they exist exactly when the round does, and are pushed after its commit with the
hazards' own news (``hazard_news.send``).
"""

from __future__ import annotations

from sqlalchemy import select

from server import access
from server.clock import local_time
from server.extensions import db
from server.models.buses import TRIP_NAMES, BusTrip, SchoolBus
from server.models.patrols import BUS, ChecklistItem, Patrol, PatrolSlot
from server.services.notify import notify

TITLE = "校车检查不合格"


def _trip_name(patrol: Patrol) -> str:
    """早班 / 午班 / 晚班 of the slot the round fulfilled (a bus round always has one)."""
    code = db.session.scalar(
        select(BusTrip.code)
        .join(PatrolSlot, PatrolSlot.plan_id == BusTrip.plan_id)
        .where(PatrolSlot.id == patrol.slot_id)
    )
    return TRIP_NAMES.get(code, "出车前")


def after_round(patrol: Patrol, failed_items: list[ChecklistItem]) -> list[int]:
    """Tell the school's safety officer(s) (``hazard.plan`` at the round's school) that a bus
    failed its inspection, naming the plate, the trip and the failed items; returns the pending
    delivery ids. Nothing for a round at another kind of checkpoint or with nothing failed."""
    if not failed_items or patrol.checkpoint.kind != BUS:
        return []
    bus = db.session.scalars(
        select(SchoolBus).where(SchoolBus.checkpoint_id == patrol.checkpoint_id)
    ).first()
    if bus is None:
        return []
    trip = _trip_name(patrol)
    items = "、".join(item.text for item in failed_items)
    body = f"校车{bus.plate}{trip}出车前检查不合格,不得发车:{items}。"
    return notify(
        access.holders_at([patrol.school_id], "hazard.plan"),
        kind="bus_failed",
        title=TITLE,
        body=body,
        template_key="bus_failed",
        values={
            "plate": bus.plate,
            "trip": trip,
            "items": items,
            "time": local_time(patrol.scanned_at),
            "school_id": patrol.school_id,
        },
        data={
            "bus_id": bus.id,
            "patrol_id": patrol.id,
            "slot_id": patrol.slot_id,
            "school_id": patrol.school_id,
        },
    )
