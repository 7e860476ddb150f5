"""The acknowledgment path is kept to a fixed, small number of statements (parents acknowledge
in waves of thousands), and the token check every authenticated request pays is one statement."""

from __future__ import annotations

from sqlalchemy import select, update

from server.extensions import db
from server.models import NoticeRecipient, Notification, User
from server.services.tokens import resolve_token
from tests.hazards.conftest import unit_by_code
from tests.notices.conftest import user_id
from tests.notices.test_notices import families, write  # noqa: F401  (families is a fixture)
from tests.support.statements import counted

# The token check and the acknowledgment: on PostgreSQL one statement updating the child's rows
# (returning the names) and the inbox; elsewhere those two UPDATEs apart.
ACK_STATEMENTS = {"postgresql": 2}
OTHER_DATABASES = 3


def _sent_notice(client, login) -> int:
    """A notice of 符离中心小学 sent to its parents; its id."""
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    assert client.post(f"/api/v1/notices/{notice['id']}/send", headers=school).status_code == 200
    return notice["id"]


def _unread_notice_messages(openid: str) -> int:
    """The parent's inbox messages of kind ``notice`` still unread."""
    return len(
        db.session.scalars(
            select(Notification.id).where(
                Notification.user_id == user_id(openid),
                Notification.kind == "notice",
                Notification.read_at.is_(None),
            )
        ).all()
    )


def test_an_acknowledgment_is_a_fixed_number_of_statements(families, client, login):  # noqa: F811
    notice_id = _sent_notice(client, login)
    li = families["p-li"]
    child_id = db.session.scalars(
        select(NoticeRecipient.child_id)
        .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.parent_id == user_id("p-li"))
        .order_by(NoticeRecipient.child_id)
    ).first()
    assert _unread_notice_messages("p-li") == 1
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.post(
            f"/api/v1/notices/{notice_id}/acknowledge", headers=li, json={"child_id": child_id}
        )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["child_id"], body["child_name"], body["acknowledged"], body["read"]) == (
        child_id,
        "李小红",
        True,
        True,
    )
    assert body["class_name"]
    assert len(seen) <= ACK_STATEMENTS.get(db.engine.dialect.name, OTHER_DATABASES), seen
    # Acknowledging reads the notice's inbox message, as opening it does.
    assert _unread_notice_messages("p-li") == 0


def test_a_refused_acknowledgment_changes_nothing(families, client, login):  # noqa: F811
    notice_id = _sent_notice(client, login)
    li_child = db.session.scalars(
        select(NoticeRecipient.child_id).where(
            NoticeRecipient.notice_id == notice_id, NoticeRecipient.parent_id == user_id("p-li")
        )
    ).first()
    outsider = client.post(
        f"/api/v1/notices/{notice_id}/acknowledge",
        headers=families["p-wang"],
        json={"child_id": li_child},
    )
    assert outsider.status_code == 404
    acknowledged = db.session.scalars(
        select(NoticeRecipient.id).where(
            NoticeRecipient.notice_id == notice_id, NoticeRecipient.acknowledged_at.is_not(None)
        )
    ).all()
    assert acknowledged == []
    assert _unread_notice_messages("p-wang") == 1  # the refusal read nothing either


def test_the_token_check_is_one_statement_and_loads_the_user(app, login):
    token = login("p-one-statement")["Authorization"].removeprefix("Bearer ")
    with app.test_request_context():
        db.session.remove()
        with counted() as seen:
            session = resolve_token(token)
            # The user comes with it: reading it costs no further statement.
            assert (session.user.openid, session.user.is_active) == ("p-one-statement", True)
            assert session.user_id == session.user.id
        assert len(seen) == 1, seen


def test_the_column_only_token_check_loads_the_user_only_when_asked(app, login):
    token = login("p-columns-only")["Authorization"].removeprefix("Bearer ")
    with app.test_request_context():
        db.session.remove()
        with counted() as seen:
            session = resolve_token(token, load_user=False)
        assert len(seen) == 1, seen
        assert not any(isinstance(o, User) for o in db.session.identity_map.values())
        with counted() as seen:
            assert session.user.openid == "p-columns-only"
            assert session.user.id == session.user_id
        assert len(seen) == 1, seen  # one primary-key load, and only once


def _acknowledge(client, headers, notice_id: int, child_id: int):
    """Post one acknowledgment; the response."""
    return client.post(
        f"/api/v1/notices/{notice_id}/acknowledge", headers=headers, json={"child_id": child_id}
    )


def test_the_acknowledgment_route_still_refuses_revoked_tokens_and_disabled_accounts(
    families,  # noqa: F811
    client,
    login,
):
    notice_id = _sent_notice(client, login)
    li = families["p-li"]
    child_id = db.session.scalars(
        select(NoticeRecipient.child_id).where(
            NoticeRecipient.notice_id == notice_id, NoticeRecipient.parent_id == user_id("p-li")
        )
    ).first()
    assert _acknowledge(client, li, notice_id, child_id).status_code == 200
    db.session.execute(update(User).where(User.id == user_id("p-li")).values(is_active=False))
    db.session.commit()
    disabled = _acknowledge(client, li, notice_id, child_id)
    assert (disabled.status_code, disabled.get_json()["error"]["code"]) == (403, "account_disabled")
    db.session.execute(update(User).where(User.id == user_id("p-li")).values(is_active=True))
    db.session.commit()
    assert client.post("/api/v1/auth/logout", headers=li).status_code in (200, 204)
    revoked = _acknowledge(client, li, notice_id, child_id)
    assert (revoked.status_code, revoked.get_json()["error"]["code"]) == (401, "token_revoked")
