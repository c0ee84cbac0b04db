"""The extractive engine: answer with the retrieved sentences that best answer the question.

No language model is involved, so every word of an answer body is a quoted sentence from an
article (or, for a multiple-choice question, one of the given choices), followed by the number
of the source it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.engines.choices import weigh_choices
from assistant.engines.sentences import Candidate, Query, candidates, coverage, rare_coverage
from assistant.language.attribution import attribute
from assistant.language.lexicon import REPORTING_VERBS
from assistant.question.answertype import wants_date
from assistant.reader.reading import best
from assistant.settings import AnswerSettings
from assistant.types import Answer, Citation, Filters, Source
from index.embed import SentenceEmbedder
from index.types import Hit
from prompts import render

if TYPE_CHECKING:
    from assistant.reader.reading import Reading, ReadStage

DECLINE = "The loaded articles do not answer this question."
EVIDENCE_DEPTH = 3  # passages whose words the confidence checks
_CONTINUED_QUOTE = re.compile(r"^\s*[‘“\"']")
_SPEECH = re.compile(rf"\b(?:{'|'.join(REPORTING_VERBS)}|according to)\b", re.IGNORECASE)


def compose(
    question: str | Query,
    hits: list[Hit],
    embedder: SentenceEmbedder,
    filters: Filters | None = None,
    options: AnswerSettings | None = None,
    abstain: bool = True,
    reader: ReadStage | None = None,
) -> Answer:
    """Answer ``question`` by quoting the best sentences of the top hits.

    ``options`` (``settings.answer``): how many passages to read (``context_passages``), how
    many sentences to quote at most (``max_sentences``) and the relevance below which it
    declines (``min_relevance``): the retrieved passages are then offered as leads, not as an
    answer. With ``abstain=False`` it answers anyway (``confidence`` still tells how relevant
    the best sentence was). ``reader``: its reading of the top hits weighs in the choice of
    sentences and in the confidence.
    """
    filters = filters or Filters()
    options = options or AnswerSettings()
    max_sentences = options.max_sentences
    min_relevance = options.min_relevance
    query = Query.of(question)
    ranked, best = evidence(query, hits, embedder, options, reader)
    if not ranked or (abstain and best < min_relevance):
        return decline(query.text, hits, filters, best)
    top = ranked[0].score
    floor = max(min_relevance, 0.85 * top) if abstain else 0.85 * top
    chosen = [c for c in ranked if c.score >= floor][:max_sentences] or ranked[:1]
    if wants_date(query.text):
        # A "when" answer quotes the sentences that give the date, not the headline around it.
        dated = [c for c in ranked if c.typed and c.score >= 0.8 * top]
        if dated:
            chosen = [c for c in chosen if c.typed] or dated[:1]
    citations = readable(cite(chosen))
    return _answer(query.text, body_of(citations), hits, filters, best, citations)


def readable(citations: list[Citation]) -> list[Citation]:
    """Citations in reading order: articles by their best quote, quotes by position.

    Quotes inside another quote's span (a speaker sentence quoted twice) are dropped.
    """
    order: dict[str, int] = {}
    for c in citations:
        order.setdefault(c.article_id, len(order))
    kept: list[Citation] = []
    for c in sorted(citations, key=lambda c: (order[c.article_id], c.start)):
        if any(
            k.article_id == c.article_id and k.start <= c.start and c.end <= k.end for k in kept
        ):
            continue
        kept.append(c)
    numbers: dict[str, int] = {}  # renumber so that [1], [2], ... read in order
    return [
        c.model_copy(update={"n": numbers.setdefault(c.passage_id, len(numbers) + 1)}) for c in kept
    ]


def body_of(citations: list[Citation]) -> str:
    """Quotes with their [n]; when they come from several articles, each group says whose."""
    articles = list(dict.fromkeys(c.article_id for c in citations))
    lines = []
    for article in articles:
        group = [c for c in citations if c.article_id == article]
        quotes = " ".join(f"{c.quote} [{c.n}]{_attributed(c)}" for c in group)
        if len(articles) > 1:
            first = group[0]
            who = first.outlet or first.title
            when = f", {first.published_at[:10]}" if first.published_at else ""
            quotes = f"{who}{when}: {quotes}"
        lines.append(quotes)
    return "\n\n".join(lines)


def compose_choice(
    question: str | Query,
    choices: Sequence[str],
    hits: list[Hit],
    embedder: SentenceEmbedder,
    filters: Filters | None = None,
    min_support: float = 0.34,
    abstain: bool = True,
    reader: ReadStage | None = None,
) -> Answer:
    """Pick the choice whose mentions in the retrieved passages best answer the question.

    Declines when no choice is mentioned in a sentence relevant enough (``min_support``).
    ``reader``: its reading of the passages weighs in each mention's relevance.
    """
    filters = filters or Filters()
    query = Query.of(question)
    weight = reader.settings.choice_weight if reader else 0.0
    reading = reader.read(query.search_text(), hits) if reader and weight else None
    supports = weigh_choices(query, list(choices), hits, embedder, reading, weight)
    top = supports[0] if supports else None
    best = top.score if top else 0.0
    if top is None or not top.evidence or (abstain and best < min_support):
        return decline(query.text, hits, filters, best, choices)
    citations = readable(cite(list(top.evidence)))
    body = f"{top.choice}\n\n{body_of(citations)}"
    return _answer(query.text, body, hits, filters, best, citations, choices, top.index)


def evidence(
    query: Query,
    hits: list[Hit],
    embedder: SentenceEmbedder,
    options: AnswerSettings,
    reader: ReadStage | None = None,
) -> tuple[list[Candidate], float]:
    """The scored sentences of the context passages, best first, and the confidence."""
    context = hits[: options.context_passages]
    reading: Reading | None = None
    weight = reader.settings.sentence_weight if reader else 0.0
    read_weight = reader.settings.confidence_weight if reader else 0.0
    if reader is not None and (weight or read_weight):  # the reader reads only when it counts
        reading = reader.read(query.search_text(), hits[: max(len(context), EVIDENCE_DEPTH)])
    ranked = candidates(query, context, embedder, options.sentence_limit, reading, weight)
    return ranked, confidence(query, hits, ranked, options, reading, read_weight)


def confidence(
    question: str | Query,
    hits: list[Hit],
    ranked: list[Candidate],
    options: AnswerSettings | None = None,
    reading: Reading | None = None,
    read_weight: float = 0.0,
) -> float:
    """How sure we are that the passages answer the question (calibrated in ``newsdesk eval``).

    The best sentence's relevance, plus ``coverage_weight`` x the share of the question's names
    and numbers present in the top three passages, plus ``rare_weight`` x the share of its rare
    words there (weighed by rarity), plus ``read_weight`` x the reader's best logit there.
    """
    if not ranked:
        return 0.0
    options = options or AnswerSettings()
    top = hits[:EVIDENCE_DEPTH]
    # the sentence's reader part is relative to the question's other windows: the reader's
    # absolute verdict is added on its own
    score = ranked[0].score - ranked[0].read + options.coverage_weight * coverage(question, top)
    if options.rare_weight:
        score += options.rare_weight * rare_coverage(question, top)
    read = [best(reading, h.passage_id) for h in top] if reading else []
    logits = [x for x in read if x is not None]
    if logits and read_weight:
        score += read_weight * max(logits)
    return score


def with_speaker(candidate: Candidate) -> tuple[int, int]:
    """The span to quote for a sentence, widened to name the speaker of a continued quote.

    "‘If the Russians succeed ... encirclement.’" alone does not say who said it; the sentence
    before it ends "... said a military analyst at the Carnegie Endowment." A reader must see
    whose claim it is, so when a sentence continues a quotation and the one before it names
    the speaker, both are quoted.
    """
    start, end = candidate.start, candidate.end
    if not _CONTINUED_QUOTE.match(candidate.text) or _SPEECH.search(candidate.text):
        return start, end
    spans = list(candidate.hit.sentences)
    index = spans.index((start, end)) if (start, end) in spans else -1
    if index > 0:
        prev_start, prev_end = spans[index - 1]
        previous = candidate.hit.text[
            prev_start - candidate.hit.start : prev_end - candidate.hit.start
        ]
        if _SPEECH.search(previous):
            return prev_start, end
    return start, end


def cite(chosen: list[Candidate]) -> list[Citation]:
    """Citations for chosen sentences; sentences from one passage share its number."""
    numbers: dict[str, int] = {}
    spans = [with_speaker(c) for c in chosen]
    return [
        Citation(
            n=numbers.setdefault(c.hit.passage_id, len(numbers) + 1),
            quote=c.hit.text[start - c.hit.start : end - c.hit.start],
            start=start,
            end=end,
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
            attribution=attribute(c.hit.text[start - c.hit.start : end - c.hit.start]),
        )
        for c, (start, end) in zip(chosen, spans, strict=True)
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
    text = render("abstain", leads=leads(hits))
    return finish(question, text, DECLINE, hits, filters, best, [], choices, None)


def leads(hits: list[Hit], n: int = 3) -> str:
    """The closest passages as a list to read instead of an answer, one line each."""
    lines = "\n".join(
        f"- “{_snippet(h.text)}” — {h.title} ({h.outlet or 'unknown outlet'}"
        + (f", {h.published_at}" if h.published_at else "")
        + ")"
        for h in hits[:n]
    )
    return lines or "- (no articles are indexed)"


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
    return finish(question, text, body, hits, filters, best, citations, choices, choice)


def finish(
    question: str,
    text: str,
    body: str,
    hits: list[Hit],
    filters: Filters,
    best: float,
    citations: list[Citation],
    choices: Sequence[str] = (),
    choice: int | None = None,
    abstained: bool | None = None,
) -> Answer:
    """The Answer value, stating the filters applied.

    It counts as abstained when it has no citations, unless ``abstained`` says otherwise.
    """
    if filters.active:
        text += f"\n\nFilters applied: {filters.describe()}."
    return Answer(
        question=question,
        text=text,
        body=body,
        abstained=not citations if abstained is None else abstained,
        citations=citations,
        sources=sources_of(citations),
        hits=hits,
        filters=filters,
        confidence=round(best, 4),
        choices=list(choices),
        choice=choice,
    )


def _attributed(citation: Citation) -> str:
    """Whose claim a quote is, e.g. " (source: a Ukrainian colonel; anonymous)"; hedges too."""
    a = citation.attribution
    if a is None or (a.speaker is None and not a.hedges):
        return ""
    parts = [f"source: {a.speaker}"] if a.speaker else []
    parts += (["anonymous"] if a.anonymous else []) + a.hedges
    return f" ({'; '.join(parts)})"


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
