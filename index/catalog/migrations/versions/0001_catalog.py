"""The catalog: articles, sources, passages with their English tsvector, pending intents, names.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    author TEXT,
    published_at TEXT,
    published_ts BIGINT,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    passages INTEGER NOT NULL
);
CREATE INDEX articles_published ON articles (published_ts);
CREATE INDEX articles_ingested ON articles (ingested_at DESC, id);
CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    url TEXT,
    outlet TEXT,
    title TEXT,
    published_at TEXT,
    added_at TEXT NOT NULL
);
CREATE INDEX sources_article ON sources (article_id);
CREATE INDEX sources_outlet ON sources (outlet);
-- The lexical index lives in the passage row itself: title (weight B) and passage text
-- (weight A) as an English tsvector, written in the same statement as the passage.
CREATE TABLE passages (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    sentences JSONB NOT NULL,
    tsv TSVECTOR NOT NULL
);
CREATE INDEX passages_article ON passages (article_id);
CREATE INDEX passages_tsv ON passages USING GIN (tsv);
CREATE TABLE pending (article_id TEXT PRIMARY KEY);
CREATE TABLE names (word TEXT PRIMARY KEY);
"""


def upgrade() -> None:
    """Create the catalog's tables and indexes."""
    for statement in _TABLES.split(";"):
        if statement.strip():
            op.execute(statement)


def downgrade() -> None:
    """Drop the catalog's tables."""
    op.execute("DROP TABLE names, pending, passages, sources, articles, meta")
