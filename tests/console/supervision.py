"""A known set of patrol, water-visit and bus-inspection slots and notice acknowledgments at
the demo district's schools, in the last days (each slot's window 08:00-09:00 China time on a
past day: never across local midnight), for the console's supervision pages.

At 符离中心小学 (YQ101): patrols done, late, missed and one left open (missed by its window),
the demo bus's inspections (one failed, one cleared, one missed), the demo water points' visits
(one done, one missed), the demo's other slots removed; a notice of the bureau reaching three
pupils of YQ101 (two acknowledged) and one of YQ102 (not acknowledged).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from server.extensions import db
from server.models import Unit, User, utcnow
from server.models.buses import BusTrip, SchoolBus
from server.models.patrols import Checkpoint, PatrolPlan, PatrolSlot
from server.models.water import WaterPoint
from server.services.demo_water import seed_water_points
from tests.console.conftest import days_ago
from tests.figures.data import add_child, add_notice, add_plan, add_round, add_slot, reach


def period() -> tuple[date, date]:
    """The period the tests ask for: the last 30 days."""
    return days_ago(30), days_ago(0)


def user(openid: str) -> User:
    """A demo person by openid."""
    return db.session.scalars(select(User).where(User.openid == openid)).one()


def _day(days: int) -> str:
    """A past day as YYYY-MM-DD."""
    return days_ago(days).isoformat()


def build() -> dict:
    """Write the set and commit; returns the rows the tests point at."""
    officer = user("demo-school_admin")
    school = db.session.scalars(select(Unit).where(Unit.code == "YQ101")).one()
    plan, checkpoint = add_plan("YQ101", None, officer)
    done = add_slot(plan, checkpoint, _day(2), "done")
    add_round(done, officer, failed=False)
    late = add_slot(plan, checkpoint, _day(3), "late")
    add_round(late, officer, failed=False)
    missed = add_slot(plan, checkpoint, _day(4), "missed")
    left_open = add_slot(plan, checkpoint, _day(5), "open")

    # The demo's own trip slots (today's, open or missed by the time of day) make way for
    # known ones, so that no count depends on the hour the tests run.
    bus_plans = select(BusTrip.plan_id)
    db.session.execute(delete(PatrolSlot).where(PatrolSlot.plan_id.in_(bus_plans)))
    trip = db.session.scalars(select(BusTrip).order_by(BusTrip.id)).first()
    bus_plan = db.session.get(PatrolPlan, trip.plan_id)
    bus_checkpoint = db.session.get(SchoolBus, trip.bus_id).checkpoint
    failed = add_slot(bus_plan, bus_checkpoint, _day(2), "done")
    add_round(failed, officer, failed=True)
    cleared = add_slot(bus_plan, bus_checkpoint, _day(3), "done")
    add_round(cleared, officer, failed=False)
    bus_missed = add_slot(bus_plan, bus_checkpoint, _day(4), "missed")

    seed_water_points(school)
    db.session.flush()
    water_plan = db.session.scalars(
        select(PatrolPlan).where(
            PatrolPlan.school_id == school.id, PatrolPlan.managed_by == "water"
        )
    ).one()
    # The windows the registry made are replaced by known ones.
    db.session.execute(delete(PatrolSlot).where(PatrolSlot.plan_id == water_plan.id))
    point = db.session.scalars(select(WaterPoint).order_by(WaterPoint.id)).first()
    water_checkpoint = db.session.get(Checkpoint, point.checkpoint_id)
    visited = add_slot(water_plan, water_checkpoint, _day(6), "done")
    add_round(visited, officer, failed=False)
    water_missed = add_slot(water_plan, water_checkpoint, _day(7), "missed")

    bureau = user("demo-bureau_admin")
    parent = user("demo-parent")
    notice = add_notice(bureau, utcnow() - timedelta(days=1))
    for name, acknowledged in (("甲", True), ("乙", True), ("丙", False)):
        reach(notice, add_child("YQ101", name), parent, utcnow() if acknowledged else None)
    reach(notice, add_child("YQ102", "丁"), parent, None)
    db.session.commit()
    return {
        "school": school,
        "missed": [missed.id, left_open.id],
        "done": [done.id, late.id],
        "bus": {"failed": failed.id, "cleared": cleared.id, "missed": bus_missed.id},
        "water": {"done": visited.id, "missed": water_missed.id, "point": point.id},
        "notice": notice,
    }
