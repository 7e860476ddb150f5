"""WeChat's content rules: the one place that decides whether what someone wrote may be seen by
others.

Text others will read is checked with WeChat's text check when it is written: ``risky`` is
refused (422 ``content_risky``, nothing saved); ``review`` is saved but held for the unit's admin;
WeChat unreachable saves it held as ``pending`` and the retry job asks again until it answers.
A photo others will see is held from the moment it is attached until WeChat's media verdict
arrives at the message callback (``record_media_verdict``); the retry job restarts checks whose
verdict never came. An item is visible to others when none of its checks is held.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, exists, select, update

from server.errors import ApiError
from server.extensions import db
from server.models import Photo, Unit, User, utcnow
from server.models.content import (
    HELD,
    MEDIA,
    PASSED,
    PENDING,
    REFUSED,
    REVIEW,
    RISKY,
    TEXT,
    ContentCheck,
)
from server.queue import enqueue
from server.wechat.errors import WeChatError, WeChatRateLimited, WeChatUnavailable

log = logging.getLogger(__name__)
SCENE_PROFILE, SCENE_COMMENT = 1, 2
# A media verdict normally comes within 30 minutes; after this the check is started again.
MEDIA_VERDICT_WAIT = timedelta(hours=1)
RETRY_BATCH = 100


def _gateway():
    """The app's WeChat gateway."""
    from server.services.auth import wechat_gateway

    return wechat_gateway()


def risky_error(field: str) -> ApiError:
    """The answer to text WeChat's check refuses."""
    return ApiError(
        422,
        "content_risky",
        "This text breaks WeChat's content rules; change it and try again.",
        {field: ["Refused by WeChat's content check."]},
    )


def check_text(user: User, field: str, text: str, scene: int = SCENE_COMMENT) -> str:
    """Ask WeChat about ``text`` before it is saved: ``pass``, ``review`` or ``pending`` (WeChat
    unreachable); ``risky`` raises 422 ``content_risky``."""
    try:
        suggest, _label = _gateway().check_text(user.openid, text, scene)
    except (WeChatUnavailable, WeChatRateLimited):
        log.warning("text check unavailable; %s held as pending", field)
        return PENDING
    except WeChatError as exc:  # e.g. our openid is unknown to WeChat: hold, an admin decides
        log.warning("text check failed (%s); %s held for review", exc, field)
        return REVIEW
    if suggest == RISKY:
        raise risky_error(field)
    return suggest


def hold_text(
    writer: User, unit: Unit, subject: str, subject_id: int, field: str, text: str, status: str
) -> ContentCheck | None:
    """Record a text's check in the caller's transaction; a passed text needs no row."""
    if status == PASSED:
        return None
    check = ContentCheck(
        kind=TEXT,
        subject=subject,
        subject_id=subject_id,
        field=field,
        content=text,
        writer_id=writer.id,
        unit_id=unit.id,
        status=status,
        suggest=None if status == PENDING else status,
        attempts=1,
        checked_at=utcnow(),
    )
    db.session.add(check)
    return check


def hold_photo(
    writer: User, unit: Unit, subject: str, subject_id: int, field: str, photo: Photo
) -> ContentCheck:
    """Hold a photo until WeChat's media verdict (in the caller's transaction); hand the check
    to the queue with ``start_media_checks`` after the commit."""
    check = ContentCheck(
        kind=MEDIA,
        subject=subject,
        subject_id=subject_id,
        field=field,
        photo_id=photo.id,
        writer_id=writer.id,
        unit_id=unit.id,
        status=PENDING,
    )
    db.session.add(check)
    return check


def start_media_checks(check_ids: list[int]) -> None:
    """After the commit: the worker asks WeChat to check these photos."""
    if check_ids:
        enqueue("start_media_checks", check_ids)


def is_held(subject: str, subject_id: int) -> bool:
    """True while any check of the item holds it back from others."""
    return subject_id in held_ids(subject, [subject_id])


def held_ids(subject: str, subject_ids: list[int]) -> set[int]:
    """Which of these items are held (for lists)."""
    if not subject_ids:
        return set()
    query = select(ContentCheck.subject_id).where(
        ContentCheck.subject == subject,
        ContentCheck.subject_id.in_(subject_ids),
        ContentCheck.status.in_(HELD),
    )
    return set(db.session.scalars(query))


