"""The demo district of the embedded default: a bureau, two center schools, five schools with
classes, one user per role and a parent, so that a newcomer can log in and look around."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Campaign, Child, ParentLink, RoleGrant, Unit, User
from server.models.patrols import Checkpoint
from server.models.people import APPROVED
from server.services.checklists import load_checklists
from server.services.checkpoints import new_token
from server.services.demo_buses import seed_buses
from server.services.demo_guard import seed_gate
from server.services.units import add_class, add_unit, set_campus

BUREAU_CODE = "YQ000"
DEMO_UNITS = [
    # code, name, kind, ownership, parent code
    (BUREAU_CODE, "埇桥区教育体育局", "bureau", "public", None),
    ("YQ100", "符离中心校", "center_school", "public", BUREAU_CODE),
    ("YQ200", "栏杆中心校", "center_school", "public", BUREAU_CODE),
    ("YQ101", "符离中心小学", "school", "public", "YQ100"),
    ("YQ102", "符离镇童心幼儿园", "kindergarten", "private", "YQ100"),
    ("YQ201", "栏杆中心小学", "school", "public", "YQ200"),
    ("YQ202", "栏杆镇育才学校", "school", "private", "YQ200"),
    ("YQ301", "埇桥区城区实验小学", "school", "public", BUREAU_CODE),
]
# Campus centres (GCJ-02, as a phone map shows them) and radii in metres.
DEMO_CAMPUSES = {
    "YQ101": (33.7712, 116.9593, 200),
    "YQ102": (33.7650, 116.9520, 120),
    "YQ201": (33.5702, 117.0830, 180),
    "YQ202": (33.5650, 117.0900, 150),
    "YQ301": (33.6400, 116.9800, 220),
}
SCHOOL_CLASSES = [("一年级", "一年级1班"), ("一年级", "一年级2班"), ("三年级", "三年级1班")]
KINDERGARTEN_CLASSES = [("小班", "小一班"), ("中班", "中一班")]
# Every demo class's roster (the school keeps it; parents bind only to a pupil on it).
DEMO_PUPILS = ["张小明", "李小红", "王小刚", "赵小燕", "李小明", "陈小雨", "陈小雪", "刘小华"]
# role, unit code, display name
DEMO_PEOPLE = [
    ("bureau_admin", BUREAU_CODE, "王主任(区安全办)"),
    ("bureau_staff", BUREAU_CODE, "李干事(区安全办)"),
    ("inspector", BUREAU_CODE, "赵专家(督查组)"),
    ("supervisor", "YQ100", "陈校长(符离中心校)"),
    ("school_admin", "YQ101", "刘副校长(安全负责人)"),
    ("teacher", "YQ101", "孙老师(值周巡查)"),
    ("class_teacher", "YQ101", "周老师(一年级1班班主任)"),
    ("guard", "YQ101", "吴师傅(保安)"),
    ("bus_inspector", "YQ101", "郑师傅(校车检查)"),
    ("water_patrol", "YQ101", "冯老师(水域巡查)"),
]
# The demo school's checkpoints for the daily fire patrol (GCJ-02, on its campus): name,
# lat, lng, radius in metres. Their stickers print from 巡查点 on the phone or
# GET /api/v1/checkpoints/sheet?school_id=.
DEMO_CHECKPOINT_SCHOOL = "YQ101"
DEMO_CHECKPOINTS = [
    ("食堂", 33.7716, 116.9598, 50),
    ("教学楼", 33.7709, 116.9589, 60),
]
PARENT_OPENID = "demo-parent"
PERSONAS = [role for role, _, _ in DEMO_PEOPLE] + ["parent"]


def demo_openid(persona: str) -> str:
    """The WeChat openid the fake server uses for a demo persona."""
    return f"demo-{persona}"


def seed_demo() -> bool:
    """Create the demo district once; returns False when it already exists."""
    if db.session.scalars(select(Unit).where(Unit.code == BUREAU_CODE)).first() is not None:
        return False
    units: dict[str, Unit] = {}
    for code, name, kind, ownership, parent in DEMO_UNITS:
        units[code] = add_unit(code, name, kind, ownership, units.get(parent) if parent else None)
        if code in DEMO_CAMPUSES:
            lat, lng, radius = DEMO_CAMPUSES[code]
            set_campus(units[code], "gcj02", center=(lat, lng), radius_m=radius)
        if kind in {"school", "kindergarten"}:
            plan = KINDERGARTEN_CLASSES if kind == "kindergarten" else SCHOOL_CLASSES
            for grade, class_name in plan:
                school_class = add_class(units[code], class_name, grade)
                db.session.add_all(
                    Child(school_class=school_class, name=name) for name in DEMO_PUPILS
                )
    db.session.flush()
    first_class = units["YQ101"].classes[0]
    for role, unit_code, display_name in DEMO_PEOPLE:
        user = User(openid=demo_openid(role), display_name=display_name)
        db.session.add(user)
        db.session.flush()
        class_id = first_class.id if role == "class_teacher" else None
        db.session.add(
            RoleGrant(user_id=user.id, role=role, unit_id=units[unit_code].id, class_id=class_id)
        )
    parent = User(openid=PARENT_OPENID, display_name="张小明家长")
    db.session.add(parent)
    db.session.flush()
    child = db.session.scalars(
        select(Child).where(Child.class_id == first_class.id, Child.name == "张小明")
    ).one()
    db.session.add(
        ParentLink(parent_id=parent.id, child_id=child.id, relation="mother", status=APPROVED)
    )
    _seed_checkpoints(units[DEMO_CHECKPOINT_SCHOOL])
    seed_gate(units[DEMO_CHECKPOINT_SCHOOL], demo_openid("school_admin"))
    seed_buses(db.session.scalars(select(User).where(User.openid == "demo-school_admin")).one())
    db.session.commit()
    # The shipped checklists file their items under the campaign's focus problems: loaded here
    # when the campaign is (``setup demo`` loads both first, so this finds them unchanged).
    if db.session.scalars(select(Campaign.id).limit(1)).first() is not None:
        load_checklists()
    return True


def _seed_checkpoints(school: Unit) -> None:
    """The demo school's checkpoints with the daily fire patrol, made by its safety officer."""
    officer = db.session.scalars(
        select(User).where(User.openid == demo_openid("school_admin"))
    ).one()
    db.session.add_all(
        Checkpoint(
            school_id=school.id,
            name=name,
            lat=lat,
            lng=lng,
            coord_system="gcj02",
            radius_m=radius,
            template_codes=["fire_daily"],
            token=new_token(),
            active=True,
            created_by_id=officer.id,
        )
        for name, lat, lng, radius in DEMO_CHECKPOINTS
    )
