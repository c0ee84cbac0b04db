"""Timelines: the passages about a topic, in the order things were reported and happened.

Each retrieved passage contributes its sentence most relevant to the topic, with the article's
publication date and, when the sentence states one, the date of the event, read by
``assistant.language.dates.event_date`` (full and AP-style dates, weekdays and relative words
resolved against the publication date, upcoming events placed after it).

The topic is read like a question (``question.constraints``): an outlet named as a source and
calendar times filter, relative times ("last month", as of ``Filters.as_of`` or the newest
article) favour articles of that window, and the timeline's notes say what was applied.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.engines.sentences import score_sentences
from assistant.language.dates import event_date
from assistant.question.constraints import constraints_in
from assistant.retrieve import retrieve
from assistant.settings import RetrievalSettings
from assistant.types import Filters
from index.library import Library


class Event(BaseModel):
    """One point of a timeline: a sentence, its article, and its dates."""

    passage_id: str
    article_id: str
    title: str
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None
    event_date: str | None = Field(None, description="When it happened, if the sentence says.")
    event_words: str | None = Field(None, description="The words that gave the event date.")
    quote: str
    start: int
    end: int


class Timeline(BaseModel):
    """Events about a topic, oldest first; undated ones last."""

    topic: str
    filters: Filters
    events: list[Event]
    notes: list[str] = Field(
        default_factory=list,
        description="What the topic itself asked to filter or favour (an outlet, dates).",
    )


def build_timeline(
    library: Library,
    topic: str,
    filters: Filters,
    options: RetrievalSettings | None = None,
    k: int = 30,
) -> Timeline:
    """The most relevant sentence of each of the top ``k`` passages, ordered by date."""
    stated = constraints_in(library, topic, filters)
    about = stated.remainder
    hits = retrieve(library, about, k, stated.filters, options, stated.boost)
    pool = [(h, s, e, t) for h in hits for (s, e), t in h.sentence_texts()]
    best: dict[str, Event] = {}
    for cand in score_sentences(about, pool, library.reader):
        hit = cand.hit
        if hit.passage_id in best:
            continue
        when, words = event_date(cand.text, hit.published_at)
        best[hit.passage_id] = Event(
            passage_id=hit.passage_id, article_id=hit.article_id, title=hit.title,
            outlet=hit.outlet, url=hit.url, published_at=hit.published_at, event_date=when,
            event_words=words, quote=cand.text, start=cand.start, end=cand.end,
        )  # fmt: skip
    # One event per sentence: overlapping passages of an article can pick the same one.
    unique = {(e.article_id, e.start): e for e in reversed(list(best.values()))}.values()
    events = sorted(
        unique,
        key=lambda e: (
            (e.event_date or (e.published_at or "")[:10]) or "9999",
            (e.published_at or "9999")[:10],
            e.start,
        ),
    )
    return Timeline(topic=topic, filters=stated.filters, events=list(events), notes=stated.notes)
