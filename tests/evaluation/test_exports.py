"""The evaluation ranking and the figures by unit as Excel: the rows read back match the API's
numbers, with Chinese headers, a frozen header and print setup."""

from __future__ import annotations

from tests.evaluation.scenario import YEAR, build
from tests.exports.conftest import sheet_of
from tests.hazards.conftest import unit_by_code


def _rows(sheet) -> list[list]:
    """The sheet's values, header first."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _number(text: str) -> float:
    """An API score as the sheet's number."""
    return float(text)


def test_the_ranking_export_matches_the_api(demo, client, people, export, download):
    build()
    admin = people["bureau_admin@above"]
    bureau = unit_by_code("YQ000").id
    job = export(
        admin, "evaluation_ranking", "xlsx", bureau, **{"from": "2026-01-01", "to": "2026-12-31"}
    ).get_json()
    status = client.get(f"/api/v1/exports/{job['id']}", headers=admin).get_json()
    assert status["status"] == "done" and status["rows"] == 5
    sheet = sheet_of(download(admin, job["id"]).data)
    rows = _rows(sheet)
    api = client.get(f"/api/v1/evaluation?unit_id={bureau}&year={YEAR}", headers=admin).get_json()
    names = [c["name"] for c in api["criteria"]]
    assert rows[0][:5] == ["排名(区)", "排名(中心校)", "学校", "中心校/集团校", "总分"]
    assert rows[0][5:-1] == [
        f"{n}({c['points'].split('.')[0]}分)" for n, c in zip(names, api["criteria"], strict=True)
    ]
    assert rows[0][-1] == "是否评分完成"
    expected = [
        [
            s["rank_in_district"],
            s["rank_in_group"],
            s["school"]["name"],
            s["group"]["name"] if s["group"] else None,
            _number(s["score"]),
            *(_number(s["scores"][c["code"]]) for c in api["criteria"]),
            "是" if s["complete"] else "否",
        ]
        for s in api["schools"]
    ]
    assert rows[1:] == expected
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert "年终考评排名" in sheet.oddHeader.center.text


def test_a_year_without_weights_is_refused_when_asked(demo, people, export):
    admin = people["bureau_admin@above"]
    response = export(
        admin,
        "evaluation_ranking",
        "xlsx",
        unit_by_code("YQ000").id,
        status=404,
        **{"from": "2030-01-01", "to": "2030-12-31"},
    )
    assert response.get_json()["error"]["code"] == "no_evaluation"


def test_the_figures_by_unit_export_matches_the_api(demo, client, people, export, download):
    build()
    admin = people["bureau_admin@above"]
    bureau = unit_by_code("YQ000").id
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    job = export(admin, "figures_by_unit", "xlsx", bureau, **period).get_json()
    rows = _rows(sheet_of(download(admin, job["id"]).data))
    assert rows[0] == [
        "单位",
        "发现隐患",
        "立行立改",
        "已整改",
        "已验收",
        "未整改",
        "逾期",
        "整改用时中位数(天)",
        "计划资金(元)",
        "巡查按时率(%)",
        "水域巡查率(%)",
        "校车检查合格率(%)",
        "家长确认率(%)",
    ]
    api = client.get(
        f"/api/v1/figures?unit_id={bureau}&from=2026-01-01&to=2026-12-31", headers=admin
    ).get_json()

    def percent(rate):
        """A rate as the sheet's percentage."""
        return None if rate is None else round(rate * 100, 2)

    def row(name, f):
        """The sheet's row of a unit's figures from the API."""
        return [
            name,
            f["found"],
            f["fixed_on_spot"],
            f["fixed"],
            f["verified"],
            f["open"],
            f["overdue"],
            f["median_days_to_fix"],
            float(f["funds_planned"]),
            percent(f["patrols"]["rate"]),
            percent(f["water"]["rate"]),
            percent(f["buses"]["rate"]),
            percent(f["notices"]["rate"]),
        ]

    expected = [row("埇桥区教育体育局(合计)", api["totals"])]
    expected += [row(child["unit"]["name"], child) for child in api["children"]]
    assert rows[1:] == expected
    # By hand:
    fuli = next(r for r in rows if r[0] == "符离中心校")
    assert fuli[9] == 50.0 and fuli[12] == 50.0  # 2 of 4 patrols on time; 1 of 2 children
    assert rows[1][11] == 50.0  # buses: 2 of 4 trips cleared in the district
