"""Evidence: the sentences of retrieved passages, scored by how well they answer a question."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from assistant.question.answertype import expected_type, terms, type_score
from assistant.reader.reading import Reading, lift, lowest
from index.embed import SentenceEmbedder
from index.types import Hit

_KEY = re.compile(r"\b(?:[A-Z][\w’'-]*[A-Z0-9][\w’'-]*|[A-Z][a-z][\w’'-]+|\d[\d,.%]*)")


def key_terms(question: str) -> set[str]:
    """Names, acronyms and numbers in the question (lower-cased), minus its first word."""
    first = question.split(maxsplit=1)[0] if question.strip() else ""
    return {m.group(0).lower().rstrip(".,") for m in _KEY.finditer(question) if m.group(0) != first}


@dataclass(frozen=True)
class Query:
    """A question as evidence scoring sees it.

    Attributes:
        text: the (standalone) question.
        focus: words that must weigh more, e.g. the new words of a follow-up question
            ("Kleban-Byka" in "and what about Kleban-Byka?") once joined to the previous one.
        variants: other spellings of names in the question (lower-cased name -> spellings);
            a sentence using any spelling counts as using the name.
    """

    text: str
    focus: frozenset[str] = frozenset()
    variants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rarity: tuple[tuple[str, float], ...] = ()
    """Each content word of the question with how rare it is in the library (0 to 1)."""
    window: tuple[date, date] | None = None
    """The publication dates a relative time in the question names ("last week"), if any."""

    @classmethod
    def of(cls, question: str | Query) -> Query:
        """Wrap a plain question."""
        return question if isinstance(question, Query) else cls(question)

    def search_text(self) -> str:
        """The question followed by the other spellings of its names, for retrieval."""
        extra = [v for _, spellings in self.variants for v in spellings]
        return f"{self.text} ({', '.join(extra)})" if extra else self.text

    def term_groups(self, words: set[str] | frozenset[str] | None = None) -> list[set[str]]:
        """One set per content word (of the question, or ``words``): it and its other spellings."""
        alternatives: dict[str, set[str]] = {}
        for name, spellings in self.variants:
            for term in terms(name):
                alternatives.setdefault(term, set()).update(*(terms(s) for s in spellings))
        chosen = terms(self.text) if words is None else words
        return [{t} | alternatives.get(t, set()) for t in chosen]

    def key_spellings(self) -> list[set[str]]:
        """Each name or number of the question with its other spellings (lower-cased)."""
        spelled = dict(self.variants)
        return [{k, *(s.lower() for s in spelled.get(k, ()))} for k in key_terms(self.text)]


def coverage(question: str | Query, hits: list[Hit]) -> float:
    """Share of the question's names and numbers found in ``hits`` (1.0 if it has none).

    Articles that never name what the question names rarely answer it: this separates
    out-of-corpus questions from answerable ones better than similarity alone.
    """
    keys = Query.of(question).key_spellings()
    if not keys:
        return 1.0
    text = " ".join(h.text.lower() for h in hits)
    return sum(1 for spellings in keys if any(k in text for k in spellings)) / len(keys)


def rare_coverage(question: str | Query, hits: list[Hit]) -> float:
    """Share of the question's rare words found in ``hits``, each weighed by its rarity.

    1.0 when the question has no word rarer than common ones. A word found nowhere in the
    library weighs most: an article that never uses it rarely answers a question that does.
    """
    query = Query.of(question)
    weights = {w: r for w, r in query.rarity if r > 0}
    if not weights:
        return 1.0
    found = terms(" ".join(h.text for h in hits))
    spelled = dict(query.variants)
    total = sum(weights.values())
    held = 0.0
    for word, weight in weights.items():
        spellings = terms(" ".join([word, *spelled.get(word, ())]))
        if spellings & found:
            held += weight
    return held / total


# Weights of the sentence score (tuned on the 2024 RealTimeQA weeks, checked on 2023).
TYPE_WEIGHT = 0.1
CONTEXT_WEIGHT = 0.0
TIME_WEIGHT = 0.05


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question.

    Attributes:
        semantic: cosine similarity of sentence and question.
        lexical: share of the question's content words in the sentence.
        typed: 0 to 1, how well the sentence adds the kind of answer the question asks for
            (see ``assistant.question.answertype``).
        context: share of the question's content words in the sentence, the sentence before
            it and the article title (a sentence saying "he" is about the one named before).
        focused: share of a follow-up question's own words in the sentence.
        dated: 1 when the sentence's article was published in the time the question names
            ("this week", counted back from ``Filters.as_of`` or the newest article), else 0.
        read: how far the reader's logit for the sentence's window lies above the lowest
            window it read for the question, times ``reader.sentence_weight`` (0 when the
            reader did not read it).
    """

    hit: Hit
    start: int
    end: int
    text: str
    semantic: float
    lexical: float
    typed: float
    context: float = 0.0
    focused: float = 0.0
    dated: float = 0.0
    read: float = 0.0

    @property
    def score(self) -> float:
        """Relevance: similarity plus shared words, answer type, focus and time window."""
        return (
            self.semantic
            + 0.3 * self.lexical
            + TYPE_WEIGHT * self.typed
            + CONTEXT_WEIGHT * self.context
            + 0.5 * self.focused
            + TIME_WEIGHT * self.dated
            + self.read
        )