def photo_holds(subject: str, subject_ids: list[int]) -> dict[int, bool]:
    """Which of these photo links the media check holds, each with whether it was refused
    (WeChat's ``risky``, or an admin's rejection): refused photos are shown to nobody."""
    if not subject_ids:
        return {}
    query = select(ContentCheck.subject_id, ContentCheck.status).where(
        ContentCheck.subject == subject,
        ContentCheck.subject_id.in_(subject_ids),
        ContentCheck.kind == MEDIA,
        ContentCheck.status.in_(HELD),
    )
    return {sid: status in REFUSED for sid, status in db.session.execute(query)}


def forget(subject: str, subject_id: int) -> None:
    """Drop an item's checks with the item (in the caller's transaction)."""
    for check in db.session.scalars(
        select(ContentCheck).where(
            ContentCheck.subject == subject, ContentCheck.subject_id == subject_id
        )
    ):
        db.session.delete(check)


def send_on_release(subject: str, subject_id: int) -> None:
    """Remember that the writer asked to send the item once released (caller's transaction)."""
    db.session.execute(
        update(ContentCheck)
        .where(ContentCheck.subject == subject, ContentCheck.subject_id == subject_id)
        .values(on_release="send")
    )


def send_requested(subject: str, subject_id: int) -> bool:
    """True when the writer asked to send the item while it was held."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ContentCheck.subject == subject,
                    ContentCheck.subject_id == subject_id,
                    ContentCheck.on_release == "send",
                )
            )
        )
    )


# What others see in place of a held text; its writer still sees the text.
MASK = "内容审核中"


def held_texts(subject: str, subject_ids: list[int]) -> dict[tuple[int, str], int]:
    """Held texts of these items: ``(subject_id, field) -> writer_id`` (for masking)."""
    if not subject_ids:
        return {}
    query = select(ContentCheck.subject_id, ContentCheck.field, ContentCheck.writer_id).where(
        ContentCheck.subject == subject,
        ContentCheck.subject_id.in_(subject_ids),
        ContentCheck.kind == TEXT,
        ContentCheck.status.in_(HELD),
    )
    return {(sid, field): writer for sid, field, writer in db.session.execute(query)}


def shown(
    held: dict[tuple[int, str], int], viewer_id: int | None, subject_id: int, field: str, text
):
    """``text`` as ``viewer_id`` may see it: masked while held, unless they wrote it."""
    writer = held.get((subject_id, field))
    if text and writer is not None and writer != viewer_id:
        return MASK
    return text


def replace_text(
    writer: User, unit: Unit, subject: str, subject_id: int, field: str, text: str, status: str
) -> None:
    """A field written again (a fix resubmitted): the old check goes, the new one is held if
    need be (caller's transaction)."""
    db.session.execute(
        delete(ContentCheck).where(
            ContentCheck.subject == subject,
            ContentCheck.subject_id == subject_id,
            ContentCheck.field == field,
        )
    )
    hold_text(writer, unit, subject, subject_id, field, text, status)


def replace_name(writer: User, unit: Unit | None, name: str, status: str) -> None:
    """A new name: any earlier held one goes; a name the check did not pass is kept aside
    until released (caller's transaction). Without a unit nobody could release it, so it is
    held only until WeChat answers."""
    db.session.execute(
        delete(ContentCheck).where(
            ContentCheck.subject == "user",
            ContentCheck.subject_id == writer.id,
            ContentCheck.field == "display_name",
        )
    )
    if status != PASSED:
        check = ContentCheck(
            kind=TEXT,
            subject="user",
            subject_id=writer.id,
            field="display_name",
            content=name,
            writer_id=writer.id,
            unit_id=unit.id if unit is not None else None,
            status=status,
            suggest=None if status == PENDING else status,
            attempts=1,
            checked_at=utcnow(),
        )
        db.session.add(check)


def hold_photos(
    writer: User, unit: Unit, links: list[Any], subject: str = "hazard_photo"
) -> list[ContentCheck]:
    """Hold newly attached photos (flushed link rows of ``subject``: a hazard's, a patrol
    round's, a perimeter-log entry's) until WeChat's media verdict, in the caller's
    transaction; start them after the commit."""
    return [hold_photo(writer, unit, subject, link.id, "photo", link.photo) for link in links]
