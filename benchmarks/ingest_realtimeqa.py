"""Ingest throughput on the four RealTimeQA weeks, against encoding alone in the same run.

Usage: python benchmarks/ingest_realtimeqa.py [DATA_DIR] [--json OUT]

Prints articles, passages, ingest seconds, passages per second, and the ratio of the ingest time
to the time of only encoding the same passages with the same model (target: at most 1.25).
Encoding alone is timed before and after the ingest and averaged, so drift in CPU speed during
the run does not favour either side.
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

from index import Library, ParsedArticle, SentenceEmbedder, ingest  # noqa: E402
from index.build import read_inputs  # noqa: E402
from index.chunking import chunk_text  # noqa: E402
from index.fields import content_id  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "realtimeqa"


def _passage_texts(files: list[Path], embedder: SentenceEmbedder) -> list[str]:
    seen: set[str] = set()
    texts: list[str] = []
    for item in read_inputs([str(f) for f in files]):
        if isinstance(item, ParsedArticle) and content_id(item.text) not in seen:
            seen.add(content_id(item.text))
            texts += [p.text for p in chunk_text("x", item.text, embedder, 200, 1)]
    return texts


def _time_encoding(embedder: SentenceEmbedder, texts: list[str], batch: int = 256) -> float:
    started = time.perf_counter()
    for i in range(0, len(texts), batch):  # the same batching as ingest
        embedder.encode(texts[i : i + batch])
    return time.perf_counter() - started


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
        # The passages ingest will embed, computed up front (untimed) so that encoding alone can
        # be timed before and after the ingest: the mean of the two cancels drift in CPU speed.
        texts = _passage_texts(files, embedder)
        encode_before = _time_encoding(embedder, texts)
        started = time.perf_counter()
        report = ingest(library, files)
        ingest_s = time.perf_counter() - started
        encode_after = _time_encoding(embedder, texts)
        encode_s = (encode_before + encode_after) / 2
        counts = library.catalog.counts()
        assert report.passages == len(texts), (report.passages, len(texts))
        library.close()

    figures = {
        "files": len(files),
        "articles": counts["articles"],
        "sources": counts["sources"],
        "passages": counts["passages"],
        "passages_embedded": report.passages,
        "updated": report.updated,
        "duplicates": report.duplicates,
        "failed": report.failed,
        "model_load_s": round(load_s, 2),
        "ingest_s": round(ingest_s, 1),
        "passages_per_s": round(report.passages / ingest_s, 1),
        "encode_only_s": round(encode_s, 1),
        "encode_only_before_after_s": [round(encode_before, 1), round(encode_after, 1)],
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
