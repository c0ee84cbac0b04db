"""Stance on FNC-1 (Fake News Challenge, stage 1): headline against article body.

Human-labelled news pairs, kept outside the project (train_bodies.csv, train_stances.csv,
competition_test_bodies.csv, competition_test_stances.csv). newsdesk's judgement of a body
towards its headline (``assistant.research.stance.judge``, the same code that checks a cited
sentence against other outlets) is mapped to FNC labels: conflict -> disagree, corroborates ->
agree, same topic without a position -> discuss, nothing -> unrelated. Two trivial baselines run
in the same pass on the same pairs and embedder: cosine bands at newsdesk's thresholds (best
sentence similarity >= 0.70 agree, >= 0.55 discuss, else unrelated) and "always discuss".


The FNC score gives 0.25 for telling related from unrelated and 0.75 more for the exact label of
a related pair; it is reported relative to the maximum on the same pairs.
"""

from __future__ import annotations

import csv
import pickle
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.research.claims import AGREE_SIMILARITY, RELATED_SIMILARITY, Facts, read
from assistant.research.stance import FEATURES, LABELS, features, judge
from index.embed import SentenceEmbedder
from index.sentences import split_sentences

FNC = ("agree", "disagree", "discuss", "unrelated")
TO_FNC = {"agree": "agree", "conflict": "disagree", "related": "discuss", "unrelated": "unrelated"}
SPLITS = {"train": "train", "test": "competition_test"}
MAX_SENTENCES = 40  # sentences of a body read (FNC bodies run to a few hundred words)


@dataclass
class Pair:
    """One labelled headline/body pair, read and embedded."""

    headline: str
    body_id: str
    gold: str
    claim: Facts | None = None
    sentences: list[Facts] | None = None
    similarities: list[float] | None = None


