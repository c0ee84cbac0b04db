"""The named queries both SQL backends share, written once with ``?`` placeholders.

SQLite and PostgreSQL agree on most of the catalog's SQL (``ON CONFLICT`` upserts included); what
differs is a few words, which each backend states as class attributes: its driver's placeholder
(``%s`` for psycopg: ``_sql`` rewrites each ``?``), how an IN list is written (SQLite binds each
value, in chunks under its variable limit; PostgreSQL binds one array with ``= ANY``), the
case-insensitive LIKE, and the collation that sorts text by code point as SQLite does. Each backend
adds its connection, its lock, its passage rows and its lexical index.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterable
from contextlib import AbstractContextManager, closing
from typing import Any

from index.catalog.base import (
    ARTICLE_COLUMNS,
    ArticleRows,
    Catalog,
    SourceRows,
    article_from_row,
    chunked,
    title_patterns,
)
from index.catalog.sources import SUPERSEDED, forget_versions, point_sources
from index.names import capitalised_words
from index.types import Article, Match, Passage, Source

_COLUMNS = ", ".join(ARTICLE_COLUMNS)
_BUMP = (  # in the writing transaction: a reader sees the change and the new number, or neither
    "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) DO "
    "UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
)


class SqlCatalog(Catalog):
    """A catalog in a SQL database: every named query except the lock and the lexical index."""

    _MARK = "?"
    """The driver's placeholder; shared SQL is written with ``?``."""
    _IN_LIST = True
    """True: ``IN (?, ?, ...)`` in chunks of 500 values; False: one array bound to ``= ANY(?)``."""
    _LIKE = "LIKE"
    """The case-insensitive LIKE (SQLite's LIKE already folds ASCII case)."""
    _BYTES = ""
    """A collation clause that sorts text by code point (SQLite's default)."""
    _NO_LIMIT: int | None = -1
    """The LIMIT value that means no limit."""
    _SPAN = "start, end"
    """The passage columns holding its character offsets."""
    _MATCHES = ""
    """The lexical query: ``SELECT p.id, p.article_id, <score>`` of the passages ``p`` (joined
    with their articles ``a``) that match the text query bound to its first ``?``."""
    _BEST_FIRST = ""
    """ORDER BY terms that put the best lexical match first."""
    _SCORE_SIGN = 1.0
    """-1 where the lexical score is lower-is-better: scores are higher-is-better everywhere."""

    @abstractmethod
    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        """Run one query (written with ``?``) and return its rows."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]:
        """A connection inside one transaction, committed when the block ends without error."""

    @abstractmethod
    def _insert_passages(self, cur: Any, article: Article, passages: list[Passage]) -> None:
        """Insert an article's passage rows and their lexical index entries."""

    @abstractmethod
    def _text_query(self, words: list[str]) -> str | None:
        """The lexical index's query for any of ``words`` (None when there is nothing to find)."""

    def _sql(self, sql: str) -> str:
        """``sql`` with the driver's placeholder for each ``?``."""
        return sql if self._MARK == "?" else sql.replace("?", self._MARK)

    def _in(self, values: list[str]) -> tuple[str, list[object]]:
        """The IN condition for ``values`` (after a column name) and its arguments."""
        if self._IN_LIST:
            return f"IN ({','.join('?' * len(values))})", list(values)
        return "= ANY(?)", [list(values)]

    def _rows_in(
        self, sql: str, values: Iterable[str], before: Iterable[object] = ()
    ) -> list[tuple]:
        """Run ``sql`` whose ``{in}`` stands for an IN condition on ``values`` (distinct)."""
        rows: list[tuple] = []
        for chunk in chunked(values, 500 if self._IN_LIST else 1 << 62):
            condition, args = self._in(chunk)
            rows += self._rows(sql.replace("{in}", condition), [*before, *args])
        return rows

    def _filters(
        self, outlets: list[str] | None, since_ts: int | None, until_ts: int | None
    ) -> tuple[list[str], list[object]]:
        """WHERE conditions (on passages ``p`` and articles ``a``) for the search filters."""
        where: list[str] = []
        args: list[object] = []
        if outlets:
            condition, values = self._in(list(outlets))
            where.append(
                "EXISTS (SELECT 1 FROM sources s WHERE s.article_id = p.article_id "
                f"AND s.outlet {condition})"
            )
            args += values
        if since_ts is not None:
            where.append("a.published_ts >= ?")
            args.append(since_ts)
        if until_ts is not None:
            where.append("a.published_ts <= ?")
            args.append(until_ts)
        return where, args

    # -- the lexical index --------------------------------------------------------------------

    def lexical_search(
        self,
        words: list[str],
        k: int,
        outlets: list[str] | None = None,
        since_ts: int | None = None,
        until_ts: int | None = None,
    ) -> list[Match]:
        """The ``k`` passages that best match any of ``words``, filtered like dense search."""
        query = self._text_query(words)
        if query is None:
            return []
        where, args = self._filters(outlets, since_ts, until_ts)
        rows = self._rows(
            f"{self._MATCHES}{''.join(' AND ' + w for w in where)} "
            f"ORDER BY {self._BEST_FIRST} LIMIT ?",
            [query, *args, k],
        )
        return [Match(r[0], r[1], self._SCORE_SIGN * float(r[2])) for r in rows]

    def lexical_scores(self, words: list[str], passage_ids: list[str]) -> dict[str, float]:
        """Lexical score of ``words`` for these passages (absent: no word occurs)."""
        query = self._text_query(words)
        if query is None:
            return {}
        rows = self._rows_in(f"{self._MATCHES} AND p.id {{in}}", passage_ids, before=[query])
        return {r[0]: self._SCORE_SIGN * float(r[2]) for r in rows}

    # -- metadata -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the meta table."""
        with self._transaction() as db:
            db.execute(
                self._sql(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                (key, value),
            )

    # -- lookups ------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is committed."""
        return bool(self._rows("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def article_for_key(self, key: str) -> str | None:
        """The article id a source key (URL or file URI) currently points to."""
        rows = self._rows("SELECT article_id FROM sources WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def superseded(self, key: str, article_id: str) -> bool:
        """Whether ``article_id`` is an earlier version at ``key``, replaced by a later one."""
        return bool(self._rows(SUPERSEDED, (key, article_id)))

    def committed(self, article_ids: Iterable[str]) -> set[str]:
        """The subset of ``article_ids`` that are committed."""
        return {r[0] for r in self._rows_in("SELECT id FROM articles WHERE id {in}", article_ids)}

    def generation(self) -> int:
        """A number bumped (``_BUMP``) in every transaction changing articles or sources."""
        return int(self.get_meta("generation") or 0)

    # -- writes -------------------------------------------------------------------------------

    def mark_pending(self, article_ids: Iterable[str]) -> None:
        """Record that vectors for these articles are about to be written or deleted."""
        with self._transaction() as db, closing(db.cursor()) as cur:
            self._pend(cur, article_ids)

    def pending(self) -> list[str]:
        """Article ids whose vector writes or deletes may be incomplete."""
        return [
            r[0]
            for r in self._rows(f"SELECT article_id FROM pending ORDER BY article_id{self._BYTES}")
        ]

    def clear_pending(self, article_ids: Iterable[str]) -> None:
        """Forget intents whose vector work is done."""
        with self._transaction() as db, closing(db.cursor()) as cur:
            self._unpend(cur, article_ids)

    def commit(self, articles: ArticleRows, sources: SourceRows) -> list[str]:
        """Commit new articles and point source keys at articles (see ``Catalog.commit``)."""
        with self._transaction() as db, closing(db.cursor()) as cur:
            for article, passages, ts in articles:
                self._insert_article(cur, article, passages, ts)
            self._unpend(cur, [a.id for a, _, _ in articles])
            candidates = point_sources(cur, self._sql, sources)
            unsourced = self._sql("SELECT 1 FROM sources WHERE article_id = ?")
            orphans = [c for c in candidates if not cur.execute(unsourced, (c,)).fetchone()]
            self._pend(cur, orphans)
            cur.executemany(self._sql("DELETE FROM articles WHERE id = ?"), [(o,) for o in orphans])
            cur.execute(_BUMP)
        return orphans

    def delete_article(self, article_id: str) -> bool:
        """Remove an article, its sources and passages; leaves a pending intent for its vectors."""
        with self._transaction() as db, closing(db.cursor()) as cur:
            self._pend(cur, [article_id])
            forget_versions(cur, self._sql, article_id)
            cur.execute(self._sql("DELETE FROM articles WHERE id = ?"), (article_id,))
            deleted = bool(cur.rowcount > 0)
            cur.execute(_BUMP)
            return deleted

    def _pend(self, cur: Any, article_ids: Iterable[str]) -> None:
        cur.executemany(
            self._sql("INSERT INTO pending (article_id) VALUES (?) ON CONFLICT DO NOTHING"),
            [(i,) for i in article_ids],
        )

    def _unpend(self, cur: Any, article_ids: Iterable[str]) -> None:
        cur.executemany(
            self._sql("DELETE FROM pending WHERE article_id = ?"), [(i,) for i in article_ids]
        )

    def _insert_article(
        self, cur: Any, article: Article, passages: list[Passage], ts: int | None
    ) -> None:
        cur.execute(
            self._sql(f"INSERT INTO articles ({_COLUMNS}, published_ts) VALUES ({'?,' * 9}?)"),
            (article.id, article.title, article.url, article.outlet, article.author,
             article.published_at, article.text, article.ingested_at, len(passages), ts),
        )  # fmt: skip
        self._insert_passages(cur, article, passages)
        cur.executemany(
            self._sql("INSERT INTO names (word) VALUES (?) ON CONFLICT DO NOTHING"),
            [(w,) for w in sorted(capitalised_words(article.text))],
        )

    # -- reads --------------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        """One article with its text and sources, or None."""
        return self.articles_by_id([article_id]).get(article_id)

    def list_articles(
        self, limit: int | None = None, offset: int = 0, title: str | None = None
    ) -> list[Article]:
        """Articles, newest ingest first, with text; ``title`` keeps titles holding its words."""
        patterns = title_patterns(title)
        where = " AND ".join([f"title {self._LIKE} ? ESCAPE '\\'"] * len(patterns)) or "1 = 1"
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM articles WHERE {where} "
            f"ORDER BY ingested_at DESC, id{self._BYTES} LIMIT ? OFFSET ?",
            (*patterns, self._NO_LIMIT if limit is None else limit, offset),
        )
        return self._with_sources(rows)

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Committed articles among ``article_ids``, keyed by id."""
        rows = self._rows_in(f"SELECT {_COLUMNS} FROM articles WHERE id {{in}}", article_ids)
        return {a.id: a for a in self._with_sources(rows)}

    def passage_spans(
        self, passage_ids: Iterable[str]
    ) -> dict[str, tuple[str, int, int, int, list]]:
        """(article_id, n, start, end, sentences) for each known passage id."""
        rows = self._rows_in(
            f"SELECT id, article_id, n, {self._SPAN}, sentences FROM passages WHERE id {{in}}",
            passage_ids,
        )
        return {
            r[0]: (r[1], r[2], r[3], r[4], json.loads(r[5]) if isinstance(r[5], str) else r[5])
            for r in rows
        }

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
            f"SELECT min(published_at{self._BYTES}), max(published_at{self._BYTES}) "
            "FROM articles WHERE published_at IS NOT NULL"
        )[0]
        return row[0], row[1]

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet with its number of articles, most first."""
        rows = self._rows(
            "SELECT outlet, count(DISTINCT article_id) FROM sources WHERE outlet IS NOT NULL "
            f"GROUP BY outlet ORDER BY 2 DESC, outlet{self._BYTES}"
        )
        return [(r[0], r[1]) for r in rows]

    def _with_sources(self, rows: list[tuple]) -> list[Article]:
        """Articles from rows in ``ARTICLE_COLUMNS`` order, each with its sources."""
        found: dict[str, list[Source]] = {}
        for r in self._rows_in(
            "SELECT article_id, key, url, outlet, title, published_at FROM sources "
            f"WHERE article_id {{in}} ORDER BY added_at, key{self._BYTES}",
            [r[0] for r in rows],
        ):
            found.setdefault(r[0], []).append(
                Source(key=r[1], url=r[2], outlet=r[3], title=r[4], published_at=r[5])
            )
        return [article_from_row(r, tuple(found.get(r[0], ()))) for r in rows]
