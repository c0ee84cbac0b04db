"""Timelines: the passages about a topic, in the order things were reported and happened.

Each retrieved passage contributes its sentence most relevant to the topic, with the article's
publication date and, when the sentence states one, the date of the event: an explicit date
("January 5, 2024", "5 Jan 2024", "2024-01-05") or a weekday / "yesterday" counted back from the
publication date ("on Monday" in an article published on Thursday 2024-01-11 is 2024-01-08); a
month and day without a year ("March 2") take the year of publication.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from pydantic import BaseModel, Field

from assistant.evidence import score_sentences
from assistant.retrieve import retrieve
from assistant.settings import RetrievalSettings
from assistant.types import Filters
from index.library import Library

_MONTH_NAMES = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MDY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.I)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_MD = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*(?:19|20)\d\d)", re.I)
_WEEKDAY = re.compile(rf"\b(?:on|last|this)\s+({'|'.join(_WEEKDAYS)})\b", re.I)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)


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


def event_date(sentence: str, published_at: str | None) -> tuple[str | None, str | None]:
    """(ISO date, the words that said it) for the event a sentence reports, when it says."""
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_ISO, "ymd")):
        m = pattern.search(sentence)
        if not m:
            continue
        try:
            if order == "mdy":
                found = date(int(m.group(3)), _MONTH_NAMES[m.group(1).lower()], int(m.group(2)))
            elif order == "dmy":
                found = date(int(m.group(3)), _MONTH_NAMES[m.group(2).lower()], int(m.group(1)))
            else:
                found = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        return found.isoformat(), m.group(0)
    if not published_at:
        return None, None
    published = date.fromisoformat(published_at[:10])
    if m := _MD.search(sentence):  # "March 2": the year of publication, or the one before
        try:
            found = date(published.year, _MONTH_NAMES[m.group(1).lower()], int(m.group(2)))
            if found > published + timedelta(days=7):
                found = found.replace(year=published.year - 1)
            return found.isoformat(), m.group(0)
        except ValueError:
            pass
    if m := _WEEKDAY.search(sentence):
        back = (published.weekday() - _WEEKDAYS[m.group(1).lower()]) % 7
        return (published - timedelta(days=back)).isoformat(), m.group(0)
    if m := _YESTERDAY.search(sentence):
        return (published - timedelta(days=1)).isoformat(), m.group(0)
    return None, None


def build_timeline(
    library: Library,
    topic: str,
    filters: Filters,
    options: RetrievalSettings | None = None,
    k: int = 30,
) -> Timeline:
    """The most relevant sentence of each of the top ``k`` passages, ordered by date."""
    hits = retrieve(library, topic, k, filters, options)
    pool = [(h, s, e, t) for h in hits for (s, e), t in h.sentence_texts()]
    best: dict[str, Event] = {}
    for cand in score_sentences(topic, pool, library.embedder):
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
    return Timeline(topic=topic, filters=filters, events=list(events))
