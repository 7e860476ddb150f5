"""A school's checkpoints: where a round is checked, proved by a QR sticker and the position.

The sticker carries ``SAFETY-CP:<token>``, an unguessable token (never a database id). A lost
sticker gets a new token; the old one goes to ``retired_checkpoint_tokens`` in the same
transaction, so scanning it answers "replaced" (410) rather than "unknown" (404). A position is
stored as the phone gave it, with its coordinate system; ``server/geo.py`` converts when it is
compared with a position in the other system (:func:`position_of`).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from server import access
from server.errors import ApiError
from server.extensions import db
from server.geo import Position
from server.models import Unit, User
from server.models.patrols import (
    PLACE,
    WATER,
    ChecklistTemplate,
    Checkpoint,
    RetiredCheckpointToken,
)
from server.models.water import WaterPoint, WaterPointSchool
from server.roles import SCHOOL_KINDS
from server.services import content
from server.services.checklists import known_codes, require_patrol_reader, templates_in_effect

QR_PREFIX = "SAFETY-CP:"
MANAGE = "checkpoint.manage"
# The held name of a checkpoint, masked for others until released.
SUBJECT = "checkpoint"


def new_token() -> str:
    """An unguessable token (192 random bits, 32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def qr_content(checkpoint: Checkpoint) -> str:
    """What the checkpoint's QR code carries."""
    return QR_PREFIX + checkpoint.token


def position_of(checkpoint: Checkpoint) -> Position:
    """The checkpoint's position in the system it was recorded in (compare with
    ``geo.haversine_m``, which converts the other position first)."""
    return Position(checkpoint.lat, checkpoint.lng, checkpoint.coord_system)


def _school(user: User, school_id: int, capability: str | None) -> Unit:
    """A school in the user's scope (404), where they hold ``capability`` (403; None: patrol
    or watch patrols), that is a school or kindergarten (409)."""
    unit = db.session.get(Unit, school_id)
    if unit is None:
        raise access.not_found("school")
    if capability is None:
        require_patrol_reader(user, unit)
    else:
        access.require(user, capability, unit, what="school")
    if unit.kind not in SCHOOL_KINDS:
        raise ApiError(409, "not_a_school", "Only schools and kindergartens have checkpoints.")
    return unit


def _check_codes(codes: list[str]) -> None:
    """Every template code must name a loaded template."""
    unknown = sorted(set(codes) - known_codes())
    if unknown:
        raise ApiError(
            422,
            "validation_error",
            "Unknown checklist template.",
            {"template_codes": [f"Unknown code: {code}" for code in unknown]},
        )


def _name_verdict(user: User, name: str) -> str:
    """WeChat's verdict on a checkpoint's name (risky: 422)."""
    return content.check_text(user, "name", name)


def create(user: User, data: dict[str, Any]) -> Checkpoint:
    """A new checkpoint, recorded on site with the phone's position."""
    school = _school(user, data["school_id"], MANAGE)
    _check_codes(data["template_codes"])
    position = Position(data["lat"], data["lng"], data["coord_system"])
    verdict = _name_verdict(user, data["name"])
    checkpoint = Checkpoint(
        school_id=school.id,
        name=data["name"],
        lat=position.lat,
        lng=position.lng,
        coord_system=position.system,
        radius_m=data["radius_m"],
        template_codes=list(dict.fromkeys(data["template_codes"])),
        token=new_token(),
        active=True,
        created_by_id=user.id,
    )
    db.session.add(checkpoint)
    db.session.flush()
    content.hold_text(user, school, SUBJECT, checkpoint.id, "name", checkpoint.name, verdict)
    db.session.commit()
    return checkpoint


def load_managed(user: User, checkpoint_id: int) -> Checkpoint:
    """A checkpoint the user manages (404 out of scope, 403 without checkpoint.manage)."""
    return access.load(user, Checkpoint, checkpoint_id, MANAGE, lambda c: c.school, "checkpoint")


def _kept_by_registry() -> ApiError:
    """The answer for changing a water point's or a bus's checkpoint through this API."""
    return ApiError(
        409, "kept_by_registry", "This checkpoint belongs to a water point or a bus; edit that."
    )


def change(user: User, checkpoint_id: int, data: dict[str, Any]) -> Checkpoint:
    """Rename, change the radius or the templates, deactivate or reactivate a checkpoint (a
    place's: a water point's or a bus's is changed through its registry)."""
    checkpoint = load_managed(user, checkpoint_id)
    if checkpoint.kind != PLACE:
        raise _kept_by_registry()
    if "template_codes" in data:
        _check_codes(data["template_codes"])
        checkpoint.template_codes = list(dict.fromkeys(data["template_codes"]))
    if "name" in data and data["name"] != checkpoint.name:
        verdict = _name_verdict(user, data["name"])
        checkpoint.name = data["name"]
        content.replace_text(
            user, checkpoint.school, SUBJECT, checkpoint.id, "name", data["name"], verdict
        )
    for key in ("radius_m", "active"):
        if key in data:
            setattr(checkpoint, key, data[key])
    db.session.commit()
    return checkpoint


def replace_token(user: User, checkpoint_id: int) -> Checkpoint:
    """A new token for a lost sticker (a place's or a bus's); the old one is retired in the same
    transaction. Of two replacements at once one wins, the other gets 409."""
    checkpoint = load_managed(user, checkpoint_id)
    if checkpoint.kind == WATER:
        raise _kept_by_registry()
    old, fresh = checkpoint.token, new_token()
    moved = db.session.execute(
        update(Checkpoint)
        .where(Checkpoint.id == checkpoint.id, Checkpoint.token == old)
        .values(token=fresh)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "conflict", "The code was just replaced by someone else; reload.")
    db.session.add(RetiredCheckpointToken(token=old, checkpoint_id=checkpoint.id))
    db.session.commit()
    db.session.refresh(checkpoint)
    # The answer names the token this request set, even when another replacement committed
    # after it (and so already retired it): a re-read would report that other one's token.
    set_committed_value(checkpoint, "token", fresh)
    return checkpoint


def of_school(user: User, school_id: int) -> tuple[Unit, list[Checkpoint]]:
    """A school's checkpoints (active first, then by name), for those who patrol or watch it."""
    school = _school(user, school_id, None)
    rows = db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.school_id == school.id, Checkpoint.kind == PLACE)
        .order_by(Checkpoint.active.desc(), Checkpoint.name, Checkpoint.id)
    )
    return school, list(rows)


