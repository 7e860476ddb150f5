"""A page of hazards loads what it shows in a bounded number of statements, however many hazards
the page holds (no query per row)."""

from __future__ import annotations

from server.extensions import db
from tests.support.statements import counted


def _statements_for_page(client, headers, limit):
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.get(f"/api/v1/hazards?limit={limit}", headers=headers)
    assert response.status_code == 200
    return len(response.get_json()["hazards"]), len(seen)


def test_a_page_of_hazards_is_a_bounded_number_of_statements(people, client, report):
    teacher = people["teacher@own"]
    for _ in range(3):
        report(teacher)
    shown_few, few = _statements_for_page(client, teacher, 3)
    for _ in range(9):
        report(teacher)
    shown_many, many = _statements_for_page(client, teacher, 12)
    assert (shown_few, shown_many) == (3, 12)
    assert many == few, f"{few} statements for 3 hazards but {many} for 12"
    assert many <= 12
