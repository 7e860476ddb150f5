"""a notice's attachment is a photo row (a foreign key), not a copied storage key

Revision ID: 0005_owners
Revises: 0004_jobs
Create Date: 2026-11-29 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_owners'
down_revision = '0004_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_photo_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notices_attachment_photo_id'), ['attachment_photo_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notices_attachment_photo_id_photos'), 'photos', ['attachment_photo_id'], ['id'])

    # Existing attachments are display keys copied from a photo: point each notice at that
    # photo, the author's own upload first (the only kind a notice could take). A key whose
    # photo the sweep already deleted has nothing left to show and becomes no attachment.
    op.execute(
        "UPDATE notices SET attachment_photo_id = COALESCE("
        " (SELECT MIN(photos.id) FROM photos WHERE photos.display_key = notices.attachment_key"
        "  AND photos.uploader_id = notices.author_id),"
        " (SELECT MIN(photos.id) FROM photos WHERE photos.display_key = notices.attachment_key))"
        " WHERE notices.attachment_key IS NOT NULL"
    )

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('attachment_type')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('attachment_key')


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('attachment_type', sa.String(length=60), nullable=True))

    # Back to copied keys, named and typed as create_notice wrote them before.
    op.execute(
        sa.text(
            "UPDATE notices SET attachment_key = ("
            " SELECT photos.display_key FROM photos WHERE photos.id = notices.attachment_photo_id),"
            " attachment_name = :name, attachment_type = 'image/jpeg'"
            " WHERE notices.attachment_photo_id IS NOT NULL"
        ).bindparams(name='附件.jpg')
    )

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notices_attachment_photo_id_photos'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notices_attachment_photo_id'))
        batch_op.drop_column('attachment_photo_id')
