"""The caller's to-do list (待办): what they must do now."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import todo_schemas as schemas
from server.auth import current_user, login_required
from server.clock import local_today
from server.services import todo

blp = Blueprint("todo", __name__, url_prefix="/api/v1/todo", description="To-do list")


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.TodoResponse)
def get_todo():
    """Hazards waiting for the caller's step (overdue, verify, fix, plan, classify: counts and
    the first five of each) and, for parents, notices not yet acknowledged for a child."""
    return todo.todo(current_user(), local_today())
