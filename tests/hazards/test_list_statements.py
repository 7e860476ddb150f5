"""A page of hazards loads what it shows in a bounded number of statements, however many hazards
the page holds (no query per row): reporters, schools, focus problems and their areas, photos,
plans (responsible, deadline, funds), checkpoints and held texts alike."""

from __future__ import annotations

from server.extensions import db
from tests.hazards.conftest import advance
from tests.patrols.support_submit import make_checkpoint
from tests.support.statements import counted

KINDS = 4  # the hazards are made in rounds of one of each kind below


def _statements_for_page(client, headers, limit):
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.get(f"/api/v1/hazards?limit={limit}", headers=headers)
    assert response.status_code == 200
    return response.get_json()["hazards"], seen


def _one_of_each(people, client, report, upload, token) -> None:
    """A round of hazards that fill in what the list shows, each differently: a teacher's plain
    report; the school admin's with two photos in another area, planned (responsible, deadline,
    funds); an unclassified one found at a checkpoint; one taken up to a submitted fix."""
    teacher, admin = people["teacher@own"], people["school_admin@own"]
    report(teacher)
    photos = [upload(admin)["id"], upload(admin)["id"]]
    planned = report(admin, focus_problem="food.rules", photo_ids=photos)[0].get_json()["id"]
    advance(client, admin, planned, upload, "planned")
    report(teacher, focus_problem=None, checkpoint_token=token)
    fixed = report(teacher, focus_problem="fire.patrol")[0].get_json()["id"]
    advance(client, admin, fixed, upload, "fix_submitted")


def test_a_page_of_hazards_is_a_bounded_number_of_statements(people, client, report, upload):
    token = make_checkpoint().token
    teacher = people["teacher@own"]
    _one_of_each(people, client, report, upload, token)
    shown_few, few = _statements_for_page(client, teacher, KINDS)
    for _ in range(4):
        _one_of_each(people, client, report, upload, token)
    shown_many, many = _statements_for_page(client, teacher, 20)
    assert (len(shown_few), len(shown_many)) == (KINDS, 20)
    # Every kind is on both pages: what the list shows is filled in, not left empty.
    for shown in (shown_few, shown_many):
        assert {h["status"] for h in shown} == {"reported", "planned", "fix_submitted"}
        assert any(h["checkpoint"] for h in shown) and any(not h["focus_problem"] for h in shown)
        assert any(h["responsible_person"] and h["deadline"] for h in shown)
        assert all(h["reporter"] and h["school"] for h in shown), shown
        # The admin's photos wait for the media check: held from the teacher, who sees the
        # thumbnails of their own reports.
        thumbs = {h["status"]: bool(h["thumb_url"]) for h in shown if h["status"] != "planned"}
        assert all(thumbs.values()), thumbs
    assert len(many) == len(few), f"{len(few)} statements for {KINDS} hazards, {len(many)} for 20"
    # The sign-in (session, grants, their units), the page, one per relation shown (reporters,
    # focus problems, photo links, schools, areas, photos), held texts and photos, checkpoints.
    assert len(many) <= 13, "\n".join(statement[:120] for statement in many)
