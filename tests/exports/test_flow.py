"""Asking for exports, following and downloading them, and the export log: who may, and the
answers for everyone else (404 out of scope, 403 without the capability, 4xx for junk)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.models import ExportJob, User
from server.models.exports import QUEUED
from tests.exports.conftest import csv_rows
from tests.hazards.conftest import unit_by_code
from tests.support.statements import counted

BIG = 2**31


def test_a_school_admin_exports_only_their_school(people, export, report):
    report(people["teacher@own"])
    own, sibling = unit_by_code("YQ101"), unit_by_code("YQ102")
    export(people["school_admin@own"], "hazard_ledger", "xlsx", own.id)
    for unit in (sibling, own.parent):
        body = export(people["school_admin@own"], "hazard_ledger", "xlsx", unit.id, status=404)
        assert body.get_json()["error"]["code"] == "not_found"
    export(people["school_admin@sibling"], "hazard_ledger", "xlsx", own.id, status=404)
    export(people["parent"], "hazard_ledger", "xlsx", own.id, status=404)
    # In scope without export.create: a teacher, an inspector.
    export(people["teacher@own"], "hazard_ledger", "xlsx", own.id, status=403)
    export(people["inspector@above"], "hazard_ledger", "xlsx", own.id, status=403)
    assert db.session.scalar(select(db.func.count(ExportJob.id))) == 1


def test_only_the_owner_downloads(client, people, export, download):
    own = unit_by_code("YQ101")
    job = export(people["school_admin@own"], "hazard_ledger", "csv", own.id).get_json()
    download(people["school_admin@own"], job["id"])
    for persona in ("supervisor@above", "school_admin@sibling", "bureau_admin@above", "parent"):
        response = client.get(f"/api/v1/exports/{job['id']}/file", headers=people[persona])
        assert response.status_code == 404, persona
    # Reading the job: the owner, and export.log holders above it; nobody else.
    for persona, status in (
        ("school_admin@own", 200),
        ("bureau_admin@above", 200),
        ("bureau_staff@above", 200),
        ("supervisor@above", 404),
        ("school_admin@sibling", 404),
    ):
        response = client.get(f"/api/v1/exports/{job['id']}", headers=people[persona])
        assert response.status_code == status, persona


def test_not_ready_and_expired_files(client, people, export):
    own = unit_by_code("YQ101")
    user = db.session.scalars(select(User).where(User.openid == "demo-school_admin")).one()
    waiting = ExportJob(
        user_id=user.id,
        unit_id=own.id,
        kind="hazard_ledger",
        format="xlsx",
        params={},
        status=QUEUED,
        progress=0,
    )
    db.session.add(waiting)
    db.session.commit()
    response = client.get(f"/api/v1/exports/{waiting.id}/file", headers=people["school_admin@own"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_ready"
    job = export(people["school_admin@own"], "hazard_ledger", "csv", own.id).get_json()
    row = db.session.get(ExportJob, job["id"])
    row.file_deleted_at = row.finished_at
    db.session.commit()
    response = client.get(f"/api/v1/exports/{job['id']}/file", headers=people["school_admin@own"])
    assert response.status_code == 410
    # A file lost from the store (not by the sweep) is gone too, not a server error.
    lost = export(people["school_admin@own"], "hazard_ledger", "csv", own.id).get_json()
    current_app.extensions["store"].delete(db.session.get(ExportJob, lost["id"]).storage_key)
    response = client.get(f"/api/v1/exports/{lost['id']}/file", headers=people["school_admin@own"])
    assert response.status_code == 410


def test_the_log_shows_who_exported_what(client, people, export, report):
    report(people["teacher@own"])
    own = unit_by_code("YQ101")
    first = export(people["school_admin@own"], "hazard_ledger", "xlsx", own.id).get_json()
    second = export(people["supervisor@above"], "hazards_geo", "geojson", own.parent.id).get_json()
    third = export(
        people["school_admin@sibling"], "hazard_ledger", "csv", unit_by_code("YQ102").id
    ).get_json()
    headers = people["bureau_admin@above"]
    district = own.parent.parent
    with counted() as statements:
        response = client.get(f"/api/v1/exports?unit_id={district.id}&limit=2", headers=headers)
    assert len(statements) <= 8, statements
    page = response.get_json()
    assert response.status_code == 200 and len(page["exports"]) == 2
    rest = client.get(
        f"/api/v1/exports?unit_id={district.id}&before_id={page['next_before_id']}",
        headers=headers,
    ).get_json()
    entries = page["exports"] + rest["exports"]
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    logged = {e["id"]: e for e in entries}
    assert logged[first["id"]]["user"]["id"] == first["user"]["id"]
    assert logged[first["id"]]["kind"] == "hazard_ledger"
    assert logged[first["id"]]["rows"] == db.session.get(ExportJob, first["id"]).rows >= 1
    assert logged[first["id"]]["contains_personal_data"] is True
    assert logged[second["id"]]["unit"]["id"] == own.parent.id
    assert set(logged) == {first["id"], second["id"], third["id"]}
    # A school's log: its own exports, not those of the center school above or a sibling.
    school = client.get(f"/api/v1/exports?unit_id={own.id}", headers=headers).get_json()
    assert [e["id"] for e in school["exports"]] == [first["id"]]
    # export.log is the bureau's: a supervisor in scope is refused, a school admin too.
    for persona, status in (("supervisor@above", 403), ("school_admin@own", 403), ("parent", 404)):
        response = client.get(f"/api/v1/exports?unit_id={own.id}", headers=people[persona])
        assert response.status_code == status, persona


def test_hostile_input_is_refused(client, people, export):
    own = unit_by_code("YQ101")
    admin = people["school_admin@own"]
    for body in (
        {"kind": "hazard_ledger", "format": "geojson", "unit_id": own.id},
        {"kind": "patrol_records", "format": "csv", "unit_id": own.id},
        {
            "kind": "hazard_ledger",
            "format": "xlsx",
            "unit_id": own.id,
            "from": "2026-02-01",
            "to": "2026-01-01",
        },
        {
            "kind": "hazard_ledger",
            "format": "xlsx",
            "unit_id": own.id,
            "from": "2020-01-01",
            "to": "2026-01-01",
        },
        {"kind": "hazard_ledger", "format": "xlsx", "unit_id": BIG},
        {"kind": "hazard_ledger\u0000", "format": "xlsx", "unit_id": own.id},
        {"kind": "figures", "format": "xlsx", "unit_id": own.id},
        {"kind": "hazard_ledger", "format": "xlsx", "unit_id": own.id, "from": "10000-01-01"},
        {"kind": "hazard_ledger", "format": "xlsx"},
    ):
        response = client.post("/api/v1/exports", json=body, headers=admin)
        assert 400 <= response.status_code < 500, (body, response.status_code)
    for path in (
        f"/api/v1/exports/{BIG}",
        f"/api/v1/exports/{BIG}/file",
        f"/api/v1/exports?unit_id={BIG}",
        "/api/v1/exports?unit_id=abc",
        f"/api/v1/exports?unit_id={own.id}&before_id=-1",
    ):
        response = client.get(path, headers=admin)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    assert db.session.scalar(select(db.func.count(ExportJob.id))) == 0


def test_the_file_is_named_in_chinese(people, export, download):
    own = unit_by_code("YQ101")
    job = export(
        people["school_admin@own"],
        "hazard_ledger",
        "csv",
        own.id,
        **{"from": "2026-11-01", "to": "2026-11-30"},
    ).get_json()
    response = download(people["school_admin@own"], job["id"])
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="export-{job["id"]}.csv"; filename*=')
    from urllib.parse import unquote

    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name == "符离中心小学_隐患台账_2026-11-01至2026-11-30.csv"
    assert csv_rows(response.data)[0][0] == "编号"
