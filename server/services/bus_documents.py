"""The daily job of the bus papers: an operator's safety agreement or a driver's licence that
has expired, or expires within 30 days, becomes a hazard of the running school, once per bus
(or driver) and expiry date. A renewed document has a new date, so it may raise again when that
one comes near.

Once, even with two workers or a hand run beside the worker: each document is first claimed by
an INSERT into ``bus_document_hazards`` on its unique (subject, subject_id, expires_on) key with
``ON CONFLICT DO NOTHING`` (on PostgreSQL a second worker's insert of the same key waits for the
first's commit, then does nothing), and its hazard is inserted in the same transaction.

The hazard has no person behind it: its reporter is the bus's registrant (a hazard needs one;
they answer for the bus's papers), its first event has no actor, and it is told to the school's
safety officers (``hazard.plan`` there) including the registrant. Its position is the bus
checkpoint's (the school's campus centre). Focus problems: ``bus.operator_agreement`` for an
agreement, ``bus.responsibility`` for a licence. Severity: major once expired, else general.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite

from server import access
from server.clock import CHINA_TZ, local_time
from server.extensions import db
from server.geo import Position
from server.models import FocusProblem, Hazard, HazardEvent, utcnow
from server.models.buses import AGREEMENT, LICENCE, BusDocumentHazard, BusDriver, SchoolBus
from server.models.hazards import REPORTED
from server.services.bus_views import EXPIRING_WITHIN
from server.services.hazard_news import NEWS
from server.services.hazard_reports import campus_check
from server.services.notify import enqueue_deliveries, notify

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Hazards made here derive their UUIDs from this namespace and the document's key.
NAMESPACE = uuid.UUID("6d1f1c3e-5b7a-4c55-9d0e-2b8f0a6e4b11")
FOCUS = {AGREEMENT: "bus.operator_agreement", LICENCE: "bus.responsibility"}


@dataclass(frozen=True)
class Due:
    """One document to raise: what, whose, which date, and the bus it belongs to."""

    subject: str
    subject_id: int
    expires_on: date
    bus: SchoolBus
    driver_name: str | None = None


def _not_claimed(subject: str, subject_id, expires_on):
    """No hazard was raised yet for this document and date."""
    return ~(
        select(BusDocumentHazard.id)
        .where(
            BusDocumentHazard.subject == subject,
            BusDocumentHazard.subject_id == subject_id,
            BusDocumentHazard.expires_on == expires_on,
        )
        .exists()
    )


def due(today: date) -> list[Due]:
    """Active buses' agreements and drivers' licences ending by today + 30 days that have not
    raised their hazard yet, in key order (two workers claim in the same order)."""
    horizon = today + EXPIRING_WITHIN
    buses = db.session.scalars(
        select(SchoolBus)
        .where(
            SchoolBus.active.is_(True),
            SchoolBus.agreement_expires_on <= horizon,
            _not_claimed(AGREEMENT, SchoolBus.id, SchoolBus.agreement_expires_on),
        )
        .order_by(SchoolBus.id)
    ).all()
    found = [Due(AGREEMENT, b.id, b.agreement_expires_on, b) for b in buses]
    drivers = db.session.execute(
        select(BusDriver, SchoolBus)
        .join(SchoolBus, and_(SchoolBus.id == BusDriver.bus_id, SchoolBus.active.is_(True)))
        .where(
            BusDriver.licence_expires_on <= horizon,
            _not_claimed(LICENCE, BusDriver.id, BusDriver.licence_expires_on),
        )
        .order_by(BusDriver.id)
    ).all()
    found += [Due(LICENCE, d.id, d.licence_expires_on, bus, d.name) for d, bus in drivers]
    return found


def _claim(item: Due) -> int | None:
    """Insert the document's claim; its id, or None when another run has it."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = (
        insert(BusDocumentHazard)
        .values(
            subject=item.subject,
            subject_id=item.subject_id,
            expires_on=item.expires_on,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["subject", "subject_id", "expires_on"])
        .returning(BusDocumentHazard.id)
    )
    return db.session.execute(statement).scalar()


