"""one current version per checklist template code and unit (partial unique indexes: two loads
or two additions at once cannot both make theirs current)

Revision ID: 0015_checklist_current
Revises: 0014_patrol_escalations
Create Date: 2026-11-29 12:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_checklist_current'
down_revision = '0014_patrol_escalations'
branch_labels = None
depends_on = None

SHIPPED = "unit_id IS NULL AND is_current"
OWN = "unit_id IS NOT NULL AND is_current"


def upgrade():
    with op.batch_alter_table('checklist_templates', schema=None) as batch_op:
        batch_op.create_index(
            'uq_checklist_templates_current_shipped',
            ['code'],
            unique=True,
            sqlite_where=sa.text(SHIPPED),
            postgresql_where=sa.text(SHIPPED),
        )
        batch_op.create_index(
            'uq_checklist_templates_current_unit',
            ['code', 'unit_id'],
            unique=True,
            sqlite_where=sa.text(OWN),
            postgresql_where=sa.text(OWN),
        )


def downgrade():
    with op.batch_alter_table('checklist_templates', schema=None) as batch_op:
        batch_op.drop_index('uq_checklist_templates_current_unit')
        batch_op.drop_index('uq_checklist_templates_current_shipped')
