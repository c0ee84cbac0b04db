"""The extractive engine: answer with the retrieved sentences that best answer the question.

No language model is involved, so every word of an answer body is a quoted sentence from an
article (or, for a multiple-choice question, one of the given choices), followed by the number
of the source it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.choices import weigh_choices
from assistant.evidence import Candidate, candidates, coverage
from assistant.types import Answer, Citation, Filters, Source
from index.embed import SentenceEmbedder
from index.types import Hit
from prompts import render

DECLINE = "The loaded articles do not answer this question."
COVERAGE_WEIGHT = 0.2


def compose(
    question: str,
    hits: list[Hit],
    embedder: SentenceEmbedder,
    filters: Filters | None = None,
    context_passages: int = 6,
    max_sentences: int = 3,
    min_relevance: float = 0.83,
    abstain: bool = True,
    focus: frozenset[str] = frozenset(),
) -> Answer:
    """Answer ``question`` by quoting the best sentences of the top ``context_passages`` hits.

    Declines (``abstained=True``) when no sentence reaches ``min_relevance``; the retrieved
    passages are then offered as leads, not as an answer. With ``abstain=False`` it answers
    anyway (``confidence`` still tells how relevant the best sentence was).
    """
    filters = filters or Filters()
    ranked = candidates(question, hits[:context_passages], embedder, focus)
    best = confidence(question, hits, ranked)
    if not ranked or (abstain and best < min_relevance):
        return decline(question, hits, filters, best)
    floor = max(min_relevance, 0.85 * best) if abstain else 0.85 * best
    chosen = [c for c in ranked if c.score >= floor][:max_sentences] or ranked[:1]
    citations = cite(chosen)
    body = "\n\n".join(f"{c.quote} [{c.n}]" for c in citations)
    return _answer(question, body, hits, filters, best, citations)


def compose_choice(
    question: str,
    choices: Sequence[str],
    hits: list[Hit],
    embedder: SentenceEmbedder,
    filters: Filters | None = None,
    min_support: float = 0.34,
    abstain: bool = True,
    focus: frozenset[str] = frozenset(),
) -> Answer:
    """Pick the choice whose mentions in the retrieved passages best answer the question.

    Declines when no choice is mentioned in a sentence relevant enough (``min_support``).
    """
    filters = filters or Filters()
    supports = weigh_choices(question, list(choices), hits, embedder, focus)
    top = supports[0] if supports else None
    best = top.score if top else 0.0
    if top is None or not top.evidence or (abstain and best < min_support):
        return decline(question, hits, filters, best, choices)
    citations = cite(list(top.evidence))
    body = f"{top.choice}\n\n" + "\n\n".join(f"{c.quote} [{c.n}]" for c in citations)
    return _answer(question, body, hits, filters, best, citations, choices, top.index)


def confidence(question: str, hits: list[Hit], ranked: list[Candidate]) -> float:
    """How sure we are that the passages answer the question (calibrated in ``newsdesk eval``).

    The best sentence's relevance plus 0.2 x the share of the question's names and numbers
    present in the top three passages.
    """
    if not ranked:
        return 0.0
    return ranked[0].score + COVERAGE_WEIGHT * coverage(question, hits[:3])


def cite(chosen: list[Candidate]) -> list[Citation]:
    """Citations for chosen sentences; sentences from one passage share its number."""
    numbers: dict[str, int] = {}
    return [
        Citation(
            n=numbers.setdefault(c.hit.passage_id, len(numbers) + 1),
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
        for c in chosen
    ]


def sources_of(citations: list[Citation]) -> list[Source]:
    """One numbered source per distinct ``n``, in order."""
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


def decline(
    question: str,
    hits: list[Hit],
    filters: Filters,
    best: float,
    choices: Sequence[str] = (),
) -> Answer:
    """A refusal that offers the closest passages as leads."""
    leads = "\n".join(
        f"- “{_snippet(h.text)}” — {h.title} ({h.outlet or 'unknown outlet'}"
        + (f", {h.published_at}" if h.published_at else "")
        + ")"
        for h in hits[:3]
    )
    text = render("abstain", leads=leads or "- (no articles are indexed)")
    return _finish(question, text, DECLINE, hits, filters, best, [], choices, None)


def _answer(
    question: str,
    body: str,
    hits: list[Hit],
    filters: Filters,
    best: float,
    citations: list[Citation],
    choices: Sequence[str] = (),
    choice: int | None = None,
) -> Answer:
    sources = sources_of(citations)
    text = render("answer", body=body, sources="\n".join(s.line() for s in sources))
    return _finish(question, text, body, hits, filters, best, citations, choices, choice)


def _finish(
    question: str,
    text: str,
    body: str,
    hits: list[Hit],
    filters: Filters,
    best: float,
    citations: list[Citation],
    choices: Sequence[str],
    choice: int | None,
) -> Answer:
    if filters.active:
        text += f"\n\nFilters applied: {filters.describe()}."
    return Answer(
        question=question,
        text=text,
        body=body,
        abstained=not citations,
        citations=citations,
        sources=sources_of(citations),
        hits=hits,
        filters=filters,
        confidence=round(best, 4),
        choices=list(choices),
        choice=choice,
    )


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
