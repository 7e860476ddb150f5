"""unit paths in the "C" collation on PostgreSQL (prefix matches served by their indexes), and an
index covering a notice's completion below a unit

Revision ID: 0024_path_prefix_indexes
Revises: 0023_evaluation
Create Date: 2026-11-29 20:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024_path_prefix_indexes"
down_revision = "0023_evaluation"
branch_labels = None
depends_on = None

# (table, column) of every unit path matched by prefix.
PATH_COLUMNS = [("units", "path"), ("notice_recipients", "unit_path")]


def _set_path_collation(collation):
    """Give the path columns ``collation`` on PostgreSQL (their indexes are rebuilt with it);
    SQLite compares bytes already and keeps its columns."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in PATH_COLUMNS:
        op.alter_column(
            table,
            column,
            existing_type=sa.String(length=255),
            type_=sa.String(length=255, collation=collation),
            existing_nullable=False,
        )


def upgrade():
    _set_path_collation("C")
    op.create_index(
        "ix_notice_recipients_notice_path",
        "notice_recipients",
        ["notice_id", "unit_path", "child_id"],
        unique=False,
        postgresql_include=["class_id", "read_at", "acknowledged_at"],
    )


def downgrade():
    op.drop_index("ix_notice_recipients_notice_path", table_name="notice_recipients")
    _set_path_collation(None)
