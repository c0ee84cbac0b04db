"""The first ask after start, with and without the reader, in fresh processes.

Usage: python benchmarks/reader_first_ask.py HOME QA_DIR [--runs N]

HOME is a built library (for example the 2024 store `newsdesk eval realtimeqa --work DIR`
builds, ~10k passages); QA_DIR the split's folder, whose questions are asked (a different
question in every process, so nothing about the question is remembered). Each run starts a
new Python process, opens the Assistant as a server does (`Assistant.open()`: the library,
its repair, the reader's weights checked and loaded) and asks one question; the two settings
alternate, so the machine's load falls on both alike. Printed: open and first-ask seconds
(p50 and max over the runs) for "reader on" (the defaults) and "reader off" (every reader
weight 0, so the model never loads), their difference, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluation import data  # noqa: E402

_CHILD = """
import json, sys, time
started = time.perf_counter()
from assistant import Assistant
settings = json.loads(sys.argv[2])
bot = Assistant(home=sys.argv[1], settings=settings)
bot.open()
opened = time.perf_counter()
bot.ask(sys.argv[3])
asked = time.perf_counter()
print(json.dumps({"open": opened - started, "ask": asked - opened}))
"""

OFF = {"reader": {"confidence_weight": 0.0, "rerank_weight": 0.0, "sentence_weight": 0.0,
                  "choice_weight": 0.0}}  # fmt: skip


def run(home: str, settings: dict[str, object], question: str) -> dict[str, float]:
    """One fresh process: seconds to open and seconds for its first ask."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, home, json.dumps(settings), question],
        check=True, capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home")
    parser.add_argument("qa_dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    questions = [q.text for q in data.questions(args.qa_dir, data.weeks(args.qa_dir))]
    rows: dict[str, list[dict[str, float]]] = {"reader on": [], "reader off": []}
    for i in range(args.runs):
        for name, settings in (("reader on", {}), ("reader off", OFF)):
            question = questions[(2 * i + (name == "reader off")) % len(questions)]
            rows[name].append(run(args.home, settings, question))
            print(name, rows[name][-1], flush=True)
    report: dict[str, object] = {}
    for name, samples in rows.items():
        for part in ("open", "ask"):
            values = [s[part] for s in samples]
            report[f"{name} {part} s p50/max"] = (
                round(statistics.median(values), 2), round(max(values), 2)
            )  # fmt: skip
    on = statistics.median(s["open"] + s["ask"] for s in rows["reader on"])
    off = statistics.median(s["open"] + s["ask"] for s in rows["reader off"])
    report["start to first answer, reader on - off (s, p50)"] = round(on - off, 2)
    report["load average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
