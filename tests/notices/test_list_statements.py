"""The notice lists load what they show per page, not per row: the issued list, the notices
received from above, a parent's notices and inbox cost the same number of statements for one
round of notices as for four (the parent with two children, in two classes)."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.models import SchoolClass
from tests.hazards.conftest import unit_by_code
from tests.notices.test_class_pages import _send, school_classes  # noqa: F401  (a fixture)
from tests.notices.test_notices import write
from tests.support.families import bind
from tests.support.statements import counted

# name -> (who looks, the list's URL, the key of its entries)
LISTS = {
    "issued": ("school", "/api/v1/notices", "notices"),
    "received": ("school", "/api/v1/notices/received", "notices"),
    "mine": ("mother", "/api/v1/notices/mine", "notices"),
    "inbox": ("mother", "/api/v1/inbox", "messages"),
}


def _statements(client, headers, url, key) -> tuple[int, int]:
    """(entries listed, statements run) from a cold session, as a new request has."""
    db.session.remove()
    with counted() as seen:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return len(response.get_json()[key]), len(seen)


def _bureau_letter(client, bureau) -> None:
    """The bureau's letter to the whole district, sent."""
    notice = write(client, bureau, "YQ000", unit_ids=[unit_by_code("YQ000").id])
    assert notice.status_code == 201, notice.get_json()
    notice_id = notice.get_json()["id"]
    assert client.post(f"/api/v1/notices/{notice_id}/send", headers=bureau).status_code == 200


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_notice_list_costs_a_fixed_number_of_statements(name, school_classes, client, login):  # noqa: F811
    people, (first, second, _third) = school_classes
    bind(client, people["mother"], db.session.get(SchoolClass, second), "王小刚")
    bureau = login("demo-bureau_admin")
    persona, url, key = LISTS[name]

    def send_round():
        """One notice from the school to both classes and the bureau's letter."""
        _send(client, people["school"], class_ids=[first, second])
        _bureau_letter(client, bureau)

    send_round()
    shown_one, one = _statements(client, people[persona], url, key)
    for _ in range(3):
        send_round()
    shown_four, four = _statements(client, people[persona], url, key)
    assert shown_four > shown_one > 0
    assert four == one, f"{name}: {one} statements for {shown_one} entries, {four} for {shown_four}"
