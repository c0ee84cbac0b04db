"""Shared fixtures: isolated NEWSDESK_HOME, the real embedding model, and the shared data sets."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# On CI, property-based tests draw the same examples every run (a failure there is a real
# regression, reproducible); locally they explore new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))
SEED_DIR = SHARED / "seed"
REALTIMEQA_DIR = SHARED / "data" / "realtimeqa"
# tests/unit: pure logic, no model, no store (seconds: `make test-fast`); tests/integration: the
# real model, Chroma, catalogs and fixture servers in process; tests/e2e: the shipped program
# (`newsdesk serve` on 127.0.0.1, the CLI as a subprocess, the browser).
KINDS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with the folder it lives in (``-m unit``, ``-m "not e2e"``)."""
    for item in items:
        kind = next((k for k in KINDS if k in item.path.parent.parts[-1:]), None)
        if kind:
            item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point NEWSDESK_HOME at a temp dir and clear every other NEWSDESK_ variable."""
    for name in list(os.environ):
        if name.startswith("NEWSDESK_") and name != "NEWSDESK_SHARED":
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("NEWSDESK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 model, loaded once per test session."""
    from index.embed import SentenceEmbedder

    model = SentenceEmbedder()
    model.encode(["load"])
    return model


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster on 127.0.0.1 for the session (Debian postgresql), or skip."""
    from tests import pg_cluster

    if pg_cluster.bindir() is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) not found: install them with "
            "`make pg-fixture` (apt-get install postgresql)"
        )
    cluster = pg_cluster.start(free_port())
    yield cluster
    cluster.stop()


@pytest.fixture
def catalog_url(pg_cluster) -> str:
    """The URL of a new empty database in the session's PostgreSQL cluster."""
    return pg_cluster.create_database()


@pytest.fixture(params=["sqlite", "postgres"])
def catalog_backend(request: pytest.FixtureRequest) -> str | None:
    """Run a test once per catalog backend: None (SQLite), then a PostgreSQL URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("catalog_url")


@pytest.fixture
def library(tmp_path: Path, embedder, catalog_backend: str | None):
    """A real Library (each catalog backend + embedded Chroma) in a temp dir."""
    from index.library import Library

    lib = Library(tmp_path / "library", embedder, catalog_url=catalog_backend)
    yield lib
    lib.close()


@pytest.fixture
def assistant(isolated_env: Path, embedder):
    """An Assistant on the temp NEWSDESK_HOME that shares the session's loaded model."""
    from assistant import Assistant

    bot = Assistant()
    bot.embedder = embedder  # reuse the session model instead of loading it again
    return bot


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The seed article folder from ../shared, or skip."""
    if not any(SEED_DIR.glob("*.txt")):
        pytest.skip(
            f"seed article not found in {SEED_DIR} (put the shared material beside the repo)"
        )
    return SEED_DIR


@pytest.fixture(scope="session")
def realtimeqa_dir() -> Path:
    """The RealTimeQA weeks from ../shared, or skip."""
    if not any(REALTIMEQA_DIR.glob("*_gcs.jsonl")):
        pytest.skip(
            f"RealTimeQA data not found in {REALTIMEQA_DIR} (needs ../shared beside the repo)"
        )
    return REALTIMEQA_DIR


@dataclass
class Site:
    base: str
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes, content_type: str, status: int = 200) -> None:
        self.routes[path] = (status, {"Content-Type": content_type}, body)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = (status, {"Location": location}, b"")


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            site.hosts.append(self.headers.get("Host", ""))
            status, headers, body = site.routes.get(
                self.path, (404, {"Content-Type": "text/plain"}, b"not found")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.fixture
def site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    result = Site(base=f"http://127.0.0.1:{port}")
    server.RequestHandlerClass = make_handler(result)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield result
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(
    url: str, proc: subprocess.Popen, timeout: float = 300, log: Path | None = None
) -> None:
    """Poll ``url`` until it answers 200; fail with the server's stderr (or log) if it exits."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            output = log.read_text()[-3000:] if log else ""
            if proc.stderr:
                output += proc.stderr.read().decode()[-3000:]
            pytest.fail(f"server exited: {output}")
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not come up within {timeout}s")
        time.sleep(0.2)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a server; kill it if it does not exit in time (open streams can hold it)."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


NEWSDESK = [sys.executable, "-c", "from assistant.cli import main; main()"]


def seeded_home(tmp_path_factory, embedder, seed_dir: Path, name: str) -> Path:
    """A fresh NEWSDESK_HOME holding the seed article (ingested in this process)."""
    from assistant import Assistant

    home = tmp_path_factory.mktemp(name)
    bot = Assistant(home=home)
    bot.embedder = embedder
    assert bot.ingest(seed_dir).added == 1
    bot.library.close()
    return home


def serve(home: Path, log: Path, **env: str) -> tuple[str, subprocess.Popen]:
    """Start `newsdesk serve` on a free loopback port; (base URL, process) once it answers.

    The server's output goes to ``log`` (a pipe nobody reads could block it).
    """
    port = free_port()
    environment = {**os.environ, "NEWSDESK_HOME": str(home), "NO_PROXY": "127.0.0.1", **env}
    proc = subprocess.Popen(
        [*NEWSDESK, "serve", "--port", str(port)],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/health", proc, log=log)
    return url, proc


@pytest.fixture(scope="session")
def seeded_server(tmp_path_factory, embedder, seed_dir: Path) -> Iterator[str]:
    """A `newsdesk serve` on 127.0.0.1 holding the seed article, shared by the session."""
    home = seeded_home(tmp_path_factory, embedder, seed_dir, "served-home")
    url, proc = serve(home, home / "server.log")
    yield url
    stop(proc)


@pytest.fixture
def chroma_server(tmp_path: Path):
    """A real `chroma run` on a free loopback port with its data in a temp dir; its URL."""
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.fail("the chroma CLI (from the chromadb package) is not installed")
    port = free_port()
    log = tmp_path / "chroma.log"
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log.open("wb"),  # a pipe nobody reads could block a long run
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/v2/heartbeat", proc, timeout=60, log=log)
    yield url
    stop(proc)
