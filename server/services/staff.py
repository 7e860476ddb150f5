"""Admins and their staff: who holds roles at a unit and below, revoking a role, disabling and
enabling an account, and the audit of those changes.

An admin acts with ``staff.manage`` (``server/access.py`` decides where): only on people whose
grants lie within that scope, never on themselves, and never disables someone who also holds a
role beyond it (that person answers to another admin too). Each change is one transaction with
its audit record; a disabled person's sessions are revoked in the same commit, so their tokens
stop working at once.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import (
    AuditRecord,
    AuthSession,
    InvitationRedemption,
    RoleGrant,
    Unit,
    User,
    utcnow,
)
from server.services.views import View

CAPABILITY = "staff.manage"
AUDIT_LIMIT = 200


def list_staff(admin: User, unit_id: int) -> list[View]:
    """The people holding grants at the unit and below, each with those grants, by name."""
    unit = access.load_unit(admin, unit_id, CAPABILITY)
    grants = db.session.scalars(
        select(RoleGrant)
        .join(Unit, RoleGrant.unit_id == Unit.id)
        .where(RoleGrant.unit_id.in_(access.unit_ids_below([unit.path])))
        .order_by(Unit.path, RoleGrant.id)
        # Each grant is shown with its unit and class: loaded for the list, not per row.
        .options(selectinload(RoleGrant.unit), selectinload(RoleGrant.school_class))
    ).all()
    people: dict[int, list[RoleGrant]] = {}
    for grant in grants:
        people.setdefault(grant.user_id, []).append(grant)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(people))))}
    ordered = sorted(users.values(), key=lambda u: (u.display_name or "", u.id))
    return [View(user, grants=people[user.id], is_self=user.id == admin.id) for user in ordered]


def _refuse_self(admin: User, target_id: int) -> None:
    """Nobody revokes their own role or disables themselves (ask another admin)."""
    if admin.id == target_id:
        raise ApiError(403, "not_on_yourself", "You cannot change your own account or roles.")


def _audit(admin: User, action: str, target_id: int, unit_id: int, grant: RoleGrant | None):
    """Add the audit record of a change (the caller commits)."""
    db.session.add(
        AuditRecord(
            actor_id=admin.id,
            action=action,
            target_user_id=target_id,
            unit_id=unit_id,
            role=grant.role if grant else None,
            grant_id=grant.id if grant else None,
        )
    )


def revoke_grant(admin: User, grant_id: int) -> None:
    """Take one role away from a person; the person stays, with any other roles."""
    grant = access.load(admin, RoleGrant, grant_id, CAPABILITY, lambda g: g.unit, "grant")
    _refuse_self(admin, grant.user_id)
    _audit(admin, "grant_revoked", grant.user_id, grant.unit_id, grant)
    db.session.execute(
        update(InvitationRedemption)
        .where(InvitationRedemption.grant_id == grant.id)
        .values(grant_id=None)
    )
    deleted = db.session.execute(RoleGrant.__table__.delete().where(RoleGrant.id == grant.id))
    if deleted.rowcount != 1:
        # Another admin revoked it a moment ago.
        db.session.rollback()
        raise access.not_found("grant")
    db.session.commit()


def _load_person(admin: User, user_id: int) -> tuple[User, Unit]:
    """A person all of whose grants lie in the admin's ``staff.manage`` scope, and the highest
    unit they hold a role at (where the audit files the change). 404 when the admin sees none
    of their grants (or no such person); 403 without ``staff.manage`` there, or when some of
    their grants lie beyond it."""
    target = db.session.get(User, user_id)
    if target is None:
        raise access.not_found("person")
    grants = list(target.grants)
    if not any(access.sees(admin, g.unit) for g in grants):
        raise access.not_found("person")
    managed = [access.may(admin, CAPABILITY, g.unit) for g in grants]
    if not any(managed):
        raise access.forbidden(CAPABILITY)
    if not all(managed):
        raise ApiError(
            403,
            "beyond_your_scope",
            "This person also holds a role outside your units; ask an admin above you.",
        )
    _refuse_self(admin, target.id)
    top = min((g.unit for g in grants), key=lambda u: len(u.path))
    return target, top


def set_active(admin: User, user_id: int, active: bool) -> View:
    """Disable (revoking every session at once) or enable an account; repeating is harmless."""
    target, unit = _load_person(admin, user_id)
    changed = db.session.execute(
        update(User)
        .where(User.id == target.id, User.is_active == (not active))
        .values(is_active=active)
    )
    if changed.rowcount == 1:
        if not active:
            db.session.execute(
                update(AuthSession)
                .where(AuthSession.user_id == target.id, AuthSession.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        _audit(admin, "user_enabled" if active else "user_disabled", target.id, unit.id, None)
    db.session.commit()
    db.session.refresh(target)
    return View(target, grants=list(target.grants), is_self=False)


def list_audit(admin: User, unit_id: int) -> list[AuditRecord]:
    """The latest changes to people at the unit and below, newest first."""
    unit = access.load_unit(admin, unit_id, CAPABILITY)
    query = (
        select(AuditRecord)
        .where(AuditRecord.unit_id.in_(access.unit_ids_below([unit.path])))
        .order_by(AuditRecord.created_at.desc(), AuditRecord.id.desc())
        .limit(AUDIT_LIMIT)
        .options(
            selectinload(AuditRecord.actor),
            selectinload(AuditRecord.target),
            selectinload(AuditRecord.unit),
        )
    )
    return list(db.session.scalars(query))
