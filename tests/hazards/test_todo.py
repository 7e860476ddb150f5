"""The to-do list's hazards (GET /todo): each group holds what the caller may do now, in their
scope only, in its order, counted beyond the five shown, in a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from server.clock import local_today
from server.extensions import db
from server.models import Hazard
from server.services.tokens import resolve_token
from tests.hazards.conftest import HERE, advance
from tests.support.plans import PLAN, plan_for
from tests.support.statements import counted

GROUPS = ("overdue", "verify", "fix", "plan", "classify")


def _todo(client, headers) -> dict:
    response = client.get("/api/v1/todo", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _ids(todo: dict, group: str) -> list[int]:
    return [h["id"] for h in todo["hazards"][group]["items"]]


def _counts(todo: dict) -> dict[str, int]:
    return {name: todo["hazards"][name]["count"] for name in GROUPS}


def _me(client, headers) -> int:
    """The caller's user id (as the responsible-candidates list gives it)."""
    return resolve_token(headers["Authorization"].removeprefix("Bearer ")).user_id


def test_nobody_with_nothing_to_do_gets_zeros(demo, client, login):
    todo = _todo(client, login("someone-new"))
    assert todo == {
        "hazards": {name: {"count": 0, "items": []} for name in GROUPS},
        "notices": {"count": 0, "items": []},
        "patrols": {"count": 0, "items": []},
        "total": 0,
    }


def test_plan_and_classify_for_planners_of_the_school_only(people, client, report):
    teacher = people["teacher@own"]
    first = report(teacher)[0].get_json()["id"]
    major = report(teacher, severity="major")[0].get_json()["id"]
    newest = report(teacher)[0].get_json()["id"]
    unsure = report(teacher, focus_problem=None)[0].get_json()["id"]
    for planner in ("school_admin@own", "supervisor@above", "bureau_admin@above"):
        todo = _todo(client, people[planner])
        # Major first, then the newest.
        assert _ids(todo, "plan") == [major, newest, first], planner
        assert _ids(todo, "classify") == [unsure]
        assert _counts(todo) == {"overdue": 0, "verify": 0, "fix": 0, "plan": 3, "classify": 1}
        assert todo["total"] == 4
        item = todo["hazards"]["plan"]["items"][0]
        assert item["severity"] == "major" and item["focus_problem"]["code"] == "fire.utilities"
    # Nobody outside the school's line, nor the teacher on patrol, owes these.
    for other in ("teacher@own", "school_admin@sibling", "supervisor@sibling", "parent"):
        assert _todo(client, people[other])["total"] == 0, other
    # Classified, the hazard moves from classify to plan; planned, it leaves the list.
    school = people["school_admin@own"]
    classify = client.post(
        f"/api/v1/hazards/{unsure}/classify", json={"focus_problem": "fire.patrol"}, headers=school
    )
    assert classify.status_code == 200
    assert (
        client.post(
            f"/api/v1/hazards/{first}/plan", json=plan_for(first), headers=school
        ).status_code
        == 200
    )
    todo = _todo(client, school)
    assert _ids(todo, "plan") == [major, unsure, newest] and _ids(todo, "classify") == []


def test_fix_is_for_the_named_person_and_whoever_a_fix_was_rejected_back_to(
    people, client, report, upload
):
    teacher, school, supervisor = (
        people["teacher@own"],
        people["school_admin@own"],
        people["supervisor@above"],
    )
    named = report(teacher)[0].get_json()["id"]
    plan = {**PLAN, "responsible_user_id": _me(client, teacher)}
    assert (
        client.post(f"/api/v1/hazards/{named}/plan", json=plan, headers=school).status_code == 200
    )
    assert _ids(_todo(client, teacher), "fix") == [named]  # planned: start, then fix
    assert _ids(_todo(client, school), "fix") == []  # the planner is not named
    assert (
        client.post(f"/api/v1/hazards/{named}/start", json={}, headers=teacher).status_code == 200
    )
    assert _ids(_todo(client, teacher), "fix") == [named]  # rectifying: submit the fix
    fixed = client.post(
        f"/api/v1/hazards/{named}/fix",
        json={**HERE, "photo_ids": [upload(teacher)["id"]], "note": "已更换并加锁"},
        headers=teacher,
    )
    assert fixed.status_code == 200, fixed.get_json()
    assert _ids(_todo(client, teacher), "fix") == []
    # The school admin signs off the teacher's fix; the teacher is not asked to.
    assert _ids(_todo(client, school), "verify") == [named]
    assert _ids(_todo(client, teacher), "verify") == []
    rejected = client.post(
        f"/api/v1/hazards/{named}/reject", json={"reason": "线路仍裸露"}, headers=school
    )
    assert rejected.status_code == 200
    assert _ids(_todo(client, teacher), "fix") == [named]

    # Nobody named: the school admin submits the fix, the supervisor rejects it back to them.
    unnamed = report(teacher)[0].get_json()["id"]
    advance(client, school, unnamed, upload, "fix_submitted")
    assert _ids(_todo(client, school), "verify") == []  # never one's own fix
    assert unnamed in _ids(_todo(client, supervisor), "verify")
    back = client.post(
        f"/api/v1/hazards/{unnamed}/reject", json={"reason": "照片不清楚"}, headers=supervisor
    )
    assert back.status_code == 200
    assert _ids(_todo(client, school), "fix") == [unnamed]
    assert unnamed not in _ids(_todo(client, supervisor), "fix")


