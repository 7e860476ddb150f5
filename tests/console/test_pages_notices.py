"""The notices pages: the notices reaching a unit with the acknowledgment rate of the unit and
of each child unit (a child once per notice), one notice's completion by school or class equal
to the completion API, drilling down to a school; scope and bad queries as pages."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.extensions import db
from server.models import NoticeRecipient
from server.services import notice_completion
from tests.console.supervision import build, user
from tests.console.test_pages_dashboard import pct, shown
from tests.hazards.conftest import unit_by_code


def test_the_list_gives_each_notice_its_rate(demo, people, browser_as):
    made = build()
    notice_id = made["notice"].id
    browser = browser_as(people["bureau_admin@above"])
    html = browser.get("/console/notices").get_data(as_text=True)
    row = html.split(f'data-notice-id="{notice_id}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"data-reached>4<", row) and re.search(r"data-acknowledged>2<", row)
    assert "50.0%" in row
    center = unit_by_code("YQ100").id
    # Each child unit's rate links to the notice's completion there.
    assert f"/console/notices/{notice_id}?unit_id={center}" in row
    school = browser.get(f"/console/notices?unit_id={made['school'].id}").get_data(as_text=True)
    row = school.split(f'data-notice-id="{notice_id}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"data-reached>3<", row) and "66.7%" in row


def test_reaching_counts_children_once(demo, people):
    made = build()
    # A second guardian's row of an acknowledged child does not count the child twice.
    first = db.session.scalars(
        select(NoticeRecipient)
        .where(NoticeRecipient.notice_id == made["notice"].id)
        .order_by(NoticeRecipient.id)
    ).first()
    assert first.acknowledged_at is not None
    db.session.add(
        NoticeRecipient(
            notice_id=first.notice_id,
            parent_id=user("demo-teacher").id,
            child_id=first.child_id,
            class_id=first.class_id,
            unit_path=first.unit_path,
            acknowledged_at=first.acknowledged_at,
        )
    )
    db.session.commit()
    found = notice_completion.reaching(user("demo-bureau_admin"), None)
    (row,) = [r for r in found["notices"] if r["notice"].id == made["notice"].id]
    assert row["totals"]["reached"] == 4 and row["totals"]["acknowledged"] == 2
    assert sum(c["reached"] for c in row["children"]) == 4


def test_a_notice_page_equals_the_completion_api(demo, people, client, browser_as):
    made = build()
    notice_id = made["notice"].id
    headers = people["bureau_admin@above"]
    browser = browser_as(headers)
    for code in ("YQ000", "YQ100", "YQ101"):
        unit_id = unit_by_code(code).id
        api = client.get(
            f"/api/v1/notices/{notice_id}/completion?unit_id={unit_id}", headers=headers
        ).get_json()
        html = browser.get(f"/console/notices/{notice_id}?unit_id={unit_id}").get_data(as_text=True)
        assert shown(html, "data-reached") == str(api["totals"]["reached"])
        assert shown(html, "data-acknowledged") == str(api["totals"]["acknowledged"])
        assert shown(html, "data-ack-rate") == pct(api["totals"]["ack_rate"])
        assert [int(i) for i in re.findall(r'data-row-id="(\d+)"', html)] == [
            row["id"] for row in api["breakdown"]
        ]
    center = browser.get(f"/console/notices/{notice_id}?unit_id={unit_by_code('YQ100').id}")
    school = made["school"].id
    assert f'href="/console/notices/{notice_id}?unit_id={school}" data-drill' in center.get_data(
        as_text=True
    )


def test_notice_scope_and_bad_queries(demo, people, browser_as):
    made = build()
    notice_id = made["notice"].id
    school = made["school"].id
    sibling = browser_as(people["school_admin@sibling"])
    assert sibling.get(f"/console/notices/{notice_id}?unit_id={school}").status_code == 404
    assert sibling.get(f"/console/notices?unit_id={school}").status_code == 404
    assert sibling.get("/console/notices/999999").status_code == 404
    teacher = browser_as(people["teacher@own"])
    assert teacher.get("/console/notices").status_code == 403
    assert teacher.get(f"/console/notices/{notice_id}?unit_id={school}").status_code == 403
    bureau = browser_as(people["bureau_admin@above"])
    assert bureau.get("/console/notices?unit_id=x").status_code == 422
    assert bureau.get(f"/console/notices/{notice_id}?unit_id=99999999999").status_code == 422
    assert bureau.get("/console/notices/2147483648").status_code == 404
