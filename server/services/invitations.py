"""Invitations: an admin makes a code for a role at a unit in its scope; people redeem it once."""

from __future__ import annotations

import io
from datetime import timedelta

import segno
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import (
    Invitation,
    InvitationRedemption,
    RoleGrant,
    SchoolClass,
    Unit,
    User,
    utcnow,
)
from server.roles import BUREAU, ROLES
from server.services.codes import INVITE_QR_PREFIX, new_code, normalise_code
from server.services.people import UNCHANGED, apply_profile, require_name, screen_name
from server.services.units import add_unit
from server.services.views import View

INVITE_CODE_LENGTH = 8


def _check_role_fits(role_code: str, unit, class_id: int | None) -> SchoolClass | None:
    """Refuse a role that cannot be held at this unit, or a class that isn't the unit's."""
    role = ROLES.get(role_code)
    if role is None:
        raise ApiError(422, "validation_error", "Unknown role.", {"role": ["Unknown role."]})
    if unit.kind not in role.unit_kinds:
        raise ApiError(
            422,
            "role_not_allowed_here",
            f"The role {role_code} cannot be held at a {unit.kind}.",
            {"role": [f"Allowed at: {', '.join(role.unit_kinds)}"]},
        )
    if not role.needs_class:
        if class_id is not None:
            raise ApiError(
                422,
                "validation_error",
                "Only a class teacher takes a class.",
                {"class_id": ["Only for class_teacher."]},
            )
        return None
    school_class = db.session.get(SchoolClass, class_id) if class_id is not None else None
    if school_class is None or school_class.school_id != unit.id:
        raise ApiError(
            422,
            "validation_error",
            "Choose a class of this school.",
            {"class_id": ["A class of the chosen unit is required."]},
        )
    return school_class


def create_invitation(
    user: User, unit_id: int, role: str, class_id: int | None, max_uses: int, hours: int
) -> Invitation:
    """Make an invitation code; the caller must administer the unit."""
    unit = access.load_unit(user, unit_id, "invitation.create")
    _check_role_fits(role, unit, class_id)
    return _insert_invitation(role, unit, class_id, user.id, max_uses, hours)


def create_first_admin_invitation(
    unit_code: str, bureau_name: str | None = None, days: int = 7
) -> Invitation:
    """A one-use invitation for the bureau's first admin, made on the command line: nobody has
    signed in yet, so there is no openid to grant a role to and no creator. With
    ``bureau_name``, the bureau is created first when no unit has the code. Raises ValueError
    with a message for people (an unknown unit, a unit that is not a bureau)."""
    unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
    if unit is None:
        if not bureau_name:
            raise ValueError(
                f"no unit has the code {unit_code!r}; import the units first, "
                "or give --name to create the bureau"
            )
        unit = add_unit(unit_code, bureau_name, BUREAU, "public", None)
    elif unit.kind != BUREAU:
        raise ValueError(f"{unit_code} ({unit.name}) is a {unit.kind}, not a bureau")
    return _insert_invitation("bureau_admin", unit, None, None, 1, days * 24)


def _insert_invitation(
    role: str, unit: Unit, class_id: int | None, creator_id: int | None, max_uses: int, hours: int
) -> Invitation:
    """Insert an invitation under a fresh code, drawing again on a collision; commits."""
    for _attempt in range(5):
        invitation = Invitation(
            code=new_code(INVITE_CODE_LENGTH),
            role=role,
            unit_id=unit.id,
            class_id=class_id,
            created_by_id=creator_id,
            expires_at=utcnow() + timedelta(hours=hours),
            max_uses=max_uses,
        )
        db.session.add(invitation)
        try:
            db.session.commit()
            return invitation
        except IntegrityError:
            # A code collision (one in 31^8): draw another.
            db.session.rollback()
    raise ApiError(503, "service_unavailable", "Could not make a unique code; try again.")


