"""The evaluation's console pages through a logged-in test client: the ranking with its unit
picker and Excel export, a school's page with its lost lines and scoring forms, and scope."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from server.extensions import db
from server.models import EvaluationScore
from tests.evaluation.scenario import YEAR, build
from tests.hazards.conftest import unit_by_code

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(html: str) -> str:
    """The form's CSRF token on a page."""
    return CSRF_RE.search(html).group(1)


def _cells(html: str, attribute: str) -> list[str]:
    """The text of every element marked with ``attribute`` alone (in order)."""
    return re.findall(rf"\s{attribute}>(?:<strong>)?([^<]*)", html)


def test_the_ranking_page(demo, people, browser_as, client):
    build()
    browser = browser_as(people["bureau_admin@above"])
    page = browser.get(f"/console/evaluation?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    api = client.get(
        f"/api/v1/evaluation?unit_id={unit_by_code('YQ000').id}&year={YEAR}",
        headers=people["bureau_admin@above"],
    ).get_json()
    assert _cells(html, "data-score") == [s["score"] for s in api["schools"]]
    assert _cells(html, "data-rank") == ["1", "2", "2", "2", "5"]
    assert [int(i) for i in re.findall(r'data-school-id="(\d+)"', html)] == [
        s["school"]["id"] for s in api["schools"]
    ]
    assert "待评分" in html and "完成" in html and "导出Excel" in html
    for name in ("埇桥区教育体育局", "符离中心校", "栏杆中心校"):
        assert f">{name}</option>" in html
    assert "年终考评" in html and 'class="on"' in html


def test_a_supervisor_picks_only_its_center_school(demo, people, browser_as):
    build()
    browser = browser_as(people["supervisor@above"])
    html = browser.get(f"/console/evaluation?year={YEAR}").get_data(as_text=True)
    assert re.findall(r"<option value=\"\d+\" selected>([^<]+)</option>", html)[0] == "符离中心校"
    assert len(re.findall(r"data-school-id=", html)) == 2
    sibling = unit_by_code("YQ200").id
    assert browser.get(f"/console/evaluation?unit_id={sibling}").status_code == 404


def test_the_export_button_downloads_the_ranking(demo, people, browser_as):
    build()
    browser = browser_as(people["bureau_admin@above"])
    html = browser.get(f"/console/evaluation?year={YEAR}").get_data(as_text=True)
    form = {"csrf_token": _csrf(html), "unit_id": unit_by_code("YQ000").id, "year": YEAR}
    response = browser.post("/console/evaluation/export", data=form)
    assert response.status_code == 302
    assert re.fullmatch(r"/console/exports/\d+/file", response.location)
    file = browser.get(response.location)
    assert file.status_code == 200
    assert "attachment" in file.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(file.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [f"{row[4]:.2f}" for row in rows] == _cells(html, "data-score")
    assert [row[2] for row in rows] == re.findall(r"data-school>([^<]+)</a>", html)
    # Without the CSRF token: refused. Another person's file: not found.
    assert (
        browser.post("/console/evaluation/export", data={**form, "csrf_token": "x"}).status_code
        == 400
    )
    other = browser_as(people["inspector@above"])
    assert other.get(response.location).status_code == 404


def test_the_school_page_and_scoring(demo, people, browser_as):
    known = build()
    school = unit_by_code("YQ102").id
    browser = browser_as(people["inspector@above"])
    url = f"/console/evaluation/schools/{school}?year={YEAR}"
    html = browser.get(url).get_data(as_text=True)
    for code in ("records", "drills", "education"):
        assert f'id="item-{code}"' in html and f'data-score-form="{code}"' in html
    form = {"csrf_token": _csrf(html), "year": YEAR, "score": "4.5", "note": "演练一次"}
    saved = browser.post(f"/console/evaluation/schools/{school}/items/drills", data=form)
    assert saved.status_code == 302 and saved.location.endswith("#item-drills")
    row = db.session.scalars(
        select(EvaluationScore).where(EvaluationScore.school_id == school)
    ).one()
    assert (str(row.score), row.note, row.school_id) == ("4.50", "演练一次", school)
    page = browser.get(url).get_data(as_text=True)
    assert "已保存评分" in page and "4.50 / 6.00" in page
    refused = browser.post(
        f"/console/evaluation/schools/{school}/items/drills", data={**form, "score": "9.3"}
    )
    assert refused.status_code == 302
    assert "评分无效" in browser.get(url).get_data(as_text=True)
    db.session.expire_all()
    assert (
        str(
            db.session.scalars(select(EvaluationScore).where(EvaluationScore.school_id == school))
            .one()
            .score
        )
        == "4.50"
    )
    unknown = browser.post(f"/console/evaluation/schools/{school}/items/nothing", data=form)
    assert unknown.status_code == 404
    # The school with lost lines links each to its evidence.
    fuli = unit_by_code("YQ101").id
    html = browser.get(f"/console/evaluation/schools/{fuli}?year={YEAR}").get_data(as_text=True)
    assert f'href="/console/hazards/{known["late"]}"' in html
    assert f'href="/console/visits/{known["visit"]}"' in html
    assert "超期3天完成整改" in html


def test_who_sees_the_pages(demo, people, browser_as):
    build()
    fuli = unit_by_code("YQ101").id
    url = f"/console/evaluation/schools/{fuli}?year={YEAR}"
    admin = browser_as(people["school_admin@own"])
    html = admin.get(url).get_data(as_text=True)
    assert "71.50" in html and "data-score-form" not in html
    form = {"csrf_token": _csrf(html), "year": YEAR, "score": "1"}
    assert (
        admin.post(f"/console/evaluation/schools/{fuli}/items/drills", data=form).status_code == 403
    )
    assert browser_as(people["supervisor@sibling"]).get(url).status_code == 404
    assert browser_as(people["teacher@own"]).get("/console/evaluation").status_code == 403
