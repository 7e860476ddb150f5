"""Patrol records: one row per round, its answers counted and its failed items named."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import Patrol, PatrolAnswer, User, utcnow
from server.services.exports.patrols import COLUMNS
from tests.exports.conftest import sheet_of
from tests.hazards.conftest import unit_by_code

HEADERS = [c.header for c in COLUMNS]


def _round(checkpoint, template, answers: list[str], late: bool) -> Patrol:
    """A round at ``checkpoint`` by the teacher, answering the template's items in order."""
    teacher = db.session.scalars(select(User).where(User.openid == "demo-teacher")).one()
    scanned = utcnow() - timedelta(hours=2)
    patrol = Patrol(
        client_uuid=str(uuid.uuid4()),
        content_digest="0" * 64,
        checkpoint_id=checkpoint.id,
        school_id=checkpoint.school_id,
        template_id=template.id,
        user_id=teacher.id,
        lat=checkpoint.lat,
        lng=checkpoint.lng,
        accuracy_m=8,
        coord_system="gcj02",
        distance_m=12.34,
        scanned_at=scanned,
        sent_at=scanned,
        received_at=scanned + (timedelta(hours=1) if late else timedelta(minutes=1)),
        flags=[{"kind": "photo_reused", "photo_id": 1, "detail": "x"}] if late else [],
    )
    items = sorted(template.items, key=lambda item: item.position)
    patrol.answers = [
        PatrolAnswer(item_id=item.id, answer=answer)
        for item, answer in zip(items, answers, strict=False)
    ]
    db.session.add(patrol)
    db.session.commit()
    return patrol


def test_patrol_records_rows(people, checklists, checkpoint, export, download):
    template = checklists["fire_daily"]
    room = checkpoint("配电室")
    items = sorted(template.items, key=lambda item: item.position)
    good = _round(room, template, ["pass"] * len(items), late=False)
    bad = _round(room, template, ["fail", "na", "fail"] + ["pass"] * (len(items) - 3), late=True)
    school = unit_by_code("YQ101")
    job = export(people["school_admin@own"], "patrol_records", "xlsx", school.id).get_json()
    sheet = sheet_of(download(people["school_admin@own"], job["id"]).data)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 3
    by_id = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    first, second = by_id[good.id], by_id[bad.id]
    assert first["学校"] == "符离中心小学" and first["巡查点"] == "配电室"
    assert first["类型"] == "场所" and first["检查表"] == template.name
    assert first["巡查人"] == db.session.get(User, good.user_id).display_name
    assert (first["合格"], first["不合格"], first["不适用"]) == (len(items), 0, 0)
    assert first["迟交"] == "否" and first["标记"] is None and first["不合格项"] is None
    assert first["距离(米)"] == 12.3
    scanned = good.scanned_at.astimezone(CHINA_TZ).replace(tzinfo=None)
    assert abs(first["扫码时间"] - scanned) < timedelta(milliseconds=1)
    assert (second["合格"], second["不合格"], second["不适用"]) == (len(items) - 3, 2, 1)
    assert second["不合格项"] == f"{items[0].text}; {items[2].text}"
    assert second["迟交"] == "是" and second["标记"] == "照片重复使用"
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
