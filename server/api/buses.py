"""School buses (校车): the registry (list, register, read, change, retire, a new sticker, the
stickers' sheet) and the day's board of a school's buses and trips. The inspection itself is a
patrol round: scan the bus's sticker, ``GET /checkpoints/scan``, ``POST /patrols``."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from server.api import bus_schemas as schemas
from server.auth import current_user, login_required
from server.services import bus_board, bus_views, buses
from server.services.bus_sheet import sheet_pdf

blp = Blueprint("buses", __name__, url_prefix="/api/v1/buses", description="School buses")

# The fixed paths (/board, /sheet) are declared before /<int:bus_id>; Werkzeug would not mix
# them up anyway (an int converter never matches "board"), but the order reads as it routes.


@blp.route("/board", methods=["GET"])
@login_required
@blp.arguments(schemas.BoardQuery, location="query")
@blp.response(200, schemas.BoardResponse)
def board(query):
    """The school's buses and their trips of the day, each trip cleared, failed, pending,
    missed, late or none (patrol.do or patrol.view at the school)."""
    return bus_board.board(current_user(), query["school_id"], query["day"])


@blp.route("/sheet", methods=["GET"])
@login_required
@blp.arguments(schemas.SchoolQuery, location="query")
@blp.response(200, description="An A4 PDF of bus stickers", content_type="application/pdf")
@blp.alt_response(409, description="no_buses: the school runs no active bus")
def sheet(query):
    """The stickers of the school's active buses as a printable A4 PDF (bus.manage)."""
    pdf = sheet_pdf(current_user(), query["school_id"])
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="buses.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.BusListQuery, location="query")
@blp.response(200, schemas.BusesResponse)
def list_buses(query):
    """Buses run by or serving the schools at ``unit_id`` and below, by plate (staff who patrol
    or watch patrols there; retired ones too with ``include_inactive`` for bus.manage)."""
    user = current_user()
    rows = bus_views.buses_under(user, query["unit_id"], query["include_inactive"])
    return {"buses": bus_views.views(rows, user)}


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.BusCreate)
@blp.response(201, schemas.BusSchema)
@blp.alt_response(409, description="plate_taken: another active bus has this plate")
def create(body):
    """Register a bus with its schools, drivers and trips; each trip's inspection is scheduled
    at once (bus.manage at the running school)."""
    user = current_user()
    return bus_views.view(buses.create(user, body), user), 201


@blp.route("/<int:bus_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.BusSchema)
def get(bus_id: int):
    """One bus (patrol.do or patrol.view at one of its schools)."""
    user = current_user()
    return bus_views.view(bus_views.get(user, bus_id), user)


@blp.route("/<int:bus_id>", methods=["PATCH"])
@login_required
@blp.arguments(schemas.BusPatch)
@blp.response(200, schemas.BusSchema)
@blp.alt_response(409, description="plate_taken: another active bus has this plate")
def patch(body, bus_id: int):
    """Change a bus; ``drivers``, ``trips`` and ``school_ids`` replace their lists; a changed
    departure reschedules the trip's open inspections (bus.manage)."""
    user = current_user()
    return bus_views.view(buses.patch(user, bus_id, body), user)


@blp.route("/<int:bus_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def retire(bus_id: int):
    """Retire the bus: its sticker stops working and its trips are no longer scheduled; its
    history stays (bus.manage)."""
    buses.retire(current_user(), bus_id)
    return None


@blp.route("/<int:bus_id>/token", methods=["POST"])
@login_required
@blp.response(200, schemas.BusSchema)
@blp.alt_response(409, description="Replaced by someone else at the same moment")
def replace_token(bus_id: int):
    """A new sticker for the bus; the old code then answers 410 ``checkpoint_replaced``
    (bus.manage)."""
    user = current_user()
    return bus_views.view(buses.replace_token(user, bus_id), user)
