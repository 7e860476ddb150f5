"""Fixtures for push and notice tests: templates registered at the fake WeChat, grants."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import SubscriptionGrant, User
from server.services.notify import template

TEMPLATE_KEYS = (
    "notice",
    "reminder",
    "hazard_overdue",
    "task_reminder",
    "hazard_reported",
    "hazard_assigned",
    "hazard_fix_submitted",
    "hazard_rejected",
    "hazard_verified",
)


@pytest.fixture
def templates(app, fake_wechat):
    """Register the configured templates with the fake WeChat; returns key -> template id."""
    ids = {key: template(key).template_id for key in TEMPLATE_KEYS}
    for template_id in ids.values():
        fake_wechat.register_template(template_id)
    return ids


def user_id(openid: str) -> int:
    return db.session.scalars(select(User.id).where(User.openid == openid)).one()


def give_grant(openid: str, template_id: str, remaining: int = 1) -> None:
    """Pretend the user accepted ``remaining`` subscribe requests."""
    db.session.add(
        SubscriptionGrant(
            user_id=user_id(openid), template_id=template_id, remaining=remaining, long_term=False
        )
    )
    db.session.commit()
