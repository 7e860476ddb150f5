"""A school's checkpoints: create on site, list, change, replace a lost sticker's code, scan,
the printable sheet, and the demo school's checkpoints."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models.patrols import Checkpoint, RetiredCheckpointToken
from server.services import checkpoint_sheet
from server.services.checkpoints import resolve_token
from tests.hazards.conftest import HERE, unit_by_code
from tests.support.concurrency import answer, together
from tests.support.statements import counted

BASE = "/api/v1/checkpoints"


def _body(**changes) -> dict:
    """A checkpoint of the demo school recorded at HERE."""
    return {
        "school_id": unit_by_code("YQ101").id,
        "name": "配电室",
        "lat": HERE["lat"],
        "lng": HERE["lng"],
        "coord_system": "gcj02",
        "radius_m": 40,
        "template_codes": ["fire_daily"],
        **changes,
    }


def _scan(client, headers, token):
    """Scan a token as ``headers``."""
    return client.get(f"{BASE}/scan", query_string={"token": token}, headers=headers)


def _error(response) -> str:
    """The error code of an answer."""
    return response.get_json()["error"]["code"]


# --- create ------------------------------------------------------------------------------------


def test_create_on_site(client, people, checklists):
    r = client.post(BASE, json=_body(), headers=people["school_admin@own"])
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["school"] == {"id": unit_by_code("YQ101").id, "name": "符离中心小学"}
    assert made["name"] == "配电室" and made["radius_m"] == 40 and made["active"] is True
    assert made["position"] == {"lat": HERE["lat"], "lng": HERE["lng"], "coord_system": "gcj02"}
    assert made["template_codes"] == ["fire_daily"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", made["token"])
    assert str(made["id"]) != made["token"]
    # Stored as given, in the system it was given in (geo.py converts when comparing).
    row = db.session.get(Checkpoint, made["id"])
    assert (row.lat, row.lng, row.coord_system) == (HERE["lat"], HERE["lng"], "gcj02")
    wgs = client.post(
        BASE, json=_body(name="大门", coord_system="wgs84"), headers=people["school_admin@own"]
    )
    assert wgs.get_json()["position"]["coord_system"] == "wgs84"


def test_create_access(client, people, checklists):
    assert client.post(BASE, json=_body(), headers=people["teacher@own"]).status_code == 403
    sibling = client.post(BASE, json=_body(), headers=people["school_admin@sibling"])
    assert sibling.status_code == 404
    assert client.post(BASE, json=_body(), headers=people["parent"]).status_code == 404
    center = _body(school_id=unit_by_code("YQ100").id)
    r = client.post(BASE, json=center, headers=people["supervisor@above"])
    assert r.status_code == 409 and _error(r) == "not_a_school"
    above = client.post(BASE, json=_body(), headers=people["supervisor@above"])
    assert above.status_code == 201


@pytest.mark.parametrize(
    "changes",
    [
        {"radius_m": 9},
        {"radius_m": 501},
        {"radius_m": 2**40},
        {"template_codes": ["no_such_template"]},
        {"template_codes": []},
        {"template_codes": ["fire_daily"] * 11},
        {"name": "配电\x00室"},
        {"name": "   "},
        {"name": "长" * 61},
        {"school_id": 2**31},
        {"lat": 91},
        {"lng": "east"},
        {"coord_system": "bd09"},
    ],
)
def test_create_refuses_bad_input(client, people, checklists, changes):
    r = client.post(BASE, json=_body(**changes), headers=people["school_admin@own"])
    assert r.status_code in (400, 422), r.get_json()
    places = select(Checkpoint.id).where(Checkpoint.kind == "place")
    assert len(db.session.scalars(places).all()) == 3  # the demo's only (two places, the gate)


def test_unknown_template_code_is_named(client, people, checklists):
    r = client.post(
        BASE, json=_body(template_codes=["fire_daily", "boat"]), headers=people["school_admin@own"]
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["details"] == {"template_codes": ["Unknown code: boat"]}


def test_a_risky_name_is_refused(client, people, checklists):
    r = client.post(BASE, json=_body(name="赌博室"), headers=people["school_admin@own"])
    assert r.status_code == 422 and _error(r) == "content_risky"


# --- list --------------------------------------------------------------------------------------


def test_list_shows_the_token_to_managers_only(client, people, checkpoint):
    made = checkpoint()
    checkpoint("旧仓库", active=False)
    school = unit_by_code("YQ101").id
    seen = {}
    for persona in ("school_admin@own", "teacher@own", "inspector@above", "supervisor@above"):
        r = client.get(BASE, query_string={"school_id": school}, headers=people[persona])
        assert r.status_code == 200, (persona, r.get_json())
        seen[persona] = r.get_json()["checkpoints"]
    names = [c["name"] for c in seen["teacher@own"]]
    # The demo's three (two fire checkpoints and the gate), the new one, the inactive one last.
    assert names[-1] == "旧仓库"
    assert sorted(names[:-1]) == sorted(["教学楼", "配电室", "食堂", "东大门"])
    mine = next(c for c in seen["school_admin@own"] if c["id"] == made.id)
    assert mine["token"] == made.token
    assert all("token" not in c for c in seen["teacher@own"] + seen["inspector@above"])
    assert all("token" in c for c in seen["supervisor@above"])


def test_list_scope(client, people, checkpoint):
    checkpoint()
    for persona, school_code, status in [
        ("school_admin@sibling", "YQ101", 404),
        ("parent", "YQ101", 404),
        ("supervisor@above", "YQ100", 409),
        ("teacher@own", "YQ102", 404),
    ]:
        school = unit_by_code(school_code).id
        r = client.get(BASE, query_string={"school_id": school}, headers=people[persona])
        assert r.status_code == status, (persona, r.get_json())
    for bad in (2**31, -1, "x"):
        r = client.get(BASE, query_string={"school_id": bad}, headers=people["teacher@own"])
        assert r.status_code == 422


def test_list_statements_are_bounded(client, people, checkpoint):
    school = unit_by_code("YQ101").id
    headers = people["school_admin@own"]

    def count() -> int:
        """Statements of one list request."""
        with counted() as seen:
            r = client.get(BASE, query_string={"school_id": school}, headers=headers)
            assert r.status_code == 200
        return len(seen)

    few = count()
    for number in range(8):
        checkpoint(f"巡查点{number}")
    assert count() == few


# --- change and replace ------------------------------------------------------------------------


def test_patch(client, people, checkpoint):
    made = checkpoint()
    admin = people["school_admin@own"]
    body = {
        "name": "一号配电室",
        "radius_m": 100,
        "template_codes": ["fire_daily", "perimeter_shift"],
    }
    r = client.patch(f"{BASE}/{made.id}", json=body, headers=admin)
    assert r.status_code == 200, r.get_json()
    assert {k: r.get_json()[k] for k in body} == body
    r = client.patch(f"{BASE}/{made.id}", json={"active": False}, headers=admin)
    assert r.get_json()["active"] is False
    assert client.patch(f"{BASE}/{made.id}", json={}, headers=admin).status_code == 200
    for bad in ({"radius_m": 5}, {"template_codes": ["nope"]}, {"name": "a\x00"}, {"name": ""}):
        assert client.patch(f"{BASE}/{made.id}", json=bad, headers=admin).status_code == 422
    assert (
        client.patch(f"{BASE}/{made.id}", json=body, headers=people["teacher@own"]).status_code
        == 403
    )
    sibling = people["school_admin@sibling"]
    assert client.patch(f"{BASE}/{made.id}", json=body, headers=sibling).status_code == 404
    assert client.patch(f"{BASE}/{2**31}", json=body, headers=admin).status_code == 404
    assert client.patch(f"{BASE}/999999", json=body, headers=admin).status_code == 404


def test_a_sibling_schools_checkpoint_is_not_found(client, people, checkpoint):
    theirs = checkpoint("幼儿园大门", school_code="YQ102")
    admin = people["school_admin@own"]  # YQ101: YQ102 is a sibling under the same center
    assert (
        client.patch(f"{BASE}/{theirs.id}", json={"radius_m": 20}, headers=admin).status_code == 404
    )
    assert client.post(f"{BASE}/{theirs.id}/token", headers=admin).status_code == 404
    r = _scan(client, people["teacher@own"], theirs.token)
    assert r.status_code == 404 and _error(r) == "checkpoint_unknown"


def test_replace_token(client, people, checkpoint):
    made = checkpoint()
    old = made.token
    admin, teacher = people["school_admin@own"], people["teacher@own"]
    r = client.post(f"{BASE}/{made.id}/token", headers=admin)
    assert r.status_code == 200, r.get_json()
    new = r.get_json()["token"]
    assert new != old
    assert db.session.get(RetiredCheckpointToken, old).checkpoint_id == made.id
    gone = _scan(client, teacher, old)
    assert gone.status_code == 410 and _error(gone) == "checkpoint_replaced"
    assert _scan(client, teacher, new).status_code == 200
    assert client.post(f"{BASE}/{made.id}/token", headers=teacher).status_code == 403
    assert client.post(f"{BASE}/{2**31}/token", headers=admin).status_code == 404


def test_two_replacements_at_once_retire_each_token_once(app, people, checkpoint):
    made = checkpoint()
    first, admin = made.token, people["school_admin@own"]
    results = together(
        app,
        [lambda c: answer(c.post(f"{BASE}/{made.id}/token", headers=admin)) for _ in range(3)],
    )
    statuses = sorted(status for status, _ in results)
    # Those that read the same token: one wins, the others 409; one that read after a commit
    # replaces the newer token. Either way every replaced token is retired exactly once.
    assert 200 in statuses and set(statuses) <= {200, 409}
    current = db.session.get(Checkpoint, made.id).token
    winners = {body["token"] for status, body in results if status == 200}
    retired = db.session.scalars(select(RetiredCheckpointToken.token)).all()
    assert current in winners and current not in retired
    assert set(retired) == {first} | (winners - {current})
    assert len(retired) == statuses.count(200)


# --- scan --------------------------------------------------------------------------------------


def test_scan(client, people, checkpoint, checklists):
    made = checkpoint(template_codes=["perimeter_shift", "fire_daily", "gone_code"])
    teacher = people["teacher@own"]
    for token in (made.token, f"SAFETY-CP:{made.token}"):
        r = _scan(client, teacher, token)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert body["checkpoint"]["id"] == made.id and "token" not in body["checkpoint"]
        assert [t["code"] for t in body["templates"]] == ["perimeter_shift", "fire_daily"]
        fire = body["templates"][1]
        assert fire["id"] == checklists["fire_daily"].id and fire["version"] == 1
        assert fire["unit"] is None and len(fire["items"]) == 8
    assert "token" in _scan(client, people["school_admin@own"], made.token).get_json()["checkpoint"]


def test_scan_answers_the_version_in_effect(client, people, checkpoint):
    made = checkpoint()
    item = {"text": "消控室有人值班", "focus_problem": "fire.patrol"}
    unit = unit_by_code("YQ100").id
    r = client.post(
        "/api/v1/checklists/fire_daily/items",
        json={"unit_id": unit, "items": [item]},
        headers=people["supervisor@above"],
    )
    assert r.status_code == 201
    fire = _scan(client, people["teacher@own"], made.token).get_json()["templates"][0]
    assert fire["id"] == r.get_json()["id"] and fire["unit"]["name"] == "符离中心校"
    assert fire["items"][-1]["text"] == "消控室有人值班"


def test_scan_refusals(client, people, checkpoint):
    teacher = people["teacher@own"]
    r = _scan(client, teacher, "no-such-token")
    assert r.status_code == 404 and _error(r) == "checkpoint_unknown"
    off = checkpoint("旧仓库", active=False)
    r = _scan(client, teacher, off.token)
    assert r.status_code == 410 and _error(r) == "checkpoint_inactive"
    made = checkpoint()
    r = _scan(client, people["parent"], made.token)
    assert r.status_code == 404 and _error(r) == "checkpoint_unknown"
    r = _scan(client, people["school_admin@sibling"], made.token)
    assert r.status_code == 404 and _error(r) == "checkpoint_unknown"
    for bad in ("", "a\x00b", "x" * 101):
        assert _scan(client, teacher, bad).status_code in (400, 422)


def test_resolve_token_for_the_patrol_service(people, checkpoint):
    from server.errors import ApiError
    from server.models import User

    made = checkpoint()
    teacher = db.session.scalars(select(User).where(User.openid == "demo-teacher")).one()
    assert resolve_token(teacher, made.token).id == made.id
    assert resolve_token(teacher, "SAFETY-CP:" + made.token).id == made.id
    with pytest.raises(ApiError) as unknown:
        resolve_token(teacher, "nothing")
    assert (unknown.value.status, unknown.value.code) == (404, "checkpoint_unknown")


# --- the printable sheet -----------------------------------------------------------------------


def _pages(pdf: bytes) -> int:
    """How many pages a PDF has (its page objects, not the /Pages tree)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_sheet_is_an_a4_pdf_with_every_active_checkpoint(client, people, checkpoint, monkeypatch):
    made = [checkpoint(f"巡查点{n}") for n in range(5)]  # + the demo's 3 = 8: two pages
    off = checkpoint("旧仓库", active=False)
    drawn = []
    render = checkpoint_sheet.render
    monkeypatch.setattr(
        checkpoint_sheet,
        "render",
        lambda stickers, title: drawn.extend(stickers) or render(stickers, title),
    )
    school = unit_by_code("YQ101").id
    r = client.get(
        f"{BASE}/sheet", query_string={"school_id": school}, headers=people["school_admin@own"]
    )
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    pdf = r.data
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) == 2
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4
    assert b"STSong-Light" in pdf and b"/FontFile" not in pdf  # named, not embedded
    tokens = {s.qr for s in drawn}
    assert {f"SAFETY-CP:{c.token}" for c in made} <= tokens
    assert f"SAFETY-CP:{off.token}" not in tokens and len(drawn) == 8
    assert {s.school for s in drawn} == {"符离中心小学"}
    assert {s.instructions for s in drawn} == {"巡查时用微信小程序扫码"}
    assert {"巡查点0", "食堂", "教学楼"} <= {s.name for s in drawn}


