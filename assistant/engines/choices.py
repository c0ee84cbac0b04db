"""Multiple-choice questions: pick the choice the retrieved evidence supports best, or abstain.

A choice is supported by a sentence that mentions it; the support is that sentence's relevance
to the question. The answer quotes the supporting sentences, so the pick can be checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.engines.sentences import Candidate, Query, score_sentences, terms
from assistant.reader.reading import Reading
from index.embed import SentenceEmbedder
from index.types import Hit


@dataclass(frozen=True)
class Support:
    """The evidence found for one choice."""

    index: int
    choice: str
    score: float
    evidence: tuple[Candidate, ...]


def mention_strength(sentence: str, choice: str) -> float:
    """How strongly ``sentence`` mentions ``choice``, from 0 to 1.

    1.0 for the choice word for word; otherwise the share of the choice's content words the
    sentence holds, when that share is at least 0.6 (so "Queen Margrethe II" supports
    "Denmark's Queen Margrethe II"); else 0.
    """
    if re.search(rf"(?<!\w){re.escape(choice)}(?!\w)", sentence, re.IGNORECASE):
        return 1.0
    wanted = terms(choice)
    if len(wanted) < 2:
        return 0.0
    share = len(wanted & terms(sentence)) / len(wanted)
    return share if share >= 0.6 else 0.0


def weigh_choices(
    question: str | Query,
    choices: list[str],
    hits: list[Hit],
    embedder: SentenceEmbedder,
    reading: Reading | None = None,
    read_weight: float = 0.0,
) -> list[Support]:
    """Support for each choice from the sentences of ``hits``, best supported first.

    ``reading``: the reader's windows of ``hits``; ``read_weight`` x a sentence's window
    probability adds to its relevance.
    """
    pool: list[tuple[Hit, int, int, str]] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        for (start, end), text in hit.sentence_texts():
            if (hit.article_id, start) in seen:
                continue
            seen.add((hit.article_id, start))
            if any(mention_strength(text, c) for c in choices):
                pool.append((hit, start, end, text))
    scored = score_sentences(question, pool, embedder, 0, reading, read_weight)
    supports = []
    for i, choice in enumerate(choices):
        evidence = sorted(
            (c for c in scored if mention_strength(c.text, choice)),
            key=lambda c: c.score * mention_strength(c.text, choice),
            reverse=True,
        )
        best = evidence[0].score * mention_strength(evidence[0].text, choice) if evidence else 0.0
        supports.append(Support(i, choice, best, tuple(evidence[:2])))
    return sorted(supports, key=lambda s: s.score, reverse=True)
