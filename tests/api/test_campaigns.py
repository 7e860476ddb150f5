"""The campaign as data: the shipped file, a second year's file, and the API."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from server.clock import local_today
from server.extensions import db
from server.models import Campaign
from server.services.campaigns import CAMPAIGN_DIR

SHIPPED = CAMPAIGN_DIR / "2023-qiangjichu.json"


def test_shipped_campaign_loads_with_the_plans_taxonomy(runner, app):
    result = runner.invoke(args=["campaign", "load"])
    assert result.exit_code == 0, result.output
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.year == 2023
    assert [p.code for p in campaign.phases] == ["self_inspection", "full_inspection", "evaluation"]
    assert campaign.phases[1].starts_on == date(2023, 4, 1)
    assert campaign.phases[1].ends_on == date(2023, 10, 31)
    assert [a.name for a in campaign.areas] == [
        "消防安全",
        "食品安全",
        "校车安全",
        "预防青少年儿童溺水",
        "防范校园欺凌",
        "校园周边环境综合治理",
    ]
    assert all(len(area.focus_problems) == 5 for area in campaign.areas)
    assert campaign.areas[0].focus_problems[3].name == "日常防火巡查检查落实不到位"


def _next_year(tmp_path: Path, year: int = 2026, **changes) -> Path:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data.update(code=f"{year}-campaign", year=year, name=f"{year}年校园安全提质年")
    for phase, (start, end) in zip(
        data["phases"], [("01-01", "03-31"), ("04-01", "10-31"), ("11-01", "12-31")], strict=True
    ):
        phase["starts_on"], phase["ends_on"] = f"{year}-{start}", f"{year}-{end}"
    data.update(changes)
    path = tmp_path / f"{year}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_second_years_file_loads_beside_it_and_becomes_active(runner, client, login, tmp_path):
    assert runner.invoke(args=["campaign", "load"]).exit_code == 0
    today = local_today()
    result = runner.invoke(args=["campaign", "load", str(_next_year(tmp_path, today.year))])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Campaign.code).order_by(Campaign.year)).all() == [
        "2023-qiangjichu",
        f"{today.year}-campaign",
    ]
    body = client.get("/api/v1/campaigns/active", headers=login()).get_json()
    assert body["code"] == f"{today.year}-campaign" and body["in_progress"] is True
    expected = [(today.month, today.day) < (4, 1), False, (today.month, today.day) >= (11, 1)]
    expected[1] = not (expected[0] or expected[2])
    assert [p["current"] for p in body["phases"]] == expected
    assert len(body["areas"]) == 6 and len(body["areas"][5]["focus_problems"]) == 5
    old = client.get("/api/v1/campaigns/2023-qiangjichu", headers=login()).get_json()
    assert old["in_progress"] is False


def test_between_campaigns_the_latest_is_served(runner, client, login):
    runner.invoke(args=["campaign", "load"])
    body = client.get("/api/v1/campaigns/active", headers=login()).get_json()
    assert body["code"] == "2023-qiangjichu" and body["in_progress"] is False


def test_no_campaign_is_a_404(client, login):
    response = client.get("/api/v1/campaigns/active", headers=login())
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "no_active_campaign"
    assert client.get("/api/v1/campaigns/nope", headers=login()).status_code == 404


def test_bad_campaign_files_are_refused_with_a_reason(runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["campaign", "load", str(broken)])
    assert result.exit_code != 0 and "cannot read JSON" in result.output
    overlapping = _next_year(
        tmp_path,
        phases=[
            {"code": "a", "name": "一", "starts_on": "2026-01-01", "ends_on": "2026-05-01"},
            {"code": "b", "name": "二", "starts_on": "2026-04-01", "ends_on": "2026-12-31"},
        ],
    )
    result = runner.invoke(args=["campaign", "load", str(overlapping)])
    assert result.exit_code != 0 and "overlaps" in result.output
    assert db.session.scalars(select(Campaign)).first() is None


def test_reloading_cannot_remove_codes(runner, tmp_path):
    path = _next_year(tmp_path)
    assert runner.invoke(args=["campaign", "load", str(path)]).exit_code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    data["areas"] = data["areas"][:5]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["campaign", "load", str(path)])
    assert result.exit_code != 0 and "cannot be removed" in result.output
    campaign = db.session.scalars(select(Campaign)).one()
    db.session.refresh(campaign)
    assert len(campaign.areas) == 6
