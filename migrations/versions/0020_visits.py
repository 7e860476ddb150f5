"""supervision visits (the team, the schools visited, findings as hazards) and accountability
actions against units

Revision ID: 0020_visits
Revises: 0019_guards
Create Date: 2026-11-29 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_visits'
down_revision = '0019_guards'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'supervision_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('visit_date', sa.Date(), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('announced', sa.Boolean(), nullable=False),
        sa.Column('team', sa.JSON(), nullable=False),
        sa.Column('what_checked', sa.Text(), nullable=False),
        sa.Column('report', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_supervision_visits_unit_id', 'supervision_visits', ['unit_id'])
    op.create_index('ix_supervision_visits_visit_date', 'supervision_visits', ['visit_date'])
    op.create_index(
        'ix_supervision_visits_created_by_id', 'supervision_visits', ['created_by_id']
    )
    op.create_table(
        'supervision_visit_schools',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['units.id']),
        sa.ForeignKeyConstraint(['visit_id'], ['supervision_visits.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('visit_id', 'school_id'),
    )
    op.create_index(
        'ix_supervision_visit_schools_visit_id', 'supervision_visit_schools', ['visit_id']
    )
    op.create_index(
        'ix_supervision_visit_schools_school_id', 'supervision_visit_schools', ['school_id']
    )
    op.create_table(
        'supervision_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('hazard_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id']),
        sa.ForeignKeyConstraint(['visit_id'], ['supervision_visits.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('hazard_id'),
    )
    op.create_index('ix_supervision_findings_visit_id', 'supervision_findings', ['visit_id'])
    op.create_table(
        'accountability_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.ForeignKeyConstraint(['visit_id'], ['supervision_visits.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_accountability_actions_unit_id', 'accountability_actions', ['unit_id'])
    op.create_index(
        'ix_accountability_actions_visit_id', 'accountability_actions', ['visit_id']
    )
    op.create_index(
        'ix_accountability_actions_created_by_id', 'accountability_actions', ['created_by_id']
    )


def downgrade():
    op.drop_table('accountability_actions')
    op.drop_table('supervision_findings')
    op.drop_table('supervision_visit_schools')
    op.drop_table('supervision_visits')
