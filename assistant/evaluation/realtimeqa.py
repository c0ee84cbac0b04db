"""`newsdesk eval realtimeqa`: retrieval, answers and abstention on RealTimeQA, with baselines.

Three stores are built (and reused on later runs, since ingest is idempotent):
- ``full``: every selected week. Hits@k, MRR, multiple-choice accuracy and latency are measured
  here on the answerable questions, against the dense and BM25 baselines built in the same run.
- ``half-1`` / ``half-2``: the first and second half of the weeks. Each is asked its own
  answerable questions and the other half's questions whose answer it does not hold
  (out-of-corpus). The abstention threshold is calibrated on one half and applied to the other,
  so the reported rates are measured on data the threshold never saw.
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
from assistant.evaluation.metrics import calibrate, percentile, rates, score_retrieval
from assistant.service import Assistant
from assistant.settings import Settings
from index.embed import SentenceEmbedder

Log = Callable[[str], None]


def _store_key(settings: Settings, weeks: list[str]) -> str:
    ix = settings.index
    spec = f"{ix.model}|{ix.passage_tokens}|{ix.overlap_sentences}|{','.join(weeks)}"
    return hashlib.sha256(spec.encode()).hexdigest()[:10]


def _open(
    work: Path,
    name: str,
    settings: Settings,
    embedder: SentenceEmbedder,
    files: list[Path],
    log: Log,
) -> Assistant:
    home = work / f"{name}-{_store_key(settings, [f.name for f in files])}"
    bot = Assistant(home=home, settings=settings)
    bot.embedder = embedder
    started = time.perf_counter()
    report = bot.ingest(files)
    log(f"{name}: {report.summary()} ({time.perf_counter() - started:.0f}s) in {home}")
    return bot


def _confidences(
    bot: Assistant, items: list[data.Question], with_choices: bool
) -> tuple[list[float], list[float]]:
    """(confidence, ask latency in ms) for each question, whatever the engine would decide."""
    confidences, latencies = [], []
    for q in items:
        started = time.perf_counter()
        answer = bot.ask(q.text, choices=list(q.choices) if with_choices else None, abstain=False)
        latencies.append((time.perf_counter() - started) * 1000)
        confidences.append(answer.confidence)
    return confidences, latencies


def run(
    data_dir: Path,
    work: Path,
    settings: Settings,
    weeks: list[str] | None = None,
    baselines: bool = True,
    ablations: bool = False,
    log: Log = print,
) -> dict[str, Any]:
    """Run the whole evaluation and return the report (see the module docstring)."""
    available = data.weeks(data_dir)
    if not available:
        raise FileNotFoundError(f"No RealTimeQA weeks (*_qa.jsonl + *_gcs.jsonl) in {data_dir}")
    selected = weeks or available
    unknown = sorted(set(selected) - set(available))
    if unknown:
        raise ValueError(f"Unknown weeks {unknown}; {data_dir} has {available}")
    work.mkdir(parents=True, exist_ok=True)
    ix = settings.index
    embedder = SentenceEmbedder(ix.model, ix.device, ix.precision, ix.batch_size)

    questions = data.questions(data_dir, selected)
    texts = data.article_texts(data_dir, selected)
    answerable = data.answerable(questions, texts)
    log(f"{len(selected)} weeks, {len(questions)} questions, {len(answerable)} answerable")

    full = _open(work, "full", settings, embedder, data.article_files(data_dir, selected), log)
    report: dict[str, Any] = {
        "data": str(data_dir),
        "weeks": selected,
        "questions": len(questions),
        "answerable": len(answerable),
        "articles": full.stats().articles,
        "passages": full.stats().passages,
        "settings": json.loads(settings.model_dump_json(exclude={"home", "chroma_url"})),
        "retrieval": {},
    }
    k = 10
    report["retrieval"]["newsdesk"] = score_retrieval(
        lambda q: [h.text for h in full.search(q, k=k)], answerable
    ).as_dict()
    if ablations:
        report["ablations"] = _ablations(full, answerable, k)
    if baselines:
        chunks = chunk_articles(data.article_files(data_dir, selected))
        log(f"baselines: {len(chunks)} RecursiveCharacterTextSplitter(1000, 200) chunks")
        started = time.perf_counter()
        dense = DenseBaseline(chunks, embedder, work / f"baseline-{_store_key(settings, selected)}")
        log(f"dense baseline ready ({time.perf_counter() - started:.0f}s)")
        report["retrieval"]["dense baseline"] = score_retrieval(dense.search, answerable).as_dict()
        bm25 = BM25Baseline(chunks)
        report["retrieval"]["bm25 baseline"] = score_retrieval(bm25.search, answerable).as_dict()

    report["answers"] = _answers(full, answerable)
    if len(selected) >= 2:
        report["abstention"] = _abstention(data_dir, work, settings, embedder, selected, log)
    return report


ABLATIONS: dict[str, dict[str, Any]] = {
    "dense only": {"mode": "dense", "rerank": False, "max_per_article": 0},
    "lexical only": {"mode": "lexical", "rerank": False, "max_per_article": 0},
    "hybrid (rrf)": {"mode": "hybrid", "rerank": False, "max_per_article": 0},
    "hybrid+diversity": {"mode": "hybrid", "rerank": False, "max_per_article": 2},
    "hybrid+rerank": {"mode": "hybrid", "rerank": True, "max_per_article": 0},
    "dense+rerank": {"mode": "dense", "rerank": True, "max_per_article": 0},
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


def _answers(bot: Assistant, answerable: list[data.Question]) -> dict[str, Any]:
    """Multiple-choice accuracy and latency of the extractive engine on answerable questions."""
    correct = answered = 0
    latencies: list[float] = []
    for q in answerable:
        started = time.perf_counter()
        answer = bot.ask(q.text, choices=list(q.choices))
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.choice is not None:
            answered += 1
            correct += answer.choice == q.answer
    _, free_latencies = _confidences(bot, answerable, with_choices=False)
    n = max(len(answerable), 1)
    return {
        "extractive": {
            "mc_accuracy": round(correct / n, 4),
            "mc_answered": round(answered / n, 4),
            "mc_accuracy_when_answered": round(correct / max(answered, 1), 4),
            "ask_choices_p50_ms": round(percentile(latencies, 50), 1),
            "ask_p50_ms": round(percentile(free_latencies, 50), 1),
            "ask_p95_ms": round(percentile(free_latencies, 95), 1),
        }
    }


def _abstention(
    data_dir: Path,
    work: Path,
    settings: Settings,
    embedder: SentenceEmbedder,
    selected: list[str],
    log: Log,
) -> dict[str, Any]:
    halves = [selected[: len(selected) // 2], selected[len(selected) // 2 :]]
    signals: list[dict[str, tuple[list[float], list[float]]]] = []
    for i, own in enumerate(halves):
        other = halves[1 - i]
        bot = _open(
            work, f"half-{i + 1}", settings, embedder, data.article_files(data_dir, own), log
        )
        texts = data.article_texts(data_dir, own)
        inside = data.answerable(data.questions(data_dir, own), texts)
        outside_all = data.questions(data_dir, other)
        held = {q.id for q in data.answerable(outside_all, texts)}
        outside = [q for q in outside_all if q.id not in held]
        signals.append(
            {
                mode: (
                    _confidences(bot, inside, mode == "choices")[0],
                    _confidences(bot, outside, mode == "choices")[0],
                )
                for mode in ("free", "choices")
            }
        )
        log(f"half {i + 1}: {len(inside)} answerable, {len(outside)} out-of-corpus questions")
    result: dict[str, Any] = {"halves": [",".join(h) for h in halves]}
    for mode in ("free", "choices"):
        held_out = {"answered_answerable": 0.0, "declined_out_of_corpus": 0.0}
        counts = [0, 0]
        thresholds = []
        for i in range(2):
            threshold = calibrate(*signals[i][mode])
            thresholds.append(round(threshold, 4))
            answerable_conf, outside_conf = signals[1 - i][mode]
            r = rates(answerable_conf, outside_conf, threshold)
            held_out["answered_answerable"] += r["answered_answerable"] * len(answerable_conf)
            held_out["declined_out_of_corpus"] += r["declined_out_of_corpus"] * len(outside_conf)
            counts[0] += len(answerable_conf)
            counts[1] += len(outside_conf)
        pooled_in = signals[0][mode][0] + signals[1][mode][0]
        pooled_out = signals[0][mode][1] + signals[1][mode][1]
        pooled = calibrate(pooled_in, pooled_out)
        result[mode] = {
            "answerable": counts[0],
            "out_of_corpus": counts[1],
            "held_out_answered_answerable": round(
                held_out["answered_answerable"] / max(counts[0], 1), 4
            ),
            "held_out_declined_out_of_corpus": round(
                held_out["declined_out_of_corpus"] / max(counts[1], 1), 4
            ),
            "thresholds_per_half": thresholds,
            "pooled_threshold": round(pooled, 4),
            "pooled_rates": rates(pooled_in, pooled_out, pooled),
            "current_setting_rates": rates(
                pooled_in,
                pooled_out,
                settings.answer.min_relevance if mode == "free" else settings.answer.min_support,
            ),
        }
    return result


def format_report(report: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    lines = [
        f"RealTimeQA weeks {', '.join(report['weeks'])}: {report['articles']} articles, "
        f"{report['passages']} passages; {report['answerable']} of {report['questions']} "
        "questions answerable",
        "",
        f"{'system':<20}{'hits@1':>8}{'hits@5':>8}{'hits@10':>9}{'mrr@10':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}",
    ]
    rows = list(report["retrieval"].items()) + [
        (f"  {name}", r) for name, r in report.get("ablations", {}).items()
    ]
    for name, r in rows:
        lines.append(
            f"{name:<20}{r['hits@1']:>8.3f}{r['hits@5']:>8.3f}{r['hits@10']:>9.3f}"
            f"{r['mrr@10']:>8.3f}{r['search_p50_ms']:>9.1f}{r['search_p95_ms']:>9.1f}"
        )
    ours = report["retrieval"]["newsdesk"]
    base = report["retrieval"].get("dense baseline")
    if base:
        lines.append(
            "vs dense baseline: "
            + ", ".join(
                f"{m} {100 * (ours[m] - base[m]):+.1f} pts (x{ours[m] / base[m]:.2f})"
                for m in ("hits@1", "hits@5", "hits@10", "mrr@10")
                if base[m]
            )
        )
    ex = report["answers"]["extractive"]
    lines += [
        "",
        f"extractive multiple choice: accuracy {ex['mc_accuracy']:.3f} "
        f"(answered {ex['mc_answered']:.3f}, accuracy when answered "
        f"{ex['mc_accuracy_when_answered']:.3f}); ask p50 {ex['ask_p50_ms']:.0f} ms, "
        f"p95 {ex['ask_p95_ms']:.0f} ms; with choices p50 {ex['ask_choices_p50_ms']:.0f} ms",
    ]
    ab = report.get("abstention")
    if ab:
        for mode in ("free", "choices"):
            a = ab[mode]
            lines.append(
                f"abstention ({mode}, threshold from the other half): answered "
                f"{a['held_out_answered_answerable']:.3f} of {a['answerable']} answerable, "
                f"declined {a['held_out_declined_out_of_corpus']:.3f} of {a['out_of_corpus']} "
                f"out-of-corpus; pooled threshold {a['pooled_threshold']}"
            )
    return "\n".join(lines)
