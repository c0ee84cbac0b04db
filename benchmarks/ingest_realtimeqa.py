"""Ingest throughput on the four RealTimeQA weeks, against encoding alone in the same run.

Usage: python benchmarks/ingest_realtimeqa.py [DATA_DIR] [--json OUT]

Prints articles, passages, ingest seconds, passages per second, and the ratio of the ingest time
to the time of only encoding the same passages with the same model (target: at most 1.25).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import Library, SentenceEmbedder, ingest  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "realtimeqa"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    files = sorted(args.data.glob("*_gcs.jsonl"))
    if not files:
        print(f"No *_gcs.jsonl files in {args.data}", file=sys.stderr)
        return 2

    embedder = SentenceEmbedder()
    started = time.perf_counter()
    embedder.encode(["warm up the model"])
    load_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as home:
        library = Library(Path(home), embedder)
        started = time.perf_counter()
        report = ingest(library, files)
        ingest_s = time.perf_counter() - started
        counts = library.catalog.counts()
        texts = [
            p.text
            for article in library.catalog.list_articles()
            for p in library.catalog.passages_of(article.id, article.text)
        ]
        batch = 256  # the same batching as ingest
        started = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.encode(texts[i : i + batch])
        encode_s = time.perf_counter() - started
        library.close()

    figures = {
        "files": len(files),
        "articles": counts["articles"],
        "sources": counts["sources"],
        "passages": counts["passages"],
        "duplicates": report.duplicates,
        "failed": report.failed,
        "model_load_s": round(load_s, 2),
        "ingest_s": round(ingest_s, 1),
        "passages_per_s": round(counts["passages"] / ingest_s, 1),
        "encode_only_s": round(encode_s, 1),
        "ingest_to_encode_ratio": round(ingest_s / encode_s, 3),
        "precision": "bf16" if embedder.bf16 else "fp32",
    }
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:>{width}}  {value}")
    print(f"{'target':>{width}}  ingest_to_encode_ratio <= 1.25")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
