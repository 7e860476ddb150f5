"""Notices from above are visible, read-only, to the staff of each unit they reached, with their
own unit's completion; a sibling the notice did not reach sees nothing of it."""

from __future__ import annotations

from tests.hazards.conftest import grant_role, unit_by_code
from tests.notices.test_notices import families, write  # noqa: F401  (a fixture)


def _send(client, headers, unit_code, target_codes) -> dict:
    targets = [unit_by_code(code).id for code in target_codes]
    notice = write(client, headers, unit_code, unit_ids=targets).get_json()
    assert client.post(f"/api/v1/notices/{notice['id']}/send", headers=headers).status_code == 200
    return notice


def _received(client, headers) -> dict[int, dict]:
    response = client.get("/api/v1/notices/received", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {n["id"]: n for n in response.get_json()["notices"]}


def test_the_bureau_letter_reaches_centre_and_school_staff(families, client, login):  # noqa: F811
    bureau = login("demo-bureau_admin")
    letter = _send(client, bureau, "YQ000", ["YQ000"])
    li = families["p-li"]
    client.get(f"/api/v1/notices/{letter['id']}", headers=li)  # read: both children

    supervisor = login("demo-supervisor")
    seen = _received(client, supervisor)[letter["id"]]
    assert seen["own_unit"]["name"] == "符离中心校" and seen["unit"]["name"] == "埇桥区教育体育局"
    assert seen["totals"]["reached"] == 4 and seen["totals"]["read"] == 2
    assert seen["completion_unit_id"] == unit_by_code("YQ100").id
    own = client.get(
        f"/api/v1/notices/{letter['id']}/completion?unit_id={seen['completion_unit_id']}",
        headers=supervisor,
    )
    assert own.status_code == 200 and own.get_json()["totals"]["reached"] == 4

    school = login("demo-school_admin")
    at_school = _received(client, school)[letter["id"]]
    assert at_school["own_unit"]["id"] == unit_by_code("YQ101").id
    assert at_school["totals"]["reached"] == 4
    classes = client.get(
        f"/api/v1/notices/{letter['id']}/completion?unit_id={at_school['completion_unit_id']}",
        headers=school,
    ).get_json()["breakdown"]
    # Every class of the school, the one without bound parents as not reached.
    assert [(row["kind"], row["reached_any"]) for row in classes] == [
        ("class", True),
        ("class", True),
        ("class", False),
    ]

    # Staff without completion rights see the letter, not the counts.
    patrol = _received(client, login("demo-teacher"))[letter["id"]]
    assert patrol["totals"] is None and patrol["completion_unit_id"] is None
    # The issuer finds it among the issued notices, not here; parents have no units.
    assert _received(client, bureau) == {}
    assert _received(client, families["p-li"]) == {}


def test_a_sibling_the_notice_did_not_reach_sees_nothing(families, client, login):  # noqa: F811
    bureau = login("demo-bureau_admin")
    to_one = _send(client, bureau, "YQ000", ["YQ101"])
    centre = _send(client, login("demo-supervisor"), "YQ100", ["YQ100"])
    login("sibling-school-admin")
    grant_role("sibling-school-admin", "school_admin", "YQ201")
    login("sibling-supervisor")
    grant_role("sibling-supervisor", "supervisor", "YQ200")
    for openid in ("sibling-school-admin", "sibling-supervisor"):
        assert _received(client, login(openid)) == {}
    school = _received(client, login("demo-school_admin"))
    assert set(school) == {to_one["id"], centre["id"]}
    assert school[centre["id"]]["unit"]["name"] == "符离中心校"
    # The centre's own letter is issued there, not received.
    assert set(_received(client, login("demo-supervisor"))) == {to_one["id"]}
