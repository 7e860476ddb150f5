"""a hazard closed without rectification keeps its reason (fixed on the spot, not a hazard)

Revision ID: 0009_quick_close
Revises: 0008_rosters
Create Date: 2026-11-29 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_quick_close'
down_revision = '0008_rosters'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('close_reason', sa.Text(), nullable=True))


def downgrade():
    # Closed reports go back to "reported": the older schema has no closed state.
    op.execute("UPDATE hazards SET status = 'reported' WHERE status = 'closed'")
    op.execute("UPDATE hazards SET status = 'verified' WHERE status = 'fixed_on_spot'")
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_column('close_reason')
