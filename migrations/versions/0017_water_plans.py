"""one active water-visit plan per school (a partial unique index: two water points registered
at once for one school cannot both make the school's plan)

Revision ID: 0017_water_plans
Revises: 0016_duty_kinds
Create Date: 2026-11-29 14:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_water_plans'
down_revision = '0016_duty_kinds'
branch_labels = None
depends_on = None

WATER = "managed_by = 'water' AND active"


def upgrade():
    with op.batch_alter_table('patrol_plans', schema=None) as batch_op:
        batch_op.create_index(
            'uq_patrol_plans_water_school',
            ['school_id'],
            unique=True,
            sqlite_where=sa.text(WATER),
            postgresql_where=sa.text(WATER),
        )


def downgrade():
    with op.batch_alter_table('patrol_plans', schema=None) as batch_op:
        batch_op.drop_index('uq_patrol_plans_water_school')
