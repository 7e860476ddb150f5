"""who submitted a hazard's fix (separation of duties: they may not sign it off)

Revision ID: 0006_access
Revises: 0005_owners
Create Date: 2026-11-29 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_access'
down_revision = '0005_owners'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fix_submitted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_hazards_fix_submitted_by_id_users'), 'users', ['fix_submitted_by_id'], ['id']
        )
    # Existing submitted fixes: the submitter is the actor of the latest fix_submitted event.
    op.execute(
        """
        UPDATE hazards SET fix_submitted_by_id = (
            SELECT e.actor_id FROM hazard_events e
            WHERE e.hazard_id = hazards.id AND e.kind = 'fix_submitted'
            ORDER BY e.id DESC LIMIT 1
        )
        """
    )


def downgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hazards_fix_submitted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('fix_submitted_by_id')
