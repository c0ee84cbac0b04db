"""`newsdesk serve` as a real server on 127.0.0.1: the chat page, one question, the JSON API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import seeded_home, serve, stop

pytestmark = [pytest.mark.slow, pytest.mark.server]


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder, seed_dir: Path):
    home = seeded_home(tmp_path_factory, embedder, seed_dir, "serve-home")
    url, proc = serve(home, home / "server.log")
    yield url
    stop(proc)


def test_page_loads(server: str) -> None:
    page = httpx.get(server + "/", timeout=30)
    assert page.status_code == 200
    assert "newsdesk" in page.text and "gradio" in page.text.lower()


def test_gradio_client_gets_the_answer_as_data(server: str) -> None:
    from gradio_client import Client

    client = Client(server + "/", verbose=False)
    # inputs: question, history, outlets, since, until, engine, research
    first = client.predict(
        "Who analysed the satellite imagery?", [], [], "", "", "extractive", False,
        api_name="/answer",
    )  # fmt: skip
    assert isinstance(first, dict) and not first["abstained"]
    assert "The New York Times" in first["answer"] and "[1]" in first["answer"]
    assert "\\" not in first["answer"]  # plain text, not escaped Markdown
    citation = first["citations"][0]
    assert citation["n"] == 1 and citation["quote"] in first["answer"]
    assert {"start", "end", "title", "outlet", "attribution"} <= set(citation)
    history = [
        {"role": "user", "text": "Where are the Ukrainian troops retreating to?"},
        {"role": "assistant", "text": "Toward Konstantinovka [1]."},
    ]
    follow_up = client.predict(
        "And what about Kleban-Byka?", history, [], "", "", "extractive", False,
        api_name="/answer",
    )  # fmt: skip
    assert follow_up["standalone_question"].startswith("Where are the Ukrainian troops")


def test_api_ask_search_articles(server: str) -> None:
    answer = httpx.post(
        server + "/api/ask",
        json={"question": "Where are the Ukrainian troops retreating to?"},
        timeout=60,
    ).json()
    assert not answer["abstained"]
    assert any("Konstantinovka" in c["quote"] for c in answer["citations"])
    hits = httpx.post(
        server + "/api/search", json={"question": "leaked communication", "k": 3}
    ).json()
    assert len(hits["hits"]) == 3
    articles = httpx.get(server + "/api/articles").json()
    assert len(articles) == 1
    article = httpx.get(f"{server}/api/articles/{articles[0]['id']}").json()
    for cite in answer["citations"]:
        assert article["text"][cite["start"] : cite["end"]] == cite["quote"]
    assert httpx.get(server + "/openapi.json").json()["info"]["title"] == "newsdesk"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/api/ask", {"question": ""}, 422),
        ("post", "/api/search", {"question": "x", "k": 0}, 422),
        (
            "post",
            "/api/ask",
            {"question": "x", "filters": {"since": "2024-02-01", "until": "2024-01-01"}},
            422,
        ),
        ("get", "/api/articles/does-not-exist", None, 404),
        ("get", "/api/nowhere", None, 404),
    ],
)
def test_errors_have_one_shape(server: str, method: str, path: str, body, status: int) -> None:
    response = httpx.request(method.upper(), server + path, json=body)
    assert response.status_code == status
    payload = response.json()
    assert payload == {"ok": False, "error": payload["error"], "status": status}
    assert payload["error"]
