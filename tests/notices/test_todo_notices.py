"""The to-do list's notices (GET /todo): a parent's notices with a child no guardian has
acknowledged yet; a child counts once, whichever guardian acknowledges."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.services import todo
from tests.hazards.conftest import unit_by_code
from tests.notices.test_notices import write
from tests.support.families import bind
from tests.support.statements import counted


@pytest.fixture
def family(demo, client, login):
    """张小明's mother (the demo parent) and father; the mother also has 王小华 in the class."""
    first = unit_by_code("YQ101").classes[0]
    people = {
        "mother": login("demo-parent"),
        "father": login("p-father"),
        "school": login("demo-school_admin"),
    }
    bind(client, people["father"], first, "张小明", "father")
    bind(client, people["mother"], first, "王小华")
    return people, first.id  # an id: the statement counts start from a cold session


def _send(client, people, class_id, title="暑期防溺水致家长的一封信") -> int:
    """Write and send a notice to the class; returns its id."""
    notice = write(client, people["school"], "YQ101", class_ids=[class_id], title=title)
    assert notice.status_code == 201, notice.get_json()
    notice_id = notice.get_json()["id"]
    sent = client.post(f"/api/v1/notices/{notice_id}/send", headers=people["school"])
    assert sent.status_code == 200, sent.get_json()
    return notice_id


def _notices(client, headers) -> dict:
    response = client.get("/api/v1/todo", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == body["notices"]["count"]  # parents have no hazards to do
    return body["notices"]


def _children(client, headers, notice_id) -> dict[str, int]:
    """The caller's children on the notice: name -> id."""
    shown = client.get(f"/api/v1/notices/{notice_id}", headers=headers).get_json()
    return {c["child_name"]: c["child_id"] for c in shown["children"]}


def _ack(client, headers, notice_id, child_id) -> None:
    response = client.post(
        f"/api/v1/notices/{notice_id}/acknowledge", json={"child_id": child_id}, headers=headers
    )
    assert response.status_code == 200, response.get_json()


def test_notices_waiting_for_a_childs_acknowledgment(family, client):
    people, first = family
    older = _send(client, people, first)
    newer = _send(client, people, first, title="防欺凌告家长书")
    # A draft reaches nobody.
    write(client, people["school"], "YQ101", class_ids=[first])
    mine = _notices(client, people["mother"])
    assert mine["count"] == 2 and [n["id"] for n in mine["items"]] == [newer, older]
    item = mine["items"][0]
    assert item["title"] == "防欺凌告家长书" and item["sent_at"]
    assert item["unit"] == {"id": unit_by_code("YQ101").id, "name": unit_by_code("YQ101").name}
    assert [n["children_pending"] for n in mine["items"]] == [2, 2]
    assert [n["children_pending"] for n in _notices(client, people["father"])["items"]] == [1, 1]
    # The father acknowledges for 张小明: the child counts once, for both guardians.
    children = _children(client, people["father"], older)
    _ack(client, people["father"], older, children["张小明"])
    assert _notices(client, people["father"])["count"] == 1
    mine = _notices(client, people["mother"])
    assert [(n["id"], n["children_pending"]) for n in mine["items"]] == [(newer, 2), (older, 1)]
    # The mother acknowledges for 王小华 too: nothing of that notice is left to do.
    _ack(client, people["mother"], older, _children(client, people["mother"], older)["王小华"])
    mine = _notices(client, people["mother"])
    assert (mine["count"], [n["id"] for n in mine["items"]]) == (1, [newer])
    # Staff and strangers have no notices to acknowledge.
    assert _notices(client, people["school"])["count"] == 0


def test_a_held_notice_is_not_waiting_until_it_is_sent(family, client, fake_wechat):
    people, first = family
    fake_wechat.set_words({"代开发票": "review"})
    notice = write(
        client, people["school"], "YQ101", class_ids=[first], body="家长请注意代开发票诈骗"
    )
    held = client.post(f"/api/v1/notices/{notice.get_json()['id']}/send", headers=people["school"])
    assert held.status_code == 409
    assert _notices(client, people["mother"]) == {"count": 0, "items": []}


def test_count_beyond_the_items_shown(family, client, monkeypatch):
    people, first = family
    ids = [_send(client, people, first) for _ in range(3)]
    monkeypatch.setattr(todo, "NOTICE_ITEMS", 2)
    mine = _notices(client, people["mother"])
    assert mine["count"] == 3 and [n["id"] for n in mine["items"]] == ids[::-1][:2]


def _statements(client, headers) -> tuple[dict, int]:
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        found = _notices(client, headers)
    return found, len(seen)


def test_notices_cost_a_fixed_number_of_statements(family, client):
    people, first = family
    _send(client, people, first)
    one, cost_one = _statements(client, people["mother"])
    for _ in range(3):
        _send(client, people, first)
    four, cost_four = _statements(client, people["mother"])
    assert (one["count"], four["count"]) == (1, 4)
    assert cost_four == cost_one, f"{cost_one} statements for one notice but {cost_four} for four"
