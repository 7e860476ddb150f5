"""The demo district's dangerous water points: a stretch of the 沱河 drawn as a line and a village
pond drawn as a polygon near 符离中心小学, the pond without its life buoy, visited by the
school's water patrol (冯老师) under the school's water-visit plan."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import RoleGrant, Unit, User, utcnow
from server.services import water_plans
from server.services.water_points import insert_point

WATER_PATROL_OPENID = "demo-water_patrol"
WATER_PATROL_NAME = "冯老师(水域巡查)"
# GCJ-02, as a phone map shows them; [lat, lng] vertices.
DEMO_WATER_POINTS = [
    {
        "name": "沱河符离段",
        "kind": "river",
        "lat": 33.7772,
        "lng": 116.9600,
        "coord_system": "gcj02",
        "radius_m": 50,
        "shape": {
            "type": "LineString",
            "coordinates": [[33.7762, 116.9530], [33.7772, 116.9600], [33.7766, 116.9680]],
        },
        "measures": {"warning_sign": True, "barrier": False, "life_buoy": True},
        "caretaker_name": "张村委",
        "caretaker_phone": "13800000000",
        "note": "河堤北侧有下河台阶,夏季常有孩子玩水",
    },
    {
        "name": "后李村南大塘",
        "kind": "pond",
        "lat": 33.7680,
        "lng": 116.9640,
        "coord_system": "gcj02",
        "radius_m": 30,
        "shape": {
            "type": "Polygon",
            "coordinates": [
                [33.7683, 116.9636],
                [33.7683, 116.9644],
                [33.7677, 116.9644],
                [33.7677, 116.9636],
            ],
        },
        "measures": {"warning_sign": True, "barrier": True, "life_buoy": False, "rope": True},
        "caretaker_name": "李组长",
        "caretaker_phone": "13900000000",
        "note": None,
    },
]


def _water_patrol(school: Unit) -> User:
    """The school's water patrol: the demo's, or one made now when the demo has none."""
    found = db.session.scalars(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == "water_patrol", RoleGrant.unit_id == school.id)
        .order_by(User.id)
    ).first()
    if found is not None:
        return found
    user = User(openid=WATER_PATROL_OPENID, display_name=WATER_PATROL_NAME)
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleGrant(user_id=user.id, role="water_patrol", unit_id=school.id))
    db.session.flush()
    return user


def seed_water_points(school: Unit) -> None:
    """The demo school's two water points and its water-visit plan (the caller commits)."""
    patrol = _water_patrol(school)
    for data in DEMO_WATER_POINTS:
        insert_point(patrol, [school], data, school)
    water_plans.sync({school.id}, patrol.id, utcnow())
