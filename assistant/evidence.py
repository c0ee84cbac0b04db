"""Evidence: the sentences of retrieved passages, scored by how well they answer a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.embed import SentenceEmbedder
from index.lexical import words
from index.types import Hit

# British spellings folded into American ones, on both sides of every comparison, so that
# "analysed" meets "analyzed" and "centre" meets "center" (news copy uses both).
_SPELLING = [
    (re.compile(r"(\w{3,})ys(e|ed|es|ing)$"), r"\1yz\2"),
    (re.compile(r"(\w{4,})is(e|ed|es|ing|ation|ations)$"), r"\1iz\2"),
    (re.compile(r"(\w{3,})our(s|ed|ing)?$"), r"\1or\2"),
    (re.compile(r"(\w{3,})tre(s)?$"), r"\1ter\2"),
]


def terms(text: str) -> set[str]:
    """Content words of ``text``, normalised for matching.

    Lower-cased, stop words dropped, British spellings made American, plural and verb endings
    trimmed.
    """
    out = set()
    for word in words(text):
        for pattern, replacement in _SPELLING:
            word = pattern.sub(replacement, word)
        for suffix in ("ies", "es", "s", "ed", "ing"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        out.add(word)
    return out


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


_WHEN = re.compile(r"\bwhen\b|\bwhat (?:year|day|date|month)\b|\bhow soon\b", re.I)
# "When will the council vote?" asks about what is to come; "planned for Tuesday, was
# postponed" is a date but not the answer, "is now expected on June 3" is.
_ASKS_FUTURE = re.compile(
    r"\b(?:when|what (?:year|day|date|month))\s+(?:will|is|are|shall|would)\b|\bhow soon\b", re.I
)
_FUTURE = re.compile(
    r"\b(?:will|expected|scheduled|due|set (?:for|to)|is to|are to|upcoming|next|"
    r"postponed (?:until|to)|moved to|delayed (?:until|to))\b",
    re.I,
)


def wants_date(question: str) -> bool:
    """Whether the question asks when (a date is the answer)."""
    return bool(_WHEN.search(question))


def answer_type_match(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of thing the question word asks for.

    "How many" wants a number, "when" a date (a date still to come when the question asks
    "when will..."), "where" a named place after a preposition, "who"/"which" a capitalised
    name.
    """
    q = question.lower()
    if re.search(r"\bhow (?:many|much|long|far|old)\b|\bwhat (?:number|percentage|share)\b", q):
        return bool(_NUMBER.search(sentence))
    if wants_date(q):
        dated = bool(_DATE.search(sentence))
        return dated and (not _ASKS_FUTURE.search(q) or bool(_FUTURE.search(sentence)))
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
    focused: float = 0.0

    @property
    def score(self) -> float:
        """Relevance: embedding similarity, plus shared words, answer type and follow-up focus."""
        return (
            self.semantic + 0.3 * self.lexical + (0.1 if self.typed else 0.0) + 0.5 * self.focused
        )


def candidates(
    question: str | Query, hits: list[Hit], embedder: SentenceEmbedder
) -> list[Candidate]:
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
    return score_sentences(question, pool, embedder)


def score_sentences(
    question: str | Query, pool: list[tuple[Hit, int, int, str]], embedder: SentenceEmbedder
) -> list[Candidate]:
    """Score (hit, start, end, text) sentences against ``question``, best first."""
    if not pool:
        return []
    query = Query.of(question)
    vectors = embedder.encode([query.search_text()] + [text for _, _, _, text in pool])
    semantic = vectors[1:] @ vectors[0]
    groups = query.term_groups()
    focus = query.term_groups(query.focus)
    scored = []
    for (hit, start, end, text), sim in zip(pool, np.asarray(semantic), strict=True):
        found = terms(text)
        scored.append(
            Candidate(
                hit=hit,
                start=start,
                end=end,
                text=text,
                semantic=float(sim),
                lexical=sum(1 for g in groups if g & found) / len(groups) if groups else 0.0,
                typed=answer_type_match(query.text, text),
                focused=sum(1 for g in focus if g & found) / len(focus) if focus else 0.0,
            )
        )
    return sorted(scored, key=lambda c: c.score, reverse=True)