def active_of_school(user: User, school_id: int) -> tuple[Unit, list[Checkpoint]]:
    """A school's active checkpoints, for the printable sheet (checkpoint.manage)."""
    school = _school(user, school_id, MANAGE)
    rows = db.session.scalars(
        select(Checkpoint)
        .where(Checkpoint.school_id == school.id, Checkpoint.active, Checkpoint.kind == PLACE)
        .order_by(Checkpoint.name, Checkpoint.id)
    )
    return school, list(rows)


def _unknown() -> ApiError:
    """The answer for a token nobody issued, or one of a school beyond the caller's scope."""
    return ApiError(404, "checkpoint_unknown", "This code is not a checkpoint of your school.")


def schools_of(checkpoint: Checkpoint) -> list[Unit]:
    """The schools a round at this checkpoint may count for: a water point's concerned schools
    (by id), else the checkpoint's own school."""
    if checkpoint.kind != WATER:
        return [checkpoint.school]
    return list(
        db.session.scalars(
            select(Unit)
            .join(WaterPointSchool, WaterPointSchool.school_id == Unit.id)
            .join(WaterPoint, WaterPoint.id == WaterPointSchool.water_point_id)
            .where(WaterPoint.checkpoint_id == checkpoint.id)
            .order_by(Unit.id)
        )
    )


def round_school(user: User, checkpoint: Checkpoint) -> Unit:
    """The school a round by ``user`` at the checkpoint counts for: the first of
    :func:`schools_of` where they hold patrol.do. Unknown when they see none of them (404),
    forbidden when they see one but may patrol at none (403)."""
    schools = schools_of(checkpoint)
    for school in schools:
        if access.may(user, "patrol.do", school):
            return school
    if not any(access.sees(user, school) for school in schools):
        raise _unknown()
    raise access.forbidden("patrol.do")


