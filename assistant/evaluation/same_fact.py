"""The same fact in other words: short reports of one local event by several newsrooms.

A development set written for newsdesk (``tests/data/same_fact/clusters.jsonl``; invented
events, no real outlet): it shows whether the research desk sets a report giving nine injured
against one giving fourteen, backs "fourteen injured" restated in other words, and keeps
figures for different things under one noun apart. It is a development set: the rules were
written while reading it, so its figures are reported but prove nothing alone.

Format: one JSON object a line, a cluster of two to five reports of one event::

    {"id": "vellport-footbridge",
     "reports": [{"outlet": "Meridian Wire", "style": "wire", "text": "..."}, ...],
     "pairs": [{"claim": "a sentence of reports[claim_report]", "claim_report": 0,
                "report": 1, "label": "conflict", "kind": "figure-differs",
                "reason": "14 injured against 9 injured"}, ...]}

``style`` is wire, local, broadcaster or state. ``label`` is how ``report`` stands to the
claim: ``support`` (it states the claim, with the claim's figure if it has one),
``conflict`` (it gives the claim's slot another value, says the opposite, calls a stated cause
undetermined, or reports damage or harm the claim says did not happen) or ``no-position``
(the same event without backing or contradicting the claim, including a report that tells the
story without the claim's figure). ``kind`` names the case (figure-differs, words-vs-digits,
rounding, restated, cause-vs-undetermined, unaffected-vs-damage, denial, denial-vs-report,
different-things, figure-missing, same-topic); ``reason`` is the author's why.

Each pair goes through the code path of corroboration (``corroborate.weigh``: ``stance.judge``
on the claim against the report's sentences at least ``CONSIDERED_SIMILARITY`` close, with the
embedder's similarities, then support only with a sentence that repeats the claim by the
rules): agree -> support, conflict -> conflict, same topic or unrelated -> no-position. Two
others run on the same pairs and vectors: the former gate (``judge(gate="cosine")``: a rule's
conflict only on a sentence with cosine >= 0.70, the model before the slot rules' support;
the slot reading itself is today's) and cosine bands (best sentence
similarity >= 0.70 support, else no-position; it never says conflict).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.research.claims import AGREE_SIMILARITY, names_in, read
from assistant.research.corroborate import CONSIDERED_SIMILARITY, weigh
from assistant.research.stance import Gate
from index.embed import SentenceEmbedder
from index.sentences import split_sentences

LABELS = ("support", "conflict", "no-position")
TO_LABEL = {
    "agree": "support",
    "conflict": "conflict",
    "related": "no-position",
    "unrelated": "no-position",
}
DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "same_fact" / "clusters.jsonl"


@dataclass
class Pair:
    """One labelled pair: a claim sentence and another outlet's report of the same event."""

    cluster: str
    claim: str
    source: str  # the text of the claim's report
    outlet: str
    report: str
    label: str
    kind: str
    reason: str
    sentences: list[str] = field(default_factory=list)
    similarities: list[float] = field(default_factory=list)


def load(path: Path = DATA) -> tuple[int, list[Pair]]:
    """The number of clusters and every labelled pair of the set at ``path``."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass the clusters.jsonl of the set")
    pairs, clusters = [], 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        clusters += 1
        reports = row["reports"]
        for p in row["pairs"]:
            source, other = reports[p["claim_report"]], reports[p["report"]]
            if p["claim"] not in source["text"] or p["label"] not in LABELS:
                raise ValueError(f"{path}:{n}: a claim not in its report, or an unknown label")
            pairs.append(
                Pair(
                    row["id"],
                    p["claim"],
                    source["text"],
                    other["outlet"],
                    other["text"],
                    p["label"],
                    p["kind"],
                    p["reason"],
                )
            )
    return clusters, pairs


def embed(pairs: list[Pair], embedder: SentenceEmbedder) -> None:
    """Split each report into sentences and give each its similarity to the pair's claim."""
    for p in pairs:
        p.sentences = [p.report[s:e] for s, e in split_sentences(p.report)] or [p.report]
    texts = sorted({t for p in pairs for t in [p.claim, *p.sentences]})
    vectors = dict(zip(texts, embedder.encode(texts), strict=True))
    for p in pairs:
        p.similarities = [float(vectors[s] @ vectors[p.claim]) for s in p.sentences]


