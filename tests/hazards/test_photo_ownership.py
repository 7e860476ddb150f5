"""Photos have owners: a notice refers to its image by a foreign key, and the orphan sweep
deletes only photos that no column (now or added later) refers to. The migration carries old
notices' copied storage keys over to the photos they came from."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from server import create_app
from server.extensions import db
from server.models import Photo, utcnow
from server.services.photos import photo_references, sweep_orphans
from tests.conftest import TEST_SECRET_KEY
from tests.hazards.conftest import make_jpeg, unit_by_code
from tests.support.databases import database_url_for


def _age_photos(days: int = 2) -> None:
    """Pretend every photo was uploaded ``days`` ago."""
    db.session.execute(sa.update(Photo).values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def _write_notice(client, headers, photo_id: int | None):
    """A draft notice of 符离中心小学, with an attachment when given."""
    body = {
        "unit_id": unit_by_code("YQ101").id,
        "title": "暑期防溺水致家长的一封信",
        "body": "各位家长:暑假将至……",
        "unit_ids": [unit_by_code("YQ101").id],
        "attachment_photo_id": photo_id,
    }
    response = client.post("/api/v1/notices", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _objects(app) -> set[str]:
    return {info.key for info in app.extensions["store"].list("photos/")}


def test_a_notice_attachment_survives_the_sweep(demo, client, login, upload):
    school = login("demo-school_admin")
    attached = upload(school, make_jpeg(21))
    loose = upload(school, make_jpeg(22))
    notice = _write_notice(client, school, attached["id"])
    _age_photos()

    assert sweep_orphans() == 1
    assert db.session.get(Photo, loose["id"]) is None
    assert db.session.get(Photo, attached["id"]) is not None
    assert _objects(demo) == {
        f"photos/{db.session.get(Photo, attached['id']).sha256}/{name}.jpg"
        for name in ("display", "thumb")
    }
    # The notice still shows its image, from the photo row.
    listed = client.get("/api/v1/notices", headers=school).get_json()["notices"]
    url = urlparse(next(n for n in listed if n["id"] == notice["id"])["attachment_url"])
    assert client.get(f"{url.path}?{url.query}").status_code == 200

    # Deleting the draft leaves the photo unreferenced: the next sweep takes it.
    assert client.delete(f"/api/v1/notices/{notice['id']}", headers=school).status_code == 204
    assert sweep_orphans() == 1
    assert _objects(demo) == set()


def test_shared_content_keeps_its_objects(demo, client, login, upload):
    # Two uploaders of the same picture share its objects: sweeping one row keeps them.
    same = make_jpeg(23)
    school, teacher = login("demo-school_admin"), login("demo-teacher")
    kept = upload(school, same)
    upload(teacher, same)
    _write_notice(client, school, kept["id"])
    _age_photos()
    assert sweep_orphans() == 1
    assert len(_objects(demo)) == 2


def test_an_attachment_must_be_the_writers_own_upload(demo, client, login, upload):
    school = login("demo-school_admin")
    others = upload(login("demo-teacher"))
    body = {
        "unit_id": unit_by_code("YQ101").id,
        "title": "通知",
        "body": "正文",
        "unit_ids": [unit_by_code("YQ101").id],
    }
    for photo_id in (others["id"], 999_999):
        response = client.post(
            "/api/v1/notices", json={**body, "attachment_photo_id": photo_id}, headers=school
        )
        assert response.status_code == 422
        assert "attachment_photo_id" in response.get_json()["error"]["details"]
    assert _write_notice(client, school, None)["attachment_url"] is None


def test_references_are_read_from_the_metadata(app):
    names = {f"{c.table.name}.{c.name}" for c in photo_references()}
    assert {"hazard_photos.photo_id", "notices.attachment_photo_id"} <= names


def test_a_table_added_later_protects_its_photos(demo, login, upload):
    # A table the sweep was never told about: its foreign key alone keeps its photo.
    staff = login("demo-teacher")
    kept, loose = upload(staff, make_jpeg(24)), upload(staff, make_jpeg(25))
    patrol_photos = sa.Table(
        "test_patrol_photos",
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("photo_id", sa.ForeignKey("photos.id")),
    )
    db.session.commit()
    try:
        patrol_photos.create(db.session.connection())
        db.session.execute(patrol_photos.insert().values(photo_id=kept["id"]))
        _age_photos()
        assert "test_patrol_photos.photo_id" in {
            f"{c.table.name}.{c.name}" for c in photo_references()
        }
        assert sweep_orphans() == 1
        assert db.session.get(Photo, kept["id"]) is not None
        assert db.session.get(Photo, loose["id"]) is None
    finally:
        db.session.rollback()
        patrol_photos.drop(db.session.connection(), checkfirst=True)
        db.session.commit()
        db.metadata.remove(patrol_photos)


@pytest.fixture(params=["sqlite", "postgresql"])
def bare_database(request, tmp_path):
    """An empty database of each kind, for migrating by hand."""
    yield from database_url_for(request.param, tmp_path)


def test_migration_points_old_attachments_at_their_photos(bare_database, tmp_path):
    settings = {
        "APP_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": bare_database,
        "STORAGE_BACKEND": "local",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WECHAT_APPID": "wx-test",
        "WECHAT_SECRET": "secret",
        "WECHAT_API_BASE_URL": "http://x/",
        "REDIS_URL": None,
    }
    app = create_app(settings)
    with app.app_context():
        upgrade(revision="0003_notices")
        now = utcnow()
        rows = {
            "units": [
                {
                    "id": 1,
                    "code": "S1",
                    "name": "学校",
                    "kind": "school",
                    "ownership": "public",
                    "path": "/1/",
                }
            ],
            "users": [
                {"id": 1, "openid": "author", "is_active": True},
                {"id": 2, "openid": "other"},
            ],
            "photos": [
                _photo(10, 2, "a" * 64),  # another uploader's copy of the same picture
                _photo(11, 1, "a" * 64),  # the author's own: the one to pick
                _photo(12, 1, "b" * 64),
            ],
            "notices": [
                _notice(1, "photos/" + "a" * 64 + "/display.jpg"),
                _notice(2, None),
                _notice(3, "photos/" + "c" * 64 + "/display.jpg"),  # its photo was swept
            ],
        }
        with db.engine.begin() as conn:
            meta = sa.MetaData()
            meta.reflect(conn, only=list(rows))
            for name, values in rows.items():
                defaults = {"created_at": now, "is_active": True}
                table = meta.tables[name]
                conn.execute(
                    table.insert(),
                    [{**{k: v for k, v in defaults.items() if k in table.c}, **v} for v in values],
                )
        upgrade(revision="0005_owners")
        with db.engine.connect() as conn:
            found = conn.execute(sa.text("SELECT id, attachment_photo_id FROM notices ORDER BY id"))
            assert found.all() == [(1, 11), (2, None), (3, None)]
        downgrade(revision="0003_notices")
        with db.engine.connect() as conn:
            found = conn.execute(
                sa.text("SELECT id, attachment_key, attachment_name FROM notices ORDER BY id")
            )
            assert found.all() == [
                (1, "photos/" + "a" * 64 + "/display.jpg", "附件.jpg"),
                (2, None, None),
                (3, None, None),
            ]
        db.session.remove()
        db.engine.dispose()


def _photo(photo_id: int, uploader_id: int, sha256: str) -> dict:
    """A photo row as 0002 defined it."""
    return {
        "id": photo_id,
        "uploader_id": uploader_id,
        "sha256": sha256,
        "original_format": "JPEG",
        "original_size": 1,
        "width": 1,
        "height": 1,
        "display_key": f"photos/{sha256}/display.jpg",
        "thumb_key": f"photos/{sha256}/thumb.jpg",
    }


def _notice(notice_id: int, key: str | None) -> dict:
    """A notice row as 0003 defined it, with a copied storage key."""
    return {
        "id": notice_id,
        "author_id": 1,
        "unit_id": 1,
        "title": "通知",
        "body": "正文",
        "attachment_key": key,
        "attachment_name": "附件.jpg" if key else None,
        "attachment_type": "image/jpeg" if key else None,
    }
