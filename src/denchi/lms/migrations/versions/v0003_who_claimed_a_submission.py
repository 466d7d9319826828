"""Who claimed a submission for grading: ``submissions.claimed_by`` holds ``job:<id>``, the
procrastinate job grading it, so that the claims of a worker that died (found by procrastinate's
worker heartbeats) are released at once rather than when ``claimed_until`` runs out. Existing
rows get NULL: claims made before the upgrade run out as before.

Revision ID: 0003_who_claimed_a_submission
Revises: 0002_queue_indexes
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_who_claimed_a_submission"
down_revision = "0002_queue_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
