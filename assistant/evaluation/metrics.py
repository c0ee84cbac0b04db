"""Metrics: hits@k and MRR over answer-bearing passages, latency percentiles, abstention."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    )


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
