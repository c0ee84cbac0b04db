"""Corroboration, conflicts and copies, measured on real sentences with controlled counterparts.

Usage: python studies/research_eval.py [--n 40] [--json OUT]

For N real sentences with a figure, taken from RealTimeQA articles (each with its own article
as the source), a fresh library also holds, per sentence:
- a "brief" from another outlet that repeats the sentence inside different text (should count as
  support from one independent outlet, and not as a conflict);
- a "rival" report from a third outlet: the same sentence with its figure changed by half
  (should be flagged as a conflict on figures);
- a near copy of the source article (a few words changed) from a fourth outlet (should be set
  aside as a copy, not counted as an independent outlet).
The counterparts are constructed, the sentences and articles are real: this measures the
mechanics (recall of each signal, false alarms), not how often real outlets disagree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.research.corroborate import corroborate  # noqa: E402
from index import Library, SentenceEmbedder  # noqa: E402
from index.fields import clean_text  # noqa: E402
from index.ingest import add_items  # noqa: E402
from index.sentences import split_sentences  # noqa: E402
from index.types import ParsedArticle  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "realtimeqa" / "20240105_gcs.jsonl"
FIGURE = re.compile(
    r"(?<![\w.$])(\d{2,4})(?=\s+(?:people|troops|soldiers|percent|votes|jobs|cases|deaths|homes|students|members|workers|flights|miles|years|days|dollars|points|votes))"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = random.Random(7)

    articles: dict[str, dict] = {}
    with DATA.open() as handle:
        for line in handle:
            for r in json.loads(line)["search_result"]:
                articles.setdefault(r["url"], r)
    picks = []
    for url, r in articles.items():
        text = clean_text(r["text"])
        for s, e in split_sentences(text):
            sentence = text[s:e]
            if FIGURE.search(sentence) and 60 < len(sentence) < 300:
                picks.append((url, text, sentence))
                break
    rng.shuffle(picks)
    picks = picks[: args.n]

    items: list[ParsedArticle] = []
    for i, (url, text, sentence) in enumerate(picks):
        items.append(
            ParsedArticle(
                origin=url,
                key=url,
                title=f"Source {i}",
                text=text,
                url=url,
                outlet=f"source{i}.example",
            )
        )
        filler = "In other news this week, the city council met to discuss road repairs."
        items.append(ParsedArticle(origin=f"brief{i}", key=f"https://brief.example/{i}", title=f"Brief {i}",
                                   text=f"{filler} {sentence} The council will meet again next month.",
                                   url=f"https://brief.example/{i}", outlet="brief.example"))  # fmt: skip
        figure = FIGURE.search(sentence)
        assert figure is not None
        changed = str(int(int(figure.group(1)) * 1.5) + 1)
        rival = sentence[: figure.start()] + changed + sentence[figure.end() :]
        items.append(ParsedArticle(origin=f"rival{i}", key=f"https://rival.example/{i}", title=f"Rival {i}",
                                   text=f"Reports differ. {rival} Officials did not comment.",
                                   url=f"https://rival.example/{i}", outlet="rival.example"))  # fmt: skip
        words = text.split()
        for j in rng.sample(range(len(words)), k=min(3, len(words))):
            words[j] = words[j].upper()
        items.append(ParsedArticle(origin=f"copy{i}", key=f"https://copy.example/{i}", title=f"Copy {i}",
                                   text=" ".join(words), url=f"https://copy.example/{i}", outlet="copy.example"))  # fmt: skip

    embedder = SentenceEmbedder()
    with tempfile.TemporaryDirectory() as home:
        library = Library(Path(home), embedder)
        from index.types import IngestReport

        add_items(library, items, IngestReport())
        ids = {a.title: a.id for a in library.catalog.list_articles()}
        found = {"support": 0, "conflict": 0, "false_conflict": 0, "copy": 0, "copy_counted": 0}
        seconds = []
        for i, (_, _, sentence) in enumerate(picks):
            started = time.perf_counter()
            result = corroborate(library, sentence, ids[f"Source {i}"])
            seconds.append(time.perf_counter() - started)
            outlets_supporting = {e.outlet for e in result.supporting}
            found["support"] += "brief.example" in result.independent_outlets
            found["conflict"] += any(
                c.evidence.outlet == "rival.example" for c in result.conflicting
            )
            found["false_conflict"] += any(
                c.evidence.outlet == "brief.example" for c in result.conflicting
            )
            found["copy"] += ids[f"Copy {i}"] in result.copies
            found["copy_counted"] += (
                "copy.example" in result.independent_outlets or "copy.example" in outlets_supporting
            )
        library.close()
    n = len(picks)
    report = {
        "claims": n,
        "support_recall": round(found["support"] / n, 3),
        "conflict_recall": round(found["conflict"] / n, 3),
        "false_conflicts_on_agreeing_reports": round(found["false_conflict"] / n, 3),
        "copies_set_aside": round(found["copy"] / n, 3),
        "copies_counted_as_independent": round(found["copy_counted"] / n, 3),
        "seconds_per_claim_p50": round(sorted(seconds)[n // 2], 3),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