def load(data_dir: Path, split: str) -> tuple[list[Pair], dict[str, str]]:
    """Pairs and bodies of one FNC-1 split (``train`` or ``test``)."""
    prefix = SPLITS[split]
    stances, bodies = data_dir / f"{prefix}_stances.csv", data_dir / f"{prefix}_bodies.csv"
    for path in (stances, bodies):
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: DATA_DIR must hold the FNC-1 csv files")
    with bodies.open(encoding="utf-8") as handle:
        texts = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(handle)}
    with stances.open(encoding="utf-8") as handle:
        pairs = [Pair(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(handle)]
    return pairs, texts


def stratified(pairs: list[Pair], n: int, seed: int) -> list[Pair]:
    """Up to ``n`` pairs, as many of each label as there are (fixed seed)."""
    rng = random.Random(seed)
    by_label: dict[str, list[Pair]] = {}
    for p in pairs:
        by_label.setdefault(p.gold, []).append(p)
    out = []
    for label in FNC:
        group = by_label.get(label, [])
        out += rng.sample(group, min(len(group), n // len(FNC)))
    rng.shuffle(out)
    return out


def embed(pairs: list[Pair], bodies: dict[str, str], embedder: SentenceEmbedder) -> None:
    """Read and embed each pair's headline and body sentences (each body once)."""
    sentences: dict[str, list[str]] = {}
    for p in pairs:
        if p.body_id not in sentences:
            text = bodies[p.body_id]
            spans = split_sentences(text)[:MAX_SENTENCES]
            sentences[p.body_id] = [text[s:e] for s, e in spans] or [text[:500]]
    ids = list(sentences)
    flat = [s for i in ids for s in sentences[i]]
    vectors = embedder.encode(flat) if flat else np.zeros((0, 1))
    by_body, cursor = {}, 0
    for i in ids:
        by_body[i] = vectors[cursor : cursor + len(sentences[i])]
        cursor += len(sentences[i])
    facts = {i: [read(s) for s in sentences[i]] for i in ids}
    heads = sorted({p.headline for p in pairs})
    head_vectors = dict(zip(heads, embedder.encode(heads), strict=True))
    for p in pairs:
        p.claim = read(p.headline)
        p.sentences = facts[p.body_id]
        p.similarities = [float(x) for x in by_body[p.body_id] @ head_vectors[p.headline]]


def fnc_score(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    """(score, maximum) of the FNC-1 metric."""
    score = maximum = 0.0
    for g, p in zip(gold, predicted, strict=True):
        maximum += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
        if g == p and g != "unrelated":
            score += 0.75
    return score, maximum


def summary(gold: list[str], predicted: list[str], prior: dict[str, float]) -> dict:
    """Confusion matrix, accuracy, relative FNC score, precision and recall of disagree.

    ``prior`` is each label's share in the whole split: the precision of "disagree" is also
    given at the split's own mix (the sample is stratified, so disagree is over-represented).
    """
    score, maximum = fnc_score(gold, predicted)
    confusion = Counter(zip(gold, predicted, strict=True))
    sample = Counter(gold)
    flagged = [g for g, p in zip(gold, predicted, strict=True) if p == "disagree"]
    right = sum(g == "disagree" for g in flagged)
    weight = {k: prior.get(k, 0.0) / (sample[k] / len(gold)) for k in sample}
    weighted = sum(weight[g] for g in flagged)
    return {
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4),
        "fnc_score": round(score / maximum, 4),
        "conflict_flagged": len(flagged),
        "conflict_precision": round(right / len(flagged), 4) if flagged else None,
        "conflict_precision_at_split_mix": (
            round(right * weight["disagree"] / weighted, 4) if weighted else None
        ),
        "conflict_recall": round(right / sample["disagree"], 4) if sample["disagree"] else None,
        "confusion": {g: {p: confusion[(g, p)] for p in FNC} for g in FNC},
    }


def cosine_band(pair: Pair) -> str:
    """The cosine baseline: best sentence similarity in bands at newsdesk's thresholds."""
    best = max(pair.similarities or [0.0])
    if best >= AGREE_SIMILARITY:
        return "agree"
    return "discuss" if best >= RELATED_SIMILARITY else "unrelated"


def run(
    data_dir: Path,
    split: str,
    n: int,
    seed: int,
    embedder: SentenceEmbedder,
    log: Callable[[str], None] = lambda _: None,
    cache: Path | None = None,
) -> dict:
    """Measure newsdesk and the two baselines on a stratified sample of ``split``.

    ``cache`` keeps the read and embedded sample (a pickle this run writes and later runs with
    the same split, size and seed reuse), so the model can be re-measured without re-embedding.
    """
    pairs, bodies = load(data_dir, split)
    counts = Counter(p.gold for p in pairs)
    prior = {k: v / len(pairs) for k, v in counts.items()}
    key = cache / f"fnc-{split}-{n}-{seed}.pickle" if cache else None
    if key and key.is_file():
        chosen = pickle.loads(key.read_bytes())  # written by this function
    else:
        chosen = stratified(pairs, n, seed)
        log(f"stance: {len(chosen)} of {len(pairs)} {split} pairs; reading and embedding bodies")
        embed(chosen, bodies, embedder)
        if key:
            key.parent.mkdir(parents=True, exist_ok=True)
            key.write_bytes(pickle.dumps(chosen))
    gold = [p.gold for p in chosen]
    ours = [TO_FNC[judge(p.claim, p.sentences, p.similarities).outcome] for p in chosen]  # type: ignore[arg-type]
    return {
        "data": str(data_dir),
        "split": split,
        "pairs": len(chosen),
        "seed": seed,
        "mapping": TO_FNC,
        "newsdesk": summary(gold, ours, prior),
        "cosine_baseline": summary(gold, [cosine_band(p) for p in chosen], prior),
        "always_discuss": summary(gold, ["discuss"] * len(chosen), prior),
    }


def vectors(pairs: list[Pair]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and label indices (``stance.LABELS`` order) of embedded pairs."""
    to_ours = {v: k for k, v in TO_FNC.items()}
    x = np.stack([features(p.claim, p.sentences, p.similarities)[0] for p in pairs])  # type: ignore[arg-type]
    y = np.asarray([LABELS.index(to_ours[p.gold]) for p in pairs])
    return x, y


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 3000) -> dict:
    """Class-balanced multinomial logistic regression by gradient descent (numpy only)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    k = len(LABELS)
    onehot = np.eye(k)[y]
    counts = np.bincount(y, minlength=k).astype(float)
    weight = (len(y) / (k * np.maximum(counts, 1)))[y]
    coef, intercept = np.zeros((k, x.shape[1])), np.zeros(k)
    for _ in range(steps):
        logits = z @ coef.T + intercept
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot) * weight[:, None] / len(y)
        coef -= 0.5 * (grad.T @ z + l2 * coef)
        intercept -= 0.5 * grad.sum(axis=0)
    return {
        "features": list(FEATURES),
        "labels": list(LABELS),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": coef.round(6).tolist(),
        "intercept": intercept.round(6).tolist(),
    }


def format_report(report: dict) -> str:
    """The report as a few readable lines."""
    lines = [f"FNC-1 {report['split']} split, {report['pairs']} pairs (seed {report['seed']})"]
    for name in ("newsdesk", "cosine_baseline", "always_discuss"):
        r = report[name]
        lines.append(
            f"{name:16} accuracy {r['accuracy']:.3f}  FNC score {r['fnc_score']:.3f}  "
            f"conflict precision {r['conflict_precision']}  (at split mix "
            f"{r['conflict_precision_at_split_mix']})  recall {r['conflict_recall']}"
        )
    lines.append("newsdesk confusion (rows gold, columns predicted: " + ", ".join(FNC) + ")")
    for g in FNC:
        row = report["newsdesk"]["confusion"][g]
        lines.append(f"  {g:10} " + " ".join(f"{row[p]:5d}" for p in FNC))
    return "\n".join(lines)
