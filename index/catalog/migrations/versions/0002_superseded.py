"""Earlier versions of an article at a source key, so ingesting one again does not revert it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table of superseded versions (empty: earlier history was not kept)."""
    op.execute(
        "CREATE TABLE superseded (key TEXT NOT NULL, article_id TEXT NOT NULL, "
        "PRIMARY KEY (key, article_id))"
    )


def downgrade() -> None:
    """Drop it."""
    op.execute("DROP TABLE superseded")