def predict(pair: Pair, system: str) -> str:
    """The label ``system`` gives a pair: newsdesk, former_gate or cosine_bands."""
    if system == "cosine_bands":
        return "support" if max(pair.similarities) >= AGREE_SIMILARITY else "no-position"
    read_ = [
        (s, x)
        for s, x in zip(pair.sentences, pair.similarities, strict=True)
        if x >= CONSIDERED_SIMILARITY
    ]  # as corroboration reads a report
    if not read_:
        return "no-position"
    gate: Gate = "cosine" if system == "former_gate" else "slots"
    sentences, similarities = [s for s, _ in read_], [x for _, x in read_]
    names = (names_in(pair.source), names_in(pair.report))
    outcome, _, _ = weigh(read(pair.claim), sentences, similarities, gate=gate, names=names)
    return TO_LABEL[outcome]


def summary(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, per-label precision and recall, and the confusion (rows gold)."""
    both = list(zip(gold, predicted, strict=True))
    confusion = Counter(both)
    out: dict = {"accuracy": round(sum(g == p for g, p in both) / len(both), 3)}
    for label in LABELS:
        flagged = sum(p == label for _, p in both)
        right = confusion[(label, label)]
        out[label] = {
            "precision": round(right / flagged, 3) if flagged else None,
            "recall": round(right / gold.count(label), 3) if gold.count(label) else None,
            "flagged": flagged,
        }
    out["confusion"] = {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS}
    return out


def run(
    embedder: SentenceEmbedder, path: Path = DATA, log: Callable[[str], None] = lambda _: None
) -> dict:
    """Measure newsdesk, the former gate and cosine bands on the set, in one pass."""
    clusters, pairs = load(path)
    log(f"same fact: {clusters} clusters, {len(pairs)} pairs; embedding")
    embed(pairs, embedder)
    gold = [p.label for p in pairs]
    report: dict = {
        "data": str(path),
        "clusters": clusters,
        "pairs": len(pairs),
        "labels": dict(Counter(gold)),
    }
    for system in ("newsdesk", "former_gate", "cosine_bands"):
        predicted = [predict(p, system) for p in pairs]
        report[system] = summary(gold, predicted)
        if system == "newsdesk":
            kinds: dict[str, list[int]] = {}
            for p, guess in zip(pairs, predicted, strict=True):
                kinds.setdefault(p.kind, []).append(int(guess == p.label))
            report["newsdesk_by_kind"] = {k: f"{sum(v)}/{len(v)}" for k, v in sorted(kinds.items())}
            report["newsdesk_errors"] = [
                {
                    "cluster": p.cluster,
                    "claim": p.claim,
                    "outlet": p.outlet,
                    "gold": p.label,
                    "predicted": guess,
                    "kind": p.kind,
                }
                for p, guess in zip(pairs, predicted, strict=True)
                if guess != p.label
            ]
    return report


def format_report(report: dict) -> str:
    """The report as a few readable lines."""
    lines = [
        f"Same fact, other words: {report['clusters']} clusters, {report['pairs']} pairs "
        f"({', '.join(f'{k} {v}' for k, v in report['labels'].items())})"
    ]
    for system in ("newsdesk", "former_gate", "cosine_bands"):
        r = report[system]
        cells = "  ".join(
            f"{label} P {_num(r[label]['precision'])} R {_num(r[label]['recall'])}"
            for label in LABELS
        )
        lines.append(f"{system:13} accuracy {r['accuracy']:.3f}  {cells}")
    lines.append("newsdesk confusion (rows gold, columns predicted: " + ", ".join(LABELS) + ")")
    for g in LABELS:
        row = report["newsdesk"]["confusion"][g]
        lines.append(f"  {g:12} " + " ".join(f"{row[p]:5d}" for p in LABELS))
    lines.append(
        "newsdesk right by kind: "
        + ", ".join(f"{k} {v}" for k, v in report["newsdesk_by_kind"].items())
    )
    return "\n".join(lines)


def _num(x: float | None) -> str:
    return "  - " if x is None else f"{x:.2f}"
