"""Roles, the unit kinds they may be held at, and what each lets a person do.

Roles are data, not classes: a person may hold several grants, each a role at one unit, and each
grant sees its unit and everything below it (see ``services/scope.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

# Unit kinds of the hierarchy (DESIGN.md §1) and their Chinese names.
BUREAU = "bureau"
CENTER_SCHOOL = "center_school"
SCHOOL_GROUP = "school_group"
SCHOOL = "school"
KINDERGARTEN = "kindergarten"

UNIT_KIND_NAMES = {
    BUREAU: "教育局",
    CENTER_SCHOOL: "中心校",
    SCHOOL_GROUP: "集团校",
    SCHOOL: "学校",
    KINDERGARTEN: "幼儿园",
}
SUPERVISING_KINDS = (CENTER_SCHOOL, SCHOOL_GROUP)
SCHOOL_KINDS = (SCHOOL, KINDERGARTEN)
# Which kinds may sit directly under which: some schools report straight to the bureau.
ALLOWED_PARENTS = {
    BUREAU: (),
    CENTER_SCHOOL: (BUREAU,),
    SCHOOL_GROUP: (BUREAU,),
    SCHOOL: (BUREAU, CENTER_SCHOOL, SCHOOL_GROUP),
    KINDERGARTEN: (BUREAU, CENTER_SCHOOL, SCHOOL_GROUP),
}
OWNERSHIP_NAMES = {"public": "公办", "private": "民办"}


@dataclass(frozen=True)
class Role:
    """One role: where it may be held and what it allows."""

    code: str
    name: str
    unit_kinds: tuple[str, ...]
    capabilities: frozenset[str]
    is_admin: bool = False
    needs_class: bool = False


# Capabilities every signed-in person has: anyone may be a parent and read the campaign.
BASE_CAPABILITIES = frozenset({"child.bind", "campaign.view", "inbox.view", "notice.read"})
_STAFF = frozenset({"unit.view", "hazard.report", "hazard.view"})
_ADMIN = _STAFF | {"invitation.create", "notice.write", "schedule.manage"}

ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role("bureau_admin", "安全办管理员", (BUREAU,), _ADMIN, is_admin=True),
        Role("bureau_staff", "安全办工作人员", (BUREAU,), _STAFF | {"notice.write"}),
        Role("inspector", "督查专家", (BUREAU,), _STAFF),
        Role("supervisor", "中心校/集团校督导", SUPERVISING_KINDS, _ADMIN, is_admin=True),
        Role("school_admin", "学校安全负责人", SCHOOL_KINDS, _ADMIN, is_admin=True),
        Role("teacher", "巡查教师", SCHOOL_KINDS, _STAFF),
        Role(
            "class_teacher",
            "班主任",
            SCHOOL_KINDS,
            _STAFF | {"notice.completion"},
            needs_class=True,
        ),
        Role("guard", "保安", SCHOOL_KINDS, _STAFF),
        Role("bus_inspector", "校车检查员", SCHOOL_KINDS, _STAFF),
        Role("water_patrol", "水域巡查员", SCHOOL_KINDS, _STAFF),
    )
}

RELATION_NAMES = {"father": "父亲", "mother": "母亲", "guardian": "其他监护人"}


def capabilities_for(role_codes: set[str]) -> list[str]:
    """The sorted union of what the given roles allow, plus what everyone may do."""
    caps = set(BASE_CAPABILITIES)
    for code in role_codes:
        role = ROLES.get(code)
        if role is not None:
            caps |= role.capabilities
    return sorted(caps)
