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

import json
import time
from pathlib import Path
from typing import Any

from assistant.evaluation import data
from assistant.evaluation.abstention import abstention
from assistant.evaluation.baselines import BM25Baseline, DenseBaseline, chunk_articles
from assistant.evaluation.memo import MemoEmbedder
from assistant.evaluation.metrics import (
    RetrievalScores,
    compare,
    percentile,
    score_retrieval,
)
from assistant.evaluation.stores import Log, open_store, store_key
from assistant.service import Assistant
from assistant.settings import Settings


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

    full = open_store(work, "full", settings, embedder, data.article_files(data_dir, selected), log)
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
    if full.reader is not None:  # today's order without the reader, in the same run
        unread = _without_reader(full, answerable, k)
        report["retrieval"]["newsdesk, reader off"] = unread.as_dict()
        report["paired_reader"] = compare(ours, unread)
    if ablations:
        report["ablations"] = _ablations(full, answerable, k)
    if baselines:
        _baselines(report, data.article_files(data_dir, selected), work, settings, embedder,
                   (ours, answerable), log)  # fmt: skip
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
    full = open_store(work, "full", settings, embedder, data.article_files(data_dir, selected), log)
    report["answers"] = _answers(full, questions, answerable)
    log(f"{report['split']}: answers {report['answers']}")
    if len(selected) >= 2:
        report["abstention"] = abstention(data_dir, work, settings, embedder, selected, log, dated)
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


def _baselines(
    report: dict[str, Any], files: list[Path], work: Path, settings: Settings,
    embedder: MemoEmbedder, scored: tuple[RetrievalScores, list[data.Question]], log: Log,
) -> None:  # fmt: skip
    """The LangChain tutorial pipeline and BM25 on the same articles, paired with ``ours``."""
    ours, answerable = scored
    chunks = chunk_articles(files)
    log(f"baselines: {len(chunks)} RecursiveCharacterTextSplitter(1000, 200) chunks")
    started = time.perf_counter()
    embedder.remember = True
    key = store_key(settings, [f.name.removesuffix("_gcs.jsonl") for f in files])
    dense = DenseBaseline(chunks, embedder, work / f"baseline-{key}")
    embedder.remember = False
    log(f"dense baseline ready ({time.perf_counter() - started:.0f}s)")
    tutorial = score_retrieval(dense.search, answerable)
    report["retrieval"]["tutorial"] = tutorial.as_dict()
    report["paired"] = compare(ours, tutorial)
    bm25 = BM25Baseline(chunks)
    report["retrieval"]["bm25"] = score_retrieval(bm25.search, answerable).as_dict()


def _without_reader(bot: Assistant, answerable: list[data.Question], k: int) -> RetrievalScores:
    reader, bot.reader = bot.reader, None
    try:
        return score_retrieval(lambda q: [h.text for h in bot.search(q, k=k)], answerable)
    finally:
        bot.reader = reader


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
