"""Hazards, their photos and their history as a viewer sees them: the records, plus what is
computed for this viewer today (overdue or not, short-lived photo links, the steps they may take).
The response schemas dump these views; nothing here describes a field twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.geo import Position, to_geojson_point
from server.models import Hazard, HazardEvent, HazardPhoto, Photo, User
from server.models.patrols import Checkpoint
from server.services import content
from server.services.escalation import is_overdue
from server.services.hazard_lifecycle import allowed_actions
from server.services.photos import display_url, thumb_url
from server.services.views import View

# The plan's texts others read, held like the other texts of a hazard.
PLAN_TEXTS = ("responsible_person", "measures", "contingency")


def is_old(photo: Photo) -> bool:
    """Whether the camera says the photo was taken well before it was uploaded (its EXIF time,
    when it has one): accepted, but shown as an old photo wherever it appears."""
    limit = timedelta(days=current_app.config["OLD_PHOTO_DAYS"])
    return photo.taken_at is not None and photo.taken_at < photo.created_at - limit


def photo_view(
    photo: Photo, stage: str | None = None, held: bool = False, refused: bool = False
) -> View:
    """A photo with short-lived links (callers checked the viewer may see it); a photo the
    media check holds has none (``under_review``), nor has one it refused (``refused``: shown
    to nobody, its uploader included, who is told to take another)."""
    hidden = held or refused
    return View(
        photo,
        stage=stage,
        has_gps=photo.exif_lat is not None,
        old=is_old(photo),
        url=None if hidden else display_url(photo),
        thumb_url=None if hidden else thumb_url(photo),
        under_review=held and not refused,
        refused=refused,
    )


def hidden_photos(subject: str, links: list[Any], viewer: User) -> dict[int, bool]:
    """The photo links (of ``subject``: ``hazard_photo``, ``patrol_photo``, …) the viewer may
    not see, each with whether it was refused: held by the media check and uploaded by someone
    else, or refused (hidden from everyone)."""
    holds = content.photo_holds(subject, [link.id for link in links])
    return {
        link.id: refused
        for link in links
        if (refused := holds.get(link.id)) is not None
        and (refused or link.photo.uploader_id != viewer.id)
    }


def _hazard_photo_holds(hazard_ids: list[int]) -> dict[tuple[int, int], bool]:
    """Photos of these hazards the media check holds: ``(hazard, photo) -> refused``."""
    if not hazard_ids:
        return {}
    links = db.session.execute(
        select(HazardPhoto.id, HazardPhoto.hazard_id, HazardPhoto.photo_id).where(
            HazardPhoto.hazard_id.in_(hazard_ids)
        )
    ).all()
    holds = content.photo_holds("hazard_photo", [link_id for link_id, _h, _p in links])
    return {(h, p): holds[link_id] for link_id, h, p in links if link_id in holds}


def hidden_record_photos(
    subject: str, checked: list[Any], raised: list[tuple[int, list[Any]]], viewer: User
) -> dict[int, bool]:
    """For records that show photos and may have raised a hazard with them (a patrol round's
    answers, perimeter-log entries), the photo links the viewer may not see, each with whether
    it was refused. ``checked`` links have a media check of their own (of ``subject``);
    ``raised`` pairs a raised hazard with its record's links, held by that hazard's check of
    the same photo. Held ones are hidden from all but their uploader, refused ones from all
    (two statements at most)."""
    hidden = hidden_photos(subject, checked, viewer)
    by_hazard = _hazard_photo_holds([hazard for hazard, links in raised if links])
    for hazard_id, links in raised:
        for link in links:
            refused = by_hazard.get((hazard_id, link.photo_id))
            if refused is not None and (refused or link.photo.uploader_id != viewer.id):
                hidden[link.id] = hidden.get(link.id, False) or refused
    return hidden


def _hidden_photos(links: list[Any], viewer: User) -> dict[int, bool]:
    """The hazard-photo links the viewer may not see (``hidden_photos``)."""
    return hidden_photos("hazard_photo", links, viewer)


def _position(hazard: Hazard) -> dict[str, Any]:
    """Where the hazard was reported, with its coordinate system."""
    return {
        "lat": hazard.lat,
        "lng": hazard.lng,
        "accuracy": hazard.accuracy_m,
        "coord_system": hazard.coord_system,
    }


def checkpoint_refs(hazards: list[Hazard]) -> dict[int, dict[str, Any]]:
    """The checkpoints the hazards were found at, ``{id: {id, name}}``: one statement for a
    list, none when no hazard has one."""
    ids = sorted({h.checkpoint_id for h in hazards if h.checkpoint_id is not None})
    if not ids:
        return {}
    rows = db.session.execute(select(Checkpoint.id, Checkpoint.name).where(Checkpoint.id.in_(ids)))
    return {row.id: {"id": row.id, "name": row.name} for row in rows}


def summary(
    hazard: Hazard,
    today: date,
    viewer: User,
    held: dict | None = None,
    hidden: dict[int, bool] | None = None,
    checkpoints: dict[int, dict[str, Any]] | None = None,
    **extra: Any,
) -> View:
    """A hazard as lists show it: only the first before-photo's thumbnail is signed (unless the
    media check holds it); texts the content check holds are masked for all but their writer
    (``held`` and ``hidden``: looked up for the whole list)."""
    links = [link for link in hazard.photos if link.stage == "before"]
    before = [link.photo for link in links]
    if hidden is None:
        hidden = _hidden_photos(links[:1], viewer)
    first = before[0] if before and links[0].id not in hidden else None
    if held is None:
        held = content.held_texts("hazard", [hazard.id])
    texts = {
        name: content.shown(held, viewer.id, hazard.id, name, getattr(hazard, name))
        for name in ("description", "place", "fix_note", "close_reason")
    }
    focus = hazard.focus_problem  # None until an unsure report is classified
    if checkpoints is None:
        checkpoints = checkpoint_refs([hazard])
    return View(
        hazard,
        **texts,
        area=focus.area if focus is not None else None,
        overdue=is_overdue(hazard, today),
        old_photo=any(is_old(photo) for photo in before),
        position=_position(hazard),
        thumb_url=thumb_url(first) if first else None,
        checkpoint=checkpoints.get(hazard.checkpoint_id),
        **extra,
    )


def detail(
    hazard: Hazard,
    user: User,
    today: date,
    held: dict | None = None,
    hidden: dict[int, bool] | None = None,
) -> View:
    """The whole hazard: its plan, photos before and after, and the steps open to ``user``
    (``held`` texts and ``hidden`` photos: looked up unless the caller knows them)."""
    if hidden is None:
        hidden = _hidden_photos(list(hazard.photos), user)
    if held is None:
        held = content.held_texts("hazard", [hazard.id])
    # The plan's five fields are the hazard's own columns; its texts masked while held.
    plan = View(
        hazard,
        **{
            name: content.shown(held, user.id, hazard.id, name, getattr(hazard, name))
            for name in PLAN_TEXTS
        },
    )
    return summary(
        hazard,
        today,
        user,
        held=held,
        hidden=hidden,
        plan=plan,
        photos=[
            photo_view(link.photo, link.stage, link.id in hidden, hidden.get(link.id, False))
            for link in hazard.photos
        ],
        allowed_actions=allowed_actions(user, hazard),
    )


def summaries(
    hazards: list[Hazard],
    today: date,
    viewer: User,
    per_row: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> list[View]:
    """A list of hazards (held texts looked up once for the list); ``per_row``: values computed
    for each hazard (its distance), beside the ``extra`` shared by all."""
    held = content.held_texts("hazard", [h.id for h in hazards])
    firsts = [links[0] for h in hazards if (links := [p for p in h.photos if p.stage == "before"])]
    hidden = _hidden_photos(firsts, viewer)
    rows = per_row if per_row is not None else [{} for _ in hazards]
    checkpoints = checkpoint_refs(hazards)
    return [
        summary(h, today, viewer, held, hidden, checkpoints, **extra, **own)
        for h, own in zip(hazards, rows, strict=True)
    ]


def event_views(events: list[HazardEvent], viewer: User) -> list[View]:
    """The history as ``viewer`` sees it: held notes masked unless they wrote them."""
    held = content.held_texts("hazard_event", [e.id for e in events])
    return [event_view(e, viewer, held) for e in events]


def event_view(event: HazardEvent, viewer: User, held: dict) -> View:
    """One entry of the history, with the phone's position when one was sent."""
    position = None
    if event.lat is not None:
        position = {
            "lat": event.lat,
            "lng": event.lng,
            "accuracy": None,
            "coord_system": event.coord_system,
        }
    note = content.shown(held, viewer.id, event.id, "note", event.note)
    changes = event.changes
    if note != event.note and isinstance(changes, dict) and "reason" in changes:
        changes = {**changes, "reason": note}
    if isinstance(changes, dict):
        # A plan's changed texts are held per event, like a note.
        changes = {
            key: content.shown(held, viewer.id, event.id, key, value)
            if key in PLAN_TEXTS
            else value
            for key, value in changes.items()
        }
    return View(event, position=position, note=note, changes=changes)


def feature(hazard: Hazard, today: date) -> dict[str, Any]:
    """A GeoJSON feature, in WGS-84 as GIS tools expect."""
    point = to_geojson_point(Position(hazard.lat, hazard.lng, hazard.coord_system))
    focus = hazard.focus_problem  # None until an unsure report is classified
    return {
        "type": "Feature",
        "id": hazard.id,
        "geometry": point,
        "properties": {
            "school": hazard.school.name,
            "area": focus.area.code if focus is not None else None,
            "focus_problem": focus.code if focus is not None else None,
            "severity": hazard.severity,
            "status": hazard.status,
            "overdue": is_overdue(hazard, today),
            "reported_at": hazard.reported_at.isoformat(),
        },
    }
