"""The same report sent several times at once (a phone retrying on a bad connection) makes one
hazard; every answer is that hazard, never a 500."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from server.extensions import db
from server.models import Hazard, HazardPhoto
from tests.hazards.conftest import CAMPUS, unit_by_code
from tests.support.concurrency import answer, together

SENDS = 4


def _content(value):
    """A response without its presigned URLs."""
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items() if not k.endswith("url")}
    if isinstance(value, list):
        return [_content(v) for v in value]
    return value


def test_same_uuid_at_once_makes_one_hazard(demo, login, upload):
    staff = login("demo-teacher")
    body = {
        "client_uuid": str(uuid.uuid4()),
        "focus_problem": "fire.utilities",
        "description": "配电箱门损坏,电线裸露",
        "severity": "general",
        **CAMPUS,
        "accuracy": 12.5,
        "school_id": unit_by_code("YQ101").id,
        "photo_ids": [upload(staff)["id"]],
    }

    def send(client):
        return answer(client.post("/api/v1/hazards", json=body, headers=staff))

    results = together(demo, [send] * SENDS)
    assert sorted(status for status, _ in results) == [200] * (SENDS - 1) + [201], results
    assert len({reply["id"] for _, reply in results}) == 1
    # The same hazard, with the same content (presigned URLs differ by their signing second).
    assert all(_content(reply) == _content(results[0][1]) for _, reply in results)
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 1
    assert db.session.scalar(select(func.count()).select_from(HazardPhoto)) == 1


def test_same_uuid_at_once_with_other_content_is_a_conflict(demo, login, upload):
    staff = login("demo-teacher")
    photo = upload(staff)["id"]
    base = {
        "client_uuid": str(uuid.uuid4()),
        "focus_problem": "fire.utilities",
        "severity": "general",
        **CAMPUS,
        "accuracy": 12.5,
        "school_id": unit_by_code("YQ101").id,
        "photo_ids": [photo],
    }

    def send(description):
        def call(client):
            body = {**base, "description": description}
            return answer(client.post("/api/v1/hazards", json=body, headers=staff))

        return call

    results = together(demo, [send("配电箱门损坏"), send("楼梯扶手松动")])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409], results
    conflict = next(reply for status, reply in results if status == 409)
    assert conflict["error"]["code"] == "uuid_conflict"
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 1
