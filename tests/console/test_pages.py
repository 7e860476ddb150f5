"""The console's pages: the ledger and its filters within the user's scope, a hazard with its
photos and history, the overdue list oldest first, and the dashboard's counts (which agree with
the ledger and with a hand count)."""

from __future__ import annotations

import re

from sqlalchemy import update

from server.extensions import db
from server.models import ContentCheck, Hazard, HazardEvent
from server.models.content import REVIEW, TEXT
from server.services import console_ledger
from tests.console.conftest import days_ago, pass_media_checks
from tests.hazards.conftest import unit_by_code
from tests.hazards.test_old_photos import GPS_PHOTO
from tests.support.statements import counted

ROW_RE = re.compile(r'data-hazard-id="(\d+)"')


def ids(response) -> list[int]:
    """The hazard ids a list page shows, in order."""
    assert response.status_code == 200, response.status_code
    return [int(found) for found in ROW_RE.findall(response.get_data(as_text=True))]


def count(response) -> int:
    """The total the ledger states."""
    return int(re.search(r"data-count>(\d+)<", response.get_data(as_text=True)).group(1))


def test_the_ledger_shows_only_the_scope(demo, people, browser_as, hazard_at):
    own = hazard_at("school_admin@own")
    sibling = hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    bureau = browser_as(people["bureau_admin@above"])
    assert ids(bureau.get("/console/hazards")) == [sibling, own]
    school = browser_as(people["school_admin@own"])
    assert ids(school.get("/console/hazards")) == [own]
    page = school.get("/console/hazards").get_data(as_text=True)
    for column in ("学校", "描述", "领域", "状态", "发现时间", "期限", "责任人"):
        assert f"<th>{column}</th>" in page
    assert "符离中心小学" in page and "配电箱门损坏" in page


def test_the_ledger_filters(demo, people, browser_as, hazard_at):
    late = hazard_at(planned_until=days_ago(3))
    fresh = hazard_at(description="食堂操作间扶手松动", focus_problem="food.rules")
    other = hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    browser = browser_as(people["bureau_admin@above"])
    yq101 = unit_by_code("YQ101").id
    assert ids(browser.get(f"/console/hazards?school_id={yq101}")) == [fresh, late]
    assert ids(browser.get(f"/console/hazards?school_id={yq101}&overdue=true")) == [late]
    assert ids(browser.get("/console/hazards?status=planned")) == [late]
    assert ids(browser.get("/console/hazards?text=扶手")) == [fresh]
    assert ids(browser.get("/console/hazards?area=fire")) == [other, late]
    center = unit_by_code("YQ100").id
    assert ids(browser.get(f"/console/hazards?unit_id={center}")) == [other, fresh, late]
    elsewhere = unit_by_code("YQ200").id
    assert ids(browser.get(f"/console/hazards?unit_id={elsewhere}")) == []
    today = days_ago(0).isoformat()
    assert ids(browser.get(f"/console/hazards?reported_from={today}&reported_to={today}")) == [
        other,
        fresh,
        late,
    ]
    assert ids(browser.get(f"/console/hazards?reported_to={days_ago(1).isoformat()}")) == []
    # Filters that do not parse are named and left out, never a failure.
    bad = browser.get("/console/hazards?school_id=99999999999&status=nope&overdue=maybe")
    assert ids(bad) == [other, fresh, late]
    assert "以下筛选条件无效" in bad.get_data(as_text=True)


def test_a_search_does_not_reveal_a_held_text(demo, people, browser_as, hazard_at):
    hazard_id = hazard_at(description="配电箱门损坏,电线裸露 机密词")
    reporter = db.session.get(Hazard, hazard_id).reporter_id
    db.session.add(
        ContentCheck(
            kind=TEXT,
            subject="hazard",
            subject_id=hazard_id,
            field="description",
            writer_id=reporter,
            status=REVIEW,
        )
    )
    db.session.commit()
    others = browser_as(people["bureau_admin@above"])
    assert ids(others.get("/console/hazards?text=机密词")) == []
    assert ids(others.get("/console/hazards")) == [hazard_id]  # listed, its text masked
    writer = browser_as(people["school_admin@own"])
    assert ids(writer.get("/console/hazards?text=机密词")) == [hazard_id]


def test_a_unit_out_of_scope_is_not_found(demo, people, browser_as, hazard_at):
    hazard_at()
    browser = browser_as(people["school_admin@sibling"])
    assert browser.get(f"/console/hazards?unit_id={unit_by_code('YQ101').id}").status_code == 404


def test_the_ledger_pages(demo, people, browser_as, hazard_at, monkeypatch):
    made = [hazard_at() for _ in range(3)]
    monkeypatch.setattr(console_ledger, "PER_PAGE", 2)
    browser = browser_as(people["bureau_admin@above"])
    first = browser.get("/console/hazards?overdue=false")
    assert ids(first) == made[::-1][:2] and count(first) == 3
    assert "overdue=false&amp;page=2" in first.get_data(as_text=True)
    assert ids(browser.get("/console/hazards?overdue=false&page=2")) == made[:1]
    assert ids(browser.get("/console/hazards?page=99")) == made[:1]  # past the end: the last


def test_the_ledger_runs_a_bounded_number_of_statements(demo, people, browser_as, hazard_at):
    browser = browser_as(people["bureau_admin@above"])
    hazard_at()
    with counted() as few:
        browser.get("/console/hazards")
    for _ in range(4):
        hazard_at()
    with counted() as many:
        browser.get("/console/hazards")
    assert len(many) == len(few)


