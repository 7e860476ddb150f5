"""Refused items: WeChat's check said ``risky`` (or an admin rejected the item). A risky text is
normally refused as it is written (422, nothing saved); only a text held because WeChat could
not be reached, and found risky by the retry, or a photo, whose verdict always comes later,
is refused here. Either is refused for good: a photo is shown to nobody
(``content.photo_holds``), a text stays masked for others, neither can be released, and the
writer gets an inbox message (and a push, where granted) asking them to redo it. A photo's row
and objects stay, hidden: the record it is attached to refers to it (``references.py``), so the
orphan sweep keeps it, and a row never loses its photo."""

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
TEXT_TITLE = "内容未通过审核"
TEXT_BY_WECHAT = "您填写的{field}未通过微信内容安全检查，其他人看不到这段内容，请修改后重新提交。"
TEXT_BY_ADMIN = "您填写的{field}未通过管理员审核，其他人看不到这段内容，请修改后重新提交。"
# The checked texts' fields as their writer would name them.
FIELDS = {
    "display_name": "姓名",
    "name": "名称",
    "title": "标题",
    "text": "通知内容",
    "body": "正文",
    "description": "隐患描述",
    "place": "隐患位置",
    "note": "说明",
    "reason": "理由",
    "measures": "整改措施",
    "contingency": "应急预案",
    "responsible_person": "责任人",
    "team": "检查组成员",
    "report": "检查报告",
}
# Where each kind of photo was attached, as its uploader would recognise it.
WHERE = {
    "hazard_photo": "隐患照片",
    "notice": "通知附图",
    "patrol_photo": "巡查照片",
    "perimeter_log_photo": "护校日志照片",
}


def refused_error(check: ContentCheck) -> ApiError:
    """The answer to releasing (or rejecting) an item WeChat's check refused."""
    what = "photo" if check.kind == MEDIA else "text"
    return ApiError(
        409,
        "content_refused",
        f"This {what} failed WeChat's content check and cannot be released.",
    )


def is_refused(check: ContentCheck) -> bool:
    """True for an item WeChat's check refused: not for an admin to release."""
    return check.status == RISKY


def tell_writer(check: ContentCheck, by_wechat: bool) -> list[int]:
    """Tell a refused item's writer, in the caller's transaction; returns the pending
    deliveries to enqueue after the commit."""
    hazard_id = None
    if check.subject == "hazard_photo":
        hazard_id = db.session.scalar(
            select(HazardPhoto.hazard_id).where(HazardPhoto.id == check.subject_id)
        )
    elif check.subject == "hazard":
        hazard_id = check.subject_id
    if check.kind == MEDIA:
        title = TITLE
        body = f"{WHERE.get(check.subject, '照片')}：{BY_WECHAT if by_wechat else BY_ADMIN}"
    else:
        title = TEXT_TITLE
        template = TEXT_BY_WECHAT if by_wechat else TEXT_BY_ADMIN
        body = template.format(field=FIELDS.get(check.field or "", "内容"))
    return notify(
        [check.writer_id],
        kind="content_refused",
        title=title,
        body=body,
        template_key="task_reminder",
        values={"title": title, "body": body, "sent_at": local_time(utcnow())},
        data={"check_id": check.id, "subject": check.subject, "subject_id": check.subject_id},
        hazard_id=hazard_id,
    )
