"""people: phone numbers, the first admin's invitation without a creator, revocable grants, the
audit of admins' changes to people

Revision ID: 0007_people
Revises: 0006_access
Create Date: 2026-11-29 09:40:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0007_people'
down_revision = '0006_access'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=11), nullable=True))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('created_by_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('invitation_redemptions', schema=None) as batch_op:
        batch_op.alter_column('grant_id', existing_type=sa.Integer(), nullable=True)
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('target_user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=True),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_records_actor_id_users')),
    sa.ForeignKeyConstraint(['target_user_id'], ['users.id'], name=op.f('fk_audit_records_target_user_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_audit_records_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_unit_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_created_at'))
    op.drop_table('audit_records')
    # What the older schema cannot hold: redemptions of revoked grants, and the first admin's
    # invitations (no creator) with their redemptions.
    op.execute("DELETE FROM invitation_redemptions WHERE grant_id IS NULL")
    op.execute(
        "DELETE FROM invitation_redemptions WHERE invitation_id IN "
        "(SELECT id FROM invitations WHERE created_by_id IS NULL)"
    )
    op.execute("DELETE FROM invitations WHERE created_by_id IS NULL")
    with op.batch_alter_table('invitation_redemptions', schema=None) as batch_op:
        batch_op.alter_column('grant_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('created_by_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('phone')
