"""the guards' post: a guard's shift at the gate (one open shift per guard), the perimeter
log kept during it, and the log's photos

Revision ID: 0019_guards
Revises: 0018_buses
Create Date: 2026-11-29 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_guards'
down_revision = '0018_buses'
branch_labels = None
depends_on = None

OPEN = "ended_at IS NULL"


def upgrade():
    op.create_table(
        'guard_shifts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_uuid', sa.String(length=36), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('checkpoint_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lat', sa.Double(), nullable=False),
        sa.Column('lng', sa.Double(), nullable=False),
        sa.Column('accuracy_m', sa.Double(), nullable=False),
        sa.Column('coord_system', sa.String(length=10), nullable=False),
        sa.Column('distance_m', sa.Double(), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handover_note', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoints.id']),
        sa.ForeignKeyConstraint(['school_id'], ['units.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_uuid'),
    )
    op.create_index('ix_guard_shifts_checkpoint_id', 'guard_shifts', ['checkpoint_id'])
    op.create_index('ix_guard_shifts_user_id', 'guard_shifts', ['user_id'])
    op.create_index('ix_guard_shifts_school_ended', 'guard_shifts', ['school_id', 'ended_at'])
    op.create_index(
        'uq_guard_shifts_open',
        'guard_shifts',
        ['user_id'],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_table(
        'perimeter_logs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_uuid', sa.String(length=36), nullable=False),
        sa.Column('content_digest', sa.String(length=64), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('lat', sa.Double(), nullable=False),
        sa.Column('lng', sa.Double(), nullable=False),
        sa.Column('accuracy_m', sa.Double(), nullable=False),
        sa.Column('coord_system', sa.String(length=10), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('hazard_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id']),
        sa.ForeignKeyConstraint(['school_id'], ['units.id']),
        sa.ForeignKeyConstraint(['shift_id'], ['guard_shifts.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_uuid'),
    )
    op.create_index('ix_perimeter_logs_school_id', 'perimeter_logs', ['school_id'])
    op.create_index('ix_perimeter_logs_shift_id', 'perimeter_logs', ['shift_id'])
    op.create_index('ix_perimeter_logs_user_id', 'perimeter_logs', ['user_id'])
    op.create_table(
        'perimeter_log_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('log_id', sa.Integer(), nullable=False),
        sa.Column('photo_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['log_id'], ['perimeter_logs.id']),
        sa.ForeignKeyConstraint(['photo_id'], ['photos.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('log_id', 'photo_id'),
    )
    op.create_index('ix_perimeter_log_photos_log_id', 'perimeter_log_photos', ['log_id'])
    op.create_index('ix_perimeter_log_photos_photo_id', 'perimeter_log_photos', ['photo_id'])


def downgrade():
    op.drop_index('ix_perimeter_log_photos_photo_id', table_name='perimeter_log_photos')
    op.drop_index('ix_perimeter_log_photos_log_id', table_name='perimeter_log_photos')
    op.drop_table('perimeter_log_photos')
    op.drop_index('ix_perimeter_logs_user_id', table_name='perimeter_logs')
    op.drop_index('ix_perimeter_logs_shift_id', table_name='perimeter_logs')
    op.drop_index('ix_perimeter_logs_school_id', table_name='perimeter_logs')
    op.drop_table('perimeter_logs')
    op.drop_index('uq_guard_shifts_open', table_name='guard_shifts')
    op.drop_index('ix_guard_shifts_school_ended', table_name='guard_shifts')
    op.drop_index('ix_guard_shifts_user_id', table_name='guard_shifts')
    op.drop_index('ix_guard_shifts_checkpoint_id', table_name='guard_shifts')
    op.drop_table('guard_shifts')
