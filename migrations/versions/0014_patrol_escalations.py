"""patrol slots remember the escalation a run of missed rounds reached at them

Revision ID: 0014_patrol_escalations
Revises: 0013_patrols
Create Date: 2026-11-29 12:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_patrol_escalations"
down_revision = "0013_patrols"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("patrol_slots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("patrol_slots", schema=None) as batch_op:
        batch_op.drop_column("escalation_level")
