"""How held content is resolved: WeChat's media verdicts (the message callback), the retry job
for checks WeChat never answered, and the admins' release or rejection. When the last hold on
an item goes, what waited for it happens (a notice whose writer asked to send it is sent)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import Unit, User, utcnow
from server.models.content import (
    DECIDABLE,
    MEDIA,
    PASSED,
    PENDING,
    REJECTED,
    RELEASED,
    REVIEW,
    RISKY,
    TEXT,
    ContentCheck,
)
from server.services import content, content_refusals
from server.services.photos import display_url
from server.services.views import View
from server.wechat.content_security import SUGGESTIONS
from server.wechat.errors import WeChatError, WeChatRateLimited, WeChatUnavailable

log = logging.getLogger(__name__)
# A held name of a person: it belongs to the person, not to the unit where it was given.
_IS_NAME = and_(ContentCheck.subject == "user", ContentCheck.field == "display_name")


def _is_name(check: ContentCheck) -> bool:
    """Whether the check holds a person's name (``_IS_NAME`` for one loaded check)."""
    return check.subject == "user" and check.field == "display_name"


def valid_signature(token: str, signature: str, timestamp: str, nonce: str) -> bool:
    """WeChat's message-push signature: SHA-1 of the sorted token, timestamp and nonce."""
    if not token or not signature:
        return False
    expected = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return hmac.compare_digest(expected, signature)


def _after_visible(check: ContentCheck) -> list[int]:
    """Run what waited for an item's last hold to go, in the caller's transaction (a held name
    becomes the person's name; a notice its writer asked to send is sent); returns delivery ids
    to enqueue after the commit."""
    subject, subject_id = check.subject, check.subject_id
    if _is_name(check):
        db.session.execute(
            update(User).where(User.id == subject_id).values(display_name=check.content)
        )
        return []
    if subject != "notice" or content.is_held(subject, subject_id):
        return []
    from server.services.notices import send_when_released

    return send_when_released(subject_id)


