"""Source keys (a URL or file URI) pointing at articles, and the versions they replaced.

A key points at one article; ingesting the same key with another text re-points it, and the
article left without a key is removed. The replaced version is remembered (``superseded``), so
that ingesting the same inputs again (a dump holding a page crawled on two days) does not bring
the earlier text back and then the later one again. Deleting an article forgets the versions
of its keys: an earlier version ingested after that is added again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from index.catalog.base import SourceRows

SUPERSEDED = "SELECT 1 FROM superseded WHERE key = ? AND article_id = ?"
_REPLACED = "INSERT INTO superseded (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
_CURRENT = "DELETE FROM superseded WHERE key = ? AND article_id = ?"
_UPSERT = (
    "INSERT INTO sources (key, article_id, url, outlet, title, published_at, added_at) "
    "VALUES (?,?,?,?,?,?,?) ON CONFLICT (key) DO UPDATE SET article_id = excluded.article_id, "
    "url = excluded.url, outlet = excluded.outlet, title = excluded.title, "
    "published_at = excluded.published_at, added_at = excluded.added_at"
)


def point_sources(cur: Any, sql: Callable[[str], str], rows: SourceRows) -> list[str]:
    """Insert or re-point source keys; returns the articles that lost a key, in order.

    ``sql`` turns a query written with ``?`` into the backend's placeholders.
    """
    candidates: list[str] = []
    for article_id, source, added_at in rows:
        old = cur.execute(sql("SELECT article_id FROM sources WHERE key = ?"), (source.key,))
        old = old.fetchone()
        cur.execute(
            sql(_UPSERT),
            (source.key, article_id, source.url, source.outlet, source.title,
             source.published_at, added_at),
        )  # fmt: skip
        if old and old[0] != article_id:  # re-pointed: the old text is now an earlier version
            cur.execute(sql(_REPLACED), (source.key, old[0]))
            cur.execute(sql(_CURRENT), (source.key, article_id))
            if old[0] not in candidates:
                candidates.append(old[0])
    return candidates


def forget_versions(cur: Any, sql: Callable[[str], str], article_id: str) -> None:
    """Forget the replaced versions of the keys pointing at ``article_id`` (it is being deleted)."""
    cur.execute(
        sql("DELETE FROM superseded WHERE key IN (SELECT key FROM sources WHERE article_id = ?)"),
        (article_id,),
    )
