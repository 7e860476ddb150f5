"""content checks: texts and photos held until WeChat (or an admin) lets others see them

Revision ID: 0011_content
Revises: 0010_calendars
Create Date: 2026-11-29 10:20:00

"""
from alembic import op
import sqlalchemy as sa

from server.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0011_content'
down_revision = '0010_calendars'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=30), nullable=False),
        sa.Column('content', sa.Text(), nullable=True),
        sa.Column('photo_id', sa.Integer(), nullable=True),
        sa.Column('writer_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('suggest', sa.String(length=10), nullable=True),
        sa.Column('label', sa.Integer(), nullable=True),
        sa.Column('trace_id', sa.String(length=64), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('on_release', sa.String(length=10), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('checked_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['photo_id'], ['photos.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.ForeignKeyConstraint(['writer_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subject', 'subject_id', 'field'),
        sa.UniqueConstraint('trace_id'),
    )
    op.create_index('ix_content_checks_status', 'content_checks', ['status'])
    op.create_index('ix_content_checks_unit_status', 'content_checks', ['unit_id', 'status'])


def downgrade():
    op.drop_index('ix_content_checks_unit_status', table_name='content_checks')
    op.drop_index('ix_content_checks_status', table_name='content_checks')
    op.drop_table('content_checks')
