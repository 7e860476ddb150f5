"""Invitations to join a unit, and parents bound to their children."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow
from server.models.units import SchoolClass, Unit
from server.models.users import User


class Invitation(db.Model):
    """A short code an admin makes so that people join a unit with a role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))
    # None for the first admin's invitation, made on the command line before anyone signed in.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class InvitationRedemption(db.Model):
    """Who redeemed which invitation: one person redeems a code once."""

    __tablename__ = "invitation_redemptions"
    __table_args__ = (UniqueConstraint("invitation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None once an admin revoked the grant (the audit record keeps what it was).
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("role_grants.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Child(db.Model):
    """A pupil on a class roster, known only by name: the minimum PIPL allows us to keep.

    The school keeps the roster (the units import, or the class teacher on the phone); parents
    never create children. A pupil removed from the roster while records still refer to them (the
    notices that reached them) keeps the row with ``removed_at`` set, so the record stays whole.
    """

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("class_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    school_class: Mapped[SchoolClass] = relationship()


# A parent's binding: pending until the class teacher (or the school's safety officer) approves
# it or the parent enters a family code; rejected stays visible to the parent until they remove it.
PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
LINK_STATUSES = (PENDING, APPROVED, REJECTED)


class ParentLink(db.Model):
    """A parent (a user) bound to a child, with the relation they stated; only an approved
    binding receives notices or shows the child's name."""

    __tablename__ = "parent_links"
    __table_args__ = (UniqueConstraint("parent_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    child: Mapped[Child] = relationship()
    parent: Mapped[User] = relationship(foreign_keys=[parent_id])


class FamilyCode(db.Model):
    """A one-time code the class teacher gives one child's family: entering it approves that
    family's pending binding to the child. Single use, and it expires."""

    __tablename__ = "family_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    child: Mapped[Child] = relationship()
