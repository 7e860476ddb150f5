"""the year-end evaluation's hand scores (one per school, year and item)

Revision ID: 0023_evaluation
Revises: 0022_console
Create Date: 2026-11-29 17:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023_evaluation"
down_revision = "0022_console"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evaluation_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("scored_by_id", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["units.id"]),
        sa.ForeignKeyConstraint(["scored_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "year", "code"),
    )
    op.create_index(
        op.f("ix_evaluation_scores_school_id"), "evaluation_scores", ["school_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_evaluation_scores_school_id"), table_name="evaluation_scores")
    op.drop_table("evaluation_scores")
