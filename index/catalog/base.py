"""What every catalog backend offers: named queries over articles, sources, passages and words.

The catalog is the source of truth for what is indexed. An article becomes visible only when its
row is committed, after its passages are in the vector store; the pending rows are an intent log,
so the vectors of an interrupted write or delete are removed by the next writer. Callers never
see SQL: the two backends (SQLite under the home, PostgreSQL shared by several servers) share
their queries (``sql.py``) and each adds its own schema, lexical index and write lock. Only the
library writes, and the pending rows are its recovery log (see ``index.library``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager

from index.types import Article, Match, Passage, Source

ArticleRows = list[tuple[Article, list[Passage], int | None]]
"""(article, its passages, published timestamp) for each new article of a commit."""

SourceRows = list[tuple[str, Source, str]]
"""(article id, source, added_at) for each source key a commit inserts or re-points."""

ARTICLE_COLUMNS = ("id", "title", "url", "outlet", "author", "published_at", "text",
                   "ingested_at", "passages")  # fmt: skip


class Catalog(ABC):
    """Articles, their sources (URLs/outlets), passage offsets, the lexical index and the lock."""

    location: str
    """Where the catalog lives (a file, or a database address without its password)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connections."""

    # -- metadata -----------------------------------------------------------------------------

    @abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the meta table."""

    @abstractmethod
    def generation(self) -> int:
        """A number that changes whenever articles or sources change (by any process)."""

    # -- the write lock -----------------------------------------------------------------------

    @abstractmethod
    def writer(
        self, timeout: float, waiting: Callable[[], None] | None = None
    ) -> AbstractContextManager[None]:
        """Hold the single-writer lock, waiting up to ``timeout`` seconds for another writer.

        Args:
            timeout: seconds to wait while another writer holds the lock (0: fail at once).
            waiting: called once, before waiting, when another writer holds the lock (so a
                caller can say that its write is queued).

        Raises:
            LockedError: another writer (this or another process or server) kept the lock.
        """

    # -- lookups ------------------------------------------------------------------------------

    @abstractmethod
    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is committed."""

    @abstractmethod
    def article_for_key(self, key: str) -> str | None:
        """The article id a source key (URL or file URI) currently points to."""

    @abstractmethod
    def superseded(self, key: str, article_id: str) -> bool:
        """Whether ``article_id`` is an earlier version at ``key``, replaced by a later one."""

    @abstractmethod
    def committed(self, article_ids: Iterable[str]) -> set[str]:
        """The subset of ``article_ids`` that are committed."""

    # -- writes -------------------------------------------------------------------------------

    @abstractmethod
    def mark_pending(self, article_ids: Iterable[str]) -> None:
        """Record that vectors for these articles are about to be written or deleted."""

    @abstractmethod
    def pending(self) -> list[str]:
        """Article ids whose vector writes or deletes may be incomplete."""

    @abstractmethod
    def clear_pending(self, article_ids: Iterable[str]) -> None:
        """Forget intents whose vector work is done."""

    @abstractmethod
    def commit(self, articles: ArticleRows, sources: SourceRows) -> list[str]:
        """Commit new articles and point source keys at articles, in one transaction.

        Args:
            articles: (article, its passages, published timestamp) for each new article.
            sources: (article id, source, added_at) to insert or re-point.

        Returns:
            Ids of articles that lost their last source (an update replaced their text). They are
            deleted from the catalog and left pending so the caller removes their vectors.
        """

    @abstractmethod
    def delete_article(self, article_id: str) -> bool:
        """Remove an article, its sources and passages; leaves a pending intent for its vectors."""

    # -- reads --------------------------------------------------------------------------------

    @abstractmethod
    def get_article(self, article_id: str) -> Article | None:
        """One article with its text and sources, or None."""

    @abstractmethod
    def list_articles(
        self, limit: int | None = None, offset: int = 0, title: str | None = None
    ) -> list[Article]:
        """Articles, newest ingest first, with text; ``title`` keeps titles holding its words."""

    @abstractmethod
    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Committed articles among ``article_ids``, keyed by id."""

    @abstractmethod
    @abstractmethod
    def passage_spans(
        self, passage_ids: Iterable[str]
    ) -> dict[str, tuple[str, int, int, int, list]]:
        """(article_id, n, start, end, sentences) for each known passage id."""

    @abstractmethod
    def names(self) -> set[str]:
        """Capitalised words seen in the indexed text (kept after deletes: harmless extras)."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Numbers of articles, passages, sources and outlets."""

    @abstractmethod
    def date_span(self) -> tuple[str | None, str | None]:
        """Earliest and latest publication dates of the articles that have one."""

    @abstractmethod
    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet with its number of articles, most first."""

    # -- the lexical index --------------------------------------------------------------------

    @abstractmethod
    def lexical_search(
        self,
        words: list[str],
        k: int,
        outlets: list[str] | None = None,
        since_ts: int | None = None,
        until_ts: int | None = None,
    ) -> list[Match]:
        """The ``k`` passages that best match any of ``words`` (higher score is better)."""

    @abstractmethod
    def lexical_scores(self, words: list[str], passage_ids: list[str]) -> dict[str, float]:
        """Lexical score of ``words`` for these passages (absent: no word occurs)."""

    def term_frequencies(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """The number of passages, and for each term the number of passages that hold it."""
        return self.counts()["passages"], self.document_frequencies(terms)

    @abstractmethod
    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """For each term, the number of passages that hold it in their text."""

    @abstractmethod
    def lexical_passages(self) -> set[str]:
        """Ids of the passages the lexical index covers (for consistency checks)."""


def article_from_row(row: tuple, sources: tuple[Source, ...]) -> Article:
    """An ``Article`` from a row in ``ARTICLE_COLUMNS`` order."""
    return Article(**dict(zip(ARTICLE_COLUMNS, row, strict=True)), sources=sources)


def title_patterns(title: str | None) -> list[str]:
    """LIKE patterns (escape character backslash), one per word of ``title``."""
    return [
        "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for w in (title or "").split()
    ]


def chunked(values: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    """Distinct ``values`` in lists of at most ``size`` (for IN lists)."""
    ids = list(dict.fromkeys(values))
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
