"""Parents bound to children the way the service binds them now: the pupil on the class roster,
the parent's binding request, then the class teacher's approval."""

from __future__ import annotations

from sqlalchemy import select, update

from server.extensions import db
from server.models import ParentLink, SchoolClass
from server.models.people import APPROVED
from server.services.roster import enrol


def on_roster(school_class: SchoolClass, *names: str) -> None:
    """Put the pupils on the class's roster (as the school's import or the teacher would)."""
    for name in names:
        enrol(school_class, name)
    db.session.commit()


PARENT_NAME = "王家长"


def request_binding(client, headers, school_class, name, relation="mother", **extra):
    """The parent's binding request as the phone sends it (with the parent's name, which the
    phone always sends); the raw response."""
    body = {
        "class_code": school_class.class_code,
        "child_name": name,
        "relation": relation,
        "display_name": PARENT_NAME,
        **extra,
    }
    return client.post("/api/v1/children", json=body, headers=headers)


def approve_all() -> None:
    """The class teachers approve every waiting binding."""
    db.session.execute(update(ParentLink).values(status=APPROVED))
    db.session.commit()


def bind(client, headers, school_class, name, relation="mother") -> dict:
    """Bind and approve: the pupil is put on the roster if missing; returns the binding."""
    on_roster(school_class, name)
    response = request_binding(client, headers, school_class, name, relation)
    assert response.status_code == 201, response.get_json()
    link = response.get_json()
    db.session.execute(
        update(ParentLink).where(ParentLink.id == link["id"]).values(status=APPROVED)
    )
    db.session.commit()
    return {**link, "status": APPROVED}


def link_status(link_id: int) -> str | None:
    """A binding's status as stored (None when it is gone)."""
    return db.session.scalar(select(ParentLink.status).where(ParentLink.id == link_id))
