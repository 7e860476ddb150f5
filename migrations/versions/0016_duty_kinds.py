"""checkpoints of three kinds (a place, a water point, a bus), a water point's line or polygon,
plans kept by a registry, and the water points with the schools they concern

Revision ID: 0016_duty_kinds
Revises: 0015_checklist_current
Create Date: 2026-11-29 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_duty_kinds'
down_revision = '0015_checklist_current'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=10), nullable=False, server_default='place')
        )
        batch_op.add_column(sa.Column('shape', sa.JSON(), nullable=True))
    with op.batch_alter_table('patrol_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('managed_by', sa.String(length=10), nullable=True))
    op.create_table(
        'water_points',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checkpoint_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('measures', sa.JSON(), nullable=False),
        sa.Column('caretaker_name', sa.String(length=30), nullable=True),
        sa.Column('caretaker_phone', sa.String(length=20), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoints.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('checkpoint_id'),
    )
    op.create_index('ix_water_points_unit_id', 'water_points', ['unit_id'])
    op.create_table(
        'water_point_schools',
        sa.Column('water_point_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['units.id']),
        sa.ForeignKeyConstraint(['water_point_id'], ['water_points.id']),
        sa.PrimaryKeyConstraint('water_point_id', 'school_id'),
    )
    op.create_index('ix_water_point_schools_school_id', 'water_point_schools', ['school_id'])


def downgrade():
    op.drop_index('ix_water_point_schools_school_id', table_name='water_point_schools')
    op.drop_table('water_point_schools')
    op.drop_index('ix_water_points_unit_id', table_name='water_points')
    op.drop_table('water_points')
    with op.batch_alter_table('patrol_plans', schema=None) as batch_op:
        batch_op.drop_column('managed_by')
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        batch_op.drop_column('shape')
        batch_op.drop_column('kind')
