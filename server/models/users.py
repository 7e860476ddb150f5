"""People: users keyed by WeChat openid, their role grants, and their login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow
from server.models.units import SchoolClass, Unit


class User(db.Model):
    """A person who signed in through WeChat. The openid is per mini-program; the unionid
    (given only when the app is bound to an open-platform account) links accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    display_name: Mapped[str | None] = mapped_column(String(50))
    # A mainland mobile number the person gave when joining (shown to admins only, PIPL).
    phone: Mapped[str | None] = mapped_column(String(11))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id", order_by="RoleGrant.id"
    )

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleGrant(db.Model):
    """A role held at a unit (and, for a class teacher, a class of that unit)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    unit: Mapped[Unit] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()


class AuthSession(db.Model):
    """One issued token. The token is signed; this row lets it expire and be revoked."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    client_ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()


class AuditRecord(db.Model):
    """One change an admin made to a person (a grant revoked, an account disabled or enabled):
    who, when, what, to whom, at which unit. Rows are never changed or deleted; the grant's id
    and role are copied because the grant itself may be gone."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    target_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(30))
    grant_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    target: Mapped[User] = relationship(foreign_keys=[target_user_id])
    unit: Mapped[Unit] = relationship()
