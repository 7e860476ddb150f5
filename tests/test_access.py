"""Access in one place: every capability x role x place, against a spec written here.

The spec below is the product's statement of who may do what (DESIGN.md §1, §4); the test
checks ``server/access.py`` with the roles table against it, so a change to either that
disagrees with the spec fails here. Places are relative to the grant's unit: its own unit, a
unit below it, the unit above it and a sibling (a school-level grant has nothing below it, a
bureau grant nothing above or beside it).

The decision itself is pure (paths and grants), so the matrix runs without a database; the SQL
form of the same rule (``unit_ids_where``) is checked against it on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import RoleGrant, SchoolClass, Unit, User
from server.roles import CAPABILITIES, ROLES

# Bureau B -> centre C1 -> schools S1 (classes K1, K2), S2; centre C2 -> school S3.
TREE = {
    "B": (1, None, "bureau"),
    "C1": (2, "B", "center_school"),
    "C2": (3, "B", "center_school"),
    "S1": (4, "C1", "school"),
    "S2": (5, "C1", "school"),
    "S3": (6, "C2", "school"),
}
# Where each role is held in the matrix, and which places exist around it.
HELD_AT = {"bureau_admin": "B", "bureau_staff": "B", "inspector": "B", "supervisor": "C1"}
PLACES = {
    "B": {"own": "B", "below": "S1"},
    "C1": {"own": "C1", "below": "S1", "above": "B", "sibling": "C2"},
    "S1": {"own": "S1", "above": "C1", "sibling": "S2"},
}

BUREAU = {"bureau_admin", "bureau_staff", "inspector"}
MANAGERS = {"bureau_admin", "supervisor", "school_admin"}
STAFF = set(ROLES)
# capability -> (who holds it, where it reaches: down / strictly_below / at)
SPEC = {
    "unit.view": (STAFF, "down"),
    "photo.upload": (STAFF, "down"),
    "hazard.view": (STAFF, "down"),
    "hazard.report": (STAFF, "down"),
    "hazard.plan": (MANAGERS, "down"),
    "hazard.work": (MANAGERS, "down"),
    "hazard.signoff": (MANAGERS, "down"),
    "hazard.signoff_major": ({"bureau_admin", "supervisor"}, "strictly_below"),
    # The safety officer (and anyone above) folds duplicates and closes what is not a hazard;
    # whoever finds a small general hazard may fix it on the spot.
    "hazard.duplicate": (MANAGERS, "down"),
    "hazard.close": (MANAGERS, "down"),
    "hazard.fix_on_spot": (STAFF, "down"),
    "hazard.escalation": (MANAGERS | {"bureau_staff"}, "down"),
    "invitation.create": (MANAGERS, "down"),
    "notice.write": (MANAGERS | {"bureau_staff"}, "down"),
    "notice.completion": (MANAGERS | {"bureau_staff", "class_teacher"}, "down"),
    "notice.class_pending": ({"school_admin", "class_teacher"}, "at"),
    "class.codes": ({"school_admin", "class_teacher"}, "at"),
    "class.roster": ({"school_admin", "class_teacher"}, "at"),
    "class.bindings": ({"school_admin", "class_teacher"}, "at"),
    "schedule.manage": (MANAGERS, "down"),
    "unit.campus": (MANAGERS, "down"),
    "staff.manage": (MANAGERS, "down"),
    # The unit's admins release or reject what WeChat's content check held.
    "content.review": (MANAGERS, "down"),
    # Everyone on duty patrols; managers plan the rounds, keep the checkpoints and checklists,
    # and read the records and compliance (bureau staff and inspectors read them too).
    "patrol.do": (STAFF, "down"),
    "patrol.view": (MANAGERS | {"bureau_staff", "inspector"}, "down"),
    "patrol.plan": (MANAGERS, "down"),
    "checkpoint.manage": (MANAGERS, "down"),
    "checklist.manage": (MANAGERS, "down"),
    # Water patrols enter the points they find; managers keep the water and bus registries;
    # guards (and the school's safety officer, who stands in) stand the gate's shifts.
    "water.manage": (MANAGERS | {"water_patrol"}, "down"),
    "bus.manage": (MANAGERS, "down"),
    "guard.duty": ({"guard", "school_admin"}, "down"),
    # Supervision: managers and the bureau read the figures; those above schools (and the
    # bureau's staff and inspectors) record visits; only the admins above a unit hold it to
    # account; exports by managers and bureau staff, their log read by the bureau.
    "figures.view": (MANAGERS | {"bureau_staff", "inspector"}, "down"),
    "visit.record": ({"bureau_admin", "bureau_staff", "inspector", "supervisor"}, "down"),
    "accountability.record": ({"bureau_admin", "supervisor"}, "strictly_below"),
    "export.create": (MANAGERS | {"bureau_staff"}, "down"),
    "export.log": ({"bureau_admin", "bureau_staff"}, "down"),
    # The year-end evaluation's hand-scored items: the bureau's inspectors and its admin.
    "evaluation.score": ({"bureau_admin", "inspector"}, "down"),
    # The units, classes and rosters spreadsheet: the bureau's admin only.
    "units.import": ({"bureau_admin"}, "down"),
}
PERSONAL = {"child.bind", "campaign.view", "inbox.view", "notice.read"}


def _units() -> dict[str, Unit]:
    """The tree as transient units with their materialised paths."""
    units: dict[str, Unit] = {}
    for name, (uid, parent, kind) in TREE.items():
        path = (units[parent].path if parent else "/") + f"{uid}/"
        units[name] = Unit(id=uid, code=name, name=name, kind=kind, path=path)
    return units


def _person(role: str, unit: Unit, class_id: int | None = None) -> User:
    """A user holding one grant (transient objects: no database needed for the decision)."""
    user = User(id=99, openid="x")
    user.grants = [RoleGrant(role=role, unit=unit, unit_id=unit.id, class_id=class_id)]
    return user


def test_spec_covers_every_capability():
    """Every unit capability of the roles table is in the spec, and nothing else is."""
    assert set(SPEC) | PERSONAL == set(CAPABILITIES)


ROLE_PLACES = [(role, place) for role in sorted(ROLES) for place in PLACES[HELD_AT.get(role, "S1")]]


@pytest.mark.parametrize("capability", sorted(SPEC))
@pytest.mark.parametrize(("role", "place"), ROLE_PLACES)
def test_capability_role_place(capability, role, place):
    units = _units()
    home = HELD_AT.get(role, "S1")
    target = units[PLACES[home][place]]
    holders, reach = SPEC[capability]
    user = _person(role, units[home])
    in_scope = place in ("own", "below")
    expected = (
        role in holders
        and {
            "down": in_scope,
            "strictly_below": place == "below",
            "at": place == "own",
        }[reach]
    )
    assert access.may(user, capability, target) is expected
    assert access.sees(user, target) is in_scope
    if expected:
        access.require(user, capability, target)
        return
    with pytest.raises(ApiError) as raised:
        access.require(user, capability, target)
    # Out of scope is not found (nobody learns what a sibling has); in scope, forbidden.
    assert raised.value.status == (403 if in_scope else 404)


@pytest.mark.parametrize(
    "capability", ["notice.class_pending", "class.codes", "class.roster", "class.bindings"]
)
def test_class_teacher_reaches_only_their_class(capability):
    units = _units()
    teacher = _person("class_teacher", units["S1"], class_id=41)
    manager = _person("school_admin", units["S1"])
    assert access.may(teacher, capability, units["S1"], class_id=41)
    assert not access.may(teacher, capability, units["S1"], class_id=42)
    assert access.may(manager, capability, units["S1"], class_id=42)
    with pytest.raises(ApiError) as raised:
        access.require(teacher, capability, units["S1"], class_id=42)
    assert raised.value.status == 403


def test_parents_hold_no_unit_capability():
    units = _units()
    parent = User(id=7, openid="p")
    parent.grants = []
    for capability in SPEC:
        assert not access.may(parent, capability, units["S1"])
    with pytest.raises(ApiError) as raised:
        access.require(parent, "hazard.view", units["S1"])
    assert raised.value.status == 404


@pytest.mark.parametrize("role", sorted(ROLES))
def test_sql_lists_agree_with_the_decision(demo, role):
    """``unit_ids_where`` (lists) gives exactly the units where ``may`` says yes."""
    units = list(db.session.scalars(select(Unit)))
    home_code = {"bureau_admin": "YQ000", "bureau_staff": "YQ000", "inspector": "YQ000"}.get(
        role, "YQ100" if role == "supervisor" else "YQ101"
    )
    home = next(u for u in units if u.code == home_code)
    first_class = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == home.id))
    class_id = first_class.first().id if role == "class_teacher" else None
    user = User(openid=f"matrix-{role}")
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleGrant(user_id=user.id, role=role, unit_id=home.id, class_id=class_id))
    db.session.commit()
    db.session.refresh(user)
    for capability in SPEC:
        listed = set(db.session.scalars(access.unit_ids_where(user, capability)))
        decided = {u.id for u in units if access.may(user, capability, u)}
        if CAPABILITIES[capability].per_class and class_id is not None:
            # The class teacher's per-class capabilities reach their school for lists.
            decided = {u.id for u in units if access.may(user, capability, u, class_id)}
        assert listed == decided, capability
