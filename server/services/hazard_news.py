"""Who must act next on a hazard, told in the step's own transaction (DESIGN.md §3, "The right
person, at once").

Each step of the rectification lifecycle that needs someone else writes an inbox message (and a
push delivery where that person holds a grant) through ``notify`` before the step commits, so
the message exists exactly when the step does: a step that lost a race (409) rolled back and
told nobody. The caller commits, then hands the returned delivery ids to ``send``.

Who hears of what (never the person who took the step):

- reported: holders of ``hazard.plan`` at the school (its safety officer);
- planned / plan revised: the named responsible user and the school's planners;
- fix submitted: those who may sign it off: ``hazard.signoff`` at the school for a general
  hazard, ``hazard.signoff_major`` strictly above it for a major one;
- rejected: the person who submitted the fix and the responsible user;
- verified: the reporter;
- fixed on the spot: the school's planners (it closed without them) and the reporter;
- closed as not a hazard, or folded as a duplicate: the reporter, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from server import access
from server.clock import local_time
from server.models import Hazard, User, utcnow
from server.services import content
from server.services.notify import enqueue_deliveries, notify


@dataclass(frozen=True)
class News:
    """What one step tells: inbox kind, template purpose, title and the status shown."""

    kind: str
    template_key: str
    title: str
    status: str


NEWS = {
    "reported": News("hazard_reported", "hazard_reported", "新隐患待制定整改方案", "待制定方案"),
    "planned": News("hazard_assigned", "hazard_assigned", "隐患整改任务已分配", "待整改"),
    "plan_revised": News("hazard_assigned", "hazard_assigned", "隐患整改方案已修改", "待整改"),
    "fix_submitted": News(
        "hazard_fix_submitted", "hazard_fix_submitted", "隐患整改待验收", "待验收"
    ),
    "rejected": News("hazard_rejected", "hazard_rejected", "隐患整改未通过验收", "需重新整改"),
    "verified": News("hazard_verified", "hazard_verified", "隐患已整改销号", "已验收"),
    # Closed without the plan: told with the outcome template.
    "fixed_on_spot": News("hazard_closed", "hazard_verified", "隐患已当场整改", "已当场整改"),
    "closed": News("hazard_closed", "hazard_verified", "上报的隐患已关闭", "已关闭"),
    "marked_duplicate": News(
        "hazard_closed", "hazard_verified", "上报的隐患为重复上报", "重复上报"
    ),
}


def _signers(hazard: Hazard) -> set[int]:
    """Who may sign off the fix: the school's for a general hazard, above it for a major one."""
    school = hazard.school
    if hazard.severity == "major":
        return access.holders_at(school.ancestor_ids(), "hazard.signoff_major")
    return access.holders_at([school.id], "hazard.signoff")


def recipients(hazard: Hazard, event: str) -> set[int]:
    """The users who must act (or learn the outcome) after ``event``, before removing the actor."""
    school_id = hazard.school_id
    if event == "reported":
        return access.holders_at([school_id], "hazard.plan")
    if event in ("planned", "plan_revised"):
        users = access.holders_at([school_id], "hazard.plan")
        if hazard.responsible_user_id:
            users.add(hazard.responsible_user_id)
        return users
    if event == "fix_submitted":
        return _signers(hazard)
    if event == "rejected":
        return {u for u in (hazard.fix_submitted_by_id, hazard.responsible_user_id) if u}
    if event == "verified":
        return {hazard.reporter_id}
    if event == "fixed_on_spot":
        return access.holders_at([school_id], "hazard.plan") | {hazard.reporter_id}
    if event in ("closed", "marked_duplicate"):
        return {hazard.reporter_id}
    return set()


def _description(hazard: Hazard, held: dict[tuple[int, str], int] | None = None) -> str:
    """The description as the people told may read it (masked while the content check holds
    it; ``held``: the hazard's held texts, looked up unless the caller knows them)."""
    if held is None:
        held = content.held_texts("hazard", [hazard.id])
    return content.shown(held, None, hazard.id, "description", hazard.description)


def _body(hazard: Hazard, event: str, note: str | None, description: str, held: dict) -> str:
    """The inbox text: the school, the hazard (``description`` as the people told may read
    it; ``held``: the hazard's held texts), and what happens next."""
    what = f"{hazard.school.name}:{description[:40]}"
    if event in ("planned", "plan_revised"):
        person = content.shown(
            held, None, hazard.id, "responsible_person", hazard.responsible_person
        )
        return f"{what}。责任人:{person},整改期限:{hazard.deadline}。"
    if event == "rejected":
        return f"{what}。退回原因:{note or '-'}"
    if event == "fix_submitted":
        return f"{what}。整改已提交,请到现场复查并验收。"
    if event == "verified":
        return f"{what}。您上报的隐患已整改完毕并验收销号。"
    if event == "fixed_on_spot":
        return f"{what}。已当场整改,整改后照片见隐患详情。"
    if event == "closed":
        return f"{what}。经核实不是隐患,已关闭。原因:{note or '-'}"
    if event == "marked_duplicate":
        return f"{what}。与隐患{note or ''}重复,已合并处理。"
    return f"{what}。请尽快制定整改方案。"


def tell(
    actor: User,
    hazard: Hazard,
    event: str,
    note: str | None = None,
    held: dict[tuple[int, str], int] | None = None,
) -> list[int]:
    """Write the messages ``event`` calls for, in the caller's transaction (after the step's
    UPDATE, before its commit); returns the pending delivery ids for ``send``. ``held``: the
    hazard's held texts (``content.held_texts``) when the caller has just written them."""
    news = NEWS.get(event)
    if news is None:
        return []
    users = recipients(hazard, event) - {actor.id}
    if held is None:  # one look-up for the body and the push's values
        held = content.held_texts("hazard", [hazard.id])
    description = _description(hazard, held)
    return notify(
        users,
        kind=news.kind,
        title=news.title,
        body=_body(hazard, event, note, description, held),
        template_key=news.template_key,
        values={
            "school": hazard.school.name,
            "description": description,
            "status": news.status,
            "actor": actor.display_name or "-",
            "time": local_time(utcnow()),
            "note": note or "-",
            "hazard_id": hazard.id,
        },
        data={"hazard_id": hazard.id, "event": event},
        hazard_id=hazard.id,
    )


def send(delivery_ids: list[int]) -> None:
    """After the commit: hand the step's deliveries to the queue."""
    enqueue_deliveries(delivery_ids)