def candidates(
    question: str | Query,
    hits: list[Hit],
    embedder: SentenceEmbedder,
    limit: int = 0,
    reading: Reading | None = None,
    read_weight: float = 0.0,
) -> list[Candidate]:
    """Every distinct sentence of ``hits`` with its relevance to ``question``, best first.

    With ``limit``, only that many sentences are scored by the model: those sharing most of the
    question's words or its answer type, then the earlier passages' (see ``score_sentences``).
    ``reading``: the reader's windows for these hits; ``read_weight`` x the lift of a
    sentence's window (``assistant.reader.reading.lift``) adds to its score.
    """
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
    return score_sentences(question, pool, embedder, limit, reading, read_weight)


def score_sentences(
    question: str | Query,
    pool: list[tuple[Hit, int, int, str]],
    embedder: SentenceEmbedder,
    limit: int = 0,
    reading: Reading | None = None,
    read_weight: float = 0.0,
) -> list[Candidate]:
    """Score (hit, start, end, text) sentences against ``question``, best first.

    The model embeds each sentence on its first use only, but a question reaching passages no
    question reached before pays for all their sentences: with ``limit``, only the ``limit``
    sentences with the best score without the model (shared words, answer type; ties: pool
    order) are embedded and kept.
    """
    if not pool:
        return []
    query = Query.of(question)
    groups = query.term_groups()
    focus = query.term_groups(query.focus)
    kind = expected_type(query.text)
    floor = lowest(reading) if reading and read_weight else 0.0
    scored = []
    for hit, start, end, text in pool:
        found = terms(text)
        around = found | terms(_previous(hit, start)) | terms(hit.title)
        scored.append(
            Candidate(
                hit=hit,
                start=start,
                end=end,
                text=text,
                semantic=0.0,
                lexical=_share(groups, found),
                typed=type_score(query.text, text, kind),
                context=_share(groups, around),
                focused=_share(focus, found),
                dated=float(hit.published_in(query.window)),
                read=read_weight * lift(reading, hit, start, end, floor)
                if reading and read_weight
                else 0.0,
            )
        )
    if limit and len(scored) > limit:
        order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, i))
        scored = [scored[i] for i in sorted(order[:limit])]
    question_vector = embedder.encode([query.search_text()])[0]
    semantic = embedder.encode([c.text for c in scored]) @ question_vector
    scored = [replace(c, semantic=float(sim)) for c, sim in zip(scored, semantic, strict=True)]
    return sorted(scored, key=lambda c: c.score, reverse=True)


def _share(groups: list[set[str]], found: set[str]) -> float:
    return sum(1 for g in groups if g & found) / len(groups) if groups else 0.0


def _previous(hit: Hit, start: int) -> str:
    """The sentence before the one starting at ``start`` in the passage ("" for the first)."""
    before = [(s, e) for s, e in hit.sentences if e <= start]
    if not before:
        return ""
    s, e = before[-1]
    return hit.text[s - hit.start : e - hit.start]
