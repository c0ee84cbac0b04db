"""The reader's speed/quality curve: rerank depth and weight on both RealTimeQA splits.

Usage: python studies/reader_curve.py TUNING_DIR CONFIRMATION_DIR [--work DIR] [--json OUT]

Opens (or builds) the same full-split stores as `newsdesk eval realtimeqa --work DIR`. For each
answerable question it takes today's top 40 (the pipeline with the reader off), has the reader
read all of them once, and then scores, without asking again, every rerank depth and weight:
the top ``depth`` passages get ``weight`` x the reader's logit added to their score
("alone": ordered by the reader's logit only). Hits@1 / Hits@10 / MRR@10 as the eval
counts them. Then the reader's time per question at each depth (fresh readings, p50/p95 ms),
and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import platformdirs  # noqa: E402

from assistant.evaluation import data  # noqa: E402
from assistant.evaluation.memo import MemoEmbedder  # noqa: E402
from assistant.evaluation.metrics import percentile  # noqa: E402
from assistant.evaluation.stores import open_store as _open  # noqa: E402
from assistant.reader.model import WEIGHTS, Reader  # noqa: E402
from assistant.reader.reading import PassageReader, best  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DEPTHS = (0, 5, 8, 10, 12, 15, 20, 30, 40)
WEIGHTS_TRIED = (0.025, 0.05, 0.1, 0.2, 0.4, None)  # None: the reader alone


def rank_of(
    rows: list[tuple[float, float, bool, str]], depth: int, weight: float | None
) -> int | None:
    """Rank (0-based, top ten, two passages an article) of the first answer-bearing passage."""
    head, rest = rows[:depth], rows[depth:]
    if weight is None:
        head = sorted(head, key=lambda r: -r[1])
    else:
        head = sorted(head, key=lambda r: -(r[0] + weight * r[1]))
    per: dict[str, int] = {}
    kept = []
    for r in head + rest:
        if per.get(r[3], 0) < 2:
            per[r[3]] = per.get(r[3], 0) + 1
            kept.append(r)
    return next((i for i, r in enumerate(kept[:10]) if r[2]), None)


def figures(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    found = [r for r in ranks if r is not None]
    return {"hits@1": round(sum(r == 0 for r in found) / n, 3), "hits@10": round(len(found) / n, 3),
            "mrr@10": round(sum(1 / (r + 1) for r in found) / n, 3)}  # fmt: skip


def split(data_dir: Path, work: Path, folder: Path) -> dict:
    settings = Settings(reader={"enabled": False})
    ix = settings.index
    embedder = MemoEmbedder(
        work / "vectors.sqlite3", ix.model, ix.device, ix.precision, ix.batch_size
    )
    weeks = data.weeks(data_dir)
    bot = _open(work, "full", settings, embedder, data.article_files(data_dir, weeks), print)
    items = data.answerable(data.questions(data_dir, weeks), data.article_texts(data_dir, weeks))
    reader = PassageReader(Reader(folder).load(), remember=1000)
    table: list[list[tuple[float, float, bool, str]]] = []
    for q in items:
        hits = bot.search(q.text, k=40)
        reading = reader.read(q.text, hits)
        table.append([(h.score, best(reading, h.passage_id), data.contains(h.text, q.correct),
                       h.article_id) for h in hits])  # fmt: skip
    curve = {}
    for depth in DEPTHS:
        for weight in WEIGHTS_TRIED if depth else (0.0,):
            name = f"depth {depth}, weight {'alone' if weight is None else weight}"
            curve[name] = figures([rank_of(rows, depth, weight) for rows in table])
    timing = {}
    for depth in DEPTHS[1:]:
        fresh = PassageReader(reader.model, remember=1)
        ms = []
        for q in items[:60]:
            hits = bot.search(q.text, k=depth)
            started = time.perf_counter()
            fresh.read(q.text, hits[:depth])
            ms.append((time.perf_counter() - started) * 1000)
        timing[depth] = {"p50_ms": round(percentile(ms, 50)), "p95_ms": round(percentile(ms, 95))}
    return {"split": data_dir.name, "answerable": len(items), "curve": curve, "reader_ms": timing}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs=2, type=Path)
    parser.add_argument(
        "--work", type=Path, default=platformdirs.user_cache_path("newsdesk") / "eval"
    )
    parser.add_argument("--reader", type=Path, default=WEIGHTS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reports = [split(d, args.work, args.reader) for d in args.dirs]
    names = list(reports[0]["curve"])
    print(f"load average: {os.getloadavg()}")
    print(f"{'':34}" + "".join(f"{r['split']:>26}" for r in reports))
    print(f"{'':34}" + "   Hits@1 Hits@10 MRR@10   " * len(reports))
    for name in names:
        cells = "".join(
            "   {hits@1:6.3f} {hits@10:7.3f} {mrr@10:6.3f}   ".format(**r["curve"][name])
            for r in reports
        )
        print(f"{name:34}{cells}")
    for r in reports:
        print(f"{r['split']} reader time per question by depth: {r['reader_ms']}")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
