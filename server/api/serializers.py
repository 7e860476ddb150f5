"""Turn models into the plain dicts that the response schemas dump."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.models import Campaign, Invitation, ParentLink, RoleGrant, SchoolClass, Unit, User
from server.roles import RELATION_NAMES, ROLES, UNIT_KIND_NAMES
from server.services.codes import INVITE_QR_PREFIX


def user_dict(user: User) -> dict[str, Any]:
    """The user as the client sees it (no openid: it identifies the person to WeChat)."""
    return {"id": user.id, "display_name": user.display_name, "created_at": user.created_at}


def unit_dict(unit: Unit) -> dict[str, Any]:
    """A unit with its Chinese kind name."""
    return {
        "id": unit.id,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "kind_name": UNIT_KIND_NAMES[unit.kind],
        "ownership": unit.ownership,
        "parent_id": unit.parent_id,
    }


def class_ref(school_class: SchoolClass | None) -> dict[str, Any] | None:
    """A short reference to a class."""
    if school_class is None:
        return None
    return {"id": school_class.id, "name": school_class.name}


def grant_dict(grant: RoleGrant) -> dict[str, Any]:
    """A role grant with its unit."""
    return {
        "id": grant.id,
        "role": grant.role,
        "role_name": ROLES[grant.role].name,
        "unit": unit_dict(grant.unit),
        "class_": class_ref(grant.school_class),
    }


def child_dict(link: ParentLink) -> dict[str, Any]:
    """A parent's child binding, with class and school."""
    school_class = link.child.school_class
    return {
        "id": link.id,
        "name": link.child.name,
        "relation": link.relation,
        "relation_name": RELATION_NAMES[link.relation],
        "class_": class_ref(school_class),
        "school": {"id": school_class.school.id, "name": school_class.school.name},
    }


def invitation_dict(invitation: Invitation) -> dict[str, Any]:
    """An invitation as its admin sees it."""
    return {
        "id": invitation.id,
        "code": invitation.code,
        "role": invitation.role,
        "role_name": ROLES[invitation.role].name,
        "unit": unit_dict(invitation.unit),
        "class_": class_ref(invitation.school_class),
        "max_uses": invitation.max_uses,
        "uses": invitation.uses,
        "expires_at": invitation.expires_at,
        "revoked": invitation.revoked_at is not None,
        "qr_text": INVITE_QR_PREFIX + invitation.code,
    }


def campaign_dict(campaign: Campaign, today: date) -> dict[str, Any]:
    """The campaign with its phases (the current one flagged) and its taxonomy."""
    return {
        "code": campaign.code,
        "name": campaign.name,
        "year": campaign.year,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "in_progress": campaign.starts_on <= today <= campaign.ends_on,
        "phases": [
            {
                "code": phase.code,
                "name": phase.name,
                "description": phase.description,
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
                "current": phase.starts_on <= today <= phase.ends_on,
            }
            for phase in campaign.phases
        ],
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "focus_problems": [
                    {"code": fp.code, "name": fp.name} for fp in area.focus_problems
                ],
            }
            for area in campaign.areas
        ],
    }
