"""What MCP costs over REST: the same `ask`, over streamable HTTP (/mcp) and POST /api/ask.

Usage: python benchmarks/mcp_overhead.py [--repeats 20] [--fresh] [--json OUT]
       python benchmarks/mcp_overhead.py --base-url http://127.0.0.1:7860

Starts `newsdesk serve` on 127.0.0.1 with a fresh home holding the seed article (or uses a
running server with --base-url), warms it up, then times the same question, interleaved, over:

- REST: POST /api/ask on one keep-alive HTTP client;
- MCP, raw: the JSON-RPC `tools/call` POSTed to /mcp on that same client, no SDK (the server's
  cost alone: the server is stateless, so a call needs no session);
- MCP, one session: `tools/call ask` on one initialized SDK client session (an agent that keeps
  its connection);
- MCP, a session per call: connect, initialize, call, close (what langchain-mcp-adapters'
  tools do when no session is given).

Times are client-side wall clock, per call. Without --fresh every repeat asks the same question,
so the answer's reading is remembered by the server after the warm-up and the difference is the
protocol's own cost; with --fresh each call asks a new variant of the question (" (run N)"), so
every call does the whole work of an answer.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import anyio
import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed"
QUESTION = "Who analysed the satellite imagery?"
NEWSDESK = Path(sys.executable).with_name("newsdesk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path) -> tuple[str, subprocess.Popen]:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "HF_HUB_OFFLINE": "1", "NO_PROXY": "127.0.0.1"}
    subprocess.run([str(NEWSDESK), "ingest", str(SEED)], env=env, check=True, capture_output=True)
    port = free_port()
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(NEWSDESK), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return url, proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"the server did not come up; see {home / 'server.log'}")


async def mcp_session_call(session: ClientSession, question: str) -> float:
    started = time.perf_counter()
    result = await session.call_tool("ask", {"question": question})
    elapsed = time.perf_counter() - started
    assert not result.isError and result.structuredContent, result.content
    return elapsed


async def mcp_fresh_call(url: str, question: str) -> float:
    started = time.perf_counter()
    async with (
        streamable_http_client(url + "/mcp") as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        result = await session.call_tool("ask", {"question": question})
    elapsed = time.perf_counter() - started
    assert not result.isError, result.content
    return elapsed


async def mcp_raw_call(client: httpx.AsyncClient, url: str, question: str) -> float:
    call = {"name": "ask", "arguments": {"question": question}}
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": call}
    accept = {"accept": "application/json, text/event-stream"}
    started = time.perf_counter()
    reply = await client.post(url + "/mcp", json=body, headers=accept)
    elapsed = time.perf_counter() - started
    assert reply.status_code == 200 and not reply.json()["result"]["isError"], reply.text
    return elapsed


async def rest_call(client: httpx.AsyncClient, url: str, question: str) -> float:
    started = time.perf_counter()
    reply = await client.post(url + "/api/ask", json={"question": question})
    elapsed = time.perf_counter() - started
    assert reply.status_code == 200 and "citations" in reply.json(), reply.text
    return elapsed


async def measure(url: str, repeats: int, fresh: bool, warmup: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "rest": [], "mcp_raw": [], "mcp_session": [], "mcp_new_session": []
    }  # fmt: skip
    async with (
        httpx.AsyncClient(timeout=300) as client,
        streamable_http_client(url + "/mcp") as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        for _ in range(warmup):
            await rest_call(client, url, QUESTION)
            await mcp_raw_call(client, url, QUESTION)
            await mcp_session_call(session, QUESTION)
            await mcp_fresh_call(url, QUESTION)
        calls = [
            ("rest", lambda q: rest_call(client, url, q)),
            ("mcp_raw", lambda q: mcp_raw_call(client, url, q)),
            ("mcp_session", lambda q: mcp_session_call(session, q)),
            ("mcp_new_session", lambda q: mcp_fresh_call(url, q)),
        ]
        for i in range(repeats):
            # interleaved, the order rotated, so drift in the machine's load hits all alike
            for n, (kind, call) in enumerate(calls[i % 4 :] + calls[: i % 4]):
                question = f"{QUESTION} (run {4 * i + n})" if fresh else QUESTION
                times[kind].append(await call(question))
    return times


def report(times: dict[str, list[float]], fresh: bool) -> dict[str, object]:
    p50 = {kind: round(median(values) * 1000, 2) for kind, values in times.items()}
    return {
        "question": QUESTION + (" (run N)" if fresh else ""),
        "repeats": len(times["rest"]),
        "p50_ms": p50,
        "mcp_raw_minus_rest_ms": round(p50["mcp_raw"] - p50["rest"], 2),
        "mcp_session_minus_rest_ms": round(p50["mcp_session"] - p50["rest"], 2),
        "mcp_new_session_minus_rest_ms": round(p50["mcp_new_session"] - p50["rest"], 2),
        "min_ms": {kind: round(min(values) * 1000, 2) for kind, values in times.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--fresh", action="store_true", help="A new variant of the question each call."
    )
    parser.add_argument("--base-url", help="A running `newsdesk serve` holding the seed article.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    proc = None
    with tempfile.TemporaryDirectory(prefix="mcp-overhead-") as tmp:
        url = args.base_url
        if url is None:
            url, proc = start_server(Path(tmp))
        try:
            times = anyio.run(measure, url, args.repeats, args.fresh, args.warmup)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    result = report(times, args.fresh)
    p50 = result["p50_ms"]
    print(f"ask, p50 over {result['repeats']} calls each ({result['question']!r}):")
    print(f"  REST POST /api/ask            {p50['rest']:8.2f} ms")
    print(f"  MCP tools/call, raw JSON-RPC  {p50['mcp_raw']:8.2f} ms  "
          f"({result['mcp_raw_minus_rest_ms']:+.2f} ms)")  # fmt: skip
    print(f"  MCP tools/call, one session   {p50['mcp_session']:8.2f} ms  "
          f"({result['mcp_session_minus_rest_ms']:+.2f} ms)")  # fmt: skip
    print(f"  MCP tools/call, new session   {p50['mcp_new_session']:8.2f} ms  "
          f"({result['mcp_new_session_minus_rest_ms']:+.2f} ms)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
