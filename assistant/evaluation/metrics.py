"""Metrics: hits@k and MRR over answer-bearing passages, latency percentiles, abstention."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.evaluation.data import Question, contains


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``, 0.0 when there are none."""
    return float(np.percentile(values, q)) if values else 0.0


@dataclass
class RetrievalScores:
    """Hits@k (share of questions with the answer in a top-k passage), MRR@10, latency."""

    n: int
    hits1: float
    hits5: float
    hits10: float
    mrr10: float
    p50_ms: float
    p95_ms: float
    ranks: list[int | None]
    """Per question: the rank (0-based) of the first top-10 passage holding the answer."""

    def as_dict(self) -> dict[str, float]:
        """Plain figures for the JSON report."""
        return {
            "questions": self.n,
            "hits@1": round(self.hits1, 4),
            "hits@5": round(self.hits5, 4),
            "hits@10": round(self.hits10, 4),
            "mrr@10": round(self.mrr10, 4),
            "search_p50_ms": round(self.p50_ms, 1),
            "search_p95_ms": round(self.p95_ms, 1),
        }


def score_retrieval(
    search: Callable[[str], list[str]], items: list[Question], warmup: int = 3
) -> RetrievalScores:
    """Run ``search`` (question -> top-10 passage texts) on every question and score it."""
    for q in items[:warmup]:
        search(q.text)
    ranks: list[int | None] = []
    latencies: list[float] = []
    for q in items:
        started = time.perf_counter()
        texts = search(q.text)[:10]
        latencies.append((time.perf_counter() - started) * 1000)
        ranks.append(next((i for i, t in enumerate(texts) if contains(t, q.correct)), None))
    n = max(len(items), 1)
    return RetrievalScores(
        n=len(items),
        hits1=sum(r is not None and r < 1 for r in ranks) / n,
        hits5=sum(r is not None and r < 5 for r in ranks) / n,
        hits10=sum(r is not None for r in ranks) / n,
        mrr10=sum(1 / (r + 1) for r in ranks if r is not None) / n,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        ranks=ranks,
    )


PAIRED = {
    "hits@1": lambda r: float(r is not None and r < 1),
    "hits@5": lambda r: float(r is not None and r < 5),
    "hits@10": lambda r: float(r is not None),
    "mrr@10": lambda r: 0.0 if r is None else 1 / (r + 1),
}


def paired(
    ours: list[float], theirs: list[float], resamples: int = 2000, seed: int = 0
) -> dict[str, Any]:
    """Mean paired difference, its bootstrap 95% interval (fixed seed) and a sign test.

    The sign test counts the questions where one system is better (wins) or worse (losses)
    and gives the two-sided exact binomial p-value of that split under "no difference".
    """
    a, b = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    diff = a - b
    if not len(diff):
        return {"diff": 0.0, "ci95": [0.0, 0.0], "wins": 0, "losses": 0, "sign_p": 1.0}
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(resamples, len(diff)))].mean(axis=1)
    wins, losses = int((diff > 0).sum()), int((diff < 0).sum())
    return {
        "diff": round(float(diff.mean()), 4),
        "ci95": [round(float(np.percentile(means, 2.5)), 4),
                 round(float(np.percentile(means, 97.5)), 4)],
        "wins": wins,
        "losses": losses,
        "sign_p": round(sign_test(wins, losses), 4),
    }  # fmt: skip


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact binomial p-value of ``wins`` against ``losses`` at p = 1/2."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


def compare(ours: RetrievalScores, theirs: RetrievalScores) -> dict[str, dict[str, Any]]:
    """Paired differences (ours - theirs) per retrieval metric, question by question."""
    return {
        name: paired([f(r) for r in ours.ranks], [f(r) for r in theirs.ranks])
        for name, f in PAIRED.items()
    }


def calibrate(
    answerable: list[float], unanswerable: list[float], min_answer: float = 0.85
) -> float:
    """The refusal threshold calibrated on confidences of two groups of questions.

    Among thresholds that answer at least ``min_answer`` of the answerable questions, the one
    that declines the most unanswerable ones (ties: the lowest). A question is answered when
    its confidence is at least the threshold.
    """
    if not answerable:
        return 0.0
    candidates = sorted(set(answerable) | set(unanswerable))
    best, best_declined = min(candidates), -1.0
    for threshold in candidates:
        answered = sum(c >= threshold for c in answerable) / len(answerable)
        if answered < min_answer:
            break
        declined = sum(c < threshold for c in unanswerable) / max(len(unanswerable), 1)
        if declined > best_declined:
            best, best_declined = threshold, declined
    return float(best)


def rates(answerable: list[float], unanswerable: list[float], threshold: float) -> dict[str, float]:
    """Share of answerable questions answered and of unanswerable ones declined."""
    return {
        "answered_answerable": round(
            sum(c >= threshold for c in answerable) / max(len(answerable), 1), 4
        ),
        "declined_out_of_corpus": round(
            sum(c < threshold for c in unanswerable) / max(len(unanswerable), 1), 4
        ),
    }
