"""a hazard may say where it is in words (place), and may be reported without a focus problem
(the reporter is unsure; the school's safety officer classifies it later)

Revision ID: 0012_hazard_place
Revises: 0011_content
Create Date: 2026-11-29 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_hazard_place'
down_revision = '0011_content'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place', sa.String(length=60), nullable=True))
        batch_op.alter_column('focus_problem_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    # The older schema needs a focus problem on every hazard: refuse rather than delete reports.
    unclassified = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM hazards WHERE focus_problem_id IS NULL")
    ).scalar()
    if unclassified:
        raise RuntimeError(
            f"{unclassified} hazards have no focus problem: classify them before downgrading."
        )
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.alter_column('focus_problem_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('place')
