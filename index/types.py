"""Values that travel between index modules: inputs, articles, passages, hits, ingest reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParsedArticle(_Value):
    """An article as read from an input, before it is stored.

    ``key`` identifies where the article lives (its URL, or the file it came from): the same key
    with new text is an update of the same article.
    """

    origin: str = Field(description="The file, line or URL it was read from, for messages.")
    key: str | None = Field(None, description="URL or file URI; same key + new text = update.")
    title: str
    text: str
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_at: str | None = Field(None, description="ISO 8601 date or datetime, or None.")
    ingested_at: str | None = Field(None, description="Kept from a backup; else the ingest time.")


class Source(_Value):
    """One place an article was published (syndicated copies have several)."""

    key: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published_at: str | None = None


class Article(_Value):
    """A stored article. ``id`` is derived from its text, so identical texts share one id."""

    id: str
    title: str
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_at: str | None = None
    text: str
    ingested_at: str
    passages: int = 0
    sources: tuple[Source, ...] = ()

    @property
    def outlets(self) -> list[str]:
        """Every distinct outlet that carried this text, first-seen first."""
        seen: list[str] = []
        for outlet in [self.outlet, *(s.outlet for s in self.sources)]:
            if outlet and outlet not in seen:
                seen.append(outlet)
        return seen


class Passage(_Value):
    """A span of an article's text, sized for the embedding model.

    ``start``/``end`` are character offsets into the article text, so
    ``article.text[start:end] == text``; ``sentences`` holds absolute offsets too.
    """

    id: str
    article_id: str
    n: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


class Hit(_Value):
    """A retrieved passage with the fields of its article."""

    passage_id: str
    article_id: str
    n: int
    text: str
    start: int
    end: int
    sentences: tuple[Span, ...]
    score: float
    title: str
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_at: str | None = None
    outlets: tuple[str, ...] = ()

    def sentence_texts(self) -> list[tuple[Span, str]]:
        """Each sentence of the passage with its absolute span."""
        return [((s, e), self.text[s - self.start : e - self.start]) for s, e in self.sentences]

    def published_in(self, window: tuple[date, date] | None) -> bool:
        """Whether the article was published in ``window`` (first and last day included)."""
        return published_within(self.published_at, window)


def published_within(published_at: str | None, window: tuple[date, date] | None) -> bool:
    """Whether an ISO publication date falls in ``window`` (first and last day included)."""
    if window is None or not published_at:
        return False
    return window[0].isoformat() <= published_at[:10] <= window[1].isoformat()


@dataclass(frozen=True)
class Match:
    """A passage found by one retriever, with that retriever's score (higher is better)."""

    passage_id: str
    article_id: str
    score: float


Status = Literal["added", "updated", "unchanged", "duplicate", "failed"]
ProgressCallback = Callable[[str, int], None]
"""Called with ("inputs_total", n) once the inputs are listed, ("queued", 1) if another writer
holds the library's lock (the add waits its turn), ("adding", 1) once the lock is held, then
("inputs", n) as files/URLs are opened, ("articles", n) as articles are read and ("passages", n)
as passages are embedded."""


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
    queued: float = 0.0  # seconds spent waiting for another writer before adding

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
            "queued_seconds": round(self.queued, 2),
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
        if self.queued >= 0.05:
            text += f"; queued {self.queued:.1f}s behind another writer first"
        return text


@dataclass(frozen=True)
class Summary:
    """What a library holds, in numbers: counts, outlets (with article counts), date span."""

    counts: dict[str, int]
    outlets: list[tuple[str, int]]
    date_span: tuple[str | None, str | None]
