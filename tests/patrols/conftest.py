"""Fixtures for patrol tests: the shipped checklists in the test database, checkpoints at the
demo school, and the hazard tests' people, uploads and reports (re-exported for patrol tests).

- ``checklists``: loads the campaign (if not loaded) and the shipped checklist files; returns
  the current shipped template of each code (``checklists["fire_daily"]``).
- ``checkpoint``: a factory ``checkpoint(name="配电室", **changes)`` making a checkpoint of the
  demo school 符离中心小学 (YQ101) at ``HERE`` (radius 50 m, ``fire_daily``), made by its safety
  officer; any column can be changed (``school_code="YQ102"``, ``radius_m``, ``active``,
  ``template_codes``, ``lat``/``lng``/``coord_system``). Returns the ``Checkpoint`` row.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Campaign, User
from server.models.patrols import ChecklistTemplate, Checkpoint
from server.services.campaigns import CAMPAIGN_DIR, load_campaign, read_campaign_file
from server.services.checklists import load_checklists
from server.services.checkpoints import new_token
from tests.hazards.conftest import (  # noqa: F401  (fixtures shared with the hazard tests)
    HERE,
    people,
    report,
    unit_by_code,
    upload,
)


@pytest.fixture
def checklists(app) -> dict[str, ChecklistTemplate]:
    """The shipped checklist templates, loaded (with the campaign they refer to)."""
    if db.session.scalars(select(Campaign.id)).first() is None:
        for path in sorted(CAMPAIGN_DIR.glob("*.json")):
            load_campaign(read_campaign_file(path))
    load_checklists()
    rows = db.session.scalars(
        select(ChecklistTemplate).where(
            ChecklistTemplate.unit_id.is_(None), ChecklistTemplate.is_current
        )
    )
    return {row.code: row for row in rows}


@pytest.fixture
def checkpoint(demo, checklists):
    """A factory of checkpoints at the demo school (see the module's docstring)."""

    def _make(name: str = "配电室", school_code: str = "YQ101", **changes) -> Checkpoint:
        """A committed checkpoint; ``changes`` override any column."""
        officer = db.session.scalars(select(User).where(User.openid == "demo-school_admin")).one()
        fields = {
            "school_id": unit_by_code(school_code).id,
            "name": name,
            "lat": HERE["lat"],
            "lng": HERE["lng"],
            "coord_system": HERE["coord_system"],
            "radius_m": 50,
            "template_codes": ["fire_daily"],
            "token": new_token(),
            "active": True,
            "created_by_id": officer.id,
            **changes,
        }
        row = Checkpoint(**fields)
        db.session.add(row)
        db.session.commit()
        return row

    return _make
