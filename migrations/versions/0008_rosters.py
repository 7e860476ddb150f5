"""class rosters kept by the school, pending bindings, one-time family codes

Existing children become roster entries (they already are rows of ``children``); existing
parents' bindings were made before approval existed and stay in force (approved). A child counts
once: an acknowledgment already given by one guardian is copied onto the other guardians' rows of
that child for the notice.

Revision ID: 0008_rosters
Revises: 0007_people
Create Date: 2026-11-29 09:40:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0008_rosters'
down_revision = '0007_people'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('removed_at', server.models.types.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table('parent_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column('decided_at', server.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_parent_links_decided_by_id_users'), 'users', ['decided_by_id'], ['id']
        )
    op.execute("UPDATE parent_links SET status = 'approved', decided_at = created_at")
    with op.batch_alter_table('parent_links', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=10), nullable=False)
        batch_op.create_index(batch_op.f('ix_parent_links_status'), ['status'], unique=False)

    op.create_table('family_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', server.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_family_codes_child_id_children')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_family_codes_created_by_id_users')),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_family_codes_used_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_family_codes_code'))
    )
    with op.batch_alter_table('family_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_codes_child_id'), ['child_id'], unique=False)

    # A child counts once: one guardian's acknowledgment is the child's.
    op.execute(
        """
        UPDATE notice_recipients SET acknowledged_at = (
            SELECT MIN(other.acknowledged_at) FROM notice_recipients other
            WHERE other.notice_id = notice_recipients.notice_id
              AND other.child_id = notice_recipients.child_id
        )
        WHERE acknowledged_at IS NULL AND EXISTS (
            SELECT 1 FROM notice_recipients other
            WHERE other.notice_id = notice_recipients.notice_id
              AND other.child_id = notice_recipients.child_id
              AND other.acknowledged_at IS NOT NULL
        )
        """
    )


def downgrade():
    with op.batch_alter_table('family_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_codes_child_id'))
    op.drop_table('family_codes')
    # Without approval, a binding that was never approved must not survive as if it were.
    op.execute("DELETE FROM parent_links WHERE status <> 'approved'")
    with op.batch_alter_table('parent_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_links_status'))
        batch_op.drop_constraint(batch_op.f('fk_parent_links_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('status')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
