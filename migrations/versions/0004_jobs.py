"""job runs, delivery claims

Revision ID: 0004_jobs
Revises: 0003_notices
Create Date: 2026-11-29 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0004_jobs'
down_revision = '0003_notices'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('period', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('started_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', server.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'period', name=op.f('uq_job_runs_job'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_started_at'), ['started_at'], unique=False)

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('started_at', server.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('started_at')
        batch_op.drop_column('claimed_by')

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_started_at'))

    op.drop_table('job_runs')
