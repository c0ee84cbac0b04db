"""Attribution on a labelled set: precision and recall per field.

Usage: python studies/attribution_eval.py [studies/data/attribution.jsonl] [--json OUT]

The set (written for this benchmark from the seed article and RealTimeQA articles, one sentence
or speaker-sentence + quote per line) labels the speaker (or none: the article's own voice), its
kind, whether the source is anonymous, and the hedges. A predicted speaker matches when one of the
two phrases contains the other (ignoring case, a leading "the" and punctuation).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.language.attribution import attribute  # noqa: E402


def norm(text: str | None) -> str:
    text = re.sub(r"[^\w\s-]", "", (text or "").lower()).strip()
    return text.removeprefix("the ").strip()


def same_speaker(predicted: str | None, gold: str | None) -> bool:
    a, b = norm(predicted), norm(gold)
    return bool(a) and bool(b) and (a in b or b in a)


def ratio(hit: int, total: int) -> float:
    return round(hit / total, 3) if total else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "data", nargs="?", type=Path, default=ROOT / "studies/data/attribution.jsonl"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", action="store_true", help="Print every miss.")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]

    counts: Counter[str] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    for row in rows:
        got = attribute(row["text"])
        gold_speaker, gold_kind = row["speaker"], row["kind"]
        counts["gold_attributed"] += gold_speaker is not None
        counts["pred_attributed"] += got.speaker is not None
        counts["speaker_correct"] += gold_speaker is not None and same_speaker(
            got.speaker, gold_speaker
        )
        counts["voice_correct"] += gold_speaker is None and got.speaker is None
        counts["kind_correct"] += got.kind == gold_kind
        kinds[(gold_kind, got.kind)] += 1
        counts["gold_anon"] += row["anonymous"]
        counts["pred_anon"] += got.anonymous
        counts["anon_correct"] += row["anonymous"] and got.anonymous
        gold_h, got_h = set(row["hedges"]), set(got.hedges)
        counts["gold_hedges"] += len(gold_h)
        counts["pred_hedges"] += len(got_h)
        counts["hedges_correct"] += len(gold_h & got_h)
        ok = same_speaker(got.speaker, gold_speaker) or (
            gold_speaker is None and got.speaker is None
        )
        if args.show and (not ok or got.kind != gold_kind or got.anonymous != row["anonymous"]):
            print(f"MISS {row['text'][:90]!r}\n     gold {gold_speaker!r} {gold_kind} anon={row['anonymous']}"
                  f"\n     got  {got.speaker!r} {got.kind} anon={got.anonymous}")  # fmt: skip

    report = {
        "sentences": len(rows),
        "speaker_precision": ratio(counts["speaker_correct"], counts["pred_attributed"]),
        "speaker_recall": ratio(counts["speaker_correct"], counts["gold_attributed"]),
        "own_voice_recognised": ratio(
            counts["voice_correct"], len(rows) - counts["gold_attributed"]
        ),
        "kind_accuracy": ratio(counts["kind_correct"], len(rows)),
        "anonymous_precision": ratio(counts["anon_correct"], counts["pred_anon"]),
        "anonymous_recall": ratio(counts["anon_correct"], counts["gold_anon"]),
        "hedge_precision": ratio(counts["hedges_correct"], counts["pred_hedges"]),
        "hedge_recall": ratio(counts["hedges_correct"], counts["gold_hedges"]),
        "kind_recall": {
            kind: ratio(kinds[(kind, kind)], sum(v for (g, _), v in kinds.items() if g == kind))
            for kind in sorted({g for g, _ in kinds})
        },
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
