"""What users allowed with ``wx.requestSubscribeMessage``, counted per template."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import exists, select, update

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import Hazard, ParentLink, SubscriptionGrant, User, utcnow
from server.push.templates import load_templates
from server.services.upsert import insert_if_absent
from server.services.views import View

# The answers wx.requestSubscribeMessage gives per template id.
RESULTS = ("accept", "reject", "ban", "filter")

# What a person is, besides what their roles allow: a parent (bound to a child), or someone a
# rectification plan names as responsible.
PARENT = "parent"
RESPONSIBLE = "responsible"
# Who receives each purpose's messages: anyone holding one of these capabilities anywhere
# (server/roles.py), or being a parent / a responsible person. The phone asks each person only for
# the templates that apply to them; a purpose not listed here applies to nobody.
AUDIENCES: dict[str, frozenset[str]] = {
    "hazard_reported": frozenset({"hazard.plan"}),
    "hazard_overdue": frozenset({"hazard.escalation"}),
    "hazard_fix_submitted": frozenset({"hazard.signoff", "hazard.signoff_major"}),
    "hazard_assigned": frozenset({"hazard.work", RESPONSIBLE}),
    "hazard_rejected": frozenset({"hazard.work", RESPONSIBLE}),
    "hazard_verified": frozenset({"hazard.report"}),
    "notice": frozenset({PARENT}),
    "reminder": frozenset({PARENT}),
    "task_reminder": frozenset({"unit.view"}),
    # A round due soon, and a round missed (the person, then the safety officer above them).
    "patrol_due": frozenset({"patrol.do"}),
    "patrol_missed": frozenset({"patrol.do"}),
    # A bus that failed its pre-trip inspection: the school's safety officer, at once.
    "bus_failed": frozenset({"hazard.plan"}),
}


def configured_templates() -> dict:
    """The configured templates by purpose."""
    return load_templates(current_app.config["WECHAT_TEMPLATES_FILE"])


def record_results(user: User, results: dict[str, str]) -> list[SubscriptionGrant]:
    """Count each "accept" as one more message allowed (long-term templates: until revoked);
    "reject" and "ban" end a long-term grant."""
    known = {t.template_id: t for t in configured_templates().values()}
    unknown = [tid for tid in results if tid not in known]
    if unknown:
        raise ApiError(
            422,
            "validation_error",
            "Unknown template ids.",
            {"results": [f"unknown template {tid}" for tid in unknown]},
        )
    # Counted in the database, not read-modify-write here: a parent's two phones (or two
    # taps) report at once, and each accept must count. Rows are made first if absent, then
    # changed by atomic UPDATEs; template ids in sorted order so concurrent reports lock the
    # rows in the same order and cannot deadlock.
    now = utcnow()
    for template_id in sorted(results):
        insert_if_absent(
            SubscriptionGrant,
            {"user_id": user.id, "template_id": template_id, "remaining": 0, "long_term": False},
            ["user_id", "template_id"],
        )
        values = _change(results[template_id], known[template_id].long_term)
        db.session.execute(
            update(SubscriptionGrant)
            .where(
                SubscriptionGrant.user_id == user.id, SubscriptionGrant.template_id == template_id
            )
            .values(updated_at=now, **values)
        )
    db.session.commit()
    return [g for tid, g in grants_of(user).items() if tid in results]


def _change(answer: str, long_term_template: bool) -> dict:
    """The column changes one answer makes (as SQL expressions where they count)."""
    if answer == "accept":
        if long_term_template:
            return {"long_term": True}
        return {"remaining": SubscriptionGrant.remaining + 1}
    if answer in ("reject", "ban"):
        return {"long_term": False}
    return {}  # "filter": WeChat hid the request; nothing was granted or taken back


def grants_of(user: User) -> dict[str, SubscriptionGrant]:
    """The user's grants by template id."""
    rows = db.session.scalars(select(SubscriptionGrant).where(SubscriptionGrant.user_id == user.id))
    return {g.template_id: g for g in rows}


def _is_parent(user: User) -> bool:
    """Bound to at least one child."""
    return bool(db.session.scalar(select(exists().where(ParentLink.parent_id == user.id))))


def _is_responsible(user: User) -> bool:
    """Named as the responsible person of a hazard's plan (only staff can be: looked up among
    the hazards of the schools they see, by the hazards' school index)."""
    if not user.grants:
        return False
    query = exists().where(
        Hazard.school_id.in_(access.unit_ids_where(user, access.VIEW)),
        Hazard.responsible_user_id == user.id,
    )
    return bool(db.session.scalar(select(query)))


PERSONAL_CHECKS = {PARENT: _is_parent, RESPONSIBLE: _is_responsible}


class _Audience:
    """Whether purposes reach one user: capabilities from the grants, personal roles looked up
    only when a purpose needs them and no capability already decided it."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.known: dict[str, bool] = {}

    def has(self, role: str) -> bool:
        """Whether the user holds the capability or is the personal role (memoised)."""
        if role not in self.known:
            check = PERSONAL_CHECKS.get(role)
            found = check(self.user) if check else access.may_somewhere(self.user, role)
            self.known[role] = found
        return self.known[role]

    def reaches(self, audience: frozenset[str]) -> bool:
        """True when any member of ``audience`` fits: capabilities first, then lookups."""
        ordered = sorted(audience, key=lambda role: role in PERSONAL_CHECKS)
        return any(self.has(role) for role in ordered)


def templates_for(user: User) -> list[View]:
    """Every configured template with the user's grant, whether its messages reach this user
    (``applies``), and whether a one-time grant was given before and nothing is left of it
    (``used_up``: the phone asks again at the next natural tap)."""
    grants = grants_of(user)
    configured = configured_templates()
    audience = _Audience(user)
    views = []
    for key, chosen in configured.items():
        grant = grants.get(chosen.template_id)
        remaining = grant.remaining if grant else 0
        long_term = bool(grant and grant.long_term)
        views.append(
            View(
                chosen,
                remaining=remaining,
                granted_long_term=long_term,
                applies=audience.reaches(AUDIENCES.get(key, frozenset())),
                used_up=grant is not None and not chosen.long_term and remaining == 0,
            )
        )
    return views
