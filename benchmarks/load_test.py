"""A bounded load test of `newsdesk serve` on 127.0.0.1: concurrent clients, mixed requests.

Usage: python benchmarks/load_test.py [--clients 8] [--seconds 60] [--json OUT]
       python benchmarks/load_test.py --base-url http://127.0.0.1:7861 --base-url http://...:7862

Starts a server on a fresh home holding one RealTimeQA week (or the seed article if the data is
absent), then runs CLIENTS threads for SECONDS, each looping over a mix of search (50%), ask
(40%) and adding a small article (10%). Prints throughput, latency percentiles per kind, errors,
and the server's resident memory at the start and end of the run (sampled every second).

With --base-url (repeat it for several servers sharing one library, see docs/deploy.md) no server
is started: the clients load the running servers, client i talking to URL i mod N, as a
round-robin load balancer would; --add-share 0 leaves the library unchanged. Memory is sampled
only for a server this script started.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TOKEN = "load-test-token"
QUESTIONS = [
    "Who won the Iowa caucuses?", "What happened to the Alaska Airlines plane?",
    "Which state raised its minimum wage the most?", "What did the Supreme Court rule?",
    "Where did the earthquake strike?", "Who was named Director of the Year?",
    "What is the price of insulin?", "Which team won the national championship?",
    "What did the president say about the border?", "How many jets were grounded?",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15, help="Seconds of load not measured.")
    parser.add_argument(
        "--home", type=Path, help="Reuse (or create) this home instead of a new one."
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--base-url", action="append", default=[], help="A running server (repeat for several)."
    )
    parser.add_argument("--token", default=TOKEN, help="Bearer token of those servers.")
    parser.add_argument("--add-share", type=float, default=0.1, help="Share of add requests.")
    args = parser.parse_args()
    server, bases = start_server(args) if not args.base_url else (None, list(args.base_url))
    report = run_load(args, server, bases)
    if server is not None:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if not report["errors"] else 1


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen, list[str]]:
    """Load a fresh (or the given) home and serve it; (process, [base URL])."""
    home = args.home or Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
    data = SHARED / "data" / "realtimeqa" / "20240105_gcs.jsonl"
    source = data if data.exists() else SHARED / "seed"
    env = {
        **os.environ,
        "NEWSDESK_HOME": str(home),
        "NEWSDESK_API_TOKEN": TOKEN,
        "HF_HUB_OFFLINE": "1",
    }
    cli = [sys.executable, "-c", "from assistant.cli import main; main()"]
    print(f"loading {source} into {home} ...", file=sys.stderr)
    subprocess.run([*cli, "ingest", str(source)], env=env, check=True, capture_output=True)
    print("serving ...", file=sys.stderr)
    port = free_port()
    log = (home / "server.log").open("wb")
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    return server, [base]


def run_load(
    args: argparse.Namespace, server: subprocess.Popen | None, bases: list[str]
) -> dict[str, object]:
    """Run the clients against ``bases`` (round robin by client) and measure."""
    for base in bases:
        httpx.post(f"{base}/api/search", json={"question": "warm up"}, timeout=120)

    samples: list[tuple[float, float]] = []  # (seconds since measuring began, RSS MiB)
    stop = threading.Event()
    measuring = threading.Event()

    def sample_memory() -> None:
        measuring.wait()
        begin = time.perf_counter()
        while server is not None and not stop.is_set():
            samples.append((time.perf_counter() - begin, rss_mib(server.pid)))
            stop.wait(1.0)

    results: dict[str, list[float]] = {"search": [], "ask": [], "add": []}
    errors: list[str] = []
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=bases[seed % len(bases)], timeout=120) as http:
            n = 0
            while not stop.is_set():
                roll, n = rng.random(), n + 1
                question = rng.choice(QUESTIONS)
                started = time.perf_counter()
                if roll < 0.5:
                    kind, r = (
                        "search",
                        http.post("/api/search", json={"question": question, "k": 10}),
                    )
                elif roll < 1 - args.add_share:
                    kind, r = "ask", http.post("/api/ask", json={"question": question})
                else:
                    text = f"Load test article {seed}-{n}. The council met on day {n} of the test."
                    body = {"articles": [{"text": text, "title": f"Load {seed}-{n}"}]}
                    auth = {"Authorization": f"Bearer {args.token}"}
                    kind, r = "add", http.post("/api/articles", json=body, headers=auth)
                elapsed = (time.perf_counter() - started) * 1000
                if not measuring.is_set():
                    continue  # warm-up: caches and allocators settle before we measure
                with lock:
                    if r.status_code >= 400 and not (kind == "add" and r.status_code == 409):
                        errors.append(f"{kind} {r.status_code} {r.text[:200]}")
                    results[kind].append(elapsed)

    memory = threading.Thread(target=sample_memory, daemon=True)
    memory.start()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(args.warmup)
    measuring.set()
    started = time.perf_counter()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started

    total = sum(len(v) for v in results.values())
    return {
        "servers": len(bases),
        "clients": args.clients,
        "seconds": round(wall, 1),
        "requests": total,
        "throughput_rps": round(total / wall, 2),
        "errors": len(errors),
        "first_errors": errors[:5],
        "memory_mib": {
            "start": round(samples[0][1], 1),
            "end": round(samples[-1][1], 1),
            "max": round(max(m for _, m in samples), 1),
            # least-squares slope of RSS over the measured run
            "growth_mib_per_min": round(
                float(np.polyfit([t for t, _ in samples], [m for _, m in samples], 1)[0]) * 60, 2
            ),
        }
        if len(samples) > 2
        else None,
        "latency_ms": {
            kind: {
                "count": len(v),
                **{f"p{q}": round(float(np.percentile(v, q)), 1) for q in (50, 95, 99)},
            }
            for kind, v in results.items()
            if v
        },
    }


if __name__ == "__main__":
    raise SystemExit(main())
