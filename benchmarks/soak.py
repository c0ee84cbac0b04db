"""Soak test: 8 clients ask and search while another client uploads a 20 MB folder of articles.

Usage: python benchmarks/soak.py [--mb 20] [--clients 8] [--settle 60] [--json OUT]

Builds the folder in a temp dir from RealTimeQA search-result texts (../shared/data/realtimeqa
and realtimeqa-2023; one JSONL file per ~1 MB and at most 1,000 articles, each text used once),
starts `newsdesk serve` on 127.0.0.1 over a home holding the seed article, then:

- CLIENTS threads loop over /api/ask and /api/search (half each) for the whole run;
- a prober calls /api/health every 0.2 s and records its latency;
- the uploader sends the folder's files, one POST /api/articles/upload each (token set);
- after the upload ends, the clients go on for SETTLE seconds, and the server's resident memory
  is sampled every second throughout.

Prints health latency (p50, p99, max) during the upload, the error count (any 4xx/5xx or
transport error, clients and uploader alike), the upload's throughput, and memory before the
upload, at its end and after settling. Goal: 0 errors, health p99 < 500 ms, memory flat after.
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
TOKEN = "soak-test-token"
QUESTIONS = [
    "Who won the Iowa caucuses?", "What happened to the Alaska Airlines plane?",
    "Where are Ukrainian troops retreating to?", "Who analysed the satellite imagery?",
    "What did the Supreme Court rule?", "Where did the earthquake strike?",
    "What is the price of insulin?", "Which team won the national championship?",
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


def build_folder(folder: Path, megabytes: float) -> tuple[int, int]:
    """JSONL files of unique RealTimeQA texts, ~1 MB and <= 1,000 articles each: (files, bytes)."""
    seen: set[str] = set()
    lines: list[str] = []
    files = total = size = 0
    wanted = int(megabytes * 1_000_000)

    def flush() -> None:
        nonlocal files, size
        if lines:
            (folder / f"part-{files:03d}.jsonl").write_text("\n".join(lines) + "\n")
            files += 1
            lines.clear()
            size = 0

    for data in ("realtimeqa", "realtimeqa-2023"):
        for path in sorted((SHARED / "data" / data).glob("*_gcs.jsonl")):
            for raw in path.read_text().splitlines():
                for result in json.loads(raw).get("search_result", []):
                    text = (result.get("text") or "").strip()
                    if not text or text in seen or total >= wanted:
                        continue
                    seen.add(text)
                    line = json.dumps({"title": result.get("title"), "url": result.get("url"),
                                       "text": text}, ensure_ascii=False)  # fmt: skip
                    lines.append(line)
                    size += len(line.encode()) + 1
                    total += len(line.encode()) + 1
                    if size >= 1_000_000 or len(lines) >= 1000:
                        flush()
    flush()
    return files, total


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=20, help="Size of the uploaded folder.")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--settle", type=float, default=60, help="Seconds measured after upload.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="newsdesk-soak-"))
    folder, home = work / "upload", work / "home"
    folder.mkdir()
    files, size = build_folder(folder, args.mb)
    print(f"folder: {files} files, {size / 1e6:.1f} MB in {folder}", file=sys.stderr)
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_API_TOKEN": TOKEN,
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}  # fmt: skip
    cli = [sys.executable, "-c", "from assistant.cli import main; main()"]
    subprocess.run([*cli, "ingest", str(SHARED / "seed")], env=env, check=True, capture_output=True)
    port = free_port()
    log = (work / "server.log").open("wb")
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    httpx.post(f"{base}/api/ask", json={"question": "warm up"}, timeout=300)

    stop, uploading = threading.Event(), threading.Event()
    errors: list[str] = []
    health: list[float] = []
    memory: list[tuple[float, float, str]] = []  # (seconds, RSS MiB, phase)
    counts = {"ask": 0, "search": 0}
    lock = threading.Lock()
    phase = ["before"]
    began = time.perf_counter()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=300) as http:
            while not stop.is_set():
                kind = rng.choice(["ask", "search"])
                body = {"question": rng.choice(QUESTIONS)}
                try:
                    r = http.post(f"/api/{kind}", json=body)
                    failed = r.status_code >= 400 and f"{kind} {r.status_code} {r.text[:150]}"
                except httpx.HTTPError as e:
                    failed = f"{kind} {type(e).__name__}: {e}"
                with lock:
                    counts[kind] += 1
                    if failed:
                        errors.append(failed)

    def probe() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    ok = http.get("/api/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if uploading.is_set():
                    health.append((time.perf_counter() - started) * 1000)
                if not ok:
                    with lock:
                        errors.append("health failed")
                stop.wait(0.2)

    def sample() -> None:
        while not stop.is_set():
            memory.append((time.perf_counter() - began, rss_mib(server.pid), phase[0]))
            stop.wait(1.0)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    threads += [threading.Thread(target=probe), threading.Thread(target=sample)]
    for t in threads:
        t.start()
    time.sleep(15)  # clients warm up; memory before the upload is sampled here
    phase[0] = "upload"
    uploading.set()
    started = time.perf_counter()
    added = 0
    with httpx.Client(base_url=base, timeout=3600) as http:
        for path in sorted(folder.glob("*.jsonl")):
            try:
                r = http.post("/api/articles/upload", headers={"Authorization": f"Bearer {TOKEN}"},
                              files=[("files", (path.name, path.read_bytes(), "application/json"))])  # fmt: skip
                if r.status_code >= 400:
                    errors.append(f"upload {r.status_code} {r.text[:150]}")
                else:
                    added += r.json()["added"]
            except httpx.HTTPError as e:
                errors.append(f"upload {type(e).__name__}: {e}")
            print(f"  uploaded {path.name}: {added} articles so far", file=sys.stderr)
    upload_seconds = time.perf_counter() - started
    uploading.clear()
    phase[0] = "after"
    time.sleep(args.settle)
    stop.set()
    for t in threads:
        t.join()
    server.terminate()
    server.wait(timeout=60)

    def rss(which: str) -> list[float]:
        return [m for _, m, p in memory if p == which]

    after = [(t, m) for t, m, p in memory if p == "after"]
    report = {
        "folder": {"files": files, "megabytes": round(size / 1e6, 2), "articles_added": added},
        "upload_seconds": round(upload_seconds, 1),
        "upload_mb_per_s": round(size / 1e6 / upload_seconds, 3),
        "clients": args.clients,
        "requests": counts,
        "errors": len(errors),
        "first_errors": errors[:5],
        "health_ms_during_upload": {
            "count": len(health),
            "p50": percentile(health, 50),
            "p99": percentile(health, 99),
            "max": round(max(health), 1) if health else None,
        },
        "memory_mib": {
            "before_upload": round(float(np.median(rss("before"))), 1) if rss("before") else None,
            "end_of_upload": round(rss("upload")[-1], 1) if rss("upload") else None,
            "after_settle": round(after[-1][1], 1) if after else None,
            "growth_after_upload_mib_per_min": round(
                float(np.polyfit([t for t, _ in after], [m for _, m in after], 1)[0]) * 60, 2
            )
            if len(after) > 2
            else None,
        },
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