def resolve_token(user: User, token: str) -> Checkpoint:
    """The checkpoint a scanned token names, for a round by ``user`` (patrol.do at its school).

    Accepts the bare token or the whole QR content (``SAFETY-CP:<token>``). Unknown, or of a
    school beyond the caller's scope: 404 ``checkpoint_unknown``; in scope without patrol.do:
    403; a replaced token: 410 ``checkpoint_replaced``; a deactivated checkpoint: 410
    ``checkpoint_inactive``.
    """
    token = token.removeprefix(QR_PREFIX).strip()
    checkpoint = db.session.scalars(select(Checkpoint).where(Checkpoint.token == token)).first()
    retired = False
    if checkpoint is None:
        old = db.session.get(RetiredCheckpointToken, token)
        if old is None:
            raise _unknown()
        checkpoint, retired = db.session.get(Checkpoint, old.checkpoint_id), True
    round_school(user, checkpoint)
    if retired:
        raise ApiError(410, "checkpoint_replaced", "This sticker was replaced; scan the new one.")
    if not checkpoint.active:
        raise ApiError(410, "checkpoint_inactive", "This checkpoint is no longer in use.")
    return checkpoint


def resolve_id(user: User, checkpoint_id: int) -> Checkpoint:
    """A water point's checkpoint named by its id (it has no sticker to scan), with the same
    answers as :func:`resolve_token`; a place or a bus named by id: 422 ``scan_required``."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    if checkpoint is None:
        raise _unknown()
    round_school(user, checkpoint)
    if checkpoint.kind != WATER:
        raise ApiError(422, "scan_required", "Scan the code at this checkpoint to start a round.")
    if not checkpoint.active:
        raise ApiError(410, "checkpoint_inactive", "This checkpoint is no longer in use.")
    return checkpoint


def resolve(user: User, token: str | None, checkpoint_id: int | None) -> Checkpoint:
    """The checkpoint of a round: by its scanned token, or a water point by its id."""
    if token is not None:
        return resolve_token(user, token)
    return resolve_id(user, checkpoint_id)


def scan(
    user: User, token: str | None, checkpoint_id: int | None = None
) -> tuple[Checkpoint, list[ChecklistTemplate]]:
    """``GET /checkpoints/scan``: the checkpoint and the templates in effect there (at the
    school the round would count for)."""
    checkpoint = resolve(user, token, checkpoint_id)
    school = round_school(user, checkpoint)
    return checkpoint, templates_in_effect(school, list(checkpoint.template_codes))


def views(checkpoints: list[Checkpoint], viewer: User) -> list[dict[str, Any]]:
    """Checkpoints as ``viewer`` sees them: a held name masked unless they wrote it; the token
    only for those who manage the school's checkpoints."""
    held = content.held_texts(SUBJECT, [c.id for c in checkpoints])
    manages: dict[int, bool] = {}
    out = []
    for checkpoint in checkpoints:
        school = checkpoint.school
        if school.id not in manages:
            manages[school.id] = access.may(viewer, MANAGE, school)
        view = {
            "id": checkpoint.id,
            "school": {"id": school.id, "name": school.name},
            "name": content.shown(held, viewer.id, checkpoint.id, "name", checkpoint.name),
            "position": {
                "lat": checkpoint.lat,
                "lng": checkpoint.lng,
                "coord_system": checkpoint.coord_system,
            },
            "radius_m": checkpoint.radius_m,
            "template_codes": list(checkpoint.template_codes),
            "active": checkpoint.active,
            "kind": checkpoint.kind,
            "shape": checkpoint.shape,
        }
        if manages[school.id]:
            view["token"] = checkpoint.token
        out.append(view)
    return out


def view(checkpoint: Checkpoint, viewer: User) -> dict[str, Any]:
    """One checkpoint as ``viewer`` sees it."""
    return views([checkpoint], viewer)[0]
