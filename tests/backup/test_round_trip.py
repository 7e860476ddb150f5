"""A backup restored into a fresh database and a fresh store serves the same hazards, photos,
notices and users: SQLite with the local store, PostgreSQL with the S3 server."""

from __future__ import annotations

import json

from tests.backup.conftest import backups, download, issued, photo_links
from tests.support.links import without_links


def test_restored_service_serves_the_same_hazards_and_photos(
    app, client, built, fresh, backup_root
):
    originals = {link: download(client, link) for link in photo_links(built.hazard)}
    attachment = download(client, built.notice["attachment_url"])
    made = app.test_cli_runner().invoke(args=["backup", "create", str(backup_root)])
    assert made.exit_code == 0, made.output
    (folder,) = backups(backup_root)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    # Two photos and one attachment, each a display copy and a thumbnail.
    assert manifest["objects"]["count"] == 6
    assert manifest["alembic_revision"] and manifest["database"]["kind"] in made.output

    with fresh.app_context():  # the CLI acts on the app of the current context
        restored = fresh.test_cli_runner().invoke(args=["backup", "restore", str(folder), "--yes"])
    assert restored.exit_code == 0, restored.output

    served = fresh.test_client()
    hazard = served.get(f"/api/v1/hazards/{built.hazard['id']}", headers=built.teacher)
    assert hazard.status_code == 200, hazard.get_json()  # the user and their session came back
    assert without_links(hazard.get_json()) == without_links(built.hazard)
    for before, link in zip(originals, photo_links(hazard.get_json()), strict=True):
        if fresh.config["STORAGE_BACKEND"] == "s3":  # served by the new bucket...
            assert f"/{fresh.config['MINIO_BUCKET']}/" in link
        assert download(served, link) == originals[before]  # ...with the same bytes
    notice = issued(served, built.school, built.notice["id"])
    assert without_links(notice) == without_links(built.notice)
    assert download(served, notice["attachment_url"]) == attachment
    me = served.get("/api/v1/me", headers=built.teacher)
    assert me.status_code == 200
    assert me.get_json() == client.get("/api/v1/me", headers=built.teacher).get_json()
