"""The embedded catalog: one SQLite file under the home, with an FTS5 lexical index.

The default backend. The write lock is a file beside the database (``write.lock``), so writers on
one machine exclude each other; see ``base.py`` for what every backend offers, and ``sqlite_fts``
for the lexical search.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from index.catalog.base import (
    ARTICLE_COLUMNS,
    ArticleRows,
    Catalog,
    SourceRows,
    article_from_row,
    chunked,
    title_patterns,
)
from index.catalog.sqlite_fts import Fts5Search
from index.errors import LockedError, StoreError
from index.names import capitalised_words
from index.types import Article, Source

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

_ARTICLE_COLUMNS = ", ".join(ARTICLE_COLUMNS)


class SqliteCatalog(Fts5Search, Catalog):
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

    def _rows_in(self, sql: str, values: Iterable[str]) -> list[tuple]:
        """Run ``sql`` whose ``{marks}`` is an IN list, in chunks under SQLite's variable limit."""
        rows: list[tuple] = []
        for chunk in chunked(values):
            rows += self._rows(sql.format(marks=",".join("?" * len(chunk))), chunk)
        return rows

    @contextmanager
    def writer(self, timeout: float) -> Iterator[None]:
        """Hold ``write.lock`` beside the database file (see ``Catalog.writer``)."""
        lock = FileLock(self.path.parent / "write.lock", thread_local=False)
        try:
            lock.acquire(timeout=timeout)
        except Timeout as e:
            raise LockedError(
                f"Another newsdesk process is adding or deleting articles in {self.path.parent}. "
                "Wait for it to finish and run this again (searching and asking still work)."
            ) from e
        try:
            yield
        finally:
            lock.release()

    # -- metadata -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the meta table."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- lookups ------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is committed."""
        return bool(self._rows("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def article_for_key(self, key: str) -> str | None:
        """The article id a source key (URL or file URI) currently points to."""
        rows = self._rows("SELECT article_id FROM sources WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def committed(self, article_ids: Iterable[str]) -> set[str]:
        """The subset of ``article_ids`` that are committed."""
        return {
            r[0]
            for r in self._rows_in("SELECT id FROM articles WHERE id IN ({marks})", article_ids)
        }

    # -- writes -------------------------------------------------------------------------------

    def mark_pending(self, article_ids: Iterable[str]) -> None:
        """Record that vectors for these articles are about to be written or deleted."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO pending (article_id) VALUES (?)", [(i,) for i in article_ids]
            )

    def pending(self) -> list[str]:
        """Article ids whose vector writes or deletes may be incomplete."""
        return [r[0] for r in self._rows("SELECT article_id FROM pending")]

    def clear_pending(self, article_ids: Iterable[str]) -> None:
        """Forget intents whose vector work is done."""
        with self._transaction() as db:
            db.executemany("DELETE FROM pending WHERE article_id = ?", [(i,) for i in article_ids])

    def commit(self, articles: ArticleRows, sources: SourceRows) -> list[str]:
        """Commit new articles and point source keys at articles (see ``Catalog.commit``)."""
        candidates: list[str] = []
        with self._transaction() as db:
            for article, passages, ts in articles:
                db.execute(
                    "INSERT INTO articles (id, title, url, outlet, author, published_at, "
                    "published_ts, text, ingested_at, passages) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        article.id,
                        article.title,
                        article.url,
                        article.outlet,
                        article.author,
                        article.published_at,
                        ts,
                        article.text,
                        article.ingested_at,
                        len(passages),
                    ),
                )
                db.executemany(
                    "INSERT INTO passages (id, article_id, n, start, end, sentences) "
                    "VALUES (?,?,?,?,?,?)",
                    [
                        (p.id, p.article_id, p.n, p.start, p.end, json.dumps(p.sentences))
                        for p in passages
                    ],
                )
                db.executemany(
                    "INSERT INTO passages_fts (rowid, title, text) "
                    "SELECT rowid, ?, ? FROM passages WHERE id = ?",
                    [(article.title, p.text, p.id) for p in passages],
                )
                db.executemany(
                    "INSERT OR IGNORE INTO names (word) VALUES (?)",
                    [(w,) for w in sorted(capitalised_words(article.text))],
                )
            db.executemany(
                "DELETE FROM pending WHERE article_id = ?", [(a.id,) for a, _, _ in articles]
            )
            for article_id, source, added_at in sources:
                old = db.execute(
                    "SELECT article_id FROM sources WHERE key = ?", (source.key,)
                ).fetchone()
                db.execute(
                    "INSERT OR REPLACE INTO sources (key, article_id, url, outlet, title, "
                    "published_at, added_at) VALUES (?,?,?,?,?,?,?)",
                    (
                        source.key,
                        article_id,
                        source.url,
                        source.outlet,
                        source.title,
                        source.published_at,
                        added_at,
                    ),
                )
                if old and old[0] != article_id and old[0] not in candidates:
                    candidates.append(old[0])
            orphans = [
                c
                for c in candidates
                if not db.execute("SELECT 1 FROM sources WHERE article_id = ?", (c,)).fetchone()
            ]
            for orphan in orphans:
                db.execute("INSERT OR IGNORE INTO pending (article_id) VALUES (?)", (orphan,))
                db.execute("DELETE FROM articles WHERE id = ?", (orphan,))
        return orphans

    def delete_article(self, article_id: str) -> bool:
        """Remove an article, its sources and passages; leaves a pending intent for its vectors."""
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO pending (article_id) VALUES (?)", (article_id,))
            return db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    # -- reads --------------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        """One article with its text and sources, or None."""
        rows = self._rows(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if not rows:
            return None
        return article_from_row(rows[0], self._sources([article_id]).get(article_id, ()))

    def list_articles(
        self, limit: int | None = None, offset: int = 0, title: str | None = None
    ) -> list[Article]:
        """Articles, newest ingest first, with text; ``title`` keeps titles holding its words."""
        patterns = title_patterns(title)
        where = " AND ".join(["title LIKE ? ESCAPE '\\'"] * len(patterns)) or "1"
        rows = self._rows(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE {where} "
            "ORDER BY ingested_at DESC, id LIMIT ? OFFSET ?",
            (*patterns, -1 if limit is None else limit, offset),
        )
        sources = self._sources([r[0] for r in rows])
        return [article_from_row(r, sources.get(r[0], ())) for r in rows]

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Committed articles among ``article_ids``, keyed by id."""
        rows = self._rows_in(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({{marks}})", article_ids
        )
        sources = self._sources([r[0] for r in rows])
        return {r[0]: article_from_row(r, sources.get(r[0], ())) for r in rows}

    def passage_spans(
        self, passage_ids: Iterable[str]
    ) -> dict[str, tuple[str, int, int, int, list]]:
        """(article_id, n, start, end, sentences) for each known passage id."""
        rows = self._rows_in(
            "SELECT id, article_id, n, start, end, sentences FROM passages WHERE id IN ({marks})",
            passage_ids,
        )
        return {r[0]: (r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows}

    def names(self) -> set[str]:
        """Capitalised words seen in the indexed text (kept after deletes: harmless extras)."""
        return {r[0] for r in self._rows("SELECT word FROM names")}

    def counts(self) -> dict[str, int]:
        """Numbers of articles, passages, sources and outlets."""
        row = self._rows(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages), "
            "(SELECT count(*) FROM sources), (SELECT count(DISTINCT outlet) FROM sources)"
        )[0]
        return {"articles": row[0], "passages": row[1], "sources": row[2], "outlets": row[3]}

    def date_span(self) -> tuple[str | None, str | None]:
        """Earliest and latest publication dates of the articles that have one."""
        row = self._rows(
            "SELECT min(published_at), max(published_at) FROM articles "
            "WHERE published_at IS NOT NULL"
        )[0]
        return row[0], row[1]

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet with its number of articles, most first."""
        return [
            (r[0], r[1])
            for r in self._rows(
                "SELECT outlet, count(DISTINCT article_id) FROM sources WHERE outlet IS NOT NULL "
                "GROUP BY outlet ORDER BY 2 DESC, 1"
            )
        ]

    def _sources(self, article_ids: list[str]) -> dict[str, tuple[Source, ...]]:
        out: dict[str, list[Source]] = {}
        for r in self._rows_in(
            "SELECT article_id, key, url, outlet, title, published_at FROM sources "
            "WHERE article_id IN ({marks}) ORDER BY added_at, key",
            article_ids,
        ):
            out.setdefault(r[0], []).append(
                Source(key=r[1], url=r[2], outlet=r[3], title=r[4], published_at=r[5])
            )
        return {k: tuple(v) for k, v in out.items()}
