"""Checklist templates as data: loading and versioning, a unit's own items, which version is in
effect at a school, and the API over them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models.patrols import ChecklistItem, ChecklistTemplate
from server.services.checklists import (
    CHECKLIST_DIR,
    ChecklistFileError,
    load_checklists,
    template_in_effect,
    templates_in_effect,
)
from tests.hazards.conftest import unit_by_code
from tests.support.concurrency import together
from tests.support.statements import counted

SHIPPED = ["bus_pretrip", "fire_daily", "perimeter_shift", "water_point"]


def _shipped(code: str) -> dict:
    """A shipped file's content."""
    return json.loads((CHECKLIST_DIR / f"{code}.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict, name: str | None = None) -> Path:
    """A checklist file in a temporary folder."""
    path = tmp_path / (name or f"{data['code']}.json")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _versions(code: str, unit_id=None) -> list[tuple[int, bool]]:
    """(version, is_current) of every row of the code at the unit (None: shipped)."""
    owner = (
        ChecklistTemplate.unit_id.is_(None)
        if unit_id is None
        else ChecklistTemplate.unit_id == unit_id
    )
    rows = db.session.execute(
        select(ChecklistTemplate.version, ChecklistTemplate.is_current)
        .where(ChecklistTemplate.code == code, owner)
        .order_by(ChecklistTemplate.version)
    )
    return [tuple(row) for row in rows]


# --- the shipped files -------------------------------------------------------------------------


def test_shipped_files_cover_the_kinds_and_real_focus_problems():
    kinds = {code: _shipped(code)["kind"] for code in SHIPPED}
    assert kinds == {
        "bus_pretrip": "bus",
        "fire_daily": "fire",
        "perimeter_shift": "perimeter",
        "water_point": "water",
    }
    campaign = json.loads(
        (CHECKLIST_DIR.parent / "campaigns" / "2023-qiangjichu.json").read_text(encoding="utf-8")
    )
    codes = {f["code"] for area in campaign["areas"] for f in area["focus_problems"]}
    for code in SHIPPED:
        for item in _shipped(code)["items"]:
            assert item["focus_problem"] in codes, (code, item["code"])
            assert item["hint"], (code, item["code"])
    fire = [item["code"] for item in _shipped("fire_daily")["items"]]
    for wanted in ("extinguishers", "exits", "emergency_lighting", "wiring", "gas_kitchen"):
        assert wanted in fire


def test_cli_loads_once_and_reloading_changes_nothing(app, runner):
    assert runner.invoke(args=["campaign", "load"]).exit_code == 0
    first = runner.invoke(args=["checklists", "load"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [f"{code}: loaded version 1" for code in SHIPPED]
    rows = db.session.scalar(select(func.count()).select_from(ChecklistTemplate))
    items = db.session.scalar(select(func.count()).select_from(ChecklistItem))
    again = runner.invoke(args=["checklists", "load"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [f"{code}: unchanged, version 1" for code in SHIPPED]
    assert db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) == rows == 4
    assert db.session.scalar(select(func.count()).select_from(ChecklistItem)) == items
    listed = runner.invoke(args=["checklists", "list"])
    assert listed.exit_code == 0
    assert "fire_daily\tfire\tv1\tshipped\t8 items\t日常防火巡查" in listed.output


def test_changed_content_is_a_new_version_and_the_old_row_stays(checklists, runner, tmp_path):
    old = checklists["fire_daily"]
    old_id, old_items = old.id, [(i.id, i.text) for i in old.items]
    data = _shipped("fire_daily")
    data["items"][0]["text"] = "灭火器在位、压力正常、在有效期内"
    result = runner.invoke(args=["checklists", "load", str(_write(tmp_path, data))])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "fire_daily: loaded version 2"
    assert _versions("fire_daily") == [(1, False), (2, True)]
    # What a patrol filled against version 1 points at is still there, unchanged.
    db.session.expire_all()
    kept = db.session.get(ChecklistTemplate, old_id)
    assert [(i.id, i.text) for i in kept.items] == old_items
    school = unit_by_code("YQ101") if _has_demo() else None
    if school is not None:
        assert template_in_effect("fire_daily", school).version == 2
    # The same file again: nothing new.
    again = runner.invoke(args=["checklists", "load", str(_write(tmp_path, data))])
    assert again.output.strip() == "fire_daily: unchanged, version 2"
    assert _versions("fire_daily") == [(1, False), (2, True)]


def _has_demo() -> bool:
    """Whether the demo district is in the database."""
    from server.models import Unit

    return db.session.scalars(select(Unit.id).where(Unit.code == "YQ101")).first() is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format=2), "format"),
        (lambda d: d.update(kind="boat"), "kind"),
        (lambda d: d.update(code="Fire Daily"), "code"),
        (lambda d: d["items"].append(dict(d["items"][0])), "appears twice"),
        (lambda d: d["items"][0].update(focus_problem="fire.nonsense"), "fire.nonsense"),
        (lambda d: d["items"][0].pop("text"), "text"),
        (lambda d: d.update(items=[]), "items"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_loads(
    checklists, runner, tmp_path, change, message
):
    good = _write(tmp_path, _shipped("water_point") | {"code": "water_two"})
    data = _shipped("fire_daily")
    change(data)
    bad = _write(tmp_path, data, "bad.json")
    before = _versions("fire_daily")
    result = runner.invoke(args=["checklists", "load", str(good), str(bad)])
    assert result.exit_code != 0
    assert "bad.json" in result.output
    assert message in result.output
    assert _versions("fire_daily") == before
    assert _versions("water_two") == []


def test_unreadable_file_and_repeated_codes(checklists, runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["checklists", "load", str(broken)])
    assert result.exit_code != 0 and "broken.json: cannot read JSON" in result.output
    one = _write(tmp_path, _shipped("fire_daily"), "one.json")
    two = _write(tmp_path, _shipped("fire_daily"), "two.json")
    result = runner.invoke(args=["checklists", "load", str(one), str(two)])
    assert result.exit_code != 0 and "fire_daily" in result.output


def test_loading_without_the_campaign_says_so(app, tmp_path):
    with pytest.raises(ChecklistFileError, match="load the campaign first"):
        load_checklists()


@pytest.mark.parametrize("first", [True, False], ids=["first load", "new version"])
def test_two_loads_at_once_make_one_current_version(app, checklists, tmp_path, first):
    data = _shipped("fire_daily") | {"code": "fire_race"}
    if not first:
        load_checklists([_write(tmp_path, data)])
        data["name"] = "日常防火巡查(修订)"
    path = _write(tmp_path, data)
    results = together(app, [lambda _client: load_checklists([path]) for _ in range(4)])
    expected = 1 if first else 2
    assert sorted(changed for [(_code, _version, changed)] in results) == [False] * 3 + [True]
    assert {version for [(_code, version, _changed)] in results} == {expected}
    current = [v for v, is_current in _versions("fire_race") if is_current]
    assert current == [expected]


# --- in effect at a school, and a unit's own items ---------------------------------------------


def _add(client, headers, unit_code, items, code="fire_daily"):
    """POST a unit's own items."""
    return client.post(
        f"/api/v1/checklists/{code}/items",
        json={"unit_id": unit_by_code(unit_code).id, "items": items},
        headers=headers,
    )


ITEM = {
    "text": "配电室门窗关闭、挡鼠板在位",
    "hint": "门口有挡鼠板",
    "focus_problem": "fire.utilities",
}


def test_a_units_items_make_its_version_for_the_schools_below(client, people, checklists):
    shipped = checklists["fire_daily"]
    r = _add(client, people["supervisor@above"], "YQ100", [ITEM])
    assert r.status_code == 201, r.get_json()
    center = r.get_json()
    assert center["version"] == 1
    assert center["unit"] == {"id": unit_by_code("YQ100").id, "name": "符离中心校"}
    assert [i["code"] for i in center["items"]][:-1] == [i.code for i in shipped.items]
    added = center["items"][-1]
    assert added["code"] == f"u{unit_by_code('YQ100').id}-1"
    assert added["text"] == ITEM["text"] and added["hint"] == ITEM["hint"]
    assert added["focus_problem"]["code"] == "fire.utilities"
    # In effect at the schools below the center school, not at the sibling center's.
    assert template_in_effect("fire_daily", unit_by_code("YQ101")).id == center["id"]
    assert template_in_effect("fire_daily", unit_by_code("YQ201")).id == shipped.id
    # The school adds its own on top of the center school's: nearest unit wins.
    r = _add(client, people["school_admin@own"], "YQ101", [ITEM | {"text": "消控室有人值班"}])
    assert r.status_code == 201, r.get_json()
    school = r.get_json()
    assert len(school["items"]) == len(center["items"]) + 1
    assert template_in_effect("fire_daily", unit_by_code("YQ101")).id == school["id"]
    assert template_in_effect("fire_daily", unit_by_code("YQ102")).id == center["id"]
    # The school again: its version 2, version 1 kept but no longer current.
    r = _add(client, people["school_admin@own"], "YQ101", [ITEM | {"text": "值班记录已填写"}])
    assert r.get_json()["version"] == 2
    assert _versions("fire_daily", unit_by_code("YQ101").id) == [(1, False), (2, True)]
    codes = [i["code"] for i in r.get_json()["items"]]
    assert len(codes) == len(set(codes))


def test_listing_in_effect_at_a_school(client, people, checklists):
    _add(client, people["supervisor@above"], "YQ100", [ITEM])
    r = client.get(
        "/api/v1/checklists",
        query_string={"school_id": unit_by_code("YQ101").id},
        headers=people["teacher@own"],
    )
    assert r.status_code == 200, r.get_json()
    templates = {t["code"]: t for t in r.get_json()["templates"]}
    assert sorted(templates) == SHIPPED
    assert templates["fire_daily"]["unit"]["name"] == "符离中心校"
    assert templates["water_point"]["unit"] is None
    item = templates["fire_daily"]["items"][0]
    assert set(item) == {"id", "code", "text", "hint", "focus_problem"}
    assert item["focus_problem"] == {"code": "fire.patrol", "name": "日常防火巡查检查落实不到位"}


def test_list_access_and_bad_ids(client, people, checklists, login):
    school = unit_by_code("YQ101").id
    for persona, status in [
        ("teacher@own", 200),
        ("inspector@above", 200),
        ("school_admin@sibling", 404),
        ("parent", 404),
    ]:
        r = client.get(
            "/api/v1/checklists", query_string={"school_id": school}, headers=people[persona]
        )
        assert r.status_code == status, (persona, r.get_json())
    for bad in [2**31, 0, "x"]:
        r = client.get(
            "/api/v1/checklists", query_string={"school_id": bad}, headers=people["teacher@own"]
        )
        assert r.status_code == 422
    r = client.get(
        "/api/v1/checklists", query_string={"school_id": 999999}, headers=people["teacher@own"]
    )
    assert r.status_code == 404


def test_list_statements_are_bounded(client, people, checklists):
    school = unit_by_code("YQ101").id
    headers = people["teacher@own"]

    def count() -> int:
        """Statements of one list request."""
        with counted() as seen:
            query = {"school_id": school}
            r = client.get("/api/v1/checklists", query_string=query, headers=headers)
            assert r.status_code == 200
        return len(seen)

    _add(client, people["school_admin@own"], "YQ101", [ITEM], code="water_point")
    few = count()
    _add(client, people["supervisor@above"], "YQ100", [ITEM, ITEM | {"text": "第二条检查项"}])
    _add(client, people["school_admin@own"], "YQ101", [ITEM], code="water_point")
    _add(client, people["bureau_admin@above"], "YQ000", [ITEM], code="bus_pretrip")
    assert count() == few


def test_adding_items_rules(client, people, checklists, fake_wechat):
    teacher = people["teacher@own"]
    assert _add(client, teacher, "YQ101", [ITEM]).status_code == 403
    assert _add(client, people["school_admin@sibling"], "YQ101", [ITEM]).status_code == 404
    admin = people["school_admin@own"]
    assert _add(client, admin, "YQ101", [ITEM], code="no_such").status_code == 404
    r = _add(client, admin, "YQ101", [ITEM | {"focus_problem": "fire.nonsense"}])
    assert r.status_code == 422 and r.get_json()["error"]["details"] == {
        "focus_problem": ["fire.nonsense"]
    }
    for items in ([], [ITEM] * 21, [ITEM | {"text": " "}], [ITEM | {"text": "a\x00b"}]):
        assert _add(client, admin, "YQ101", items).status_code == 422
    r = client.post(
        "/api/v1/checklists/fire_daily/items",
        json={"unit_id": 2**31, "items": [ITEM]},
        headers=admin,
    )
    assert r.status_code == 422
    assert templates_in_effect(unit_by_code("YQ101"))[1].unit_id is None  # nothing was made


def test_item_text_goes_through_the_content_check(client, people, checklists, fake_wechat):
    admin = people["school_admin@own"]
    # The fake WeChat's default words: 赌博 is risky, 代开发票 held for review.
    r = _add(client, admin, "YQ101", [ITEM | {"text": "检查有无赌博"}])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "content_risky"
    assert _versions("fire_daily", unit_by_code("YQ101").id) == []
    r = _add(client, admin, "YQ101", [ITEM | {"text": "检查有无代开发票广告"}])
    assert r.status_code == 201
    assert r.get_json()["items"][-1]["text"] == "检查有无代开发票广告"  # its writer sees it
    seen = client.get(
        "/api/v1/checklists",
        query_string={"school_id": unit_by_code("YQ101").id},
        headers=people["teacher@own"],
    ).get_json()
    fire = next(t for t in seen["templates"] if t["code"] == "fire_daily")
    assert fire["items"][-1]["text"] == "内容审核中"


def test_every_deploy_loads_the_shipped_checklists():
    root = CHECKLIST_DIR.parents[2]
    for path in ("deploy/systemd/safety-migrate.service", "deploy/compose.yaml"):
        assert "flask checklists load" in (root / path).read_text(encoding="utf-8"), path


def test_a_held_item_stays_held_in_the_next_version(client, people, checklists):
    admin, teacher = people["school_admin@own"], people["teacher@own"]
    assert (
        _add(client, admin, "YQ101", [ITEM | {"text": "检查有无代开发票广告"}]).status_code == 201
    )
    r = _add(client, admin, "YQ101", [ITEM | {"text": "值班记录已填写"}])
    assert r.get_json()["version"] == 2
    query = {"school_id": unit_by_code("YQ101").id}
    seen = client.get("/api/v1/checklists", query_string=query, headers=teacher).get_json()
    fire = next(t for t in seen["templates"] if t["code"] == "fire_daily")
    assert [i["text"] for i in fire["items"][-2:]] == ["内容审核中", "值班记录已填写"]


def test_a_patrol_keeps_the_version_it_was_filled_against(checkpoint, checklists, tmp_path):
    from datetime import UTC, datetime

    from server.models import User
    from server.models.patrols import Patrol, PatrolAnswer

    place = checkpoint()
    old = checklists["fire_daily"]
    teacher = db.session.scalars(select(User).where(User.openid == "demo-teacher")).one()
    now = datetime.now(UTC)
    patrol = Patrol(
        client_uuid="00000000-0000-4000-8000-000000000001",
        content_digest="x" * 64,
        checkpoint_id=place.id,
        school_id=place.school_id,
        template_id=old.id,
        user_id=teacher.id,
        lat=place.lat,
        lng=place.lng,
        accuracy_m=5,
        coord_system=place.coord_system,
        distance_m=0,
        scanned_at=now,
        sent_at=now,
    )
    db.session.add(patrol)
    db.session.flush()
    db.session.add(PatrolAnswer(patrol_id=patrol.id, item_id=old.items[0].id, answer="pass"))
    db.session.commit()
    data = _shipped("fire_daily")
    data["items"] = data["items"][1:]  # an item dropped from the next version
    assert load_checklists([_write(tmp_path, data)]) == [("fire_daily", 2, True)]
    db.session.expire_all()
    kept = db.session.get(Patrol, patrol.id)
    assert kept.template.version == 1 and not kept.template.is_current
    assert kept.answers[0].item.code == "extinguishers"
    assert template_in_effect("fire_daily", place.school).version == 2


def test_two_additions_at_once_both_count(app, client, people, checklists):
    from tests.support.concurrency import answer

    admin = people["school_admin@own"]
    unit = unit_by_code("YQ101").id
    texts = ["消控室有人值班", "值班记录已填写"]

    def add(text):
        """One addition in its own thread."""
        body = {"unit_id": unit, "items": [ITEM | {"text": text}]}
        return lambda c: answer(
            c.post("/api/v1/checklists/fire_daily/items", json=body, headers=admin)
        )

    results = together(app, [add(text) for text in texts])
    assert [status for status, _ in results] == [201, 201], results
    assert _versions("fire_daily", unit) == [(1, False), (2, True)]
    latest = template_in_effect("fire_daily", unit_by_code("YQ101"))
    assert sorted(i.text for i in latest.items[-2:]) == sorted(texts)
