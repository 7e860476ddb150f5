"""The demo school's gate for the guards' post: a place checkpoint checked with the perimeter
checklist, where the demo guard (``demo-guard``, 吴师傅) starts a shift by scanning its sticker."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Unit, User
from server.models.guards import GATE_TEMPLATE
from server.models.patrols import PLACE, Checkpoint
from server.services.checkpoints import new_token

# The gate of 符离中心小学 (GCJ-02, at the south edge of its campus): name, lat, lng, radius.
DEMO_GATE = ("东大门", 33.7705, 116.9594, 60)


def seed_gate(school: Unit, officer_openid: str) -> Checkpoint:
    """Add the school's gate checkpoint, made by its safety officer (in the caller's
    transaction)."""
    officer = db.session.scalars(select(User).where(User.openid == officer_openid)).one()
    name, lat, lng, radius = DEMO_GATE
    gate = Checkpoint(
        school_id=school.id,
        name=name,
        kind=PLACE,
        lat=lat,
        lng=lng,
        coord_system="gcj02",
        radius_m=radius,
        template_codes=[GATE_TEMPLATE],
        token=new_token(),
        active=True,
        created_by_id=officer.id,
    )
    db.session.add(gate)
    return gate