def view(invitation: Invitation) -> View:
    """An invitation as its admin sees it, with the text its QR code holds."""
    return View(invitation, qr_text=INVITE_QR_PREFIX + invitation.code)


def list_invitations(user: User, unit_id: int) -> list[Invitation]:
    """Invitations of a unit the caller administers, newest first."""
    unit = access.load_unit(user, unit_id, "invitation.create")
    query = (
        select(Invitation)
        .where(Invitation.unit_id == unit.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        # Each is shown with its class: loaded for the list, not per row.
        .options(selectinload(Invitation.school_class))
    )
    return list(db.session.scalars(query))


def get_administered_invitation(user: User, invitation_id: int) -> Invitation:
    """An invitation whose unit the caller administers (else 404: no probing)."""
    return access.load(
        user, Invitation, invitation_id, "invitation.create", lambda i: i.unit, "invitation"
    )


def revoke_invitation(user: User, invitation_id: int) -> None:
    """Stop an invitation from being redeemed again (grants already made stay)."""
    invitation = get_administered_invitation(user, invitation_id)
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()


def invitation_qr_png(user: User, invitation_id: int) -> bytes:
    """A QR code of the invitation for the admin to show or print."""
    return qr_png(get_administered_invitation(user, invitation_id))


def qr_png(invitation: Invitation) -> bytes:
    """The PNG QR code of an invitation, holding the text the join page scans."""
    buffer = io.BytesIO()
    segno.make(INVITE_QR_PREFIX + invitation.code, error="m").save(
        buffer, kind="png", scale=8, border=2
    )
    return buffer.getvalue()


def redeem_invitation(
    user: User, raw_code: str, display_name: str | None = None, phone: object = UNCHANGED
) -> RoleGrant:
    """Redeem a code: the user gets the role at the unit, once per code and person. A person
    without a name gives one here; the name and phone are stored with the grant, in one commit."""
    require_name(user, display_name)
    verdict = screen_name(user, display_name)
    code = normalise_code(raw_code)
    invitation = db.session.scalars(select(Invitation).where(Invitation.code == code)).first()
    if invitation is None:
        raise ApiError(404, "invitation_not_found", "No invitation has this code.")
    if invitation.revoked_at is not None:
        raise ApiError(410, "invitation_revoked", "This invitation was withdrawn.")
    if invitation.expires_at <= utcnow():
        raise ApiError(410, "invitation_expired", "This invitation has expired.")
    already = db.session.scalars(
        select(InvitationRedemption).where(
            InvitationRedemption.invitation_id == invitation.id,
            InvitationRedemption.user_id == user.id,
        )
    ).first()
    if already is not None:
        raise ApiError(409, "invitation_already_redeemed", "You have already used this code.")
    held = db.session.scalars(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == invitation.role,
            RoleGrant.unit_id == invitation.unit_id,
            RoleGrant.class_id.is_(None)
            if invitation.class_id is None
            else RoleGrant.class_id == invitation.class_id,
        )
    ).first()
    if held is not None:
        raise ApiError(409, "role_already_held", "You already hold this role at this unit.")
    # Count the use atomically, so two people racing for the last use cannot both win.
    counted = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.uses < Invitation.max_uses)
        .values(uses=Invitation.uses + 1)
    )
    if counted.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "invitation_used_up", "This invitation has been used up.")
    grant = RoleGrant(
        user_id=user.id,
        role=invitation.role,
        unit_id=invitation.unit_id,
        class_id=invitation.class_id,
        granted_by_id=invitation.created_by_id,
    )
    db.session.add(grant)
    apply_profile(user, display_name, phone, verdict, db.session.get(Unit, invitation.unit_id))
    db.session.flush()
    db.session.add(
        InvitationRedemption(invitation_id=invitation.id, user_id=user.id, grant_id=grant.id)
    )
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ApiError(
            409, "invitation_already_redeemed", "You have already used this code."
        ) from exc
    return grant
