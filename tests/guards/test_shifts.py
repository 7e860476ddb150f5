"""A guard's shift at the gate: the start (scan, position, role, one open shift), the
hand-over note reaching the next guard, the end, and the managers' list."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.extensions import db
from server.models import GuardShift
from tests.guards.conftest import AT_GATE, now_iso, school_id
from tests.support.concurrency import together
from tests.support.statements import counted

# Metres per degree of latitude.
M_PER_DEG_LAT = 111_195.0


def _open_shifts(openid_user_id: int | None = None) -> int:
    """How many shifts are open (of one user, when given)."""
    query = select(func.count(GuardShift.id)).where(GuardShift.ended_at.is_(None))
    if openid_user_id is not None:
        query = query.where(GuardShift.user_id == openid_user_id)
    return db.session.scalar(query)


def test_a_handover_note_reaches_the_next_guard(client, guards, start, log):
    """Done when: guard A starts, logs, ends with a note; guard B starts and gets the note in
    the start answer and in /guard/shifts/current."""
    first, _ = start(guards["a"])
    assert first.status_code == 201, first.get_json()
    shift_a = first.get_json()["shift"]
    assert shift_a["school"]["id"] == school_id() and shift_a["checkpoint"]["name"] == "东大门"
    assert shift_a["ended_at"] is None and shift_a["log_count"] == 0
    assert log(guards["a"])[0].status_code == 201
    note = "东侧围栏有一处松动，已报后勤；下午放学注意校门口摊贩"
    ended = client.post(
        f"/api/v1/guard/shifts/{shift_a['id']}/end",
        json={"handover_note": note},
        headers=guards["a"],
    )
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["handover_note"] == note and ended.get_json()["ended_at"]
    assert ended.get_json()["log_count"] == 1

    second, _ = start(guards["b"])
    assert second.status_code == 201, second.get_json()
    handover = second.get_json()["handover"]
    assert handover["note"] == note and handover["shift_id"] == shift_a["id"]
    assert handover["from"]["name"] == "吴师傅(保安)" and handover["ended_at"]
    current = client.get("/api/v1/guard/shifts/current", headers=guards["b"]).get_json()
    assert current["shift"]["id"] == second.get_json()["shift"]["id"]
    assert current["handover"]["note"] == note
    assert current["logs"] == []


def test_the_latest_noted_end_is_the_handover(client, guards, start):
    """A shift ended without a note does not hide the note before it; the newest note wins."""
    for headers, note in ((guards["a"], "第一班"), (guards["b"], "第二班"), (guards["a"], None)):
        shift = start(headers)[0].get_json()["shift"]
        body = {"handover_note": note} if note else {}
        response = client.post(
            f"/api/v1/guard/shifts/{shift['id']}/end", json=body, headers=headers
        )
        assert response.status_code == 200
    # Not on shift: the latest note at the guard's school, known before starting.
    idle = client.get("/api/v1/guard/shifts/current", headers=guards["b"]).get_json()
    assert idle["shift"] is None and idle["logs"] == []
    assert idle["handover"]["note"] == "第二班"
    assert start(guards["b"])[0].get_json()["handover"]["note"] == "第二班"


def test_only_a_gate_starts_a_shift(client, guards, start, checkpoint):
    fire = checkpoint("配电室")
    response, _ = start(guards["a"], token=fire.token)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_a_gate"
    assert _open_shifts() == 0


def test_a_start_far_from_the_gate_is_refused(guards, start):
    far = AT_GATE["lat"] + 500 / M_PER_DEG_LAT
    response, _ = start(guards["a"], lat=far)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_far"
    assert _open_shifts() == 0


def test_a_start_in_the_phones_future_is_refused(guards, start):
    response, _ = start(guards["a"], started_at="2099-01-01T08:00:00+00:00")
    assert response.status_code == 422
    assert "started_at" in response.get_json()["error"]["details"]


def test_who_may_start(guards, start):
    teacher, _ = start(guards["teacher"])
    assert teacher.status_code == 403
    assert teacher.get_json()["error"]["details"]["capability"] == "guard.duty"
    sibling, _ = start(guards["sibling"])
    assert sibling.status_code == 404
    # The safety officer holds guard.duty too (a small school's officer stands at the gate).
    assert start(guards["officer"])[0].status_code == 201


def test_one_open_shift_per_guard(guards, start):
    first, body = start(guards["a"])
    assert first.status_code == 201
    again, _ = start(guards["a"])
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "shift_open"
    assert error["details"]["shift_id"] == first.get_json()["shift"]["id"]
    retry, _ = start(guards["a"], **{k: body[k] for k in ("client_uuid", "started_at")})
    assert retry.status_code == 200
    assert retry.get_json()["shift"]["id"] == first.get_json()["shift"]["id"]


def test_two_starts_at_once_give_one_shift(app, guards, gate):
    def starting(client):
        body = {
            "client_uuid": str(uuid.uuid4()),
            "token": gate.token,
            **AT_GATE,
            "started_at": now_iso(),
        }
        return client.post("/api/v1/guard/shifts", json=body, headers=guards["a"])

    results = together(app, [starting, starting])
    assert sorted(r.status_code for r in results) == [201, 409]
    assert _open_shifts() == 1


def test_the_same_start_twice_at_once_gives_one_shift(app, guards, gate):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "token": gate.token,
        **AT_GATE,
        "started_at": now_iso(),
    }
    results = together(
        app,
        [lambda c: c.post("/api/v1/guard/shifts", json=body, headers=guards["a"])] * 2,
    )
    assert sorted(r.status_code for r in results) == [200, 201]
    assert len({r.get_json()["shift"]["id"] for r in results}) == 1
    assert _open_shifts() == 1


def test_only_ones_own_shift_ends_and_only_once(app, client, guards, start):
    shift = start(guards["a"])[0].get_json()["shift"]
    url = f"/api/v1/guard/shifts/{shift['id']}/end"
    for other in ("b", "officer", "sibling"):
        response = client.post(url, json={"handover_note": "x"}, headers=guards[other])
        assert response.status_code == 404
    results = together(
        app, [lambda c: c.post(url, json={"handover_note": "交接"}, headers=guards["a"])] * 2
    )
    assert sorted(r.status_code for r in results) == [200, 409]
    late = client.post(url, json={}, headers=guards["a"])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "shift_ended"
    assert db.session.get(GuardShift, shift["id"]).handover_note == "交接"


def test_hostile_input_is_a_4xx(client, guards, start):
    shift = start(guards["a"])[0].get_json()["shift"]
    for url in (f"/api/v1/guard/shifts/{2**31}/end", f"/api/v1/guard/shifts/{2**63}/end"):
        assert client.post(url, json={}, headers=guards["a"]).status_code == 404
    bad_note = client.post(
        f"/api/v1/guard/shifts/{shift['id']}/end",
        json={"handover_note": "交接\x00备注"},
        headers=guards["a"],
    )
    assert bad_note.status_code in (400, 422)
    long_note = client.post(
        f"/api/v1/guard/shifts/{shift['id']}/end",
        json={"handover_note": "长" * 501},
        headers=guards["a"],
    )
    assert long_note.status_code == 422
    assert start(guards["b"], token="门\x07")[0].status_code in (400, 422)
    listed = client.get(f"/api/v1/guard/shifts?school_id={2**31}", headers=guards["officer"])
    assert listed.status_code == 422
    assert db.session.get(GuardShift, shift["id"]).ended_at is None


def test_managers_list_the_shifts_in_pages(client, guards, start):
    for headers in (guards["a"], guards["b"]):
        assert start(headers)[0].status_code == 201
    url = f"/api/v1/guard/shifts?school_id={school_id()}&limit=1"
    with counted() as statements:
        page = client.get(url, headers=guards["officer"])
    assert page.status_code == 200
    assert len(statements) <= 12
    first = page.get_json()
    assert len(first["shifts"]) == 1 and first["next_before_id"]
    rest = client.get(
        f"{url}&before_id={first['next_before_id']}", headers=guards["supervisor"]
    ).get_json()
    assert len(rest["shifts"]) == 1 and rest["next_before_id"] is None
    assert rest["shifts"][0]["id"] < first["shifts"][0]["id"]
    above = client.get(
        f"/api/v1/guard/shifts?school_id={school_id('YQ100')}", headers=guards["supervisor"]
    )
    assert len(above.get_json()["shifts"]) == 2
    assert client.get(url, headers=guards["a"]).status_code == 403
    assert client.get(url, headers=guards["sibling_admin"]).status_code == 404


def test_a_note_left_after_a_start_is_not_that_shifts_handover(client, guards, start):
    """The hand-over is the note before the shift started: two guards on shift at once, the
    first one's later note is not shown as what the second was handed."""
    first = start(guards["a"])[0].get_json()["shift"]
    second = start(guards["b"])[0].get_json()
    assert second["handover"] is None
    client.post(
        f"/api/v1/guard/shifts/{first['id']}/end",
        json={"handover_note": "后来的交接"},
        headers=guards["a"],
    )
    current = client.get("/api/v1/guard/shifts/current", headers=guards["b"]).get_json()
    assert current["shift"]["id"] == second["shift"]["id"]
    assert current["handover"] is None
    # Guard A, off shift now, reads the school's latest note before starting again.
    idle = client.get("/api/v1/guard/shifts/current", headers=guards["a"]).get_json()
    assert idle["handover"]["note"] == "后来的交接"
