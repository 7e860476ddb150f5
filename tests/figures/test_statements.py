"""The figures are a fixed number of statements, however many schools, hazards, slots and
children there are."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import User
from server.services import figures
from server.services.units import add_class, add_unit
from tests.figures.data import (
    FIRST,
    LAST,
    NOW,
    _somebody,
    add_child,
    add_hazard,
    add_notice,
    add_plan,
    add_round,
    add_slot,
    build,
    local,
    reach,
    unit,
)
from tests.support.statements import counted

MOST = 12


def _grow(n: int) -> None:
    """Add ``n`` schools under each center school with hazards, slots and notices of their own."""
    user = _somebody()
    notice = add_notice(user, local("2023-09-05"))
    for parent_code in ("YQ100", "YQ200"):
        for i in range(n):
            code = f"{parent_code}X{i}"
            school = add_unit(code, f"新学校{code}", "school", "public", unit(parent_code))
            add_class(school, "一年级1班", "一年级")
            db.session.flush()
            for day in ("2023-04-10", "2023-08-01", "2023-11-20"):
                add_hazard(code, "verified", local(day), closed=local(day, 15), funds="10")
                add_hazard(code, "planned", local(day), deadline=FIRST, funds="20", reporter=user)
            for managed in (None, "water", "bus"):
                plan, point = add_plan(code, managed, user)
                for day in ("2023-05-01", "2023-05-02"):
                    slot = add_slot(plan, point, day, "done")
                    if managed == "bus":
                        add_round(slot, user, failed=day.endswith("2"))
            reach(notice, add_child(code, f"童{i}"), user, local("2023-09-06"))
    db.session.commit()


def _statements(user, code: str) -> tuple[int, dict]:
    """How many statements the figures of a unit take, and the figures."""
    unit_id = unit(code).id
    db.session.expire_all()
    with counted() as seen:
        result = figures.figures(user, unit_id, FIRST, LAST, NOW)
    return len(seen), result


@pytest.mark.parametrize("code", ["YQ000", "YQ100", "YQ101"])
def test_the_statements_do_not_grow_with_the_district(demo, code):
    build()
    user = db.session.scalars(select(User).where(User.openid == "demo-bureau_admin")).one()
    before, small = _statements(user, code)
    assert before <= MOST
    _grow(4)
    after, large = _statements(user, code)
    assert after == before
    if code != "YQ101":
        assert large["totals"]["found"] > small["totals"]["found"]
        assert large["totals"]["buses"]["trips_due"] > small["totals"]["buses"]["trips_due"]