def test_a_hazard_page_shows_plan_photos_and_history(demo, people, browser_as, hazard_at):
    hazard_id = hazard_at(planned_until=days_ago(2))
    browser = browser_as(people["supervisor@above"])
    # Until WeChat's media check passes it, others see that the photo is under review.
    held = browser.get(f"/console/hazards/{hazard_id}").get_data(as_text=True)
    assert "审核中" in held and "data-photo>" not in held
    pass_media_checks()
    page = browser.get(f"/console/hazards/{hazard_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("配电箱门损坏", "刘副校长(安全负责人)", "1200.50 元", "专人看守", "已逾期"):
        assert text in html, text
    assert "上报了隐患" in html and "制定了整改方案" in html
    thumbs = re.findall(r'<img src="([^"]+)"[^>]*data-photo', html)
    links = re.findall(r'<a href="([^"]+)" target="_blank"', html)
    assert len(thumbs) == 1 and len(links) == 1 and thumbs[0] != links[0]
    for url in (thumbs[0], links[0]):
        path = url.split("://", 1)[-1].split("/", 1)[1]
        fetched = browser.get("/" + path.replace("&amp;", "&"))
        assert fetched.status_code == 200 and fetched.mimetype.startswith("image/")


def test_a_hazard_out_of_scope_is_a_not_found_page(demo, people, browser_as, hazard_at):
    hazard_id = hazard_at()
    browser = browser_as(people["school_admin@sibling"])
    page = browser.get(f"/console/hazards/{hazard_id}")
    assert page.status_code == 404 and "未找到" in page.get_data(as_text=True)
    assert browser.get("/console/hazards/2147483648").status_code == 404
    assert browser.get("/console/hazards/999999").status_code == 404


def test_overdue_lists_the_oldest_first_with_escalation(demo, people, browser_as, hazard_at):
    newer = hazard_at(planned_until=days_ago(1))
    older = hazard_at(planned_until=days_ago(9))
    hazard_at()  # not planned: not overdue
    db.session.execute(update(Hazard).where(Hazard.id == older).values(escalation_level=3))
    db.session.commit()
    browser = browser_as(people["bureau_admin@above"])
    page = browser.get("/console/overdue")
    assert ids(page) == [older, newer]
    html = page.get_data(as_text=True)
    assert "教育局" in html and ">9</td>" in html
    sibling = browser_as(people["school_admin@sibling"])
    assert ids(sibling.get("/console/overdue")) == []


def test_the_dashboard_agrees_with_the_ledger(demo, people, browser_as, hazard_at):
    hazard_at(planned_until=days_ago(2))
    hazard_at()
    hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    browser = browser_as(people["bureau_admin@above"])
    html = browser.get("/console/").get_data(as_text=True)
    assert re.search(r"data-total>3<", html) and re.search(r"data-overdue>1<", html)
    # The tiles open the ledger at the same hazards: found in the period, and overdue.
    for marker in ("data-total", "data-overdue"):
        link = re.search(
            rf'<a class="tile[^"]*" href="([^"]+)"><span class="big" {marker}>(\d+)<', html
        )
        ledger = browser.get(link.group(1).replace("&amp;", "&"))
        assert count(ledger) == int(link.group(2)), marker
    assert re.search(r'data-state="open">3<', html) and re.search(r'data-state="overdue">1<', html)
    assert "echarts.min.js" in html and 'data-chart="status"' in html
    school = browser_as(people["school_admin@sibling"])
    assert re.search(r"data-total>1<", school.get("/console/").get_data(as_text=True))


def test_the_vendored_chart_library_is_served(demo, client):
    response = client.get("/console/static/vendor/echarts/echarts.min.js")
    assert response.status_code == 200 and b"echarts" in response.data[:2000]


def test_each_escalation_in_the_history_names_whom_it_told(demo, people, browser_as, hazard_at):
    """Two escalations of one hazard read differently: days overdue and the level told."""
    hazard_id = hazard_at(planned_until=days_ago(9))
    for level, days in ((1, 2), (2, 9)):
        db.session.add(
            HazardEvent(
                hazard_id=hazard_id,
                kind="escalated",
                from_status="planned",
                to_status="planned",
                changes={"level": level, "days_overdue": days, "recipients": []},
            )
        )
    db.session.commit()
    html = browser_as(people["supervisor@above"]).get(f"/console/hazards/{hazard_id}")
    text = html.get_data(as_text=True)
    assert "逾期2天，已通知学校" in text and "逾期9天，已通知中心校/集团校" in text


def test_an_old_photo_is_tagged_in_the_ledger_and_on_the_hazard_page(
    demo, people, browser_as, hazard_at, upload
):
    # DSCN0010.jpg's camera time is in 2008: accepted, flagged as an old photo.
    old = upload(people["school_admin@own"], GPS_PHOTO.read_bytes(), name="DSCN0010.jpg")
    flagged = hazard_at(photo_ids=[old["id"]], description="旧照片上报的隐患")
    fresh = hazard_at(description="新照片上报的隐患")
    pass_media_checks()
    browser = browser_as(people["supervisor@above"])
    html = browser.get("/console/hazards").get_data(as_text=True)
    rows = dict(re.findall(r'data-hazard-id="(\d+)"(.*?)</tr>', html, re.S))
    assert "data-old-photo" in rows[str(flagged)] and "旧照片" in rows[str(flagged)]
    assert "data-old-photo" not in rows[str(fresh)] and "旧照片" not in rows[str(fresh)]
    page = browser.get(f"/console/hazards/{flagged}").get_data(as_text=True)
    assert '<span class="tag warn">旧照片</span>' in page
    assert "旧照片" not in browser.get(f"/console/hazards/{fresh}").get_data(as_text=True)
