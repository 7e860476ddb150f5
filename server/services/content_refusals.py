"""Refused photos: WeChat's media check said ``risky`` (or an admin rejected the photo). Such a
photo is refused for good: it is shown to nobody (``content.photo_holds``), it cannot be
released, and its uploader gets an inbox message (and a push, where granted) asking for
another. The photo row and its objects stay, hidden: the record it is attached to refers to it
(``references.py``), so the orphan sweep keeps it, and a row never loses its photo."""

from __future__ import annotations

from sqlalchemy import select

from server.clock import local_time
from server.errors import ApiError
from server.extensions import db
from server.models import HazardPhoto, utcnow
from server.models.content import MEDIA, RISKY, ContentCheck
from server.services.notify import notify

TITLE = "照片未通过审核"
BY_WECHAT = "您上传的照片未通过微信内容安全检查，已被拒绝，请重新拍摄上传。"
BY_ADMIN = "您上传的照片未通过管理员审核，已被拒绝，请重新拍摄上传。"
# Where each kind of photo was attached, as its uploader would recognise it.
WHERE = {
    "hazard_photo": "隐患照片",
    "notice": "通知附图",
    "patrol_photo": "巡查照片",
    "perimeter_log_photo": "护校日志照片",
}


def refused_error() -> ApiError:
    """The answer to releasing (or rejecting) a photo WeChat's media check refused."""
    return ApiError(
        409,
        "content_refused",
        "This photo failed WeChat's content check and cannot be released.",
    )


def is_refused_photo(check: ContentCheck) -> bool:
    """True for a photo WeChat's media check refused: not for an admin to release."""
    return check.kind == MEDIA and check.status == RISKY


def tell_writer(check: ContentCheck, by_wechat: bool) -> list[int]:
    """Tell a refused photo's uploader, in the caller's transaction; returns the pending
    deliveries to enqueue after the commit. Texts are not told here: a risky text is refused
    when it is written (422), before anything is saved."""
    if check.kind != MEDIA:
        return []
    hazard_id = None
    if check.subject == "hazard_photo":
        hazard_id = db.session.scalar(
            select(HazardPhoto.hazard_id).where(HazardPhoto.id == check.subject_id)
        )
    body = f"{WHERE.get(check.subject, '照片')}：{BY_WECHAT if by_wechat else BY_ADMIN}"
    return notify(
        [check.writer_id],
        kind="content_refused",
        title=TITLE,
        body=body,
        template_key="task_reminder",
        values={"title": TITLE, "body": body, "sent_at": local_time(utcnow())},
        data={"check_id": check.id, "subject": check.subject, "subject_id": check.subject_id},
        hazard_id=hazard_id,
    )