def description(item: Due, today: date) -> str:
    """校车皖L12345与运营方的安全协议将于2026年12月5日到期 (已于... when past)."""
    when = f"{item.expires_on.year}年{item.expires_on.month}月{item.expires_on.day}日"
    verb = "已于" if item.expires_on < today else "将于"
    if item.subject == AGREEMENT:
        return f"校车{item.bus.plate}与运营方的安全协议{verb}{when}到期"
    return f"校车{item.bus.plate}驾驶员{item.driver_name}的驾驶证{verb}{when}到期"


def _hazard(item: Due, today: date, focus: dict[str, int | None]) -> Hazard:
    """The document's hazard (added and flushed) with its first event."""
    checkpoint = item.bus.checkpoint
    text = description(item, today)
    key = f"bus-document:{item.subject}:{item.subject_id}:{item.expires_on.isoformat()}"
    client_uuid = str(uuid.uuid5(NAMESPACE, key))
    severity = "major" if item.expires_on < today else "general"
    position = Position(checkpoint.lat, checkpoint.lng, checkpoint.coord_system)
    hazard = Hazard(
        client_uuid=client_uuid,
        content_digest=hashlib.sha256(f"{client_uuid}\n{text}".encode()).hexdigest(),
        school_id=item.bus.school_id,
        reporter_id=item.bus.created_by_id,
        focus_problem_id=focus[item.subject],
        description=text,
        place=checkpoint.name[:60],
        severity=severity,
        status=REPORTED,
        lat=position.lat,
        lng=position.lng,
        # Not a phone's fix: the school's campus centre, exactly as recorded.
        accuracy_m=0.0,
        coord_system=position.system,
        inside_campus=campus_check(item.bus.school, position),
        checkpoint_id=checkpoint.id,
    )
    db.session.add(hazard)
    db.session.flush()
    db.session.add(
        HazardEvent(
            hazard_id=hazard.id,
            actor_id=None,
            kind="reported",
            to_status=REPORTED,
            changes={
                "severity": severity,
                "focus_problem": FOCUS[item.subject],
                "inside_campus": hazard.inside_campus,
                "source": "bus_documents",
            },
            lat=position.lat,
            lng=position.lng,
            coord_system=position.system,
        )
    )
    return hazard


def _tell(hazard: Hazard) -> list[int]:
    """The school's safety officers hear of the new hazard (as of any reported one)."""
    news = NEWS["reported"]
    school = hazard.school
    return notify(
        access.holders_at([school.id], "hazard.plan"),
        kind=news.kind,
        title=news.title,
        body=f"{school.name}:{hazard.description}。请尽快制定整改方案。",
        template_key=news.template_key,
        values={
            "school": school.name,
            "description": hazard.description,
            "status": news.status,
            "actor": "-",
            "time": local_time(utcnow()),
            "note": "-",
            "hazard_id": hazard.id,
        },
        data={"hazard_id": hazard.id, "event": "reported"},
        hazard_id=hazard.id,
    )


def raise_document_hazards(now: datetime | None = None) -> int:
    """The job's body: claim and raise each due document's hazard in one transaction,
    committed, then pushed; returns how many hazards were raised."""
    today = (now or utcnow()).astimezone(CHINA_TZ).date()
    items = due(today)
    if not items:
        return 0
    focus = {
        subject: db.session.scalar(select(FocusProblem.id).where(FocusProblem.code == code))
        for subject, code in FOCUS.items()
    }
    raised, deliveries = 0, []
    for item in items:
        claim_id = _claim(item)
        if claim_id is None:
            continue
        hazard = _hazard(item, today, focus)
        db.session.get(BusDocumentHazard, claim_id).hazard_id = hazard.id
        deliveries += _tell(hazard)
        raised += 1
    db.session.commit()
    enqueue_deliveries(deliveries)
    return raised
