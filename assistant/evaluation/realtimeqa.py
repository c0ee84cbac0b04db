"""`newsdesk eval realtimeqa`: retrieval, answers and abstention on RealTimeQA, with baselines.

One split is a folder of weeks. Three stores are built per split (and reused on later runs,
since ingest is idempotent; vectors are remembered across stores, so the halves cost no model
time):
- ``full``: every selected week. Hits@k and MRR@10 of newsdesk and of the LangChain tutorial
  pipeline (built in the same run) on the answerable questions, with paired differences; the
  quoted-sentence rate; multiple-choice accuracy over all questions; ask latency.
- ``half-1`` / ``half-2``: the first and second half of the weeks. Each is asked its own
  answerable questions and the other half's questions whose answer it does not hold
  (out-of-corpus), to measure answering and declining.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.evaluation import data
from assistant.evaluation.baselines import BM25Baseline, DenseBaseline, chunk_articles
from assistant.evaluation.memo import MemoEmbedder
from assistant.evaluation.metrics import (
    calibrate,
    compare,
    percentile,
    rates,
    score_retrieval,
)
from assistant.service import Assistant
from assistant.settings import Settings

Log = Callable[[str], None]


def _store_key(settings: Settings, weeks: list[str]) -> str:
    ix = settings.index
    spec = f"{ix.model}|{ix.passage_tokens}|{ix.overlap_sentences}|{','.join(weeks)}"
    return hashlib.sha256(spec.encode()).hexdigest()[:10]


def _open(
    work: Path,
    name: str,
    settings: Settings,
    embedder: MemoEmbedder,
    files: list[Path],
    log: Log,
) -> Assistant:
    home = work / f"{name}-{_store_key(settings, [f.name for f in files])}"
    bot = Assistant(home=home, settings=settings)
    bot.embedder = embedder
    started = time.perf_counter()
    embedder.remember = True
    try:
        report = bot.ingest(files)
    finally:
        embedder.remember = False
    log(f"{name}: {report.summary()} ({time.perf_counter() - started:.0f}s) in {home}")
    return bot


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


# Weights of the confidence's parts tried (``answer.coverage_weight``, ``answer.rare_weight``).
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)


def _parts(bot: Assistant, items: list[data.Question]) -> list[tuple[float, float, float]]:
    """For each question (best sentence, name/number coverage, rare-word coverage).

    The confidence is linear in its parts, so three asks with the weights set to (0, 0), (1, 0)
    and (0, 1) give each part; any weighting is then a sum, without asking again.
    """
    default = bot.settings.answer
    runs = []
    try:
        for cw, rw in ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0)):
            bot.settings.answer = default.model_copy(
                update={"coverage_weight": cw, "rare_weight": rw}
            )
            runs.append(_confidences(bot, items, with_choices=False)[0])
    finally:
        bot.settings.answer = default
    return [
        (base, round(cov - base, 4), round(rare - base, 4))
        for base, cov, rare in zip(*runs, strict=True)
    ]


def weigh(parts: list[tuple[float, float, float]], cw: float, rw: float) -> list[float]:
    """Confidences from their parts with these weights."""
    return [b + cw * c + rw * r for b, c, r in parts]


def weight_grid(
    inside: list[tuple[float, float, float]], outside: list[tuple[float, float, float]]
) -> list[dict[str, float]]:
    """For each pair of weights, the threshold that answers 0.9 of in-corpus questions here."""
    grid = []
    for cw in WEIGHTS:
        for rw in WEIGHTS:
            a, b = weigh(inside, cw, rw), weigh(outside, cw, rw)
            threshold = calibrate(a, b, min_answer=0.9)
            grid.append({"coverage_weight": cw, "rare_weight": rw,
                         "threshold": round(threshold, 4), **rates(a, b, threshold)})  # fmt: skip
    return grid


def run(
    data_dir: Path,
    work: Path,
    settings: Settings,
    weeks: list[str] | None = None,
    baselines: bool = True,
    ablations: bool = False,
    log: Log = print,
) -> dict[str, Any]:
    """Evaluate one split (a folder of weeks) and return its report (see the module docstring)."""
    available = data.weeks(data_dir)
    if not available:
        raise FileNotFoundError(f"No RealTimeQA weeks (*_qa.jsonl + *_gcs.jsonl) in {data_dir}")
    selected = [w for w in available if w in weeks] if weeks else available
    if not selected:
        raise ValueError(f"None of the weeks {weeks} is in {data_dir}; it has {available}")
    work.mkdir(parents=True, exist_ok=True)
    ix = settings.index
    embedder = MemoEmbedder(
        work / "vectors.sqlite3", ix.model, ix.device, ix.precision, ix.batch_size
    )

    questions = data.questions(data_dir, selected)
    texts = data.article_texts(data_dir, selected)
    answerable = data.answerable(questions, texts)
    log(f"{data_dir.name}: {len(selected)} weeks, {len(questions)} questions, "
        f"{len(answerable)} answerable")  # fmt: skip

    full = _open(work, "full", settings, embedder, data.article_files(data_dir, selected), log)
    report: dict[str, Any] = {
        "data": str(data_dir),
        "split": data_dir.name,
        "weeks": selected,
        "questions": len(questions),
        "answerable": len(answerable),
        "articles": full.stats().articles,
        "passages": full.stats().passages,
        "settings": json.loads(settings.model_dump_json(exclude={"home", "chroma_url"})),
        "retrieval": {},
    }
    k = 10
    ours = score_retrieval(lambda q: [h.text for h in full.search(q, k=k)], answerable)
    report["retrieval"]["newsdesk"] = ours.as_dict()
    if ablations:
        report["ablations"] = _ablations(full, answerable, k)
    if baselines:
        chunks = chunk_articles(data.article_files(data_dir, selected))
        log(f"baselines: {len(chunks)} RecursiveCharacterTextSplitter(1000, 200) chunks")
        started = time.perf_counter()
        embedder.remember = True
        dense = DenseBaseline(chunks, embedder, work / f"baseline-{_store_key(settings, selected)}")
        embedder.remember = False
        log(f"dense baseline ready ({time.perf_counter() - started:.0f}s)")
        tutorial = score_retrieval(dense.search, answerable)
        report["retrieval"]["tutorial"] = tutorial.as_dict()
        report["paired"] = compare(ours, tutorial)
        bm25 = BM25Baseline(chunks)
        report["retrieval"]["bm25"] = score_retrieval(bm25.search, answerable).as_dict()

    return report


def run_answers(
    report: dict[str, Any], work: Path, settings: Settings, log: Log = print, dated: bool = True
) -> dict[str, Any]:
    """Add the answer and abstention figures to a split's ``run`` report (on its stores).

    ``dated``: each question is asked as of the day it was asked (``Filters.as_of``), so its
    "this week" counts from then, as for a reader asking that day; else from the newest article.
    """
    data_dir, selected = Path(report["data"]), report["weeks"]
    ix = settings.index
    embedder = MemoEmbedder(
        work / "vectors.sqlite3", ix.model, ix.device, ix.precision, ix.batch_size
    )
    questions = data.questions(data_dir, selected, dated)
    answerable = data.answerable(questions, data.article_texts(data_dir, selected))
    full = _open(work, "full", settings, embedder, data.article_files(data_dir, selected), log)
    report["answers"] = _answers(full, questions, answerable)
    log(f"{report['split']}: answers {report['answers']}")
    if len(selected) >= 2:
        report["abstention"] = _abstention(data_dir, work, settings, embedder, selected, log, dated)
    report["asked_as_of_question_date"] = dated
    return report


ABLATIONS: dict[str, dict[str, Any]] = {
    "dense only": {"mode": "dense", "rerank": False, "max_per_article": 0},
    "lexical only": {"mode": "lexical", "rerank": False, "max_per_article": 0},
    "hybrid (rrf)": {"mode": "hybrid", "rerank": False, "max_per_article": 0},
    "hybrid+diversity": {"mode": "hybrid", "rerank": False, "max_per_article": 2},
    "hybrid+rerank": {"mode": "hybrid", "rerank": True, "max_per_article": 0},
    "dense+rerank": {"mode": "dense", "rerank": True, "max_per_article": 0},
    "quiz phrasing removed": {"quiz_forms": True},
    "near copies collapsed": {"copy_overlap": 0.6},
    "article aggregation": {"article_weight": 0.3},
    "40 BM25 candidates": {"lexical_candidates": 40},
    "BM25 candidates with every word": {"lexical_max_df": 0},
    "BM25 candidates without words in over 500 passages": {"lexical_max_df": 500},
}


def _ablations(bot: Assistant, answerable: list[data.Question], k: int) -> dict[str, Any]:
    """Retrieval figures with each step of the pipeline switched on or off."""
    default = bot.settings.retrieval
    out = {}
    try:
        for name, change in ABLATIONS.items():
            bot.settings.retrieval = default.model_copy(update=change)
            out[name] = score_retrieval(
                lambda q: [h.text for h in bot.search(q, k=k)], answerable
            ).as_dict()
    finally:
        bot.settings.retrieval = default
    return out


def _answers(
    bot: Assistant, questions: list[data.Question], answerable: list[data.Question]
) -> dict[str, Any]:
    """Quoted sentences, multiple choice and latency of the extractive engine.

    - answer-sentence rate: share of answerable questions whose quoted sentences (free-form
      answer, never declining) contain the correct choice;
    - multiple-choice accuracy over all questions (RealTimeQA's metric), never declining; a
      question the engine cannot pick a choice for counts as wrong.
    """
    quoted = 0
    latencies: list[float] = []
    for q in answerable:
        started = time.perf_counter()
        answer = bot.ask(q.text, q.filters, abstain=False)
        latencies.append((time.perf_counter() - started) * 1000)
        quoted += any(data.contains(c.quote, q.correct) for c in answer.citations)
    correct = picked = 0
    for q in questions:
        answer = bot.ask(q.text, q.filters, choices=list(q.choices), abstain=False)
        if answer.choice is not None:
            picked += 1
            correct += answer.choice == q.answer
    return {
        "answer_sentence_rate": round(quoted / max(len(answerable), 1), 4),
        "mc_accuracy": round(correct / max(len(questions), 1), 4),
        "mc_picked": round(picked / max(len(questions), 1), 4),
        "ask_p50_ms": round(percentile(latencies, 50), 1),
        "ask_p95_ms": round(percentile(latencies, 95), 1),
    }


def _abstention(
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
    inside_parts: list[tuple[float, float, float]] = []
    outside_parts: list[tuple[float, float, float]] = []
    for i, own in enumerate(halves):
        other = halves[1 - i]
        bot = _open(
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
    inside = weigh(inside_parts, opts.coverage_weight, opts.rare_weight)
    outside = weigh(outside_parts, opts.coverage_weight, opts.rare_weight)
    threshold = opts.min_relevance
    fitted = calibrate(inside, outside, min_answer=0.9)
    return {
        "halves": [",".join(h) for h in halves],
        "answerable": len(inside),
        "out_of_corpus": len(outside),
        "threshold": threshold,
        "weights": [opts.coverage_weight, opts.rare_weight],
        **rates(inside, outside, threshold),
        "calibrated_here": {"threshold": round(fitted, 4), **rates(inside, outside, fitted)},
        "grid": weight_grid(inside_parts, outside_parts),
        "parts": {"answerable": inside_parts, "out_of_corpus": outside_parts},
    }
