"""What users allowed with ``wx.requestSubscribeMessage``, counted per template."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.models import SubscriptionGrant, User, utcnow
from server.push.templates import load_templates

# The answers wx.requestSubscribeMessage gives per template id.
RESULTS = ("accept", "reject", "ban", "filter")


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
    changed = []
    for template_id, answer in results.items():
        grant = db.session.scalars(
            select(SubscriptionGrant).where(
                SubscriptionGrant.user_id == user.id, SubscriptionGrant.template_id == template_id
            )
        ).first()
        if grant is None:
            grant = SubscriptionGrant(
                user_id=user.id, template_id=template_id, remaining=0, long_term=False
            )
            db.session.add(grant)
        if answer == "accept":
            if known[template_id].long_term:
                grant.long_term = True
            else:
                grant.remaining = (grant.remaining or 0) + 1
        elif answer in ("reject", "ban"):
            grant.long_term = False
        grant.updated_at = utcnow()
        changed.append(grant)
    db.session.commit()
    return changed


def grants_of(user: User) -> dict[str, SubscriptionGrant]:
    """The user's grants by template id."""
    rows = db.session.scalars(select(SubscriptionGrant).where(SubscriptionGrant.user_id == user.id))
    return {g.template_id: g for g in rows}
