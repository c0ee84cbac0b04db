"""How newsdesk's costs grow with the library: 1k, 10k, 100k (and 1M) passages, one table.

Usage: python benchmarks/scale.py [--sizes 1000,10000,100000] [--stores embedded,server]
                                  [--queries 30] [--work DIR] [--json OUT]

One library per store (the embedded Chroma, and a Chroma server that this script starts with
`chroma run` on 127.0.0.1) grows through the sizes. Passages are real: every RealTimeQA article in
../shared/data/realtimeqa and ../shared/data/realtimeqa-2023. Past what exists, the same articles
are added again as copies under new ids (the text gets an invisible marker that the tokenizer
drops), and their vectors are reused from a cache instead of being embedded again: the large
sizes cost Chroma inserts and catalog/FTS writes, not hours of embedding. Embedding cost is
measured once on the real passages and reported beside the table.

At each size, 1k more passages are added through the real ingest path (``add_items``: chunking,
duplicate checks, vector store writes, catalog and FTS5 writes) and timed; then search and
extractive ask are timed on RealTimeQA questions (ask twice: the first ask of a question embeds
its passages' sentences, the second finds them remembered; search also with
``retrieval.lexical_max_df`` 0, BM25 candidates found with every question word), and cold starts
are timed in fresh processes:
`newsdesk ask` (process start to printed answer) and `newsdesk serve` (process start to the first
answer from POST /api/ask). Timings come from a shared machine (other jobs on the same cores);
the load average is recorded with each row.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402
from index import IngestReport, Library, ParsedArticle, SentenceEmbedder  # noqa: E402
from index.chunking import chunk_text  # noqa: E402
from index.fields import content_id  # noqa: E402
from index.ingest import add_items  # noqa: E402
from index.inputs import read_inputs  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DATA_DIRS = [SHARED / "realtimeqa", SHARED / "realtimeqa-2023"]
# Copy n of an article ends with n written in binary with these two zero-width characters:
# Unicode format characters, which the BERT tokenizer removes, so the passages read the same.
_ZERO, _ONE = "\u200b", "\u200c"
_MARKS = str.maketrans("", "", _ZERO + _ONE)
MEASURED_ADD = 1000  # passages added and timed at each size
# retrieval.lexical_max_df for the "every word" search column (0: BM25 keeps common words)
EVERY_WORD = 0


def machine() -> dict[str, Any]:
    """CPU model, the flags that matter for embedding speed, threads and memory."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (ln.split(":", 1)[1].strip() for ln in info.splitlines() if "model name" in ln), "?"
    )
    flags = set(
        next(
            (ln.split(":", 1)[1].split() for ln in info.splitlines() if ln.startswith("flags")), []
        )
    )
    import torch

    mem = next(
        (
            ln.split()[1]
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        "0",
    )
    return {
        "cpu": model,
        "flags": " ".join(f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags)
        or "-",
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "memory_gib": round(int(mem) / 2**20, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "load_avg_at_start": os.getloadavg()[0],
    }


class CachedEmbedder(SentenceEmbedder):
    """The real model, but a text seen before (markers removed) gets its cached vector back."""

    def __init__(self) -> None:
        super().__init__()
        self.cache: dict[str, np.ndarray] = {}
        self.misses = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [t.translate(_MARKS) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if todo:
            self.misses += len(todo)
            self.cache.update(zip(todo, super().encode(todo), strict=True))
        if not keys:
            return super().encode([])
        return np.stack([self.cache[k] for k in keys])


def real_articles(limit: int | None = None) -> list[ParsedArticle]:
    """Distinct RealTimeQA articles of both splits, weeks alternating, up to ``limit`` passages.

    ``limit`` counts about 900 characters a passage (the default chunking gives ~880).
    """
    weeks = [sorted(d.glob("*_gcs.jsonl")) for d in DATA_DIRS]
    files = [str(f) for pair in zip(*weeks, strict=False) for f in pair]
    files += [str(f) for group in weeks for f in group[min(map(len, weeks)) :]]
    seen: set[str] = set()
    out = []
    chars = 0
    for item in read_inputs(files):
        if isinstance(item, ParsedArticle) and content_id(item.text) not in seen:
            seen.add(content_id(item.text))
            out.append(item)
            chars += len(item.text)
            if limit and chars / 900 >= limit:
                break
    return out


def questions(limit: int) -> list[str]:
    """RealTimeQA questions, alternating weeks so both splits are asked."""
    per_file = [
        [
            json.loads(line)["question_sentence"]
            for line in f.read_text().splitlines()
            if line.strip()
        ]
        for d in DATA_DIRS
        for f in sorted(d.glob("*_qa.jsonl"))
    ]
    mixed = [q for group in zip(*per_file, strict=False) for q in group]
    return mixed[:limit]


def warm_cache(
    embedder: CachedEmbedder, articles: list[ParsedArticle], work: Path
) -> dict[str, Any]:
    """Embed every real passage once (kept on disk in ``work``); returns the encoding rate."""
    texts = list(
        dict.fromkeys(p.text for a in articles for p in chunk_text("x", a.text, embedder, 200, 1))
    )
    digest = hashlib.sha256("\n\0".join(texts).encode()).hexdigest()[:16]
    path = work / f"vectors-{digest}-{'bf16' if embedder.bf16 else 'fp32'}.npy"
    sample = texts[:512]
    started = time.perf_counter()
    for i in range(0, len(sample), 256):
        SentenceEmbedder.encode(embedder, sample[i : i + 256])
    per_1k = (time.perf_counter() - started) / len(sample) * 1000
    if path.exists():
        vectors = np.load(path)
    else:
        print(f"embedding {len(texts)} real passages once (cached in {path}) ...", file=sys.stderr)
        vectors = SentenceEmbedder.encode(embedder, texts)
        np.save(path, vectors)
    # Keyed like lookups: news text often holds zero-width characters of its own.
    embedder.cache.update(zip((t.translate(_MARKS) for t in texts), vectors, strict=True))
    return {"real_passages": len(texts), "embed_s_per_1k": round(per_1k, 2)}


def article_stream(articles: list[ParsedArticle]) -> Iterator[ParsedArticle]:
    """The real articles, then copy 1 of each, copy 2, ... under new ids and keys."""
    copy = 0
    while True:
        for a in articles:
            if copy == 0:
                yield a
                continue
            mark = format(copy, "b").replace("0", _ZERO).replace("1", _ONE)
            yield a.model_copy(
                update={
                    "text": a.text + mark,
                    "key": f"{a.key}#copy-{copy}",
                    "url": f"{a.url}#copy-{copy}" if a.url else None,
                    "origin": f"{a.origin}#copy-{copy}",
                }
            )
        copy += 1


class Timed:
    """Wrap a method of an object so its total seconds are counted."""

    def __init__(self, obj: Any, name: str) -> None:
        self.seconds = 0.0
        inner = getattr(obj, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        setattr(obj, name, timed)


def add_passages(library: Library, stream: Iterator[ParsedArticle], target: int) -> float:
    """Ingest articles from ``stream`` until the library holds ``target`` passages; seconds."""
    started = time.perf_counter()
    have = library.catalog.counts()["passages"]
    while have < target:
        batch: list[ParsedArticle] = []
        need = target - have
        # Each article has about 8 passages; stop a little short and loop to land near target.
        while sum(len(a.text) for a in batch) / 900 < need and len(batch) < 2000:
            batch.append(next(stream))
        add_items(library, batch, IngestReport())
        have = library.catalog.counts()["passages"]
    return time.perf_counter() - started


def timed(call: Any, questions: list[str]) -> list[float]:
    """Milliseconds of ``call(q)`` for each question."""
    out = []
    for q in questions:
        started = time.perf_counter()
        call(q)
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentiles(samples: list[float]) -> tuple[float, float]:
    return round(float(np.percentile(samples, 50)), 1), round(float(np.percentile(samples, 95)), 1)


def rss_mib(pid: int | str = "self") -> tuple[float, float]:
    """Resident and peak resident memory of a process, MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


def disk_mib(*paths: Path) -> float:
    total = 0
    for path in paths:
        for f in path.rglob("*"):
            if f.is_file():
                total += f.stat().st_size
    return total / 2**20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, seconds: float, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {seconds}s")


def cold_ask(env: dict[str, str], question: str) -> float:
    """Seconds from starting `newsdesk ask` to its answer printed."""
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "newsdesk"), "ask", question],
        env=env, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return time.perf_counter() - started


def cold_serve(env: dict[str, str], question: str, log: Path) -> tuple[float, float]:
    """Seconds from starting `newsdesk serve` to its first answer, and its RSS then (MiB)."""
    import httpx

    port = free_port()
    started = time.perf_counter()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "newsdesk"), "serve", "--port", str(port)],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"newsdesk serve exited with {server.returncode}; see {log}")
            try:
                r = httpx.post(f"{base}/api/ask", json={"question": question}, timeout=300)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        seconds = time.perf_counter() - started
        return seconds, rss_mib(server.pid)[0]
    finally:
        server.terminate()
        server.wait(timeout=60)


def chroma_server(path: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start `chroma run` on a free loopback port; returns the process and its URL."""
    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
            stdout=out, stderr=out,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/api/v2/heartbeat", 120, proc)
    return proc, url


def run_store(
    store: str, sizes: list[int], work: Path, embedder: CachedEmbedder,
    articles: list[ParsedArticle], asked: list[str], cold: bool,
) -> list[dict[str, Any]]:  # fmt: skip
    """Grow one library through ``sizes`` and measure at each; one row per size."""
    home = work / f"home-{store}"
    shutil.rmtree(home, ignore_errors=True)
    server = None
    url = None
    server_path = work / f"chroma-server-{store}"
    if store == "server":
        shutil.rmtree(server_path, ignore_errors=True)
        server, url = chroma_server(server_path, work / "chroma-server.log")
    env = {**os.environ, "NEWSDESK_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSDESK_CHROMA_URL", None)
    if url:
        env["NEWSDESK_CHROMA_URL"] = url
    rows = []
    try:
        library = Library(home, embedder, url)
        bot = Assistant(home=home, settings={"chroma_url": url} if url else None)
        bot.__dict__["library"] = library  # share the library (and the cached embedder)
        bot.__dict__["embedder"] = embedder
        vector_writes = Timed(library.store, "add")
        catalog_writes = Timed(library.catalog, "commit")
        stream = article_stream(articles)
        grown = 0.0
        for size in sizes:
            grown += add_passages(library, stream, size - MEASURED_ADD)
            before = library.catalog.counts()["passages"]
            vector_writes.seconds = catalog_writes.seconds = 0.0
            misses = embedder.misses
            add_s = add_passages(library, stream, before + MEASURED_ADD)
            added = library.catalog.counts()["passages"] - before
            embedded = embedder.misses - misses  # before search and ask embed their questions
            per_1k = 1000 / added
            (first_ms,) = timed(bot.search, asked[:1])
            search_ms = timed(bot.search, asked)
            ask_ms = timed(lambda q: bot.ask(q, engine="extractive"), asked)
            again_ms = timed(lambda q: bot.ask(q, engine="extractive"), asked)
            default = bot.settings.retrieval
            bot.settings.retrieval = default.model_copy(update={"lexical_max_df": EVERY_WORD})
            every_ms = timed(bot.search, asked)
            bot.settings.retrieval = default
            rss, peak = rss_mib()
            row: dict[str, Any] = {
                "store": store,
                "passages": library.catalog.counts()["passages"],
                "articles": library.catalog.counts()["articles"],
                "grow_s": round(grown, 1),
                "ingest_s_per_1k": round(add_s * per_1k, 2),
                "vector_write_s_per_1k": round(vector_writes.seconds * per_1k, 2),
                "catalog_fts_s_per_1k": round(catalog_writes.seconds * per_1k, 2),
                "embedded_in_add": embedded,
                "first_search_after_add_ms": round(first_ms, 1),
                "search_ms": percentiles(search_ms),
                "ask_ms": percentiles(ask_ms),
                "ask_again_ms": percentiles(again_ms),
                "search_every_word_ms": percentiles(every_ms),
                "rss_mib": round(rss),
                "peak_rss_mib": round(peak),
                "disk_mib": round(disk_mib(home, *([server_path] if url else [])), 1),
                "load_avg": round(os.getloadavg()[0], 1),
            }
            if cold:
                row["cold_ask_s"] = round(cold_ask(env, asked[1]), 1)
                serve_s, serve_rss = cold_serve(env, asked[2], work / "serve.log")
                row["cold_serve_s"] = round(serve_s, 1)
                row["serve_rss_mib"] = round(serve_rss)
            print(json.dumps(row), file=sys.stderr)
            rows.append(row)
        library.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    return rows


COLUMNS = [
    ("store", "store"), ("passages", "passages"), ("grow_s", "grow s"),
    ("ingest_s_per_1k", "add s/1k"), ("vector_write_s_per_1k", "vec s/1k"),
    ("catalog_fts_s_per_1k", "cat+fts s/1k"), ("first_search_after_add_ms", "1st q ms"),
    ("search_ms", "search p50/p95 ms"), ("search_every_word_ms", "all words p50/p95"),
    ("ask_ms", "ask p50/p95 ms"), ("ask_again_ms", "again p50/p95"), ("rss_mib", "RSS MiB"),
    ("disk_mib", "disk MiB"), ("cold_ask_s", "cold ask s"), ("cold_serve_s", "cold serve s"),
    ("serve_rss_mib", "serve MiB"), ("load_avg", "load"),
]  # fmt: skip


def table(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cpus']} CPUs (torch threads {m['torch_threads']}), "
        f"flags {m['flags']}, {m['memory_gib']} GiB; python {m['python']}, torch {m['torch']}",
        "SHARED MACHINE: other jobs ran on the same cores; 'load' is the 1-min load average.",
        f"embedding ({report['precision']}): {report['embed_s_per_1k']} s per 1k passages "
        f"(not in 'add s/1k': {report['real_passages']} real passages embedded once; "
        "copies reuse vectors)",
    ]
    cells = [[h for _, h in COLUMNS]]
    for row in report["rows"]:
        cells.append([
            "/".join(str(x) for x in row[k]) if isinstance(row.get(k), list | tuple)
            else str(row.get(k, "-"))
            for k, _ in COLUMNS
        ])  # fmt: skip
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="Library sizes in passages, comma separated.")  # fmt: skip
    parser.add_argument("--stores", default="embedded,server", help="embedded, server or both.")
    parser.add_argument("--queries", type=int, default=30, help="Questions timed at each size.")
    parser.add_argument("--no-cold", action="store_true", help="Skip the cold-start timings.")
    parser.add_argument("--real-passages", type=int, default=None,
                        help="Use only about this many real passages (then copies); default all.")  # fmt: skip
    parser.add_argument("--work", type=Path, help="Working directory (kept; vectors cached).")
    parser.add_argument("--json", type=Path, help="Also write the report to this file.")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if sizes[0] < MEASURED_ADD:
        parser.error(f"sizes must be at least {MEASURED_ADD}")
    work = args.work or Path(tempfile.gettempdir()) / "newsdesk-scale"
    work.mkdir(parents=True, exist_ok=True)

    embedder = CachedEmbedder()
    report: dict[str, Any] = {
        "machine": machine(),
        "precision": "bf16" if embedder.bf16 else "fp32",
    }
    articles = real_articles(args.real_passages)
    report |= warm_cache(embedder, articles, work)
    asked = questions(args.queries)
    report["rows"] = []
    for store in args.stores.split(","):
        report["rows"] += run_store(
            store, sizes, work, embedder, articles, asked, cold=not args.no_cold
        )
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
