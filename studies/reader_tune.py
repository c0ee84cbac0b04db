"""The reader's weights in the quoted sentence and in multiple choice, on both RealTimeQA splits.

Usage: python studies/reader_tune.py TUNING_DIR CONFIRMATION_DIR [--work DIR] [--json OUT]

On the full-split stores of `newsdesk eval realtimeqa --work DIR`, with the default rerank:
- the answer-sentence rate (the quoted sentences of a free-form answer, never declining, hold
  the correct choice) for each ``reader.sentence_weight``;
- multiple-choice accuracy for each ``reader.choice_weight``.
Each question is asked as of the day it was asked, as the eval does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import platformdirs  # noqa: E402

from assistant.evaluation import data  # noqa: E402
from assistant.evaluation.memo import MemoEmbedder  # noqa: E402
from assistant.evaluation.stores import open_store  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SENTENCE_WEIGHTS = (0.0, 0.05, 0.15)
CHOICE_WEIGHTS = (0.0, 0.05)


def set_reader(bot: Assistant, **change: float) -> None:
    bot.settings.reader = bot.settings.reader.model_copy(update=change)
    if bot.reader is not None:
        bot.reader = replace(bot.reader, settings=bot.settings.reader)


def split(data_dir: Path, work: Path, settings: Settings) -> dict:
    ix = settings.index
    embedder = MemoEmbedder(
        work / "vectors.sqlite3", ix.model, ix.device, ix.precision, ix.batch_size
    )
    weeks = data.weeks(data_dir)
    bot = open_store(work, "full", settings, embedder, data.article_files(data_dir, weeks), print)
    questions = data.questions(data_dir, weeks, dated=True)
    answerable = data.answerable(questions, data.article_texts(data_dir, weeks))
    sentence = {}
    for w in SENTENCE_WEIGHTS:
        set_reader(bot, sentence_weight=w)
        held = sum(
            any(
                data.contains(c.quote, q.correct)
                for c in bot.ask(q.text, q.filters, abstain=False).citations
            )
            for q in answerable
        )
        sentence[w] = round(held / len(answerable), 4)
        print(data_dir.name, "sentence_weight", w, sentence[w], flush=True)
    set_reader(bot, sentence_weight=Settings().reader.sentence_weight)
    choice = {}
    for w in CHOICE_WEIGHTS:
        set_reader(bot, choice_weight=w)
        right = sum(
            bot.ask(q.text, q.filters, choices=list(q.choices), abstain=False).choice == q.answer
            for q in questions
        )
        choice[w] = round(right / len(questions), 4)
        print(data_dir.name, "choice_weight", w, choice[w], flush=True)
    return {"split": data_dir.name, "answer_sentence_rate": sentence, "mc_accuracy": choice}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs=2, type=Path)
    parser.add_argument(
        "--work", type=Path, default=platformdirs.user_cache_path("newsdesk") / "eval-realtimeqa"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rerank-weight", type=float, default=None)
    args = parser.parse_args()
    change = {} if args.rerank_weight is None else {"reader": {"rerank_weight": args.rerank_weight}}
    reports = [split(d, args.work, Settings(**change)) for d in args.dirs]
    print(f"load average: {os.getloadavg()}")
    for key in ("answer_sentence_rate", "mc_accuracy"):
        for r in reports:
            print(r["split"], key, r[key])
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
