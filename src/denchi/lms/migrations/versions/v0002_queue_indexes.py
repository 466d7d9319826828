"""Indexes for the queries that scan the growing tables: the grading queue and a learner's
submissions (``submissions``), the score delivery loop and a pair's scores (``score_outbox``).

Without them every poll of the queue and of the outbox reads the whole table, which grows with
every upload and every score for as long as the tool runs.

Revision ID: 0002_queue_indexes
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0002_queue_indexes"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_submissions_status_created_at": ("submissions", ["status", "created_at"]),
    "ix_submissions_link_user_created": (
        "submissions",
        ["resource_link_id", "user_id", "created_at"],
    ),
    "ix_score_outbox_status_next_attempt_at": ("score_outbox", ["status", "next_attempt_at"]),
    "ix_score_outbox_link_user": ("score_outbox", ["resource_link_id", "user_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
