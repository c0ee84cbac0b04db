"""A chat model server that dies mid-reply: both streams end with an error, not a cut connection.

`newsdesk serve` runs for real on 127.0.0.1 with the llm engine pointed at a model server (also
on 127.0.0.1) that sends its first words and then drops the connection.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import seeded_home, serve, stop

pytestmark = [pytest.mark.slow, pytest.mark.server]


class DyingModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible server whose streamed reply breaks off after one chunk."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        chunk = {
            "id": "x", "object": "chat.completion.chunk", "created": 0, "model": "dying",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": "The New York"},
                         "finish_reason": None}],
        }  # fmt: skip
        body = f"data: {json.dumps(chunk)}\n\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body) + 5000))  # promise more than is sent
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder, seed_dir: Path) -> Iterator[str]:
    model = ThreadingHTTPServer(("127.0.0.1", 0), DyingModel)
    thread = threading.Thread(target=model.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    home = seeded_home(tmp_path_factory, embedder, seed_dir, "dying-model-home")
    url, proc = serve(
        home, home / "server.log", NEWSDESK_LLM__PROVIDER="openai", NEWSDESK_LLM__MODEL="dying",
        NEWSDESK_LLM__BASE_URL=f"http://127.0.0.1:{model.server_address[1]}/v1",
        NEWSDESK_LLM__TIMEOUT="20",
    )  # fmt: skip
    yield url
    stop(proc)
    model.shutdown()
    model.server_close()


def test_sse_stream_ends_with_an_error_event(server: str) -> None:
    body = {"question": "Who analysed the satellite imagery?", "engine": "llm"}
    with httpx.stream("POST", f"{server}/api/ask/stream", json=body, timeout=120) as response:
        assert response.status_code == 200
        raw = "".join(response.iter_text())
    events = [
        (block.split("\n")[0].removeprefix("event: "), json.loads(block.split("\n")[1][6:]))
        for block in raw.strip().split("\n\n")
        if block.startswith("event:")
    ]
    assert events[0] == ("token", {"text": "The New York"})
    kind, data = events[-1]
    assert kind == "error" and data["status"] == 503 and data["ok"] is False
    assert "did not answer" in data["error"] and "NEWSDESK_LLM__BASE_URL" in data["error"]


def test_openai_stream_ends_with_an_error_the_client_raises(server: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)
    stream = client.chat.completions.create(
        model="newsdesk-llm", stream=True,
        messages=[{"role": "user", "content": "Who analysed the satellite imagery?"}],
    )  # fmt: skip
    seen = []
    with pytest.raises(openai.APIError, match="did not answer"):
        for chunk in stream:
            seen.append(chunk.choices[0].delta.content or "")
    assert "The New York" in "".join(seen)
