"""Ingest: read inputs, chunk new texts, embed them in batches, and hand them to the library.

Idempotent by content: an article's id is the hash of its text, so the same text is embedded
once however often or under however many URLs it arrives. A source key (URL or file) seen again
with different text is an update: the old version's passages leave the index, and those of its
passages whose text did not change keep their vectors (they are not embedded again).

Ingest runs at the speed of the embedding model: while a batch is being embedded, the library's
writer thread commits the previous one (see ``Library.writing``), so store writes cost almost no
wall time. This module never writes: the library is the only writer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.catalog.base import ArticleRows, SourceRows
from index.chunking import chunk_text
from index.errors import IngestError, TooManyArticles
from index.fields import content_id, date_timestamp, now_iso
from index.inputs import expand_inputs, read_inputs
from index.library import BatchWriter, Library
from index.limits import MAX_ARTICLE_CHARS
from index.readers import Item
from index.types import (
    Article,
    IngestReport,
    ItemResult,
    ParsedArticle,
    ProgressCallback,
    Source,
)

__all__ = ["add_items", "expand_inputs", "ingest"]


@dataclass
class _Batch:
    articles: ArticleRows = field(default_factory=list)
    sources: SourceRows = field(default_factory=list)
    results: list[ItemResult] = field(default_factory=list)
    reuse: dict[str, np.ndarray] = field(default_factory=dict)  # passage text -> stored vector

    @property
    def passages(self) -> int:
        return sum(len(p) for _, p, _ in self.articles)


def ingest(
    library: Library,
    inputs: Iterable[str | Path],
    progress: ProgressCallback | None = None,
    max_tokens: int = 200,
    overlap: int = 1,
    batch_passages: int = 256,
    allow_private_urls: bool = False,
    max_articles: int | None = None,
) -> IngestReport:
    """Add files, folders, globs and URLs to the library.

    Holds the library's write lock throughout. Articles are committed in batches of about
    ``batch_passages`` passages; an interruption loses at most the batch in progress, and the next
    run removes any vectors that batch left behind.
    """
    started = time.perf_counter()
    files, ignored, missing = expand_inputs(inputs)
    report = IngestReport(items=list(missing), ignored=ignored)
    if progress:
        progress("inputs_total", len(files))
    items = read_inputs(files, progress, allow_private_urls)
    add_items(library, items, report, progress, max_tokens, overlap, batch_passages, max_articles)
    report.seconds = time.perf_counter() - started
    return report


def add_items(
    library: Library,
    items: Iterable[Item],
    report: IngestReport,
    progress: ProgressCallback | None = None,
    max_tokens: int = 200,
    overlap: int = 1,
    batch_passages: int = 256,
    max_articles: int | None = None,
) -> IngestReport:
    """Store parsed articles (and record failures) under the write lock; see ``ingest``.

    Every ingest path ends here, so the article limits are enforced here: an article over
    ``MAX_ARTICLE_CHARS`` fails (the others are stored), and with ``max_articles`` (one request's
    worth) more articles than that refuse the whole request before anything is stored.
    """
    started = time.perf_counter()
    if max_articles is not None:
        items = list(items)
        found = sum(isinstance(item, ParsedArticle) for item in items)
        if found > max_articles:
            raise TooManyArticles(
                f"{found} articles in one request; the limit is {max_articles}. Send them in "
                "several requests, or ingest the files with `newsdesk ingest`."
            )
    with _writing(library, report, progress) as writer:
        batch = _Batch()
        keys: dict[str, str] = {}  # source key -> article id, for keys seen in this run
        added: set[str] = set()  # article ids added in this run (committed or still in flight)
        for item in map(_within_limits, items):
            if isinstance(item, IngestError):
                report.items.append(
                    ItemResult(item.origin, "failed", reason=item.reason, line=item.line)
                )
                continue
            _classify(library, item, batch, keys, added, report, max_tokens, overlap)
            if progress:
                progress("articles", 1)
            if batch.passages >= batch_passages:
                report.passages += _flush(batch, writer, progress)
                report.items.extend(batch.results)
                batch = _Batch()
        report.passages += _flush(batch, writer, progress)
        report.items.extend(batch.results)
    report.seconds += time.perf_counter() - started
    return report


@contextmanager
def _writing(
    library: Library, report: IngestReport, progress: ProgressCallback | None
) -> Iterator[BatchWriter]:
    """The library's writer, once its lock is ours.

    Reports ``queued`` while another writer holds the lock (the seconds waited go to
    ``report.queued``), then ``adding``.
    """
    queued: list[float] = []

    def waiting() -> None:
        queued.append(time.perf_counter())
        if progress:
            progress("queued", 1)

    with library.writing(waiting) as writer:
        if queued:
            report.queued += time.perf_counter() - queued[0]
        if progress:
            progress("adding", 1)
        yield writer


def _within_limits(item: Item) -> Item:
    """The item, or the failure of an article over ``MAX_ARTICLE_CHARS``."""
    if isinstance(item, ParsedArticle) and len(item.text) > MAX_ARTICLE_CHARS:
        return IngestError(
            item.origin,
            f"the article is {len(item.text):,} characters; the limit is "
            f"{MAX_ARTICLE_CHARS:,}. Split it into several articles",
        )
    return item


_EARLIER = (
    "an earlier version of the article stored for this source, which a later one replaced; "
    "delete the article to load this version again"
)


def _classify(
    library: Library,
    parsed: ParsedArticle,
    batch: _Batch,
    keys: dict[str, str],
    added: set[str],
    report: IngestReport,
    max_tokens: int,
    overlap: int,
) -> None:
    article_id = content_id(parsed.text)
    key = parsed.key or f"text:{article_id}"
    previous = keys.get(key) or library.catalog.article_for_key(key)
    result = ItemResult(parsed.origin, "added", article_id, parsed.title)
    if (
        previous
        and previous != article_id
        and key not in keys
        and library.catalog.superseded(key, article_id)
    ):
        # An earlier version, replaced by the one stored (a dump holding a URL twice, ingested
        # again): not brought back, so re-running the same inputs changes nothing.
        keys[key] = previous
        result.status, result.reason = "unchanged", _EARLIER
        report.items.append(result)
        return
    keys[key] = article_id
    source = Source(
        key=key, url=parsed.url, outlet=parsed.outlet, title=parsed.title,
        published_at=parsed.published_at,
    )  # fmt: skip
    if previous == article_id:
        result.status = "unchanged"
        report.items.append(result)
        return
    known = article_id in added or library.catalog.has_article(article_id)
    if previous is not None:
        result.status = "updated"
    elif known:
        result.status = "duplicate"
    batch.sources.append((article_id, source, now_iso()))
    batch.results.append(result)
    if known:
        return
    article = Article(
        id=article_id,
        title=parsed.title,
        url=parsed.url,
        outlet=parsed.outlet,
        author=parsed.author,
        published_at=parsed.published_at,
        text=parsed.text,
        ingested_at=parsed.ingested_at or now_iso(),
    )
    passages = chunk_text(article_id, parsed.text, library.embedder, max_tokens, overlap)
    batch.articles.append((article, passages, date_timestamp(parsed.published_at)))
    added.add(article_id)
    if previous is not None and previous not in added:
        batch.reuse.update(_unchanged_vectors(library, previous, {p.text for p in passages}))


def _unchanged_vectors(library: Library, article_id: str, texts: set[str]) -> dict[str, np.ndarray]:
    """Stored vectors of the passages of ``article_id`` whose text is among ``texts``."""
    old = library.catalog.get_article(article_id)
    if old is None:
        return {}
    spans = library.catalog.passage_spans(f"{article_id}#{n}" for n in range(old.passages))
    same = {pid: old.text[s:e] for pid, (_, _, s, e, _) in spans.items() if old.text[s:e] in texts}
    return {same[pid]: vector for pid, vector in library.vectors(list(same)).items()}


def _flush(batch: _Batch, writer: BatchWriter, progress: ProgressCallback | None) -> int:
    """Embed the batch's new passages (each distinct text once), then hand the batch to the writer.

    Returns the number of passages embedded.
    """
    if not batch.sources:
        return 0
    passages = [p for _, ps, _ in batch.articles for p in ps]
    todo = [t for t in dict.fromkeys(p.text for p in passages) if t not in batch.reuse]
    held = writer.library.store.vectors_for_texts(todo) if todo else {}  # in other articles
    todo = [t for t in todo if t not in held]
    found = dict(zip(todo, writer.library.embedder.encode(todo), strict=True)) | batch.reuse | held
    vectors = np.stack([found[p.text] for p in passages]) if passages else np.zeros((0, 0))
    if progress:
        progress("passages", len(todo))
    writer.submit(batch.articles, batch.sources, vectors)
    return len(todo)
