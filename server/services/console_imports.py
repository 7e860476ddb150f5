"""The console's spreadsheet imports: the same all-or-nothing services as the command line,
decided by ``access``: the units, classes and class rosters with units.import at a unit (every
unit of the file at or below it), the water points with water.manage at each of their schools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server import access
from server.extensions import db
from server.models import User
from server.services.roster_import import import_roster
from server.services.unit_import import import_units
from server.services.water_import import import_points

UNITS, ROSTER, WATER = "units", "roster", "water"
KINDS = (UNITS, ROSTER, WATER)
CAPABILITIES = {UNITS: "units.import", ROSTER: "units.import", WATER: "water.manage"}


def run(user: User, kind: str, unit_id: int | None, path: Path, max_rows: int) -> Any:
    """Import the file as ``kind``; its report (with errors, nothing written). A file that
    cannot be read raises ``ImportFileError``; nothing is left half-written either way."""
    capability = CAPABILITIES[kind]
    try:
        if kind == WATER:
            if not access.may_somewhere(user, capability):
                raise access.forbidden(capability)
            report = import_points(path, user, max_rows)
        else:
            if unit_id is None:
                raise access.not_found()
            unit = access.load_unit(user, unit_id, capability)
            importer = import_units if kind == UNITS else import_roster
            report = importer(path, max_rows, within=unit)
    except Exception:
        db.session.rollback()
        raise
    if report.errors:
        db.session.rollback()
    return report
