"""The article catalog: SQLite under the home (default) or PostgreSQL shared by several servers."""

from __future__ import annotations

from pathlib import Path

from index.catalog.base import Catalog
from index.catalog.sqlite import SqliteCatalog

__all__ = ["Catalog", "SqliteCatalog", "open_catalog"]


def open_catalog(home: Path, url: str | None = None, pool_size: int = 10) -> Catalog:
    """The catalog of a library: ``home/catalog.sqlite3``, or the PostgreSQL database at ``url``.

    Args:
        home: the library's home directory (holds the SQLite file when ``url`` is None).
        url: ``postgresql://user:password@host:port/database`` (NEWSDESK_CATALOG_URL).
        pool_size: most connections this process keeps open to PostgreSQL.

    Raises:
        StoreError: the database cannot be reached, refuses the credentials, or holds a schema
            this version does not know. The message names NEWSDESK_CATALOG_URL.
    """
    if url is None:
        return SqliteCatalog(home / "catalog.sqlite3")
    from index.catalog.postgres import PostgresCatalog  # psycopg loads only when it is used

    return PostgresCatalog(url, pool_size)
