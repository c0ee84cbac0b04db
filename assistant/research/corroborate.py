"""Corroboration and conflicts: who else reports a claim, and who reports it differently.

For a cited sentence, the other articles' sentences closest to it are gathered (hybrid
retrieval, then sentence similarity) and each other article is judged as a whole against the
claim (``assistant.research.stance.judge``): it corroborates the claim (the same figure for the
same slot, the same statement), conflicts with it (another figure for the same slot, the
opposite polarity, "undetermined" against a stated cause, or a report that disputes it), is on
the same topic without a position, or is unrelated. Every outcome carries the sentence it rests
on. Copies do not count as independent: an article that shares most of its wording with the
claim's article (a syndicated or rewritten copy) is set aside, and outlets are counted once.


These are signals to read, not verdicts: "reported by 3 independent outlets" can still be three
outlets repeating one wire story that was rewritten, and a "conflict" can be two figures for
different things. docs/research-signals.md gives the measured precision and the limits.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.engines.sentences import Candidate, score_sentences
from assistant.research.claims import Facts, Outcome, compare, names_in, read
from assistant.research.stance import ALIGNED_SIMILARITY, Gate, judge
from assistant.retrieve import retrieve, shingles
from assistant.settings import RetrievalSettings
from assistant.types import Conflict, Corroboration, Evidence, Filters
from index.library import Library
from index.types import Article, Hit

COPY_OVERLAP = 0.5
# Sentences less similar than this are not read for a stance. Low: two newsrooms' sentences on
# one fact score 0.2-0.5 ("The town's water supply was not affected." against "... cutting the
# water supply to eastern Vellport": 0.26); the rules decide by the slot, not by the score.
CONSIDERED_SIMILARITY = ALIGNED_SIMILARITY
SENTENCES_PER_ARTICLE = 40


def overlap(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the longer text's shingles that the two texts have in common.

    A copy shares most of its wording with the original either way; a short report that quotes
    one sentence of a long article does not, and is weighed as a report of its own.
    """
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def disagreement(claim: str, other: str, similarity: float = 1.0) -> str | None:
    """Why ``other`` contradicts ``claim`` on the same point, or None (sentence rules only)."""
    result = compare(claim, other, similarity)
    return result.reason if result.outcome == "conflict" else None


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
    hits = retrieve(library, claim, k, Filters(), options)
    others, copies, texts = _other_reports(library, hits, article_id, shingles(source.text))
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
    by_article: dict[str, list[Candidate]] = {}
    for scored in score_sentences(claim, pool, library.reader):
        if scored.semantic < CONSIDERED_SIMILARITY:
            continue
        group = by_article.setdefault(scored.hit.article_id, [])
        if len(group) < SENTENCES_PER_ARTICLE and all(c.start != scored.start for c in group):
            group.append(scored)
    facts = read(_respell(claim, spellings))
    own_names = names_in(_respell(source.text, spellings))
    for other_id, group in by_article.items():
        report = texts.get(other_id)
        story = (own_names, names_in(_respell(report.text, spellings)) if report else frozenset())
        outcome, index, reason = weigh(
            facts, [c.text for c in group], [c.semantic for c in group], names=story
        )
        if index is None:
            continue
        cand = group[index]
        evidence = _evidence(replace(cand, text=original[(cand.hit.passage_id, cand.start)]))
        if outcome == "conflict":
            result.conflicting.append(Conflict(evidence=evidence, reason=reason or ""))
        elif outcome == "agree":
            result.supporting.append(evidence)
        else:
            result.related.append(evidence)
    own_outlets = set(source.outlets)
    independent: list[str] = []
    for ev in result.supporting:
        outlet = next((o for o in ev.outlets if o not in own_outlets), None)
        if outlet and outlet not in independent:
            independent.append(outlet)
    result.independent_outlets = independent
    return result


def weigh(
    claim: Facts,
    sentences: list[str],
    similarities: list[float],
    gate: Gate = "slots",
    names: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
) -> tuple[Outcome, int | None, str | None]:
    """How one other report stands to the claim as its card shows it: outcome, sentence, reason.

    The report's stance (``stance.judge``); support is shown only with a sentence that itself
    repeats the claim by the sentence rules, otherwise the report is on the same topic.
    ``names`` are the names of the claim's article and of the report: two articles that share
    none tell two stories ("14 injured" in Vellport, "20 injured" in Dunmore), and a slot rule
    does not set one against the other.
    """
    own, theirs = names
    same_story = not (own and theirs and not own & theirs)
    facts = [read(t) for t in sentences]  # read once, for the stance and for the rules
    verdict = judge(claim, facts, similarities, gate=gate, same_story=same_story)
    if verdict.sentence is None or verdict.outcome == "unrelated":
        return "unrelated", None, None
    if verdict.outcome == "conflict":
        return "conflict", verdict.sentence, verdict.reason
    rules = [compare(claim, f, x) for f, x in zip(facts, similarities, strict=True)]
    backing = [
        i for i, c in enumerate(rules) if c.outcome == "agree" and (same_story or not c.aligned)
    ]
    return ("agree", backing[0], None) if backing else ("related", verdict.sentence, None)


def _other_reports(
    library: Library, hits: list[Hit], article_id: str, own: set[tuple[str, ...]]
) -> tuple[dict[str, Hit], set[str], dict[str, Article]]:
    """The hits of other articles by passage, the ids of copies, and the articles by id."""
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
    return others, copies, texts


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
