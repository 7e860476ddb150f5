"""A photo WeChat's media check calls risky is refused: shown to nobody, not in the admins'
queue and not releasable (409 ``content_refused``), its uploader told in the inbox and shown
未通过审核 in their own view; the photo row stays (hidden), as the hazard refers to it."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import ContentCheck, Notification, Photo
from server.services.photos import sweep_orphans
from tests.hazards.conftest import unit_by_code
from tests.support.content import pass_media

REFUSAL = "您上传的照片未通过微信内容安全检查，已被拒绝，请重新拍摄上传"


def reviews(client, headers) -> list[dict]:
    """What the school's admin is asked to decide at 符离中心小学."""
    url = f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}"
    return client.get(url, headers=headers).get_json()["reviews"]


def test_risky_photo_is_refused_for_everyone_and_its_uploader_told(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    assert pass_media(client, fake_wechat, "risky") == 1
    [check] = db.session.scalars(select(ContentCheck)).all()
    assert check.status == "risky"
    # Nobody gets a link, the uploader included; the uploader's view says it was refused.
    mine = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()["photos"][0]
    assert (mine["url"], mine["thumb_url"], mine["refused"], mine["under_review"]) == (
        None,
        None,
        True,
        False,
    )
    theirs = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert theirs["photos"][0]["url"] is None and theirs["photos"][0]["refused"] is True
    listed = client.get("/api/v1/hazards", headers=admin).get_json()["hazards"]
    assert [h["thumb_url"] for h in listed] == [None]
    # Not the admin's to release: not listed, and a release or rejection answers 409.
    assert reviews(client, admin) == []
    for step in ("release", "reject"):
        answer = client.post(f"/api/v1/reviews/{check.id}/{step}", headers=admin)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (409, "content_refused")
    db.session.expire_all()
    assert db.session.get(ContentCheck, check.id).status == "risky"
    # The uploader's inbox says so, pointing at the hazard.
    [told] = db.session.scalars(
        select(Notification).where(Notification.kind == "content_refused")
    ).all()
    teacher_id = db.session.get(Photo, check.photo_id).uploader_id
    assert (told.user_id, told.hazard_id) == (teacher_id, hazard["id"])
    assert REFUSAL in told.body
    inbox = client.get("/api/v1/inbox", headers=teacher).get_json()
    assert any(REFUSAL in m["body"] for m in inbox["messages"])
    # The photo stays, hidden: the hazard refers to it, so the sweep keeps it.
    assert sweep_orphans() == 0
    assert db.session.get(Photo, check.photo_id) is not None


def test_passed_photo_is_not_refused(demo, client, login, report, fake_wechat):
    teacher = login("demo-teacher")
    hazard = report(teacher)[0].get_json()
    pass_media(client, fake_wechat, "pass")
    photo = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()["photos"][0]
    assert photo["refused"] is False and photo["url"]
    assert db.session.scalars(select(Notification.kind)).all().count("content_refused") == 0


def test_a_photo_in_review_is_released_unless_wechat_refuses_it_first(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    report(teacher)
    [held] = reviews(client, admin)  # pending: an admin may decide before WeChat answers
    pass_media(client, fake_wechat, "risky")  # … but WeChat refused it meanwhile
    answer = client.post(f"/api/v1/reviews/{held['id']}/release", headers=admin)
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (409, "content_refused")


def test_an_admin_rejected_photo_is_marked_refused_and_its_uploader_told(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    pass_media(client, fake_wechat, "review")
    [held] = reviews(client, admin)
    assert client.post(f"/api/v1/reviews/{held['id']}/reject", headers=admin).status_code == 200
    mine = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()["photos"][0]
    assert (mine["url"], mine["refused"]) == (None, True)
    bodies = db.session.scalars(
        select(Notification.body).where(Notification.kind == "content_refused")
    ).all()
    assert len(bodies) == 1 and "未通过管理员审核" in bodies[0]