def _settle(check_id: int, status: str, from_statuses: tuple[str, ...], **values: Any) -> bool:
    """Move a check to ``status`` only from one of ``from_statuses`` (one wins), then run what
    waited (or tell a refused photo's uploader), and commit; False when another decision came
    first."""
    check = db.session.get(ContentCheck, check_id)
    moved = db.session.execute(
        update(ContentCheck)
        .where(ContentCheck.id == check_id, ContentCheck.status.in_(from_statuses))
        .values(status=status, **values)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        return False
    if status in (PASSED, RELEASED):
        deliveries = _after_visible(check)
    elif status in (RISKY, REJECTED):
        deliveries = content_refusals.tell_writer(check, by_wechat=status == RISKY)
    else:
        deliveries = []
    db.session.commit()
    if deliveries:
        from server.services.notify import enqueue_deliveries

        enqueue_deliveries(deliveries)
    return True


def record_media_verdict(event: dict[str, Any]) -> bool:
    """A ``wxa_media_check`` push: the check with its trace_id takes WeChat's suggest (once;
    a repeated push changes nothing). Other events and unknown trace_ids are ignored."""
    if event.get("Event") != "wxa_media_check":
        return False
    trace_id, result = event.get("trace_id"), event.get("result")
    suggest = result.get("suggest") if isinstance(result, dict) else None
    if not isinstance(trace_id, str) or suggest not in SUGGESTIONS:
        return False
    check_id = db.session.scalar(
        select(ContentCheck.id).where(ContentCheck.trace_id == trace_id[:64])
    )
    if check_id is None:
        return False
    label = result.get("label")
    return _settle(
        check_id,
        suggest,
        (PENDING,),
        suggest=suggest,
        label=label if isinstance(label, int) and abs(label) < 2**31 else None,
        checked_at=utcnow(),
    )


def submit_media_check(check_id: int) -> bool:
    """Ask WeChat to check a held photo; the trace_id is kept for the verdict. False when
    WeChat could not be reached (the retry job tries again)."""
    check = db.session.get(ContentCheck, check_id)
    if check is None or check.status != PENDING or check.kind != MEDIA:
        return False
    openid, url = check.writer.openid, display_url(check.photo)
    try:
        trace_id = content._gateway().check_media_async(openid, url, content.SCENE_COMMENT)
    except WeChatError as exc:
        log.warning("media check %s not started: %s", check_id, exc)
        trace_id = None
    db.session.execute(
        update(ContentCheck)
        .where(ContentCheck.id == check_id, ContentCheck.status == PENDING)
        .values(trace_id=trace_id, attempts=ContentCheck.attempts + 1, checked_at=utcnow())
    )
    db.session.commit()
    return trace_id is not None


def retry_text_check(check_id: int) -> bool:
    """Ask WeChat again about a text held as pending; True when it answered."""
    check = db.session.get(ContentCheck, check_id)
    if check is None or check.status != PENDING or check.kind != TEXT:
        return False
    try:
        suggest, label = content._gateway().check_text(
            check.writer.openid, check.content or "", content.SCENE_COMMENT
        )
    except (WeChatUnavailable, WeChatRateLimited):
        suggest = None
    except WeChatError:
        suggest, label = REVIEW, None
    if suggest is None:
        db.session.execute(
            update(ContentCheck)
            .where(ContentCheck.id == check_id, ContentCheck.status == PENDING)
            .values(attempts=ContentCheck.attempts + 1, checked_at=utcnow())
        )
        db.session.commit()
        return False
    _settle(check_id, suggest, (PENDING,), suggest=suggest, label=label, checked_at=utcnow())
    return True


def retry_pending() -> int:
    """The retry job: texts WeChat never answered, and photos whose check never started or
    whose verdict never came, are asked again. Returns how many got an answer or a trace_id."""
    stale = utcnow() - content.MEDIA_VERDICT_WAIT
    query = (
        select(ContentCheck.id, ContentCheck.kind)
        .where(
            ContentCheck.status == PENDING,
            or_(
                ContentCheck.kind == TEXT,
                ContentCheck.trace_id.is_(None),
                ContentCheck.checked_at < stale,
            ),
        )
        .order_by(ContentCheck.id)
        .limit(content.RETRY_BATCH)
    )
    done = 0
    for check_id, kind in db.session.execute(query).all():
        if kind == TEXT:
            done += retry_text_check(check_id)
        else:
            done += submit_media_check(check_id)
    return done


def held_items(user: User, unit_id: int) -> list[View]:
    """Held texts and photos at a unit and below, for those who release them; a held name is
    there too when its person belongs to one of those units (``access.member_ids``)."""
    unit = access.load_unit(user, unit_id, "content.review")
    reviewed = select(Unit.id).where(
        Unit.id.in_(access.unit_ids_below([unit.path])),
        Unit.id.in_(access.unit_ids_where(user, "content.review")),
    )
    query = (
        select(ContentCheck)
        .where(
            or_(
                ContentCheck.unit_id.in_(reviewed),
                and_(
                    _IS_NAME,
                    ContentCheck.subject_id.in_(access.member_ids(reviewed)),
                ),
            ),
            ContentCheck.status.in_(DECIDABLE),
        )
        .order_by(ContentCheck.id)
        .limit(200)
        # The writer, unit and photo each row shows: loaded for the list, not per row.
        .options(
            selectinload(ContentCheck.writer),
            selectinload(ContentCheck.unit),
            selectinload(ContentCheck.photo),
        )
    )
    return [review_view(check) for check in db.session.scalars(query)]


def review_view(check: ContentCheck) -> View:
    """A held item as its reviewer sees it: the text, or a link to the photo."""
    return View(
        check,
        writer_name=check.writer.display_name,
        unit_name=check.unit.name if check.unit is not None else None,
        photo_url=display_url(check.photo) if check.photo is not None else None,
    )


def decide(user: User, check_id: int, release: bool) -> View:
    """Release (others see it; a notice waiting to be sent is sent) or reject a held item;
    of two decisions at once one wins, the other gets 409."""
    check = db.session.get(ContentCheck, check_id)
    if check is None:
        raise access.not_found("review")
    units = [check.unit] if check.unit is not None else []
    if _is_name(check):
        # A name belongs to its person: the admins of any unit they belong to release it.
        units += access.units_of_person(check.subject_id)
    access.require_any(user, "content.review", units, what="review")
    status = RELEASED if release else REJECTED
    # Decided only while undecided: one WeChat refused (before or meanwhile) answers its own 409.
    if not _settle(check.id, status, DECIDABLE, decided_at=utcnow(), decided_by_id=user.id):
        db.session.refresh(check)
        if content_refusals.is_refused(check):
            raise content_refusals.refused_error(check)
        raise ApiError(409, "review_decided", "This item has already been decided.")
    db.session.refresh(check)
    return review_view(check)
