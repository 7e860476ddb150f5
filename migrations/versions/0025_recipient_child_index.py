"""a child's recipient rows of a notice found by the (notice, class, child) index: an
acknowledgment reads the child's rows, not the whole class's

Revision ID: 0025_recipient_child_index
Revises: 0024_path_prefix_indexes
Create Date: 2026-11-30 00:05:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0025_recipient_child_index"
down_revision = "0024_path_prefix_indexes"
branch_labels = None
depends_on = None


def upgrade():
    # The same name and leading columns: the class's lists and reminders use it as before.
    op.drop_index("ix_notice_recipients_notice_class", table_name="notice_recipients")
    op.create_index(
        "ix_notice_recipients_notice_class",
        "notice_recipients",
        ["notice_id", "class_id", "child_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_notice_recipients_notice_class", table_name="notice_recipients")
    op.create_index(
        "ix_notice_recipients_notice_class",
        "notice_recipients",
        ["notice_id", "class_id"],
        unique=False,
    )
