"""A photo whose camera time is well before its upload is accepted, and flagged as old wherever
the report shows (the list, the detail, the photo itself)."""

from __future__ import annotations

from pathlib import Path

GPS_PHOTO = Path(__file__).resolve().parent.parent / "fixtures" / "photos" / "DSCN0010.jpg"


def test_an_old_photo_is_accepted_and_flagged(people, client, report, upload):
    teacher = people["teacher@own"]
    old = upload(teacher, GPS_PHOTO.read_bytes(), name="DSCN0010.jpg")  # taken in 2008
    assert old["old"] is True and old["taken_at"].startswith("2008")
    created = report(teacher, photo_ids=[old["id"]])[0]
    assert created.status_code == 201, created.get_json()
    hazard = created.get_json()
    assert hazard["old_photo"] is True and hazard["photos"][0]["old"] is True
    listed = client.get("/api/v1/hazards", headers=teacher).get_json()["hazards"]
    assert listed[0]["old_photo"] is True


def test_a_fresh_photo_or_one_without_a_camera_time_is_not_flagged(people, client, report):
    teacher = people["teacher@own"]
    hazard = report(teacher)[0].get_json()  # a generated JPEG: no EXIF time
    assert hazard["old_photo"] is False and hazard["photos"][0]["old"] is False


def test_the_limit_is_a_setting(app, people, client, upload):
    app.config["OLD_PHOTO_DAYS"] = 365 * 100  # a century: nothing is old
    photo = upload(people["teacher@own"], GPS_PHOTO.read_bytes(), name="DSCN0010.jpg")
    assert photo["old"] is False
