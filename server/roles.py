"""Roles, the unit kinds they may be held at, and what each lets a person do.

Roles are data, not classes: a person may hold several grants, each a role at one unit, and each
grant sees its unit and everything below it; ``server/access.py`` decides what it allows.
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


# How far a grant's capability reaches from the grant's unit (see ``server/access.py``):
# the unit and everything below it; only below it (never one's own unit: a school does not sign
# off its own major hazards); or the unit itself only (names and class codes stay at the school).
REACH_DOWN = "down"
REACH_STRICTLY_BELOW = "strictly_below"
REACH_AT = "at"


@dataclass(frozen=True)
class Capability:
    """What a capability lets a person do, and how far from their grant's unit it reaches.
    ``per_class``: a grant tied to one class (a class teacher's) reaches only that class."""

    name: str
    description: str
    reach: str = REACH_DOWN
    per_class: bool = False


CAPABILITIES: dict[str, Capability] = {
    cap.name: cap
    for cap in (
        # Held by everyone signed in (parents included); not tied to a unit.
        Capability("child.bind", "bind to a child by class code"),
        Capability("campaign.view", "read the campaign"),
        Capability("inbox.view", "read one's inbox"),
        Capability("notice.read", "read notices sent to one"),
        # Staff capabilities, decided at a unit.
        Capability("unit.view", "see a unit and everything below it"),
        Capability("photo.upload", "upload photos of hazards and fixes"),
        Capability("hazard.view", "see hazards"),
        Capability("hazard.report", "report hazards"),
        Capability("hazard.plan", "assign or revise a rectification plan"),
        Capability("hazard.work", "start rectification and submit the fix"),
        Capability("hazard.signoff", "verify or reject the fix of a general hazard"),
        Capability(
            "hazard.signoff_major",
            "verify or reject the fix of a major hazard",
            reach=REACH_STRICTLY_BELOW,
        ),
        Capability("hazard.duplicate", "fold a report into an earlier one"),
        Capability("hazard.close", "close a report that is not a hazard, with a reason"),
        Capability("hazard.fix_on_spot", "fix a general hazard on the spot"),
        Capability("hazard.escalation", "be told of overdue hazards escalated to one's unit"),
        Capability("invitation.create", "invite people to roles"),
        Capability("notice.write", "write, preview, send and delete notices"),
        Capability("notice.completion", "see notice completion counts"),
        Capability(
            "notice.class_pending",
            "see and remind the parents of a class who have not acknowledged",
            reach=REACH_AT,
            per_class=True,
        ),
        Capability("class.codes", "see class codes", reach=REACH_AT, per_class=True),
        Capability("unit.campus", "draw a school's campus boundary"),
        Capability(
            "class.roster",
            "see and keep the roster of pupils of a class",
            reach=REACH_AT,
            per_class=True,
        ),
        Capability(
            "class.bindings",
            "approve or reject parents' bindings and give family codes",
            reach=REACH_AT,
            per_class=True,
        ),
        Capability("schedule.manage", "create, edit and delete scheduled pushes"),
        Capability("patrol.do", "scan checkpoints and submit patrol rounds"),
        Capability("patrol.view", "see the patrol rounds, slots and compliance of units"),
        Capability("patrol.plan", "plan patrols: checkpoints, templates, who, how often"),
        Capability("checkpoint.manage", "create checkpoints, replace their codes, print them"),
        Capability("checklist.manage", "add a unit's own items to checklist templates"),
        Capability("water.manage", "register, edit, import and retire the dangerous water points"),
        Capability("bus.manage", "register and edit school buses, their drivers and trips"),
        Capability("guard.duty", "stand a guard's shift: start, log the perimeter, hand over"),
        Capability("figures.view", "see the supervision figures of units and drill down"),
        Capability("visit.record", "record supervision visits to schools, their team and findings"),
        Capability(
            "accountability.record",
            "record an accountability action (约谈, 通报) against a unit",
            reach=REACH_STRICTLY_BELOW,
        ),
        Capability("export.create", "export ledgers and data (Excel, CSV, GeoJSON)"),
        Capability("export.log", "read the log of exports that contain people's data"),
        Capability(
            "evaluation.score",
            "score a school's hand-scored items of the year-end evaluation",
        ),
        Capability(
            "content.review", "release or reject texts and photos held by the content check"
        ),
        Capability(
            "units.import",
            "import the units, classes and class rosters from a spreadsheet",
        ),
        Capability(
            "staff.manage",
            "see the staff, revoke their roles, disable their accounts and read the audit",
        ),
    )
}

# Capabilities every signed-in person has: anyone may be a parent and read the campaign.
BASE_CAPABILITIES = frozenset({"child.bind", "campaign.view", "inbox.view", "notice.read"})
_STAFF = frozenset(
    {"unit.view", "hazard.report", "hazard.view", "photo.upload", "hazard.fix_on_spot", "patrol.do"}
)
_MANAGER = _STAFF | {
    "invitation.create",
    "staff.manage",
    "content.review",
    "notice.write",
    "notice.completion",
    "schedule.manage",
    "hazard.plan",
    "hazard.work",
    "hazard.signoff",
    "hazard.duplicate",
    "hazard.close",
    "unit.campus",
    "hazard.escalation",
    "patrol.view",
    "patrol.plan",
    "checkpoint.manage",
    "checklist.manage",
    "water.manage",
    "bus.manage",
    "figures.view",
    "export.create",
}
# Above a school: sign off its major hazards, visit schools, hold units to account.
_SUPERVISOR = _MANAGER | {"hazard.signoff_major", "visit.record", "accountability.record"}

ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role(
            "bureau_admin",
            "安全办管理员",
            (BUREAU,),
            _SUPERVISOR | {"export.log", "evaluation.score", "units.import"},
            is_admin=True,
        ),
        Role(
            "bureau_staff",
            "安全办工作人员",
            (BUREAU,),
            _STAFF
            | {
                "notice.write",
                "notice.completion",
                "hazard.escalation",
                "patrol.view",
                "figures.view",
                "visit.record",
                "export.create",
                "export.log",
            },
        ),
        Role(
            "inspector",
            "督查专家",
            (BUREAU,),
            _STAFF | {"patrol.view", "figures.view", "visit.record", "evaluation.score"},
        ),
        Role("supervisor", "中心校/集团校督导", SUPERVISING_KINDS, _SUPERVISOR, is_admin=True),
        Role(
            "school_admin",
            "学校安全负责人",
            SCHOOL_KINDS,
            _MANAGER
            | {
                "notice.class_pending",
                "class.codes",
                "class.roster",
                "class.bindings",
                "guard.duty",
            },
            is_admin=True,
        ),
        Role("teacher", "巡查教师", SCHOOL_KINDS, _STAFF),
        Role(
            "class_teacher",
            "班主任",
            SCHOOL_KINDS,
            _STAFF
            | {
                "notice.completion",
                "notice.class_pending",
                "class.codes",
                "class.roster",
                "class.bindings",
            },
            needs_class=True,
        ),
        Role("guard", "保安", SCHOOL_KINDS, _STAFF | {"guard.duty"}),
        Role("bus_inspector", "校车检查员", SCHOOL_KINDS, _STAFF),
        # Water patrols enter the points they find, at the place, on the phone.
        Role("water_patrol", "水域巡查员", SCHOOL_KINDS, _STAFF | {"water.manage"}),
    )
}


def _check_roles() -> None:
    """Every capability a role names is defined above (a typo would silently deny)."""
    for role in ROLES.values():
        unknown = role.capabilities - CAPABILITIES.keys()
        if unknown:
            raise RuntimeError(f"role {role.code} names unknown capabilities {sorted(unknown)}")


_check_roles()

RELATION_NAMES = {"father": "父亲", "mother": "母亲", "guardian": "其他监护人"}
LINK_STATUS_NAMES = {"pending": "待确认", "approved": "已绑定", "rejected": "未通过"}


def capabilities_for(role_codes: set[str]) -> list[str]:
    """The sorted union of what the given roles allow, plus what everyone may do."""
    caps = set(BASE_CAPABILITIES)
    for code in role_codes:
        role = ROLES.get(code)
        if role is not None:
            caps |= role.capabilities
    return sorted(caps)
