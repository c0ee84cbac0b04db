"""Ingest: read inputs, chunk new texts, embed them in batches, and commit whole articles.

Idempotent by content: an article's id is the hash of its text, so the same text is embedded
once however often or under however many URLs it arrives. A source key (URL or file) seen again
with different text is an update: the old version's passages leave the index, and those of its
passages whose text did not change keep their vectors (they are not embedded again).

Ingest runs at the speed of the embedding model: while a batch is being embedded, a writer thread
commits the previous one (vector store, catalog, FTS5), so store writes cost almost no wall time.
"""

from __future__ import annotations

import glob
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from index.chunking import chunk_text
from index.errors import IngestError, TooManyArticles
from index.fetch import is_url, read_url
from index.fields import content_id, date_timestamp, now_iso
from index.library import Library
from index.limits import MAX_ARTICLE_CHARS
from index.readers import SUPPORTED, Item, read_path
from index.types import Article, ParsedArticle, Passage, Source

Status = Literal["added", "updated", "unchanged", "duplicate", "failed"]
ProgressCallback = Callable[[str, int], None]
"""Called with ("inputs_total", n) once the inputs are listed, then ("inputs", n) as files/URLs
are opened, ("articles", n) as articles are read and ("passages", n) as passages are embedded."""


@dataclass
class ItemResult:
    """What happened to one article (or one input that failed)."""

    origin: str
    status: Status
    article_id: str | None = None
    title: str | None = None
    reason: str | None = None
    line: int | None = None


@dataclass
class IngestReport:
    """Outcome of an ingest: one result per article read or input that failed."""

    items: list[ItemResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    passages: int = 0
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        """Number of items with this status."""
        return sum(1 for item in self.items if item.status == status)

    @property
    def added(self) -> int:
        """Articles stored for the first time."""
        return self.count("added")

    @property
    def updated(self) -> int:
        """Sources whose text changed (the old version was replaced)."""
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        """Articles already stored with the same text."""
        return self.count("unchanged")

    @property
    def duplicates(self) -> int:
        """Known texts seen under a new URL or outlet (syndicated copies)."""
        return self.count("duplicate")

    @property
    def failed(self) -> int:
        """Inputs that could not be read."""
        return self.count("failed")

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return self.failed == 0

    def to_dict(self) -> dict[str, object]:
        """The report as plain JSON-ready data."""
        return {
            "ok": self.ok,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "passages": self.passages,
            "seconds": round(self.seconds, 2),
            "ignored": self.ignored,
            "items": [vars(item) for item in self.items],
        }

    def summary(self) -> str:
        """One line: counts of each outcome, passages embedded and time taken."""
        text = (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"duplicates {self.duplicates}, failed {self.failed}; "
            f"{self.passages} passages embedded in {self.seconds:.1f}s"
        )
        if self.ignored:
            text += f"; ignored {len(self.ignored)} files of unsupported types"
        return text


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[str], list[str], list[ItemResult]]:
    """Files (folders walked recursively, globs expanded) and URLs to read.

    Returns (inputs to read, files ignored for their type, failures for inputs that do not exist).
    """
    found: list[str] = []
    ignored: list[str] = []
    missing: list[ItemResult] = []
    for raw in inputs:
        value = str(raw)
        if is_url(value):
            found.append(value)
            continue
        try:
            path = Path(value).expanduser()
            kind = "dir" if path.is_dir() else "file" if path.is_file() else None
        except (OSError, RuntimeError, ValueError) as e:  # "~nobody", NUL bytes, too long...
            missing.append(ItemResult(value, "failed", reason=f"not a usable path: {e}"))
            continue
        if kind == "dir":
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    p.startswith(".") for p in child.relative_to(path).parts
                ):
                    (found if child.suffix.lower() in SUPPORTED else ignored).append(str(child))
        elif kind == "file":
            found.append(str(path))
        elif any(c in value for c in "*?["):
            matches = sorted(m for m in glob.glob(str(path), recursive=True) if Path(m).is_file())
            if not matches:
                missing.append(ItemResult(value, "failed", reason="no files match this pattern"))
            found.extend(matches)
        else:
            missing.append(ItemResult(value, "failed", reason="no such file, folder or URL"))
    return list(dict.fromkeys(found)), ignored, missing


def read_inputs(
    inputs: list[str], progress: ProgressCallback | None = None, allow_private_urls: bool = False
) -> Iterator[Item]:
    """Every article (or failure) from each input in turn."""
    for value in inputs:
        if progress:
            progress("inputs", 1)
        if is_url(value):
            yield from read_url(value, allow_private=allow_private_urls)
        else:
            yield from read_path(Path(value))


