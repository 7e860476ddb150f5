"""What users allowed with ``wx.requestSubscribeMessage``, counted per template."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update

from server.errors import ApiError
from server.extensions import db
from server.models import SubscriptionGrant, User, utcnow
from server.push.templates import load_templates
from server.services.upsert import insert_if_absent

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
