"""The shared catalog: PostgreSQL, for several servers that share one library.

The only module that imports psycopg. Connections come from a pool (psycopg_pool). The lexical
index is an English ``tsvector`` column on each passage (see ``postgres_fts``), written in the
passage's own INSERT. The single-writer lock is a session-level advisory lock, so it
covers every server on the database and is released by PostgreSQL when a server dies; the pending
rows (the recovery log) are written in the writer's transactions, so the next writer, on any
server, repairs the vectors a dead one left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from index.catalog.migrate import upgrade
from index.catalog.postgres_fts import TsvectorSearch
from index.errors import LockedError, StoreError
from index.types import Article, Passage

WRITE_LOCK_KEY = 7_300_115_001  # pg_advisory_lock key of the single writer


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


def _try_lock(conn: psycopg.Connection[Any]) -> bool:
    """Take the advisory write lock if no other session holds it."""
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK_KEY,)).fetchone()
    return bool(row and row[0])


def _wait_for_lock(conn: psycopg.Connection[Any], timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for the advisory write lock; whether it was taken.

    While it waits, the server checks every second that this client is still connected, so a
    waiter that dies leaves the queue instead of taking the lock for nobody.
    """
    if timeout <= 0:
        return False
    conn.execute(
        "SELECT set_config('lock_timeout', %s, false)", (f"{max(1, round(timeout * 1000))}ms",)
    )
    conn.execute("SELECT set_config('client_connection_check_interval', '1s', false)")
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))
        return True
    except psycopg.errors.LockNotAvailable:
        return False
    finally:
        conn.execute("RESET lock_timeout")
        conn.execute("RESET client_connection_check_interval")


class PostgresCatalog(TsvectorSearch):
    """Catalog in a PostgreSQL database, shared by every server that is given the same URL.

    Args:
        url: ``postgresql://user:password@host:port/database``.
        pool_size: most connections this process opens (a writer holds one for its lock).

    Raises:
        StoreError: naming NEWSDESK_CATALOG_URL, when the URL is malformed, the server cannot be
            reached or refuses the credentials, or the schema is newer than this version.
    """

    _MARK = "%s"
    _IN_LIST = False
    _LIKE = "ILIKE"
    _BYTES = ' COLLATE "C"'
    _NO_LIMIT = None
    _SPAN = "start_char, end_char"

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
        self._writers = threading.Lock()  # this process's writers, one at a time
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
            return conn.execute(self._sql(sql), tuple(args)).fetchall()  # type: ignore[arg-type]

    # -- the write lock -----------------------------------------------------------------------

    @contextmanager
    def writer(self, timeout: float, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the database's advisory write lock (see ``Catalog.writer``).

        The lock belongs to one pooled connection, held until the write ends; if this process
        dies, PostgreSQL ends the session and the lock with it. Writers of this process queue
        for it on a thread lock first, so at most one pooled connection waits (the others stay
        free for reads); that one joins PostgreSQL's queue for the lock, first come first served.
        """
        deadline = time.monotonic() + timeout
        told: list[bool] = []

        def queued() -> None:  # said once, whichever queue the write waits in
            if waiting and not told:
                waiting()
            told.append(True)

        if not self._writers.acquire(blocking=False):
            queued()
            if timeout <= 0 or not self._writers.acquire(timeout=timeout):
                raise self._locked(timeout)
        try:
            with self._connection() as conn:
                if not _try_lock(conn):
                    queued()
                    if not _wait_for_lock(conn, deadline - time.monotonic()):
                        raise self._locked(timeout)
                try:
                    yield
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_KEY,))
        finally:
            self._writers.release()

    def _locked(self, timeout: float) -> LockedError:
        return LockedError(
            "Another newsdesk server is adding or deleting articles in the shared catalog "
            f"{self.location} and kept at it for {timeout:g} s. Wait for it to finish and run "
            "this again, or wait longer with NEWSDESK_INDEX__LOCK_WAIT (searching and asking "
            "still work)."
        )

    def _insert_passages(self, cur: Any, article: Article, passages: list[Passage]) -> None:
        """Insert the passage rows, each with its English tsvector (title B, text A)."""
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
