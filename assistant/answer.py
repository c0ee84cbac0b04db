"""The extractive engine: answer with the retrieved sentences that best answer the question.

No language model is involved, so every word of an answer body is a quoted sentence from an
article, followed by the number of the source it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.types import Answer, Citation, Filters, Source
from index.embed import SentenceEmbedder
from index.types import Hit
from prompts import render

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "they",
        "them",
        "their",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "just",
        "also",
        "only",
        "own",
        "same",
        "such",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "any",
        "all",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "one",
        "ones",
        "said",
        "says",
        "say",
        "according",
    ]
)
_WORD = re.compile(r"[\w][\w'’-]*")


def terms(text: str) -> set[str]:
    """Content words of ``text``: lower-cased, stop words dropped, plural/verb endings trimmed."""
    out = set()
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'").removesuffix("'s")
        if word in STOPWORDS or len(word) < 2:
            continue
        for suffix in ("ies", "es", "s", "ed", "ing"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        out.add(word)
    return out


_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:dozens?|hundreds?|thousands?|millions?|billions?|several|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty)\b",
    re.I,
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?:{_MONTHS}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"yesterday|today|tomorrow|week|month|year|(?:19|20)\d\d)\b",
    re.I,
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+")
_PLACE = re.compile(
    r"\b(?:in|to|toward|towards|into|near|at|from|outside|across)\s+(?:the\s+)?[A-Z]"
)


def answer_type_match(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of thing the question word asks for.

    "How many" wants a number, "when" a date, "where" a named place after a preposition,
    "who"/"which" a capitalised name.
    """
    q = question.lower()
    if re.search(r"\bhow (?:many|much|long|far|old)\b|\bwhat (?:number|percentage|share)\b", q):
        return bool(_NUMBER.search(sentence))
    if re.search(r"\bwhen\b|\bwhat (?:year|day|date|month)\b", q):
        return bool(_DATE.search(sentence))
    if re.search(r"\bwhere\b", q):
        return bool(_PLACE.search(sentence))
    if re.search(r"\b(?:who|whom|whose|which)\b", q):
        return bool(_NAME.search(sentence))
    return False


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    hit: Hit
    start: int
    end: int
    text: str
    semantic: float
    lexical: float
    typed: bool

    @property
    def score(self) -> float:
        """Relevance: embedding similarity, plus shared content words and a matching answer type."""
        return self.semantic + 0.3 * self.lexical + (0.1 if self.typed else 0.0)


def candidates(question: str, hits: list[Hit], embedder: SentenceEmbedder) -> list[Candidate]:
    """Every distinct sentence of ``hits`` with its relevance to ``question``, best first."""
    seen: set[tuple[str, int]] = set()
    seen_text: set[str] = set()
    pool: list[tuple[Hit, int, int, str]] = []
    for hit in hits:
        for (start, end), text in hit.sentence_texts():
            norm = " ".join(text.lower().split())
            if (hit.article_id, start) in seen or norm in seen_text or len(norm.split()) < 3:
                continue  # overlap between passages, or the same sentence in a syndicated copy
            seen.add((hit.article_id, start))
            seen_text.add(norm)
            pool.append((hit, start, end, text))
    if not pool:
        return []
    vectors = embedder.encode([question] + [text for _, _, _, text in pool])
    semantic = vectors[1:] @ vectors[0]
    wanted = terms(question)
    scored = [
        Candidate(
            hit=hit,
            start=start,
            end=end,
            text=text,
            semantic=float(sim),
            lexical=len(wanted & terms(text)) / len(wanted) if wanted else 0.0,
            typed=answer_type_match(question, text),
        )
        for (hit, start, end, text), sim in zip(pool, np.asarray(semantic), strict=True)
    ]
    return sorted(scored, key=lambda c: c.score, reverse=True)


def compose(
    question: str,
    hits: list[Hit],
    embedder: SentenceEmbedder,
    filters: Filters | None = None,
    context_passages: int = 6,
    max_sentences: int = 3,
    min_relevance: float = 0.45,
) -> Answer:
    """Answer ``question`` by quoting the best sentences of the top ``context_passages`` hits.

    Declines (``abstained=True``) when no sentence reaches ``min_relevance``; the retrieved
    passages are then offered as leads, not as an answer.
    """
    filters = filters or Filters()
    ranked = candidates(question, hits[:context_passages], embedder)
    best = ranked[0].score if ranked else 0.0
    if not ranked or best < min_relevance:
        return _abstain(question, hits, filters, best)
    chosen = [c for c in ranked if c.score >= max(min_relevance, 0.85 * best)][:max_sentences]
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    lines: list[str] = []
    for c in chosen:
        n = numbers.setdefault(c.hit.passage_id, len(numbers) + 1)
        citations.append(
            Citation(
                n=n,
                quote=c.text,
                start=c.start,
                end=c.end,
                passage=c.hit.text,
                passage_id=c.hit.passage_id,
                passage_start=c.hit.start,
                passage_end=c.hit.end,
                article_id=c.hit.article_id,
                title=c.hit.title,
                url=c.hit.url,
                outlet=c.hit.outlet,
                published_at=c.hit.published_at,
                score=round(c.score, 4),
            )
        )
        lines.append(f"{c.text} [{n}]")
    sources = _sources(citations)
    body = "\n\n".join(lines)
    text = render("answer", body=body, sources="\n".join(s.line() for s in sources))
    return _answer(question, text, body, hits, filters, best, citations, sources)


def _answer(
    question: str,
    text: str,
    body: str,
    hits: list[Hit],
    filters: Filters,
    best: float,
    citations: list[Citation] | None = None,
    sources: list[Source] | None = None,
) -> Answer:
    """The Answer value; abstained when there are no citations. Active filters are stated."""
    if filters.active:
        text += f"\n\nFilters applied: {filters.describe()}."
    return Answer(
        question=question,
        text=text,
        body=body,
        abstained=not citations,
        citations=citations or [],
        sources=sources or [],
        hits=hits,
        filters=filters,
        confidence=round(best, 4),
    )


def _sources(citations: list[Citation]) -> list[Source]:
    by_n: dict[int, Source] = {}
    for c in citations:
        by_n.setdefault(
            c.n,
            Source(
                n=c.n, article_id=c.article_id, passage_id=c.passage_id, title=c.title,
                url=c.url, outlet=c.outlet, published_at=c.published_at,
            ),
        )  # fmt: skip
    return [by_n[n] for n in sorted(by_n)]


def _abstain(question: str, hits: list[Hit], filters: Filters, best: float) -> Answer:
    leads = "\n".join(
        f"- “{_snippet(h.text)}” — {h.title} ({h.outlet or 'unknown outlet'}"
        + (f", {h.published_at}" if h.published_at else "")
        + ")"
        for h in hits[:3]
    )
    body = "The loaded articles do not answer this question."
    text = render("abstain", leads=leads or "- (no articles are indexed)")
    return _answer(question, text, body, hits, filters, best)


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