def test_verify_respects_who_signs_off_a_major_hazard(people, client, report, upload):
    teacher = people["teacher@own"]
    major = report(teacher, severity="major")[0].get_json()["id"]
    general = report(teacher)[0].get_json()["id"]
    for hazard_id in (major, general):
        advance(client, people["supervisor@above"], hazard_id, upload, "fix_submitted")
    # The school signs off only the general one (a major one is signed off above it).
    assert _ids(_todo(client, people["school_admin@own"]), "verify") == [general]
    # The supervisor submitted both fixes: they may sign off neither; the bureau may both.
    assert _ids(_todo(client, people["supervisor@above"]), "verify") == []
    assert _ids(_todo(client, people["bureau_admin@above"]), "verify") == [major, general]
    assert _ids(_todo(client, people["supervisor@sibling"]), "verify") == []
    # Every item is a step the lifecycle offers the caller on the hazard itself.
    for persona in ("school_admin@own", "bureau_admin@above"):
        for hazard_id in _ids(_todo(client, people[persona]), "verify"):
            detail = client.get(f"/api/v1/hazards/{hazard_id}", headers=people[persona])
            assert "verify" in detail.get_json()["allowed_actions"]


def _overdue(hazard_id: int, days: int) -> None:
    """Move the plan's deadline into the past (plans cannot be made with one)."""
    db.session.execute(
        update(Hazard)
        .where(Hazard.id == hazard_id)
        .values(deadline=local_today() - timedelta(days=days))
    )
    db.session.commit()


def test_overdue_for_those_who_answer_for_the_school(people, client, report, upload):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    recent, oldest, submitted = (report(teacher)[0].get_json()["id"] for _ in range(3))
    advance(client, school, recent, upload, "planned")
    advance(client, school, oldest, upload, "rectifying")
    advance(client, people["supervisor@above"], submitted, upload, "fix_submitted")
    _overdue(recent, 1)
    _overdue(oldest, 5)
    _overdue(submitted, 9)  # the fix is in: no longer overdue
    for persona in ("school_admin@own", "supervisor@above", "bureau_staff@above"):
        assert _ids(_todo(client, people[persona]), "overdue") == [oldest, recent], persona
        overdue = _todo(client, people[persona])["hazards"]["overdue"]["items"]
        assert all(item["overdue"] for item in overdue)
    for persona in ("teacher@own", "school_admin@sibling", "supervisor@sibling"):
        assert _ids(_todo(client, people[persona]), "overdue") == [], persona


def test_counts_go_beyond_the_five_items(people, client, report):
    teacher = people["teacher@own"]
    ids = [report(teacher)[0].get_json()["id"] for _ in range(7)]
    todo = _todo(client, people["school_admin@own"])
    assert todo["hazards"]["plan"]["count"] == 7 and todo["total"] == 7
    assert _ids(todo, "plan") == ids[::-1][:5]


def _statements(client, headers) -> tuple[dict, int]:
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        todo = _todo(client, headers)
    return todo, len(seen)


def _one_in_each_group(people, client, report, upload) -> None:
    """A hazard in every group of the school admin's list (the supervisor drives the fixes)."""
    teacher, school = people["teacher@own"], people["school_admin@own"]
    me = _me(client, school)
    report(teacher)  # plan
    report(teacher, focus_problem=None)  # classify
    mine = report(teacher)[0].get_json()["id"]
    plan = {**PLAN, "responsible_user_id": me}
    assert client.post(f"/api/v1/hazards/{mine}/plan", json=plan, headers=school).status_code == 200
    _overdue(mine, 2)  # fix and overdue
    signed = report(teacher)[0].get_json()["id"]
    advance(client, people["supervisor@above"], signed, upload, "fix_submitted")  # verify


def test_the_list_costs_a_fixed_number_of_statements(people, client, report, upload):
    school = people["school_admin@own"]
    _one_in_each_group(people, client, report, upload)
    few, cost_few = _statements(client, school)
    assert _counts(few) == {"overdue": 1, "verify": 1, "fix": 1, "plan": 1, "classify": 1}
    for _ in range(3):
        _one_in_each_group(people, client, report, upload)
    many, cost_many = _statements(client, school)
    assert _counts(many) == {"overdue": 4, "verify": 4, "fix": 4, "plan": 4, "classify": 4}
    assert cost_many == cost_few, f"{cost_few} statements for one each but {cost_many} for four"
    assert cost_many <= 16, cost_many  # 15, and one for the patrols group


def test_the_list_filtered_by_a_group_holds_exactly_that_group(people, client, report, upload):
    """'查看全部' of a group opens GET /hazards?todo=<group>: the same hazards the to-do counts."""
    _one_in_each_group(people, client, report, upload)
    for _ in range(6):  # more than the five items the to-do shows
        report(people["teacher@own"])
    school = people["school_admin@own"]
    todo = _todo(client, school)
    for group in GROUPS:
        listed = client.get(f"/api/v1/hazards?todo={group}&limit=100", headers=school).get_json()
        ids = [h["id"] for h in listed["hazards"]]
        assert len(ids) == todo["hazards"][group]["count"], group
        assert set(_ids(todo, group)) <= set(ids), group
    # A sibling school's admin owes none of them; an unknown group is a clear 422.
    sibling = people["school_admin@sibling"]
    assert client.get("/api/v1/hazards?todo=plan", headers=sibling).get_json()["hazards"] == []
    bad = client.get("/api/v1/hazards?todo=everything", headers=school)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
