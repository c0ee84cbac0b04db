"""The library: the article catalog and the vector store, kept in step by their only writer.

Its crash protocol: mark the articles pending in the catalog, write (or delete) their vectors,
commit the catalog rows, clear the pending marks; the next writer (or a starting server) finishes
what an interrupted one left (``recover``). Both stores live under one NEWSDESK_HOME by default
(SQLite and embedded Chroma). Several servers share one library when the catalog is a PostgreSQL
database (``catalog_url``) and the vectors are in a Chroma server (``chroma_url``); the write lock
and the recovery log then live in the database.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import numpy as np

from index.catalog import Catalog, open_catalog
from index.catalog.base import ArticleRows, SourceRows
from index.embed import CachedEmbedder, SentenceEmbedder
from index.errors import LockedError, StoreError
from index.fields import date_timestamp
from index.lexical import rarity, words
from index.names import NameVariants
from index.types import Article, Hit, Match, Summary
from index.vectors import VectorStore

LOCK_WAIT = 600.0
"""Seconds a write waits by default while another writer holds the lock (a large upload)."""


class Library:
    """Everything indexed: the catalog and the vector store.

    Args:
        home: directory holding the SQLite catalog, the embedded Chroma store, the write lock
            and the aliases file (only the aliases when both stores are servers).
        embedder: the embedding model; loaded only when vectors are needed.
        chroma_url: a Chroma server to use instead of the embedded store.
        collection: Chroma collection name.
        catalog_url: a PostgreSQL database to use instead of the SQLite catalog.
        pool_size: most connections to that database.
    """

    def __init__(
        self,
        home: Path,
        embedder: SentenceEmbedder,
        chroma_url: str | None = None,
        collection: str = "newsdesk-passages",
        catalog_url: str | None = None,
        pool_size: int = 10,
    ) -> None:
        self.home = Path(home).expanduser()
        self.lock_wait = LOCK_WAIT  # seconds a write waits for another writer before giving up
        self.embedder = embedder
        self.chroma_url = chroma_url
        self.collection = collection
        self.catalog_url = catalog_url
        self.catalog: Catalog = open_catalog(self.home, catalog_url, pool_size)
        self._names: tuple[int, NameVariants] | None = None
        self._summary: tuple[int, Summary] | None = None
        self._frequencies: tuple[int, dict[str, int]] = (-1, {})  # generation, word -> df
        built_with = self.catalog.get_meta("model")
        if built_with is not None and built_with != embedder.model_name:
            raise StoreError(
                f"{self.home} was indexed with embedding model {built_with!r}, but the settings "
                f"ask for {embedder.model_name!r}. Set NEWSDESK_INDEX__MODEL={built_with}, or "
                "use another NEWSDESK_HOME for the new model."
            )

    @cached_property
    def reader(self) -> CachedEmbedder:
        """The embedding model for questions and stored sentences, remembering its vectors.

        A question is embedded once however many steps read it; each sentence of a stored
        passage is embedded on its first use only (in ``sentence-vectors.sqlite3``).
        """
        return CachedEmbedder(self.embedder, self.home / "sentence-vectors.sqlite3")

    @cached_property
    def store(self) -> VectorStore:
        """The vector store (opening it loads the embedding model on first use)."""
        stored = self.catalog.get_meta("dimension")
        dimension = int(stored) if stored else self.embedder.dimension
        store = VectorStore(
            model=self.embedder.model_name,
            dimension=dimension,
            path=self.home / "chroma",
            url=self.chroma_url,
            collection=self.collection,
        )
        if stored is None:
            self.catalog.set_meta("model", self.embedder.model_name)
            self.catalog.set_meta("dimension", str(dimension))
        return store

    @contextmanager
    def write_lock(
        self, timeout: float | None = None, waiting: Callable[[], None] | None = None
    ) -> Iterator[None]:
        """Hold the catalog's write lock, failing with a clear message if another writer keeps it.

        Waits up to ``timeout`` seconds (default: ``lock_wait``) for the other writer to finish
        (calling ``waiting`` first, when it has to wait), then repairs what an interrupted
        writer (of any process or server) left.
        """
        wait = self.lock_wait if timeout is None else timeout
        with self.catalog.writer(wait, waiting):
            self.recover()
            yield

    def repair(self) -> list[str]:
        """Repair what a dead writer left, unless a live writer holds the lock (it repairs).

        Returns the ids that were repaired. Servers call this when they start.
        """
        if not self.catalog.pending():
            return []
        try:
            with self.catalog.writer(0):
                return self.recover()
        except LockedError:
            return []

    def recover(self) -> list[str]:
        """Finish vector writes or deletes that an interruption left half done.

        Returns the ids that were repaired. Call with the write lock held.
        """
        pending = self.catalog.pending()
        if not pending:
            return []
        committed = self.catalog.committed(pending)
        self.store.delete_articles([a for a in pending if a not in committed])
        for article in self.catalog.articles_by_id(committed).values():
            self.sync_filters(article)
        self.catalog.clear_pending(pending)
        return pending

    def sync_filters(self, article: Article) -> None:
        """Copy an article's outlets and date onto its passage vectors (used by filters)."""
        self.store.set_outlets(
            article.id, article.passages, article.outlets, date_timestamp(article.published_at)
        )

    def delete(self, article_id: str) -> bool:
        """Remove an article and its passages. Returns False if it was not indexed."""
        with self.write_lock():
            found = self.catalog.delete_article(article_id)
            self.store.delete_articles([article_id])
            self.catalog.clear_pending([article_id])
        return found

    @contextmanager
    def writing(self, waiting: Callable[[], None] | None = None) -> Iterator[BatchWriter]:
        """Hold the write lock while batches are committed in order on a background thread.

        ``waiting`` is called when the lock is held by another writer, before waiting for it.
        """
        with self.write_lock(waiting=waiting):
            writer = BatchWriter(self)
            try:
                yield writer
            finally:
                writer.close()

    def write(self, articles: ArticleRows, sources: SourceRows, vectors: np.ndarray) -> None:
        """Commit new articles (with their passages' ``vectors``) and source keys; hold the lock.

        The vectors are written first and the catalog rows committed after, with the articles
        marked pending in between, so an interruption leaves nothing that ``recover`` cannot undo.
        """
        passages = [p for _, ps, _ in articles for p in ps]
        new_ids = [a.id for a, _, _ in articles]
        attached = sorted({aid for aid, _, _ in sources if aid not in new_ids})
        self.catalog.mark_pending(new_ids + attached)
        outlets = {a.id: [o for o in [a.outlet] if o] for a, _, _ in articles}
        for article_id, source, _ in sources:
            if article_id in outlets and source.outlet and source.outlet not in outlets[article_id]:
                outlets[article_id].append(source.outlet)
        self.store.add(passages, vectors, {a.id: ts for a, _, ts in articles}, outlets)
        orphans = self.catalog.commit(articles, sources)
        self.store.delete_articles(orphans)
        for article in self.catalog.articles_by_id(attached).values():
            self.sync_filters(article)
        self.catalog.clear_pending(orphans + attached)

    def dense(
        self,
        vector: np.ndarray,
        k: int,
        outlets: list[str] | None = None,
        since_ts: int | None = None,
        until_ts: int | None = None,
    ) -> list[Match]:
        """The ``k`` passages nearest to an embedding (cosine similarity as the score)."""
        return self.store.query(vector, k, outlets, since_ts, until_ts)

    def lexical(
        self,
        question: str,
        k: int,
        outlets: list[str] | None = None,
        since_ts: int | None = None,
        until_ts: int | None = None,
        max_df: int = 0,
    ) -> list[Match]:
        """The ``k`` best BM25 passages for ``question`` (see ``query_words``)."""
        terms = self.query_words(question, max_df)
        return self.catalog.lexical_search(terms, k, outlets, since_ts, until_ts)

    def query_words(self, question: str, max_df: int = 0) -> list[str]:
        """The question's content words for finding lexical candidates.

        With ``max_df``, without the words held by more than that many passages: they rank
        least and cost most (BM25 scores every passage holding any word, so a common word
        in a large library costs tens of milliseconds). The two rarest words always stay.
        Each word's passage count is remembered until the library changes.
        """
        terms = words(question)
        if not max_df or len(set(terms)) <= 2 or self.summary().counts["passages"] <= max_df:
            return terms
        generation = self.catalog.generation()
        if self._frequencies[0] != generation or len(self._frequencies[1]) > 100_000:
            self._frequencies = (generation, {})
        known = self._frequencies[1]
        missing = [t for t in dict.fromkeys(terms) if t not in known]
        if missing:
            known.update(self.catalog.document_frequencies(missing))
        rarest = sorted(dict.fromkeys(terms), key=lambda t: known[t])[:2]
        return [t for t in terms if known[t] <= max_df or t in rarest]

    def name_variants(self) -> NameVariants:
        """Other spellings of names (aliases, transliterations), refreshed as the index grows."""
        generation = self.catalog.generation()
        if self._names is None or self._names[0] != generation:
            self._names = (
                generation, NameVariants(self.catalog.names(), self.home / "aliases.txt")
            )  # fmt: skip
        return self._names[1]

    def summary(self) -> Summary:
        """Counts, outlets and date span, read again only after a write (of any process).

        Every question reads them (outlet and date words, an empty library); at a million
        passages each read scans the catalog, so one lookup of the catalog's generation
        decides whether the remembered ones still hold.
        """
        generation = self.catalog.generation()
        if self._summary is None or self._summary[0] != generation:
            catalog = self.catalog
            self._summary = (
                generation, Summary(catalog.counts(), catalog.outlets(), catalog.date_span())
            )  # fmt: skip
        return self._summary[1]

    def rarity(self, words: list[str]) -> dict[str, float]:
        """How rare each word is in the indexed passages, 0 (everywhere) to 1 (nowhere)."""
        return rarity(self.catalog, words)

    def lexical_scores(self, question: str, passage_ids: list[str]) -> dict[str, float]:
        """BM25 of ``question`` (all its content words) for specific passages."""
        return self.catalog.lexical_scores(words(question), passage_ids)

    def vectors(self, passage_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored embeddings of these passages."""
        return self.store.vectors(passage_ids)

    def hits(self, matches: list[Match]) -> list[Hit]:
        """Full hits for matches, in order; matches of uncommitted articles are dropped."""
        articles = self.catalog.articles_by_id(m.article_id for m in matches)
        spans = self.catalog.passage_spans(m.passage_id for m in matches)
        hits: list[Hit] = []
        for match in matches:
            article = articles.get(match.article_id)
            span = spans.get(match.passage_id)
            if article is None or span is None:
                continue  # vectors of an unfinished write: invisible until committed
            _, n, start, end, sentences = span
            hits.append(
                Hit(
                    passage_id=match.passage_id,
                    article_id=article.id,
                    n=n,
                    text=article.text[start:end],
                    start=start,
                    end=end,
                    sentences=tuple(tuple(s) for s in sentences),
                    score=round(match.score, 6),
                    title=article.title,
                    url=article.url,
                    outlet=article.outlet,
                    author=article.author,
                    published_at=article.published_at,
                    outlets=tuple(article.outlets),
                )
            )
        return hits

    def close(self) -> None:
        """Close the catalog (and the file of remembered sentence vectors)."""
        if "reader" in self.__dict__:
            self.reader.close()
        self.catalog.close()


class BatchWriter:
    """Commits batches with ``Library.write`` on a background thread, in order, one behind.

    The queue holds at most one batch, so memory stays bounded and an interruption loses at most
    the batch being written and the one being prepared. An error in the writer is raised in the
    caller at its next ``submit`` or at ``close``.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[ArticleRows, SourceRows, np.ndarray] | None]
        self._queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="newsdesk-ingest-writer")
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if self.error is None:
                try:
                    self.library.write(*job)
                except BaseException as e:  # re-raised in the caller's thread
                    self.error = e

    def submit(self, articles: ArticleRows, sources: SourceRows, vectors: np.ndarray) -> None:
        """Queue a batch (waits while the previous one is still being written)."""
        self._raise()
        _ = self.library.store  # opened here, not by the writer thread and this one at once
        self._queue.put((articles, sources, vectors))

    def close(self) -> None:
        """Write what is queued, stop the thread, and raise the writer's error if any."""
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
