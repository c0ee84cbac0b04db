"""Abstention on RealTimeQA: in-corpus questions answered, out-of-corpus ones declined.

Each half of a split's weeks gets its own store, asked its own answerable questions and the
other half's questions whose answer it does not hold. The confidence is linear in its parts, so
the weights and the threshold can be chosen afterwards without asking again.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.evaluation import data
from assistant.evaluation.memo import MemoEmbedder
from assistant.evaluation.metrics import calibrate, rates
from assistant.evaluation.stores import Log, open_store
from assistant.service import Assistant
from assistant.settings import Settings


def _confidences(
    bot: Assistant, items: list[data.Question], with_choices: bool
) -> tuple[list[float], list[float]]:
    """(confidence, ask latency in ms) for each question, whatever the engine would decide."""
    confidences, latencies = [], []
    for q in items:
        started = time.perf_counter()
        answer = bot.ask(
            q.text, q.filters, list(q.choices) if with_choices else None, abstain=False
        )
        latencies.append((time.perf_counter() - started) * 1000)
        confidences.append(answer.confidence)
    return confidences, latencies


# Weights of the confidence's parts tried (``answer.coverage_weight``, ``answer.rare_weight``,
# ``reader.confidence_weight``).
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)
READER_WEIGHTS = (0.0, 0.025, 0.05, 0.1, 0.2, 0.4)
Parts = tuple[float, float, float, float]


def _parts(bot: Assistant, items: list[data.Question]) -> list[Parts]:
    """For each question (best sentence, name/number coverage, rare words, reader).

    The confidence is linear in its parts, so asks with the weights set to (0, 0, 0),
    (1, 0, 0), (0, 1, 0) and (0, 0, 1) give each part; any weighting is then a sum, without
    asking again. Without the reader its part is 0 (three asks).
    """
    answer, reader = bot.settings.answer, bot.settings.reader
    runs = []
    unit = [(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)]
    unit += [(0.0, 0.0, 1.0)] if bot.reader is not None else []
    try:
        for cw, rw, dw in unit:
            bot.settings.answer = answer.model_copy(
                update={"coverage_weight": cw, "rare_weight": rw}
            )
            bot.settings.reader = reader.model_copy(update={"confidence_weight": dw})
            _sync_reader(bot)
            runs.append(_confidences(bot, items, with_choices=False)[0])
    finally:
        bot.settings.answer, bot.settings.reader = answer, reader
        _sync_reader(bot)
    if len(runs) == 3:
        runs.append(runs[0])
    return [
        (base, round(cov - base, 4), round(rare - base, 4), round(read - base, 4))
        for base, cov, rare, read in zip(*runs, strict=True)
    ]


def _sync_reader(bot: Assistant) -> None:
    """Give the loaded reader the bot's current reader settings (the model stays loaded)."""
    if bot.reader is not None:
        bot.reader = replace(bot.reader, settings=bot.settings.reader)


def weigh(parts: list[Parts], cw: float, rw: float, dw: float = 0.0) -> list[float]:
    """Confidences from their parts with these weights."""
    return [b + cw * c + rw * r + dw * d for b, c, r, d in parts]


def weight_grid(inside: list[Parts], outside: list[Parts]) -> list[dict[str, float]]:
    """For each set of weights, the threshold that answers 0.9 of in-corpus questions here."""
    grid = []
    for cw in WEIGHTS:
        for rw in WEIGHTS:
            for dw in READER_WEIGHTS if any(p[3] for p in inside) else (0.0,):
                a, b = weigh(inside, cw, rw, dw), weigh(outside, cw, rw, dw)
                threshold = calibrate(a, b, min_answer=0.9)
                weights = {"coverage_weight": cw, "rare_weight": rw, "reader_weight": dw}
                grid.append({**weights, "threshold": round(threshold, 4), **rates(a, b, threshold)})
    return grid


def abstention(
    data_dir: Path,
    work: Path,
    settings: Settings,
    embedder: MemoEmbedder,
    selected: list[str],
    log: Log,
    dated: bool = True,
) -> dict[str, Any]:
    """Answered in-corpus and declined out-of-corpus questions, on two half-libraries.

    Each half of the weeks gets its own store; it is asked its own answerable questions and
    the other half's questions whose answer it does not hold. The headline rates use the
    current threshold (``answer.min_relevance``, calibrated on the tuning split); the threshold
    this split alone would choose is reported too.
    """
    halves = [selected[: len(selected) // 2], selected[len(selected) // 2 :]]
    inside_parts: list[Parts] = []
    outside_parts: list[Parts] = []
    for i, own in enumerate(halves):
        other = halves[1 - i]
        bot = open_store(
            work, f"half-{i + 1}", settings, embedder, data.article_files(data_dir, own), log
        )
        texts = data.article_texts(data_dir, own)
        mine = data.answerable(data.questions(data_dir, own, dated), texts)
        foreign = data.questions(data_dir, other, dated)
        held = {q.id for q in data.answerable(foreign, texts)}
        foreign = [q for q in foreign if q.id not in held]
        inside_parts += _parts(bot, mine)
        outside_parts += _parts(bot, foreign)
        log(f"half {i + 1}: {len(mine)} answerable, {len(foreign)} out-of-corpus questions")
    opts = settings.answer
    dw = settings.reader.confidence_weight if settings.reader.enabled else 0.0
    inside = weigh(inside_parts, opts.coverage_weight, opts.rare_weight, dw)
    outside = weigh(outside_parts, opts.coverage_weight, opts.rare_weight, dw)
    threshold = opts.min_relevance
    fitted = calibrate(inside, outside, min_answer=0.9)
    return {
        "halves": [",".join(h) for h in halves],
        "answerable": len(inside),
        "out_of_corpus": len(outside),
        "threshold": threshold,
        "weights": [opts.coverage_weight, opts.rare_weight, dw],
        **rates(inside, outside, threshold),
        "calibrated_here": {"threshold": round(fitted, 4), **rates(inside, outside, fitted)},
        "grid": weight_grid(inside_parts, outside_parts),
        "parts": {"answerable": inside_parts, "out_of_corpus": outside_parts},
    }
