"""The shared catalog: PostgreSQL, for several servers that share one library.

The only module that imports psycopg. Connections come from a pool (psycopg_pool). The lexical
index is an English ``tsvector`` column on each passage (see ``postgres_fts``), written in the
passage's own INSERT. The single-writer lock is a session-level advisory lock, so it
covers every server on the database and is released by PostgreSQL when a server dies; the pending
rows (the recovery log) are written in the writer's transactions, so the next writer, on any
server, repairs the vectors a dead one left.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from index.catalog.base import (
    ARTICLE_COLUMNS,
    ArticleRows,
    Catalog,
    SourceRows,
    article_from_row,
    title_patterns,
)
from index.catalog.migrate import upgrade
from index.catalog.postgres_fts import TsvectorSearch
from index.errors import LockedError, StoreError
from index.names import capitalised_words
from index.types import Article, Source

WRITE_LOCK_KEY = 7_300_115_001  # pg_advisory_lock key of the single writer
_COLUMNS = ", ".join(ARTICLE_COLUMNS)


def safe_location(url: str) -> str:
    """``url`` without its password, for messages and stats."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def _reason(error: BaseException) -> str:
    """A driver error as one line (libpq's messages span several)."""
    return " ".join(str(error).split()) or type(error).__name__


class PostgresCatalog(TsvectorSearch, Catalog):
    """Catalog in a PostgreSQL database, shared by every server that is given the same URL.

    Args:
        url: ``postgresql://user:password@host:port/database``.
        pool_size: most connections this process opens (a writer holds one for its lock).

    Raises:
        StoreError: naming NEWSDESK_CATALOG_URL, when the URL is malformed, the server cannot be
            reached or refuses the credentials, or the schema is newer than this version.
    """

    def __init__(self, url: str, pool_size: int = 10) -> None:
        if urlsplit(url).scheme not in ("postgresql", "postgres"):
            raise StoreError(
                f"NEWSDESK_CATALOG_URL={safe_location(url)!r} is not a PostgreSQL URL like "
                "postgresql://user:password@127.0.0.1:5432/newsdesk. Unset it to use the "
                "SQLite catalog under NEWSDESK_HOME."
            )
        self.location = safe_location(url)
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as e:
            raise StoreError(
                f"NEWSDESK_CATALOG_URL: cannot connect to PostgreSQL at {self.location}: "
                f"{_reason(e)}. Check that the server runs and that the host, port, user, "
                "password and database in NEWSDESK_CATALOG_URL are right."
            ) from e
        self.schema = upgrade(url, self.location)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(2, pool_size),
            kwargs={"autocommit": True},
            check=ConnectionPool.check_connection,
            timeout=30,
            open=False,
            name="newsdesk-catalog",
        )
        try:
            self._pool.open(wait=True, timeout=10)
        except PoolTimeout as e:
            raise StoreError(
                f"NEWSDESK_CATALOG_URL: no connection to {self.location} within 10s."
            ) from e

    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as e:
            raise StoreError(
                f"The catalog database at {self.location} cannot be used: {_reason(e)}. "
                "Check that PostgreSQL runs (NEWSDESK_CATALOG_URL), then try again."
            ) from e

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._connection() as conn, conn.transaction():
            yield conn

    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        with self._connection() as conn:
            return conn.execute(sql, tuple(args)).fetchall()  # type: ignore[arg-type]

    # -- metadata -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        rows = self._rows("SELECT value FROM meta WHERE key = %s", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the meta table."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- the write lock -----------------------------------------------------------------------

    @contextmanager
    def writer(self, timeout: float) -> Iterator[None]:
        """Hold the database's advisory write lock (see ``Catalog.writer``).

        The lock belongs to one pooled connection, held until the write ends; if this process
        dies, PostgreSQL ends the session and the lock with it.
        """
        deadline = time.monotonic() + timeout
        with self._connection() as conn:
            query = "SELECT pg_try_advisory_lock(%s)"
            while not conn.execute(query, (WRITE_LOCK_KEY,)).fetchone()[0]:  # type: ignore[index]
                if time.monotonic() >= deadline:
                    raise LockedError(
                        "Another newsdesk server is adding or deleting articles in the shared "
                        f"catalog {self.location}. Wait for it to finish and run this again "
                        "(searching and asking still work)."
                    )
                time.sleep(0.1)
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_KEY,))

    # -- lookups ------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is committed."""
        return bool(self._rows("SELECT 1 FROM articles WHERE id = %s", (article_id,)))

    def article_for_key(self, key: str) -> str | None:
        """The article id a source key (URL or file URI) currently points to."""
        rows = self._rows("SELECT article_id FROM sources WHERE key = %s", (key,))
        return rows[0][0] if rows else None

    def committed(self, article_ids: Iterable[str]) -> set[str]:
        """The subset of ``article_ids`` that are committed."""
        ids = list(article_ids)
        return {r[0] for r in self._rows("SELECT id FROM articles WHERE id = ANY(%s)", (ids,))}

    # -- writes -------------------------------------------------------------------------------

    def mark_pending(self, article_ids: Iterable[str]) -> None:
        """Record that vectors for these articles are about to be written or deleted."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO pending (article_id) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                (list(article_ids),),
            )

    def pending(self) -> list[str]:
        """Article ids whose vector writes or deletes may be incomplete."""
        return [r[0] for r in self._rows("SELECT article_id FROM pending ORDER BY article_id")]

    def clear_pending(self, article_ids: Iterable[str]) -> None:
        """Forget intents whose vector work is done."""
        with self._transaction() as db:
            db.execute("DELETE FROM pending WHERE article_id = ANY(%s)", (list(article_ids),))

    def commit(self, articles: ArticleRows, sources: SourceRows) -> list[str]:
        """Commit new articles and point source keys at articles (see ``Catalog.commit``)."""
        candidates: list[str] = []
        with self._transaction() as db, db.cursor() as cur:
            for article, passages, ts in articles:
                cur.execute(
                    f"INSERT INTO articles ({_COLUMNS}, published_ts) "
                    "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    (article.id, article.title, article.url, article.outlet, article.author,
                     article.published_at, article.text, article.ingested_at, len(passages), ts),
                )  # fmt: skip
                cur.executemany(
                    "INSERT INTO passages (id, article_id, n, start_char, end_char, sentences, "
                    "tsv) VALUES (%s,%s,%s,%s,%s,%s, setweight(to_tsvector('english', %s), 'B') "
                    "|| setweight(to_tsvector('english', %s), 'A'))",
                    [
                        (p.id, p.article_id, p.n, p.start, p.end, Jsonb(p.sentences),
                         article.title, p.text)
                        for p in passages
                    ],
                )  # fmt: skip
                cur.execute(
                    "INSERT INTO names (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                    (sorted(capitalised_words(article.text)),),
                )
            cur.execute(
                "DELETE FROM pending WHERE article_id = ANY(%s)", ([a.id for a, _, _ in articles],)
            )
            for article_id, source, added_at in sources:
                old = cur.execute(
                    "SELECT article_id FROM sources WHERE key = %s", (source.key,)
                ).fetchone()
                cur.execute(
                    "INSERT INTO sources (key, article_id, url, outlet, title, published_at, "
                    "added_at) VALUES (%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (key) DO UPDATE SET "
                    "article_id = excluded.article_id, url = excluded.url, "
                    "outlet = excluded.outlet, title = excluded.title, "
                    "published_at = excluded.published_at, added_at = excluded.added_at",
                    (source.key, article_id, source.url, source.outlet, source.title,
                     source.published_at, added_at),
                )  # fmt: skip
                if old and old[0] != article_id and old[0] not in candidates:
                    candidates.append(old[0])
            sourced = {
                r[0]
                for r in cur.execute(
                    "SELECT DISTINCT article_id FROM sources WHERE article_id = ANY(%s)",
                    (candidates,),
                ).fetchall()
            }
            orphans = [c for c in candidates if c not in sourced]
            cur.execute(
                "INSERT INTO pending (article_id) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                (orphans,),
            )
            cur.execute("DELETE FROM articles WHERE id = ANY(%s)", (orphans,))
        return orphans

    def delete_article(self, article_id: str) -> bool:
        """Remove an article, its sources and passages; leaves a pending intent for its vectors."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO pending (article_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (article_id,),
            )
            return db.execute("DELETE FROM articles WHERE id = %s", (article_id,)).rowcount > 0

    # -- reads --------------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        """One article with its text and sources, or None."""
        return self.articles_by_id([article_id]).get(article_id)

    def list_articles(
        self, limit: int | None = None, offset: int = 0, title: str | None = None
    ) -> list[Article]:
        """Articles, newest ingest first, with text; ``title`` keeps titles holding its words."""
        patterns = title_patterns(title)
        where = " AND ".join(["title ILIKE %s ESCAPE '\\'"] * len(patterns)) or "TRUE"
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM articles WHERE {where} "
            'ORDER BY ingested_at DESC, id COLLATE "C" LIMIT %s OFFSET %s',
            (*patterns, limit, offset),
        )
        sources = self._sources([r[0] for r in rows])
        return [article_from_row(r, sources.get(r[0], ())) for r in rows]

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Committed articles among ``article_ids``, keyed by id."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        rows = self._rows(f"SELECT {_COLUMNS} FROM articles WHERE id = ANY(%s)", (ids,))
        sources = self._sources([r[0] for r in rows])
        return {r[0]: article_from_row(r, sources.get(r[0], ())) for r in rows}

    def passage_spans(
        self, passage_ids: Iterable[str]
    ) -> dict[str, tuple[str, int, int, int, list]]:
        """(article_id, n, start, end, sentences) for each known passage id."""
        ids = list(dict.fromkeys(passage_ids))
        if not ids:
            return {}
        rows = self._rows(
            "SELECT id, article_id, n, start_char, end_char, sentences FROM passages "
            "WHERE id = ANY(%s)",
            (ids,),
        )
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}

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
            'SELECT min(published_at COLLATE "C"), max(published_at COLLATE "C") FROM articles '
            "WHERE published_at IS NOT NULL"
        )[0]
        return row[0], row[1]

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet with its number of articles, most first."""
        rows = self._rows(
            "SELECT outlet, count(DISTINCT article_id) FROM sources WHERE outlet IS NOT NULL "
            'GROUP BY outlet ORDER BY 2 DESC, outlet COLLATE "C"'
        )
        return [(r[0], r[1]) for r in rows]

    def _sources(self, article_ids: list[str]) -> dict[str, tuple[Source, ...]]:
        out: dict[str, list[Source]] = {}
        rows = self._rows(
            "SELECT article_id, key, url, outlet, title, published_at FROM sources "
            'WHERE article_id = ANY(%s) ORDER BY added_at, key COLLATE "C"',
            (article_ids,),
        )
        for r in rows:
            out.setdefault(r[0], []).append(
                Source(key=r[1], url=r[2], outlet=r[3], title=r[4], published_at=r[5])
            )
        return {k: tuple(v) for k, v in out.items()}
