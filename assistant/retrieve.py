"""Retrieval: hybrid dense + BM25 candidates, fused, reranked and diversified.

1. Dense (Chroma, cosine) and lexical (BM25 over FTS5) each return their top candidates.
2. Reciprocal rank fusion merges the two lists (a passage ranked high by either rises).
3. A reranker rescores the fused candidates with both scores at once: cosine similarity plus
   weighted BM25 (normalised by the best BM25 of the query), filling in whichever score a
   candidate found by only one side lacks.
4. Diversity: near-identical passages (syndicated copies that differ slightly) collapse to one,
   and no article takes more than ``max_per_article`` of the top slots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

import numpy as np

from assistant.settings import RetrievalSettings
from assistant.types import Filters
from index.library import Library
from index.types import Hit, Match

if TYPE_CHECKING:
    from assistant.reader.reading import ReadStage


def date_bounds(filters: Filters) -> tuple[int | None, int | None]:
    """Unix-second bounds for the filters' inclusive date window (whole days, UTC)."""
    since = until = None
    if filters.since:
        since = int(datetime.combine(filters.since, time.min, UTC).timestamp())
    if filters.until:
        until = int(datetime.combine(filters.until, time.max, UTC).timestamp())
    return since, until


@dataclass
class _Candidate:
    match: Match
    fused: float = 0.0
    dense: float | None = None
    lexical: float | None = None


def fuse(ranked_lists: list[list[Match]], rrf_k: int = 60) -> list[_Candidate]:
    """Reciprocal rank fusion: score = sum of 1 / (rrf_k + rank) over the lists."""
    merged: dict[str, _Candidate] = {}
    for which, matches in enumerate(ranked_lists):
        for rank, match in enumerate(matches):
            cand = merged.setdefault(match.passage_id, _Candidate(match))
            cand.fused += 1.0 / (rrf_k + rank + 1)
            if which == 0:
                cand.dense = match.score
            else:
                cand.lexical = match.score
    return sorted(merged.values(), key=lambda c: c.fused, reverse=True)


def retrieve(
    library: Library,
    question: str,
    k: int,
    filters: Filters,
    options: RetrievalSettings | None = None,
    boost: tuple[date, date] | None = None,
    reader: ReadStage | None = None,
) -> list[Hit]:
    """The ``k`` best passages for ``question`` within ``filters``.

    ``boost``: favour passages of articles published in this window, first and last day
    included (a question saying "last week"), by ``options.recency_boost`` on the rerank score.
    ``reader``: the reader reads the best candidates against the question and reorders them.
    """
    options = options or RetrievalSettings()
    since, until = date_bounds(filters)
    outlets = list(filters.outlets) or None
    pool = max(options.candidates, k)
    if options.quiz_forms:
        question = plain_question(question)
    vector = library.reader.encode([question])[0]
    dense = library.dense(vector, pool, outlets, since, until) if options.mode != "lexical" else []
    lexical_pool = pool if options.mode == "lexical" else options.lexical_candidates
    lexical = (
        library.lexical(question, lexical_pool, outlets, since, until, options.lexical_max_df)
        if options.mode != "dense" and lexical_pool
        else []
    )
    fused = fuse([dense, lexical], options.rrf_k)
    by_id = {c.match.passage_id: c for c in fused}
    hits = library.hits([c.match for c in fused])
    hits = _collapse_copies(hits, options.copy_overlap)
    if options.rerank:
        hits = _rerank(library, question, vector, hits[: options.rerank_depth], by_id, options)
        if options.article_weight:
            hits = _by_article(hits, options.article_weight)
    else:
        hits = [h.model_copy(update={"score": round(by_id[h.passage_id].fused, 6)}) for h in hits]
    if reader is not None:
        hits = reader.rerank(question, hits)
    if boost is not None:
        hits = _boost(hits, boost, options.recency_boost)
    if options.max_per_article:
        hits = _diversify(hits, options.max_per_article)
    return hits[:k]


def _boost(hits: list[Hit], window: tuple[date, date], amount: float) -> list[Hit]:
    boosted = [
        h.model_copy(update={"score": round(h.score + amount, 6)}) if h.published_in(window) else h
        for h in hits
    ]
    return sorted(boosted, key=lambda h: h.score, reverse=True)