def test_sheet_access_and_an_empty_school(client, people, checkpoint):
    checkpoint()
    school = unit_by_code("YQ101").id
    for persona, status in [
        ("teacher@own", 403),
        ("inspector@above", 403),
        ("school_admin@sibling", 404),
        ("parent", 404),
        ("supervisor@above", 200),
    ]:
        r = client.get(f"{BASE}/sheet", query_string={"school_id": school}, headers=people[persona])
        assert r.status_code == status, persona
    empty = unit_by_code("YQ201").id
    r = client.get(
        f"{BASE}/sheet", query_string={"school_id": empty}, headers=people["bureau_admin@above"]
    )
    assert r.status_code == 409 and _error(r) == "no_checkpoints"
    r = client.get(
        f"{BASE}/sheet", query_string={"school_id": 2**31}, headers=people["school_admin@own"]
    )
    assert r.status_code == 422


def test_render_lays_out_six_a_page():
    stickers = [checkpoint_sheet.Sticker(f"SAFETY-CP:t{n}", f"点{n}", "学校") for n in range(13)]
    assert _pages(checkpoint_sheet.render(stickers, "t")) == 3


# --- the demo ----------------------------------------------------------------------------------


def test_demo_school_has_its_checkpoints_and_checklists(demo, client, people):
    places = select(Checkpoint).where(Checkpoint.kind == "place").order_by(Checkpoint.id)
    rows = db.session.scalars(places).all()
    assert [(c.name, c.school.code, c.template_codes) for c in rows] == [
        ("食堂", "YQ101", ["fire_daily"]),
        ("教学楼", "YQ101", ["fire_daily"]),
        ("东大门", "YQ101", ["perimeter_shift"]),
    ]
    r = _scan(client, people["teacher@own"], rows[0].token)
    assert r.status_code == 200
    assert r.get_json()["templates"][0]["code"] == "fire_daily"
