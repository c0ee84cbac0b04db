"""Retrieval and abstention signals measured for issue 10, on both RealTimeQA splits.

Usage: python studies/signals.py TUNING_DIR CONFIRMATION_DIR [--work DIR] [--json OUT]

Opens (or builds) the same stores as `newsdesk eval realtimeqa --work DIR` and prints, per
split, how often a passage holding the answer is among the candidates at all (dense and BM25
alone at depths 10, 50 and 200, and the pool below), then Hits@1 / Hits@10 / MRR@10 of the default pipeline against:
- dense pseudo-relevance feedback (Rocchio: the question vector plus beta x the mean of the top
  m passages' vectors, searched again through the whole pipeline);
- extra rerank features added to cosine + 0.5 x BM25 (answer type, question words in the
  passage or its title, names and numbers held, the article's lead passage);
- the BM25 weight chosen by whether the question holds names or numbers;
- a learned rerank (logistic regression over eight features, trained on the tuning split and
  applied to the confirmation split; the tuning split's own figure is 4-fold cross-validated).
Then, for abstention on the half-libraries (as the eval builds them), the separation (ROC AUC)
of eleven per-question features between in-corpus and out-of-corpus questions, and a logistic
regression over them fitted on one split, thresholded to answer 0.90 there, applied to the other.
Candidates: the 80 best dense and 40 best BM25 passages, fused, copies collapsed; at most two
passages an article in the top ten, as in the product.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import platformdirs  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from assistant.engines.sentences import Query  # noqa: E402
from assistant.evaluation import data  # noqa: E402
from assistant.evaluation.memo import MemoEmbedder  # noqa: E402
from assistant.evaluation.stores import open_store as _open  # noqa: E402
from assistant.question.answertype import expected_type, terms, type_score  # noqa: E402
from assistant.retrieve import _collapse_copies, fuse, retrieve  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.types import Filters  # noqa: E402

Row = dict  # one question: its candidates (features, holds the answer, article id)
LEARNED = ["cos", "bmn", "key_x", "typ_x", "qcov", "tcov", "lead", "logrank"]
ABSTAIN = ["conf", "top", "gap", "s5", "fullkey10", "arts_half", "arts_terms", "tcov_top",
           "tcov_quote", "kcov_quote", "coh"]  # fmt: skip


def key_share(keys: list[set[str]], text: str) -> float:
    low = text.lower()
    return sum(1 for s in keys if any(k in low for k in s)) / len(keys) if keys else 1.0


def word_share(asked: set[str], text: str) -> float:
    return len(asked & terms(text)) / max(1, len(asked))


def candidates(bot: Assistant, q: data.Question) -> Row:
    lib, opts = bot.library, bot.settings.retrieval
    vector = lib.reader.encode([q.text])[0]
    fused = fuse([lib.dense(vector, 80, None, None, None),
                  lib.lexical(q.text, 40, None, None, None, opts.lexical_max_df)], opts.rrf_k)  # fmt: skip
    by_id = {c.match.passage_id: c for c in fused}
    hits = _collapse_copies(lib.hits([c.match for c in fused]))
    stored = lib.vectors([h.passage_id for h in hits if by_id[h.passage_id].dense is None])
    bm25 = lib.lexical_scores(q.text, [h.passage_id for h in hits if by_id[h.passage_id].lexical is None])  # fmt: skip
    asked, keys, kind = terms(q.text), Query.of(q.text).key_spellings(), expected_type(q.text)
    rows = []
    for rank, h in enumerate(hits):
        c = by_id[h.passage_id]
        found = stored.get(h.passage_id)
        cos = c.dense if c.dense is not None else float(found @ vector) if found is not None else 0.0  # fmt: skip
        rows.append(({
            "cos": cos, "bm": c.lexical if c.lexical is not None else bm25.get(h.passage_id, 0.0),
            "logrank": float(np.log1p(rank)), "qcov": word_share(asked, h.text),
            "tcov": word_share(asked, h.title or ""), "key_x": key_share(keys, h.text) if keys else 0.0,
            "typ_x": type_score(q.text, h.text, kind) if kind else 0.0,
            "lead": 1.0 if h.start == 0 else 0.0, "has_keys": bool(keys),
        }, data.contains(h.text, q.correct), h.article_id))  # fmt: skip
    top = max((f["bm"] for f, _, _ in rows), default=0.0) or 1.0
    for f, _, _ in rows:
        f["bmn"] = f["bm"] / top
    return {"cands": rows}


def ranked(row: Row, scores: np.ndarray) -> int | None:
    """Rank of the first answer-bearing passage in the top ten (two an article), or None."""
    per: dict[str, int] = {}
    kept = []
    for i in np.argsort(-scores, kind="stable"):
        article = row["cands"][i][2]
        if per.get(article, 0) < 2:
            per[article] = per.get(article, 0) + 1
            kept.append(i)
    return next((j for j, i in enumerate(kept[:10]) if row["cands"][i][1]), None)


def figures(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    found = [r for r in ranks if r is not None]
    return {"hits@1": round(sum(r == 0 for r in found) / n, 3),
            "hits@10": round(len(found) / n, 3),
            "mrr@10": round(sum(1 / (r + 1) for r in found) / n, 3)}  # fmt: skip


def score_with(extra: dict[str, float], names_weight: float | None = None) -> Callable:
    def score(row: Row) -> np.ndarray:
        out = []
        for f, _, _ in row["cands"]:
            weight = names_weight if names_weight is not None and f["has_keys"] else 0.5
            out.append(f["cos"] + weight * f["bmn"] + sum(w * f[k] for k, w in extra.items()))
        return np.array(out)

    return score


def matrix(row: Row, names: list[str]) -> np.ndarray:
    return np.array([[f[k] for k in names] for f, _, _ in row["cands"]], float)


def learn(rows: list[Row]) -> LogisticRegression:
    x = np.vstack([matrix(r, LEARNED) for r in rows])
    y = np.concatenate([[c[1] for c in r["cands"]] for r in rows])
    return LogisticRegression(max_iter=3000, class_weight="balanced").fit(x, y)


def prf(bot: Assistant, q: data.Question, m: int, beta: float) -> int | None:
    """Rank after searching again with question + beta x mean of the top m passage vectors."""
    lib, opts = bot.library, bot.settings.retrieval
    first = retrieve(lib, q.text, 10, Filters(), opts)
    reader, encode = lib.reader, lib.reader.encode
    vecs = lib.vectors([h.passage_id for h in first[:m]])
    vector = encode([q.text])[0] + beta * np.mean(list(vecs.values()), axis=0)
    reader.encode = lambda texts: np.array([vector / np.linalg.norm(vector)])  # type: ignore[method-assign]
    try:
        again = retrieve(lib, q.text, 10, Filters(), opts)
    finally:
        reader.encode = encode  # type: ignore[method-assign]
    return next((i for i, h in enumerate(again) if data.contains(h.text, q.correct)), None)


def depth(bot: Assistant, q: data.Question) -> dict[str, int | None]:
    """Rank of the first answer-bearing passage among the 200 best of dense and of BM25 alone."""
    lib = bot.library
    found = {
        "dense": lib.dense(lib.reader.encode([q.text])[0], 200, None, None, None),
        "bm25": lib.lexical(q.text, 200, None, None, None, 0),
    }
    return {
        side: next(
            (i for i, h in enumerate(lib.hits(ms)) if data.contains(h.text, q.correct)), None
        )
        for side, ms in found.items()
    }


def retrieval(bots: dict[str, Assistant], splits: dict[str, Path]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    rows, items = {}, {}
    for name, folder in splits.items():
        weeks = data.weeks(folder)
        items[name] = data.answerable(
            data.questions(folder, weeks), data.article_texts(folder, weeks)
        )
        rows[name] = [candidates(bots[name], q) for q in items[name]]
        ranks = [depth(bots[name], q) for q in items[name]]
        n = len(ranks) or 1
        table.setdefault("answer among the candidates (recall)", {})[name] = {
            f"{side}@{k}": round(
                sum(1 for r in ranks if r[side] is not None and r[side] < k) / n, 3
            )
            for side in ("dense", "bm25")
            for k in (10, 50, 200)
        } | {
            "pool (80 dense + 40 BM25)": round(
                sum(any(c[1] for c in r["cands"]) for r in rows[name]) / n, 3
            )
        }
        print(f"{name}: {len(rows[name])} answerable questions, candidates read", flush=True)
    variants: dict[str, Callable] = {"default (cosine + 0.5 x BM25)": score_with({})}
    for feature in ("typ_x", "qcov", "tcov", "key_x", "lead"):
        for w in (0.05, 0.1):
            variants[f"+ {w} x {feature}"] = score_with({feature: w})
    for w in (0.3, 0.8):
        variants[f"BM25 weight {w} when the question has names/numbers"] = score_with({}, w)
    for label, scorer in variants.items():
        table[label] = {n: figures([ranked(r, scorer(r)) for r in rs]) for n, rs in rows.items()}
    tuning, confirmation = list(splits)
    cv: list[int | None] = [None] * len(rows[tuning])
    for train, test in KFold(4).split(rows[tuning]):
        model = learn([rows[tuning][i] for i in train])
        for i in test:
            cv[i] = ranked(
                rows[tuning][i], model.decision_function(matrix(rows[tuning][i], LEARNED))
            )
    model = learn(rows[tuning])
    table["learned rerank (8 features, fitted on the tuning split)"] = {
        tuning: figures(cv),
        confirmation: figures([ranked(r, model.decision_function(matrix(r, LEARNED))) for r in rows[confirmation]]),
    }  # fmt: skip
    for m, beta in ((1, 0.3), (3, 0.3), (3, 0.6), (5, 0.5)):
        table[f"dense feedback: top {m}, beta {beta}"] = {
            n: figures([prf(bots[n], q, m, beta) for q in qs]) for n, qs in items.items()
        }
    return table


def abstention_features(bot: Assistant, q: data.Question, kind: str) -> dict:
    answer = bot.ask(q.text, q.filters, None, abstain=False)
    hits = bot.search(q.text, k=10)
    keys, asked = Query.of(q.text).key_spellings(), terms(q.text)
    vecs = bot.library.vectors([h.passage_id for h in hits[:5]])
    v = np.array(list(vecs.values()))
    quote = " ".join(c.quote for c in answer.citations)
    return {
        "in": kind == "in", "conf": answer.confidence,
        "top": hits[0].score if hits else 0.0,
        "gap": hits[0].score - hits[-1].score if hits else 0.0,
        "s5": float(np.mean([h.score for h in hits[:5]])) if hits else 0.0,
        "fullkey10": sum(key_share(keys, h.text) == 1.0 for h in hits),
        "arts_half": len({h.article_id for h in hits if key_share(keys, h.text) >= 0.5}),
        "arts_terms": len({h.article_id for h in hits if word_share(asked, h.text) >= 0.5}),
        "tcov_top": max((word_share(asked, h.text) for h in hits[:3]), default=0.0),
        "tcov_quote": word_share(asked, quote),
        "kcov_quote": key_share(keys, quote) if quote else 0.0,
        "coh": float(((v @ v.T).sum() - len(v)) / (len(v) * (len(v) - 1))) if len(v) > 1 else 0.0,
    }  # fmt: skip


def abstention(halves: dict[str, list[tuple[Assistant, list, list]]]) -> dict[str, dict]:
    feats = {
        name: [abstention_features(bot, q, kind)
               for bot, mine, foreign in parts
               for kind, qs in (("in", mine), ("out", foreign)) for q in qs]
        for name, parts in halves.items()
    }  # fmt: skip
    out: dict[str, dict] = {"auc": {}, "transfer": {}}
    for name, rows in feats.items():
        y = [r["in"] for r in rows]
        out["auc"][name] = {f: round(roc_auc_score(y, [r[f] for r in rows]), 3) for f in ABSTAIN}
    names = list(feats)
    for subset in (["conf"], ABSTAIN):
        for fit_on, apply_to in (names, names[::-1]):
            a, b = feats[fit_on], feats[apply_to]
            xa, ya = np.array([[r[f] for f in subset] for r in a]), np.array([r["in"] for r in a])
            xb, yb = np.array([[r[f] for f in subset] for r in b]), np.array([r["in"] for r in b])
            model = LogisticRegression(max_iter=3000, class_weight="balanced").fit(xa, ya)
            sa, sb = model.decision_function(xa), model.decision_function(xb)
            threshold = np.sort(sa[ya])[int(0.1 * ya.sum())]
            out["transfer"][f"{'+'.join(subset)}: fit on {fit_on}, applied to {apply_to}"] = {
                "answered": round(float((sb[yb] >= threshold).mean()), 3),
                "declined": round(float((sb[~yb] < threshold).mean()), 3),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tuning", type=Path)
    parser.add_argument("confirmation", type=Path)
    parser.add_argument("--work", type=Path, default=platformdirs.user_cache_path("newsdesk") / "eval-realtimeqa")  # fmt: skip
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings()
    ix = settings.index
    embedder = MemoEmbedder(args.work / "vectors.sqlite3", ix.model, ix.device, ix.precision, ix.batch_size)  # fmt: skip
    splits = {p.name: p for p in (args.tuning, args.confirmation)}
    bots, halves = {}, {}
    for name, folder in splits.items():
        weeks = data.weeks(folder)
        bots[name] = _open(args.work, "full", settings, embedder, data.article_files(folder, weeks), print)  # fmt: skip
        split = [weeks[: len(weeks) // 2], weeks[len(weeks) // 2 :]]
        halves[name] = []
        for i, own in enumerate(split):
            bot = _open(args.work, f"half-{i + 1}", settings, embedder, data.article_files(folder, own), print)  # fmt: skip
            texts = data.article_texts(folder, own)
            foreign = data.questions(folder, split[1 - i], True)
            held = {q.id for q in data.answerable(foreign, texts)}
            halves[name].append((bot, data.answerable(data.questions(folder, own, True), texts),
                                 [q for q in foreign if q.id not in held]))  # fmt: skip
    report = {"retrieval": retrieval(bots, splits), "abstention": abstention(halves)}
    names = list(splits)
    print(f"\n{'retrieval: Hits@1 / Hits@10 / MRR@10':62s}" + "".join(f"{n:>26s}" for n in names))
    recall = report["retrieval"].pop("answer among the candidates (recall)")
    for label, per in report["retrieval"].items():
        cells = ["{hits@1:.3f} / {hits@10:.3f} / {mrr@10:.3f}".format(**per[n]) for n in names]
        print(f"{label:62s}" + "".join(f"{c:>26s}" for c in cells))
    print("\nanswer among the candidates (recall):")
    for key in recall[names[0]]:
        print(f"  {key:30s}" + "".join(f"{recall[n][key]:>10.3f}" for n in names))
    report["recall"] = recall
    print("\nabstention: ROC AUC, in-corpus against out-of-corpus")
    for feature in ABSTAIN:
        print(f"  {feature:12s}" + "".join(f"{report['abstention']['auc'][n][feature]:>10.3f}" for n in names))  # fmt: skip
    print("logistic regression, threshold answering 0.90 where fitted:")
    for label, r in report["abstention"]["transfer"].items():
        print(f"  {label[:90]:90s} answered {r['answered']:.3f}  declined {r['declined']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
