"""school buses: the buses, the schools they serve, their drivers and trips, and the hazards
their documents raised

Revision ID: 0018_buses
Revises: 0017_water_plans
Create Date: 2026-11-29 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_buses'
down_revision = '0017_water_plans'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'school_buses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('checkpoint_id', sa.Integer(), nullable=False),
        sa.Column('plate', sa.String(length=12), nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.Column('operator', sa.String(length=60), nullable=False),
        sa.Column('agreement_number', sa.String(length=40), nullable=True),
        sa.Column('agreement_expires_on', sa.Date(), nullable=True),
        sa.Column('video_alarm_device', sa.String(length=60), nullable=True),
        sa.Column('route', sa.String(length=200), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoints.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['school_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('checkpoint_id'),
    )
    op.create_index('ix_school_buses_school_id', 'school_buses', ['school_id'])
    op.create_index(
        'uq_school_buses_active_plate',
        'school_buses',
        ['plate'],
        unique=True,
        sqlite_where=sa.text('active'),
        postgresql_where=sa.text('active'),
    )
    op.create_table(
        'bus_schools',
        sa.Column('bus_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['bus_id'], ['school_buses.id']),
        sa.ForeignKeyConstraint(['school_id'], ['units.id']),
        sa.PrimaryKeyConstraint('bus_id', 'school_id'),
    )
    op.create_index('ix_bus_schools_school_id', 'bus_schools', ['school_id'])
    op.create_table(
        'bus_drivers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bus_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=30), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('licence_no', sa.String(length=30), nullable=True),
        sa.Column('licence_expires_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['bus_id'], ['school_buses.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_bus_drivers_bus_id', 'bus_drivers', ['bus_id'])
    op.create_table(
        'bus_trips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bus_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=10), nullable=False),
        sa.Column('departs_at', sa.Time(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['bus_id'], ['school_buses.id']),
        sa.ForeignKeyConstraint(['plan_id'], ['patrol_plans.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('bus_id', 'code'),
        sa.UniqueConstraint('plan_id'),
    )
    op.create_index('ix_bus_trips_bus_id', 'bus_trips', ['bus_id'])
    op.create_table(
        'bus_document_hazards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=10), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('hazard_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subject', 'subject_id', 'expires_on'),
    )
    op.create_index('ix_bus_document_hazards_hazard_id', 'bus_document_hazards', ['hazard_id'])


def downgrade():
    op.drop_index('ix_bus_document_hazards_hazard_id', table_name='bus_document_hazards')
    op.drop_table('bus_document_hazards')
    op.drop_index('ix_bus_trips_bus_id', table_name='bus_trips')
    op.drop_table('bus_trips')
    op.drop_index('ix_bus_drivers_bus_id', table_name='bus_drivers')
    op.drop_table('bus_drivers')
    op.drop_index('ix_bus_schools_school_id', table_name='bus_schools')
    op.drop_table('bus_schools')
    op.drop_index('uq_school_buses_active_plate', table_name='school_buses')
    op.drop_index('ix_school_buses_school_id', table_name='school_buses')
    op.drop_table('school_buses')
