"""The district's evaluation is a fixed number of statements however many schools it has (not
one figures() call per school), and one school's detail adds a fixed few."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import User, utcnow
from server.services import evaluation_detail
from server.services.evaluation import ranking
from server.services.units import add_class, add_unit
from tests.evaluation.scenario import YEAR, build, hand_score
from tests.figures.data import (
    _somebody,
    add_child,
    add_hazard,
    add_notice,
    add_plan,
    add_slot,
    local,
    reach,
    unit,
)
from tests.support.statements import counted

MOST = 12


def _grow(n: int) -> None:
    """Add ``n`` schools under each center school with hazards, slots, notices and scores."""
    user = _somebody()
    notice = add_notice(user, local("2026-09-05"))
    for parent_code in ("YQ100", "YQ200"):
        for i in range(n):
            code = f"{parent_code}E{i}"
            school = add_unit(code, f"新学校{code}", "school", "public", unit(parent_code))
            add_class(school, "一年级1班", "一年级")
            db.session.flush()
            add_hazard(
                code,
                "verified",
                local("2026-04-10"),
                closed=local("2026-04-11"),
                deadline=local("2026-04-20").date(),
            )
            add_hazard(code, "planned", local("2026-04-10"), deadline=local("2026-05-01").date())
            for managed in (None, "water", "bus"):
                plan, point = add_plan(code, managed, user)
                add_slot(plan, point, "2026-05-01", "done")
                add_slot(plan, point, "2026-05-02", "missed")
            reach(notice, add_child(code, f"童{i}"), user, local("2026-09-06"))
            hand_score(code, "records", "6", user)
    db.session.commit()


def _admin() -> User:
    """The bureau's admin."""
    return db.session.scalars(select(User).where(User.openid == "demo-bureau_admin")).one()


def _count(call) -> tuple[int, object]:
    """How many statements ``call`` runs, and its result."""
    db.session.expire_all()
    with counted() as seen:
        result = call()
    return len(seen), result


def test_the_statements_do_not_grow_with_the_district(demo):
    build()
    user, bureau = _admin(), unit("YQ000").id
    before, small = _count(lambda: ranking(user, bureau, YEAR, utcnow()))
    assert before <= MOST
    _grow(5)
    user = _admin()
    after, large = _count(lambda: ranking(user, bureau, YEAR, utcnow()))
    assert after == before
    assert len(large["schools"]) == len(small["schools"]) + 10
    grown = next(s for s in large["schools"] if s["school"]["name"] == "新学校YQ100E0")
    # One of two hazards on time, one of two slots of each kind, the child acknowledged.
    assert grown["scores"]["rectification"] == "12.50"
    assert grown["scores"]["buses"] == "5.00" and grown["scores"]["notices"] == "10.00"


def test_a_school_detail_takes_a_fixed_few_more(demo):
    build()
    _grow(5)
    user, school = _admin(), unit("YQ101").id
    seen, detail = _count(lambda: evaluation_detail.school_detail(user, school, YEAR, utcnow()))
    assert seen <= MOST + 5
    assert detail["district_size"] == 15
