"""Corroboration and conflicts: who else reports a claim, and who reports it differently.

For a cited sentence, the other articles' sentences closest to it are gathered (hybrid
retrieval, then sentence similarity). A close sentence that agrees supports the claim; one about
the same point that gives different figures, or says the opposite, conflicts with it. Copies do
not count as independent: an article that shares most of its wording with the claim's article
(a syndicated or rewritten copy) is set aside, and outlets are counted once.

These are signals to read, not verdicts: "reported by 3 independent outlets" can still be three
outlets repeating one wire story that was rewritten, and a "conflict" can be two figures for
different things. The README lists the limits.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.evidence import Candidate, score_sentences, terms
from assistant.retrieve import retrieve
from assistant.settings import RetrievalSettings
from assistant.types import Conflict, Corroboration, Evidence, Filters
from index.library import Library
from index.types import Hit

SUPPORT_SIMILARITY = 0.70
RELATED_SIMILARITY = 0.55
COPY_OVERLAP = 0.5
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w.]*\d)")
_NEGATION = re.compile(
    r"\b(?:not|no|never|denied|denies|deny|false|untrue|refuted|rejected|dismissed)\b|n['’]t\b",
    re.IGNORECASE,
)


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of a text, for spotting copies."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def overlap(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the longer text's shingles that the two texts have in common.

    A copy shares most of its wording with the original either way; a short report that quotes
    one sentence of a long article does not, and is weighed as a report of its own.
    """
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def numbers(text: str) -> list[tuple[float, set[str]]]:
    """Each number in a sentence with the content words around it (its context)."""
    found = []
    for m in _NUMBER.finditer(text):
        try:
            value = float(m.group(0).replace(",", ""))
        except ValueError:
            continue
        if 1900 <= value <= 2100 and "," not in m.group(0):
            continue  # a year is a date, not a figure
        around = text[max(0, m.start() - 40) : m.end() + 40]
        found.append((value, terms(around)))
    return found


def disagreement(claim: str, other: str) -> str | None:
    """Why ``other`` contradicts ``claim`` on the same point, or None."""
    for value, context in numbers(claim):
        rivals = [v for v, ctx in numbers(other) if len(context & ctx) >= 2 and v != value]
        same = [v for v, ctx in numbers(other) if v == value]
        if rivals and not same:
            return f"different figures: {_fmt(value)} here, {_fmt(rivals[0])} there"
    if bool(_NEGATION.search(claim)) != bool(_NEGATION.search(other)):
        return "says the opposite"
    return None


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def corroborate(
    library: Library,
    claim: str,
    article_id: str,
    options: RetrievalSettings | None = None,
    k: int = 20,
) -> Corroboration:
    """Sentences of other articles that support or contradict ``claim`` (from ``article_id``)."""
    source = library.catalog.get_article(article_id)
    if source is None:
        return Corroboration(claim=claim, article_id=article_id)
    own = shingles(source.text)
    hits = retrieve(library, claim, k, Filters(), options)
    others: dict[str, Hit] = {}
    copies: set[str] = set()
    texts = library.catalog.articles_by_id(h.article_id for h in hits)
    for hit in hits:
        if hit.article_id == article_id or hit.article_id in copies:
            continue
        other = texts.get(hit.article_id)
        if other is not None and overlap(own, shingles(other.text)) >= COPY_OVERLAP:
            copies.add(hit.article_id)
            continue
        others.setdefault(hit.passage_id, hit)
    # Other spellings of the claim's names ("Kostiantynivka" for "Konstantinovka") are read as
    # the claim's own spelling while comparing, so spelling alone does not hide agreement.
    spellings = library.name_variants().variants(claim)
    original: dict[tuple[str, int], str] = {}
    pool = []
    for h in others.values():
        for (s, e), text in h.sentence_texts():
            original[(h.passage_id, s)] = text
            pool.append((h, s, e, _respell(text, spellings)))
    result = Corroboration(claim=claim, article_id=article_id, copies=sorted(copies))
    seen_articles: set[str] = set()
    for scored in score_sentences(claim, pool, library.embedder):
        cand = replace(scored, text=original[(scored.hit.passage_id, scored.start)])
        if cand.semantic < RELATED_SIMILARITY:
            break
        reason = disagreement(claim, cand.text)
        evidence = _evidence(cand)
        if reason:
            result.conflicting.append(Conflict(evidence=evidence, reason=reason))
        elif cand.semantic >= SUPPORT_SIMILARITY and cand.hit.article_id not in seen_articles:
            seen_articles.add(cand.hit.article_id)
            result.supporting.append(evidence)
    own_outlets = set(source.outlets)
    independent: list[str] = []
    for ev in result.supporting:
        outlet = next((o for o in ev.outlets if o not in own_outlets), None)
        if outlet and outlet not in independent:
            independent.append(outlet)
    result.independent_outlets = independent
    return result


def _respell(text: str, spellings: dict[str, list[str]]) -> str:
    for name, others in spellings.items():
        for other in others:
            text = re.sub(rf"(?<!\w){re.escape(other)}(?!\w)", name, text, flags=re.IGNORECASE)
    return text


def _evidence(cand: Candidate) -> Evidence:
    hit = cand.hit
    return Evidence(
        article_id=hit.article_id, passage_id=hit.passage_id, title=hit.title, outlet=hit.outlet,
        outlets=list(hit.outlets), published_at=hit.published_at, url=hit.url, quote=cand.text,
        start=cand.start, end=cand.end, similarity=round(cand.semantic, 4),
    )  # fmt: skip
