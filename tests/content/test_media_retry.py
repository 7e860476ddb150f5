"""WeChat unreachable on the photo path: a media check WeChat could not be asked holds the photo
(never drops it) and the retry job submits it later, whose verdict then releases it; a verdict
that never comes is asked for again after ``MEDIA_VERDICT_WAIT``."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from server.extensions import db
from server.models import ContentCheck, HazardPhoto, utcnow
from server.services.content import MEDIA_VERDICT_WAIT
from server.services.content_decisions import retry_pending
from tests.support.content import CALLBACK, pass_media, signed


def photo_of(client, headers, hazard_id) -> dict:
    """The hazard's first photo as ``headers`` sees it."""
    return client.get(f"/api/v1/hazards/{hazard_id}", headers=headers).get_json()["photos"][0]


@pytest.mark.parametrize("failure", [{"http_status": 503}, {"errcode": -1}, {"errcode": 45009}])
def test_unreachable_media_check_holds_the_photo_and_the_retry_job_submits_it(
    demo, client, login, report, fake_wechat, failure
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    fake_wechat.inject_failure("wxa/media_check_async", **failure)
    response, _ = report(teacher)
    assert response.status_code == 201  # the report and its photo are kept
    hazard = response.get_json()
    [check] = db.session.scalars(select(ContentCheck)).all()
    assert (check.status, check.trace_id, check.attempts) == ("pending", None, 1)
    assert db.session.scalar(select(HazardPhoto.photo_id)) == check.photo_id
    assert fake_wechat.media_checks() == []
    assert photo_of(client, admin, hazard["id"])["url"] is None  # held, not shown, not lost
    assert photo_of(client, teacher, hazard["id"])["url"]  # its uploader still sees it
    assert retry_pending() == 1  # the periodic job: WeChat answers now
    db.session.expire_all()
    check = db.session.get(ContentCheck, check.id)
    assert (check.status, check.attempts) == ("pending", 2) and check.trace_id
    assert [c["trace_id"] for c in fake_wechat.media_checks()] == [check.trace_id]
    assert pass_media(client, fake_wechat) == 1
    assert photo_of(client, admin, hazard["id"])["url"]
    db.session.expire_all()
    assert db.session.get(ContentCheck, check.id).status == "pass"


def test_still_unreachable_keeps_the_photo_held_and_counts_the_attempt(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    fake_wechat.inject_failure("wxa/media_check_async", http_status=502, times=2)
    hazard = report(teacher)[0].get_json()
    assert retry_pending() == 0
    check = db.session.scalars(select(ContentCheck)).one()
    assert (check.status, check.trace_id, check.attempts) == ("pending", None, 2)
    assert photo_of(client, admin, hazard["id"])["url"] is None
    assert retry_pending() == 1


def test_a_verdict_that_never_comes_is_asked_for_again_after_its_wait(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    [first] = fake_wechat.media_checks()
    assert retry_pending() == 0  # the verdict may still come: not asked again yet
    assert len(fake_wechat.media_checks()) == 1
    # No verdict within MEDIA_VERDICT_WAIT: the job starts the check again.
    db.session.execute(
        update(ContentCheck).values(checked_at=utcnow() - MEDIA_VERDICT_WAIT - MEDIA_VERDICT_WAIT)
    )
    db.session.commit()
    assert retry_pending() == 1
    started = fake_wechat.media_checks()
    assert len(started) == 2 and started[1]["trace_id"] != first["trace_id"]
    check = db.session.scalars(select(ContentCheck)).one()
    assert (check.trace_id, check.attempts, check.status) == (started[1]["trace_id"], 2, "pending")
    # A late verdict for the abandoned check changes nothing; the new one's decides.
    late = fake_wechat.media_check_event(first["trace_id"], "pass")
    assert client.post(CALLBACK, query_string=signed(), json=late).status_code == 200
    assert photo_of(client, admin, hazard["id"])["url"] is None
    event = fake_wechat.media_check_event(started[1]["trace_id"], "pass")
    assert client.post(CALLBACK, query_string=signed(), json=event).status_code == 200
    assert photo_of(client, admin, hazard["id"])["url"]
