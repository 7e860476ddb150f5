"""A known year in the demo district for hand counts of the evaluation, written straight into
the tables (2026, every date well before today and inside a China day).

- 符离中心小学 (YQ101, 符离中心校): hazards on time (signed off early, fixed on the spot, signed
  off at 23:00 China time on the deadline's day), one signed off 3 days late, one overdue, and
  ones that do not count (no plan, closed as no hazard); 4 patrol slots (2 on time, 1 late,
  1 missed); a notice to two children, one acknowledged; a visit with two findings; all three
  hand items scored.
- 符离镇童心幼儿园 (YQ102, 符离中心校): nothing recorded, nothing scored.
- 栏杆中心小学 (YQ201, 栏杆中心校): water visits (on time, late, missed); full hand scores.
- 栏杆镇育才学校 (YQ202, 栏杆中心校): bus trips (cleared, failed, late, missed); records 5.
- 埇桥区城区实验小学 (YQ301, under the bureau): one child, acknowledged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from server.extensions import db
from server.models import (
    EvaluationScore,
    SupervisionFinding,
    SupervisionVisit,
    SupervisionVisitSchool,
    User,
)
from tests.figures.data import (
    _somebody,
    add_child,
    add_hazard,
    add_notice,
    add_plan,
    add_round,
    add_slot,
    local,
    reach,
    unit,
)

YEAR = 2026


def _visit(school: str, user: User, day: date, descriptions: list[str]) -> SupervisionVisit:
    """A visit on ``day`` to the school, each description a finding (an open hazard)."""
    visit = SupervisionVisit(
        unit_id=unit("YQ000").id,
        visit_date=day,
        title="秋季安全大检查",
        announced=True,
        team=[{"name": "张督学", "organisation": "教育局", "role": "组长"}],
        what_checked="消防、食堂",
        status="done",
        created_by_id=user.id,
    )
    db.session.add(visit)
    db.session.flush()
    db.session.add(SupervisionVisitSchool(visit_id=visit.id, school_id=unit(school).id))
    for text in descriptions:
        hazard = add_hazard(school, "reported", local(day.isoformat()), reporter=user)
        hazard.description = text
        db.session.add(SupervisionFinding(visit_id=visit.id, hazard_id=hazard.id))
    db.session.flush()
    return visit


def hand_score(school: str, code: str, score: str, user: User) -> None:
    """An inspector's score of a hand item."""
    db.session.add(
        EvaluationScore(
            school_id=unit(school).id,
            year=YEAR,
            code=code,
            score=Decimal(score),
            note="资料齐全",
            scored_by_id=user.id,
        )
    )


def build() -> dict:
    """The known year; returns the rows the tests look for."""
    user = _somebody()
    on_time = add_hazard(
        "YQ101",
        "verified",
        local("2026-04-01"),
        closed=local("2026-04-05"),
        deadline=date(2026, 4, 10),
    )
    add_hazard("YQ101", "fixed_on_spot", local("2026-04-02"), closed=local("2026-04-02", 11))
    late = add_hazard(
        "YQ101",
        "verified",
        local("2026-05-01"),
        closed=local("2026-05-13"),
        deadline=date(2026, 5, 10),
    )
    late.description = "教学楼楼梯扶手松动"
    overdue = add_hazard(
        "YQ101", "planned", local("2026-06-01"), deadline=date(2026, 6, 15), focus="fire.patrol"
    )
    overdue.description = "食堂灭火器过期"
    # Signed off at 23:00 China time on its deadline's day (15:00 UTC): still on time.
    add_hazard(
        "YQ101",
        "verified",
        local("2026-07-01"),
        closed=local("2026-07-10", 23),
        deadline=date(2026, 7, 10),
    )
    # Not judged: no plan yet; closed as no hazard; reported in another year.
    add_hazard("YQ101", "reported", local("2026-08-01"))
    add_hazard("YQ101", "closed", local("2026-08-02"), deadline=date(2026, 8, 9))
    add_hazard("YQ101", "planned", local("2025-12-30"), deadline=date(2026, 1, 5))

    patrol, point = add_plan("YQ101", None, user)
    point.name = "教学楼一层"
    add_slot(patrol, point, "2026-05-01", "done")
    add_slot(patrol, point, "2026-05-02", "done")
    add_slot(patrol, point, "2026-05-03", "late")
    add_slot(patrol, point, "2026-05-04", "missed")
    water, water_point = add_plan("YQ201", "water", user)
    add_slot(water, water_point, "2026-07-01", "done")
    add_slot(water, water_point, "2026-07-10", "late")
    add_slot(water, water_point, "2026-07-20", "missed")
    bus, bus_point = add_plan("YQ202", "bus", user)
    add_round(add_slot(bus, bus_point, "2026-09-01", "done"), user, failed=False)
    add_round(add_slot(bus, bus_point, "2026-09-02", "done"), user, failed=True)
    add_round(add_slot(bus, bus_point, "2026-09-03", "late"), user, failed=False)
    add_slot(bus, bus_point, "2026-09-04", "missed")

    c1, c2, c4 = add_child("YQ101", "甲"), add_child("YQ101", "乙"), add_child("YQ301", "丁")
    mother, father, other = _somebody(), _somebody(), _somebody()
    notice = add_notice(user, local("2026-09-01"))
    notice.title = "致家长的一封信(防溺水)"
    reach(notice, c1, mother, local("2026-09-02"))
    reach(notice, c1, father, local("2026-09-02"))
    reach(notice, c2, other, None)
    reach(notice, c4, other, local("2026-09-03"))

    visit = _visit("YQ101", user, date(2026, 10, 10), ["消防通道堵塞", "配电箱未上锁"])

    hand_score("YQ101", "records", "7.5", user)
    hand_score("YQ101", "drills", "6", user)
    hand_score("YQ101", "education", "5", user)
    for code, score in (("records", "8"), ("drills", "6"), ("education", "6")):
        hand_score("YQ201", code, score, user)
    hand_score("YQ202", "records", "5", user)
    db.session.commit()
    return {
        "user": user,
        "on_time": on_time.id,
        "late": late.id,
        "overdue": overdue.id,
        "notice": notice.id,
        "visit": visit.id,
        "patrol_point": point.id,
    }
