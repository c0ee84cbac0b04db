"""Stance of a report towards a claim: corroborates, conflicts, same topic, or unrelated.

A claim (a cited sentence, or a headline) is judged against the sentences of another report.
Two layers:

1. the sentence rules of ``assistant.research.claims``: a sentence about the same event that
   gives the claim's slot another figure or the opposite polarity is a conflict, shown with its
   reason;
   (a rule counts when the two sentences speak of one slot of one event, by what they say,
   not by how similar they look: ``claims.Comparison.aligned``);
2. where no rule fires, a small logistic regression over cheap features (similarities, shared
   words, rule counts, refuting and hedging words) trained on the FNC-1 train split
   (``studies/train_stance.py``; weights in ``stance_weights.json``) picks among corroborates,
   conflicts, same topic and unrelated. It calls a conflict only when confident: a false
   conflict costs a journalist more than a missed one.

A claim with a figure is corroborated only by a sentence giving the same figure for the same
slot; otherwise the report is at most on the same topic.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np

from assistant.research.claims import Comparison, Facts, Outcome, compare, figures, read, shared

LABELS: tuple[Outcome, ...] = ("agree", "conflict", "related", "unrelated")
# A rule's outcome counts on a sentence that speaks of the same slot of the same event
# (``Comparison.aligned``: the figure, the cause, damage, harm, the same statement) at any
# similarity above a low floor; one that rests on surface similarity alone needs 0.70 (chosen on
# FNC-1 train bodies, where long bodies full of numbers made a looser gate imprecise).
ALIGNED_SIMILARITY = 0.15
RULE_CONFLICT_SIMILARITY = 0.70
Gate = Literal["slots", "cosine"]
_REFUTE = re.compile(
    r"\b(?:fake|hoax|false|falsely|debunk\w*|den(?:y|ies|ied)|not true|fabricat\w*|untrue|"
    r"misleading|no evidence|baseless|satir\w*|myth|refut\w*|dismiss\w*|rejected|not real)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|alleged|claim\w*|according to|unconfirmed|unverified|rumou?r\w*|"
    r"purportedly|may|might|could|appears?|seem\w*|suggest\w*|believed)\b|\?",
    re.IGNORECASE,
)
FEATURES = (
    "max_similarity", "top3_similarity", "max_shared_words", "claim_coverage",
    "figure_conflicts", "polarity_conflicts", "rule_agreements", "same_figures",
    "refuting_words", "hedging_words", "claim_refuting", "claim_hedging",
    "best_sentence_negated", "close_sentences", "similarity_x_coverage", "refuting_near_claim",
)  # fmt: skip


@dataclass(frozen=True)
class Judgement:
    """The stance of one report towards a claim.

    Attributes:
        outcome: agree (corroborates), conflict, related (same topic, no position), unrelated.
        sentence: index of the evidence sentence in the report's sentences (None if none).
        reason: why it conflicts, for a conflict.
        probabilities: the model's probability of each of ``LABELS``.
    """

    outcome: Outcome
    sentence: int | None
    reason: str | None
    probabilities: tuple[float, ...]


def features(
    claim: Facts, sentences: Sequence[Facts], similarities: Sequence[float]
) -> tuple[np.ndarray, list[Comparison]]:
    """The model's features for a claim against a report, and each sentence's rule comparison."""
    sims = np.asarray(similarities, dtype=float) if len(similarities) else np.zeros(1)
    comparisons = [compare(claim, s, float(x)) for s, x in zip(sentences, sims, strict=False)]
    order = np.argsort(-sims)
    best = sentences[int(order[0])] if sentences else None
    union = frozenset().union(*(s.words for s in sentences)) if sentences else frozenset()
    coverage = len(claim.words & union) / len(claim.words) if claim.words else 0.0
    near = [(c, float(x)) for c, x in zip(comparisons, sims, strict=False) if x >= 0.5]
    top = [sentences[int(i)] for i in order[:3]] if sentences else []
    body = " ".join(s.text for s in sentences)

    def count(reason: str) -> float:
        return min(sum(1 for c, _ in near if c.reason and reason in c.reason), 3) / 3

    vector = [
        float(sims.max()),
        float(np.sort(sims)[-3:].mean()),
        max((shared(claim, s) for s in sentences), default=0.0),
        coverage,
        count("figures"),
        count("opposite") + count("undetermined"),
        min(sum(1 for c, _ in near if c.outcome == "agree"), 3) / 3,
        float(any(figures(claim, s)[0] for s in sentences)) if claim.quantities else 0.0,
        math.log1p(len(_REFUTE.findall(body))),
        math.log1p(len(_HEDGE.findall(body))),
        float(bool(_REFUTE.search(claim.text))),
        float(bool(_HEDGE.search(claim.text))),
        float(best is not None and best.negations % 2 != claim.negations % 2),
        float(np.mean(sims >= 0.55)),
        float(sims.max()) * coverage,
        math.log1p(sum(len(_REFUTE.findall(s.text)) for s in top)),
    ]
    return np.asarray(vector, dtype=float), comparisons


@cache
def model() -> dict[str, np.ndarray | float]:
    """The shipped weights: feature means and scales, coefficients, conflict threshold."""
    raw = json.loads(
        resources.files("assistant.research").joinpath("stance_weights.json").read_text()
    )
    if tuple(raw["features"]) != FEATURES or tuple(raw["labels"]) != LABELS:
        raise ValueError(
            "assistant/research/stance_weights.json does not match stance.FEATURES: refit it"
        )
    return {
        "mean": np.asarray(raw["mean"]),
        "scale": np.asarray(raw["scale"]),
        "coef": np.asarray(raw["coef"]),
        "intercept": np.asarray(raw["intercept"]),
        "conflict_threshold": float(raw["conflict_threshold"]),
    }


def probabilities(vector: np.ndarray, weights: dict[str, np.ndarray | float]) -> np.ndarray:
    """Softmax probabilities of ``LABELS`` for one feature vector."""
    z = (vector - weights["mean"]) / weights["scale"]
    logits = np.asarray(weights["coef"]) @ z + weights["intercept"]
    e = np.exp(logits - logits.max())
    return np.asarray(e / e.sum())


def judge(
    claim: str | Facts,
    sentences: Sequence[str | Facts],
    similarities: Sequence[float],
    weights: dict[str, np.ndarray | float] | None = None,
    gate: Gate = "slots",
    same_story: bool = True,
) -> Judgement:
    """The stance of a report (its ``sentences``, with their similarity to the claim).

    ``gate="cosine"`` is the former rule, kept to measure against: a rule's conflict counts
    only on a sentence with similarity >= 0.70, and the model speaks before any rule's support.
    ``same_story=False`` (the two articles share no name: another town, another event) lets
    only the former rule count.
    """
    weights = weights or model()
    a = claim if isinstance(claim, Facts) else read(claim)
    facts = [s if isinstance(s, Facts) else read(s) for s in sentences]
    if not facts:
        return Judgement("unrelated", None, None, (0.0, 0.0, 0.0, 1.0))
    vector, comparisons = features(a, facts, similarities)
    p = probabilities(vector, weights)
    probs = tuple(round(float(x), 4) for x in p)
    ranked = sorted(range(len(facts)), key=lambda i: -similarities[i])

    def counts(i: int) -> bool:
        if gate == "slots" and same_story and comparisons[i].aligned:
            return similarities[i] >= ALIGNED_SIMILARITY
        return similarities[i] >= RULE_CONFLICT_SIMILARITY

    rule = [i for i in ranked if comparisons[i].outcome == "conflict" and counts(i)]
    if rule:
        return Judgement("conflict", rule[0], comparisons[rule[0]].reason, probs)
    agreeing = [i for i in ranked if comparisons[i].outcome == "agree"]
    # the claim's figure or statement, for the same slot: support, in any words
    backed = [i for i in agreeing if gate == "slots" and same_story and comparisons[i].aligned]
    if p[1] >= float(weights["conflict_threshold"]):
        refuting = [i for i in ranked[:5] if _REFUTE.search(facts[i].text)]
        if refuting or not backed:  # a report that repeats the figure and refutes nothing agrees
            return Judgement("conflict", (refuting or ranked)[0], "disputes it", probs)
    if backed:
        return Judgement("agree", backed[0], None, probs)
    choice = LABELS[int(np.argmax([p[0], -1.0, p[2], p[3]]))]
    if choice == "agree" and a.quantities and not agreeing:
        choice = "related"  # a report without the figure cannot back a claim that has one
    if choice == "agree" and agreeing:
        return Judgement("agree", agreeing[0], None, probs)
    if choice == "unrelated" and agreeing:
        choice = "related"
    return Judgement(choice, ranked[0] if choice != "unrelated" else None, None, probs)
