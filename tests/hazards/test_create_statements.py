"""Filing a report runs a bounded number of SQL statements: what it needs is loaded in one go,
the rows are written in batches, and nothing is loaded again after the commit."""

from __future__ import annotations

import uuid

from server.extensions import db
from server.services import content
from tests.hazards.conftest import CAMPUS, unit_by_code
from tests.support.statements import counted

# The session look-up, the school, the reporter's grants, the UUID, the focus problem with its
# area, the photos; the hazard, its photo link, the holds, the event; who is told, their push
# grants, the inbox message and the delivery (27 before: two more looking up the holds and a
# dozen reloading after the commit what the answer shows).
MAX_STATEMENTS = 14


def test_a_report_is_a_bounded_number_of_statements(people, client, upload, monkeypatch):
    # The media check is the worker's job, not the request's: here jobs would run in-process.
    started = []
    monkeypatch.setattr(content, "start_media_checks", started.extend)
    teacher = people["teacher@own"]
    photo = upload(teacher)["id"]
    body = {
        "client_uuid": str(uuid.uuid4()),
        "focus_problem": "fire.utilities",
        "description": "配电箱门损坏,电线裸露",
        "place": "教学楼一楼配电间",
        "severity": "general",
        "lat": CAMPUS["lat"],
        "lng": CAMPUS["lng"],
        "accuracy": 12.5,
        "coord_system": "gcj02",
        "school_id": unit_by_code("YQ101").id,
        "photo_ids": [photo],
    }
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.post("/api/v1/hazards", json=body, headers=teacher)
    assert response.status_code == 201, response.get_json()
    assert len(started) == 1  # the photo's media check, handed to the worker
    assert len(seen) <= MAX_STATEMENTS, f"{len(seen)} statements"