def _rerank(
    library: Library,
    question: str,
    vector: np.ndarray,
    hits: list[Hit],
    by_id: dict[str, _Candidate],
    options: RetrievalSettings,
) -> list[Hit]:
    """Rescore: cosine + ``lexical_weight`` x BM25 / best BM25 of the query."""
    missing = [h.passage_id for h in hits if by_id[h.passage_id].dense is None]
    stored = library.vectors(missing)
    unstored = [h for h in hits if h.passage_id in missing and h.passage_id not in stored]
    if unstored:  # the store could not return them (another process writing): embed the text
        stored.update(
            zip(
                [h.passage_id for h in unstored],
                library.embedder.encode([h.text for h in unstored]),
                strict=True,
            )
        )
    max_df = options.lexical_max_df
    if max_df and library.query_words(question, max_df) != library.query_words(question):
        for cand in by_id.values():  # BM25 found candidates without the common words:
            cand.lexical = None  # score them all again with every word
    unscored = [h.passage_id for h in hits if by_id[h.passage_id].lexical is None]
    for pid, score in library.lexical_scores(question, unscored).items():
        by_id[pid].lexical = score
    top_lexical = max((c.lexical or 0.0 for c in by_id.values()), default=0.0) or 1.0
    scored = []
    for hit in hits:
        cand = by_id[hit.passage_id]
        cosine = cand.dense
        if cosine is None:
            found = stored.get(hit.passage_id)
            cosine = float(found @ vector) if found is not None else 0.0
        score = cosine + options.lexical_weight * (cand.lexical or 0.0) / top_lexical
        scored.append(hit.model_copy(update={"score": round(score, 6)}))
    return sorted(scored, key=lambda h: h.score, reverse=True)


_QUIZ = re.compile(
    r"\b(?:this|last|past) (?:week|month|weekend)\b|\b(?:recently|this year)\b|"
    r"\b(?:which|what) of (?:the following|these)\b|\bthe following\b|\bthis week's\b",
    re.IGNORECASE,
)


def plain_question(question: str) -> str:
    """The question without quiz phrasing ("this week", "which of the following")."""
    text = _QUIZ.sub(" ", question)
    return re.sub(r"\s+([,?.!:])", r"\1", " ".join(text.split())).strip(" ,:") or question


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of a text (one, of all its words, when it is shorter), to spot copies."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def _collapse_copies(hits: list[Hit], overlap: float = 1.0) -> list[Hit]:
    """Keep the first of passages whose text is the same apart from spacing and case.

    With ``overlap`` below 1, also of passages sharing that share of the shorter one's word
    5-grams (syndicated copies edited a little).
    """
    seen: set[str] = set()
    kept: list[Hit] = []
    grams: list[set[tuple[str, ...]]] = []
    for hit in hits:
        key = " ".join(hit.text.lower().split())
        if key in seen:
            continue
        mine = shingles(hit.text) if overlap < 1 else set()
        if overlap < 1 and any(
            len(mine & other) >= overlap * min(len(mine), len(other)) for other in grams
        ):
            continue
        seen.add(key)
        grams.append(mine)
        kept.append(hit)
    return kept


def _by_article(hits: list[Hit], weight: float) -> list[Hit]:
    """Add ``weight`` x the mean of the article's two best scores to each passage's score."""
    best: dict[str, list[float]] = {}
    for hit in hits:
        best.setdefault(hit.article_id, []).append(hit.score)
    article = {a: sum(sorted(s, reverse=True)[:2]) / 2 for a, s in best.items()}
    scored = [
        h.model_copy(update={"score": round(h.score + weight * article[h.article_id], 6)})
        for h in hits
    ]
    return sorted(scored, key=lambda h: h.score, reverse=True)


def _diversify(hits: list[Hit], max_per_article: int) -> list[Hit]:
    """Move passages beyond the first ``max_per_article`` of an article to the end."""
    counts: dict[str, int] = {}
    first: list[Hit] = []
    later: list[Hit] = []
    for hit in hits:
        counts[hit.article_id] = counts.get(hit.article_id, 0) + 1
        (first if counts[hit.article_id] <= max_per_article else later).append(hit)
    return first + later
