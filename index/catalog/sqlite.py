"""The embedded catalog: one SQLite file under the home, with an FTS5 lexical index.

The default backend. The write lock is a file beside the database (``write.lock``), so writers on
one machine exclude each other; ``sql.py`` holds the queries it shares with PostgreSQL, and
``sqlite_fts`` the lexical search.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from index.catalog.sqlite_fts import Fts5Search
from index.errors import LockedError, StoreError
from index.names import capitalised_words
from index.types import Article, Passage

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    author TEXT,
    published_at TEXT,
    published_ts INTEGER,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    passages INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published_ts);
CREATE TABLE IF NOT EXISTS sources (
    key TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    url TEXT,
    outlet TEXT,
    title TEXT,
    published_at TEXT,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_article ON sources (article_id);
CREATE INDEX IF NOT EXISTS sources_outlet ON sources (outlet);
CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    sentences TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id);
CREATE TABLE IF NOT EXISTS pending (article_id TEXT PRIMARY KEY);
-- Earlier versions of the article at a source key (the same URL with another text), replaced
-- by a later one: ingesting one of them again does not bring it back.
CREATE TABLE IF NOT EXISTS superseded (
    key TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (key, article_id)
);
-- The lexical index: BM25 over passage text and article title, written in the same
-- transactions as the passages, so it can never disagree with the catalog.
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    title, text, tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Capitalised words of the indexed text, for matching other spellings of names.
CREATE TABLE IF NOT EXISTS names (word TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS passages_fts_delete AFTER DELETE ON passages BEGIN
    DELETE FROM passages_fts WHERE rowid = old.rowid;
END;
"""


class SqliteCatalog(Fts5Search):
    """SQLite catalog of articles, their sources (URLs/outlets) and passage offsets.

    Args:
        path: the database file; created with its parent directory if missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"Cannot open the article catalog {path}: {e}. If the file is damaged, restore it "
                "from a backup or move the NEWSDESK_HOME directory aside and ingest again."
            ) from e
        self._lock = threading.RLock()
        self._check_lexical()
        version = self.get_meta("schema")
        if version is None:
            self.set_meta("schema", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise StoreError(
                f"{path} has catalog schema {version}, this newsdesk reads {SCHEMA_VERSION}. "
                "Use a newsdesk version that matches, or a new NEWSDESK_HOME."
            )

    def _check_lexical(self) -> None:
        """Rebuild the FTS5 lexical index if it does not cover exactly the stored passages."""
        (indexed,), (stored,) = self._rows(
            "SELECT (SELECT count(*) FROM passages_fts) UNION ALL SELECT count(*) FROM passages"
        )
        if indexed == stored:
            return
        for (text,) in self._rows("SELECT text FROM articles"):
            self._db.executemany(
                "INSERT OR IGNORE INTO names (word) VALUES (?)",
                [(w,) for w in capitalised_words(text)],
            )
        with self._transaction() as db:
            db.execute("DELETE FROM passages_fts")
            db.execute(
                "INSERT INTO passages_fts (rowid, title, text) "
                "SELECT p.rowid, a.title, substr(a.text, p.start + 1, p.end - p.start) "
                "FROM passages p JOIN articles a ON a.id = p.article_id"
            )

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    @contextmanager
    def writer(self, timeout: float, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold ``write.lock`` beside the database file (see ``Catalog.writer``)."""
        lock = FileLock(self.path.parent / "write.lock", thread_local=False)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            if waiting:
                waiting()
            try:
                lock.acquire(timeout=timeout)
            except Timeout as e:
                raise LockedError(
                    f"Another newsdesk process is adding or deleting articles in "
                    f"{self.path.parent} and kept at it for {timeout:g} s. Wait for it to finish "
                    "and run this again, or wait longer with NEWSDESK_INDEX__LOCK_WAIT "
                    "(searching and asking still work)."
                ) from e
        try:
            yield
        finally:
            lock.release()

    def _insert_passages(self, cur: Any, article: Article, passages: list[Passage]) -> None:
        """Insert the passage rows, then their FTS5 rows (same rowid, title and text)."""
        cur.executemany(
            "INSERT INTO passages (id, article_id, n, start, end, sentences) VALUES (?,?,?,?,?,?)",
            [(p.id, p.article_id, p.n, p.start, p.end, json.dumps(p.sentences)) for p in passages],
        )
        cur.executemany(
            "INSERT INTO passages_fts (rowid, title, text) SELECT rowid, ?, ? FROM passages "
            "WHERE id = ?",
            [(article.title, p.text, p.id) for p in passages],
        )