@dataclass
class _Batch:
    articles: list[tuple[Article, list[Passage], int | None]] = field(default_factory=list)
    sources: list[tuple[str, Source, str]] = field(default_factory=list)
    results: list[ItemResult] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    reuse: dict[str, np.ndarray] = field(default_factory=dict)  # passage text -> stored vector

    @property
    def passages(self) -> int:
        return sum(len(p) for _, p, _ in self.articles)


class _Writer:
    """Commits embedded batches on a background thread, in order, one batch behind the encoder.

    The queue holds at most one batch, so memory stays bounded and an interruption loses at most
    the batch being written and the one being embedded. An error in the writer is raised in the
    caller at its next ``submit`` or at ``close``.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[_Batch, np.ndarray] | None] = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="newsdesk-ingest-writer")
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if self.error is None:
                try:
                    _write(self.library, *job)
                except BaseException as e:  # re-raised in the caller's thread
                    self.error = e

    def submit(self, batch: _Batch, vectors: np.ndarray) -> None:
        self._raise()
        self._queue.put((batch, vectors))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


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
    with library.write_lock():
        batch = _Batch()
        keys: dict[str, str] = {}  # source key -> article id, for keys seen in this run
        added: set[str] = set()  # article ids added in this run (committed or still in flight)
        writer = _Writer(library)
        try:
            for item in items:
                if isinstance(item, ParsedArticle) and len(item.text) > MAX_ARTICLE_CHARS:
                    item = IngestError(
                        item.origin,
                        f"the article is {len(item.text):,} characters; the limit is "
                        f"{MAX_ARTICLE_CHARS:,}. Split it into several articles",
                    )
                if isinstance(item, IngestError):
                    report.items.append(
                        ItemResult(item.origin, "failed", reason=item.reason, line=item.line)
                    )
                    continue
                _classify(library, item, batch, keys, added, report, max_tokens, overlap)
                if progress:
                    progress("articles", 1)
                if batch.passages >= batch_passages:
                    report.passages += _flush(library, batch, writer, progress)
                    report.items.extend(batch.results)
                    batch = _Batch()
            report.passages += _flush(library, batch, writer, progress)
            report.items.extend(batch.results)
        finally:
            writer.close()
    report.seconds += time.perf_counter() - started
    return report


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
    keys[key] = article_id
    result = ItemResult(parsed.origin, "added", article_id, parsed.title)
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
    batch.ids.add(article_id)
    added.add(article_id)
    if previous is not None and previous not in added:
        batch.reuse.update(_unchanged_vectors(library, previous, {p.text for p in passages}))


def _unchanged_vectors(library: Library, article_id: str, texts: set[str]) -> dict[str, np.ndarray]:
    """Stored vectors of the passages of ``article_id`` whose text is among ``texts``."""
    old = library.catalog.get_article(article_id)
    if old is None:
        return {}
    same = {
        p.id: p.text for p in library.catalog.passages_of(article_id, old.text) if p.text in texts
    }
    return {same[pid]: vector for pid, vector in library.store.vectors(list(same)).items()}


def _flush(
    library: Library, batch: _Batch, writer: _Writer, progress: ProgressCallback | None
) -> int:
    """Embed the batch's new passages (each distinct text once), then queue the batch to write.

    Returns the number of passages embedded.
    """
    if not batch.sources:
        return 0
    passages = [p for _, ps, _ in batch.articles for p in ps]
    todo = [t for t in dict.fromkeys(p.text for p in passages) if t not in batch.reuse]
    found = dict(zip(todo, library.embedder.encode(todo), strict=True)) | batch.reuse
    vectors = np.stack([found[p.text] for p in passages]) if passages else np.zeros((0, 0))
    if progress:
        progress("passages", len(todo))
    _ = library.store  # opened here, not by the writer thread and this one at once
    writer.submit(batch, vectors)
    return len(todo)


def _write(library: Library, batch: _Batch, vectors: np.ndarray) -> None:
    """Write a batch's vectors, then commit its catalog rows (on the writer thread)."""
    passages = [p for _, ps, _ in batch.articles for p in ps]
    new_ids = [a.id for a, _, _ in batch.articles]
    attached = sorted({aid for aid, _, _ in batch.sources if aid not in batch.ids})
    library.catalog.mark_pending(new_ids + attached)
    outlets = {a.id: [o for o in [a.outlet] if o] for a, _, _ in batch.articles}
    for article_id, source, _ in batch.sources:
        if article_id in outlets and source.outlet and source.outlet not in outlets[article_id]:
            outlets[article_id].append(source.outlet)
    library.store.add(passages, vectors, {a.id: ts for a, _, ts in batch.articles}, outlets)
    orphans = library.catalog.commit(batch.articles, batch.sources)
    library.store.delete_articles(orphans)
    for article in library.catalog.articles_by_id(attached).values():
        library.sync_filters(article)
    library.catalog.clear_pending(orphans + attached)
