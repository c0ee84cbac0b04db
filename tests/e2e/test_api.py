"""Every HTTP route, called over HTTP on a real `newsdesk serve` on 127.0.0.1, with a token set."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import seeded_home, serve, stop

pytestmark = [pytest.mark.slow, pytest.mark.server]

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder, seed_dir: Path):
    home = seeded_home(tmp_path_factory, embedder, seed_dir, "api-home")
    url, proc = serve(
        home, home / "server.log", NEWSDESK_API_TOKEN=TOKEN, NEWSDESK_SERVER__MAX_REQUEST_MB="1"
    )
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def client(server: str):
    with httpx.Client(base_url=server, timeout=120) as c:
        yield c


def assert_error(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"ok": False, "error": body["error"], "status": status}
    for word in words:
        assert word in body["error"], body["error"]


def test_health_stats_outlets(client: httpx.Client) -> None:
    assert client.get("/api/health").json() == {"ok": True, "articles": 1}
    stats = client.get("/api/stats").json()
    assert stats["articles"] == 1 and stats["engine"] == "extractive" and stats["llm"] is None
    assert client.get("/api/outlets").json() == []


def test_search_and_ask(client: httpx.Client) -> None:
    hits = client.post("/api/search", json={"question": "Kleban-Byka", "k": 2}).json()["hits"]
    assert len(hits) == 2 and "Kleban-Byka" in hits[0]["text"]
    answer = client.post(
        "/api/ask", json={"question": "Which outlet obtained the leaked military communication?"}
    ).json()
    assert not answer["abstained"] and "The Global Times" in answer["citations"][0]["quote"]
    assert answer["filters"] == {"outlets": [], "since": None, "until": None, "as_of": None}
    dated = client.post(
        "/api/ask",
        json={"question": "Who was quoted this week?", "filters": {"as_of": "2024-03-01"}},
    ).json()
    assert dated["filters"]["as_of"] == "2024-03-01"
    assert any("date asked as of, 2024-03-01" in note for note in dated["notes"])
    assert any(
        "published from 2024-02-23 to 2024-03-01" in n for n in dated["notes"]
    )  # seed undated
    mc = client.post(
        "/api/ask",
        json={"question": "Who analysed the satellite imagery?",
              "choices": ["Reuters", "The New York Times", "The Global Times"]},
    ).json()  # fmt: skip
    assert mc["choice"] == 1
    follow = client.post(
        "/api/ask",
        json={"question": "And what about Kleban-Byk?",
              "history": [{"role": "user", "text": "Where are Ukrainian troops retreating to?"}]},
    ).json()  # fmt: skip
    assert follow["standalone_question"] and any(
        "Kleban-Byka" in c["quote"] for c in follow["citations"]
    )


def test_ask_stream_sends_typed_events(client: httpx.Client) -> None:
    with client.stream(
        "POST", "/api/ask/stream", json={"question": "What did the UN official say?"}
    ) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = [
        (
            block.split("\n")[0].removeprefix("event: "),
            json.loads(block.split("\n")[1].removeprefix("data: ")),
        )
        for block in raw.strip().split("\n\n")
    ]
    kinds = [k for k, _ in events]
    answer = events[-1][1]
    cited = len(answer["citations"])
    assert kinds == ["token", *["citation"] * cited, "answer"] and cited >= 1
    assert "humanitarian crisis" in answer["text"]
    assert [e[1] for e in events[1:-1]] == answer["citations"] and events[1][1]["n"] == 1


def test_article_routes_and_token(client: httpx.Client) -> None:
    article = {
        "title": "Bridge reopens", "text": "The main bridge in Riverton reopened on Sunday after "
        "engineers finished their inspection. Traffic resumed within the hour.",
        "url": "https://valley.example/bridge", "outlet": "Valley Courier", "published_at": "2024-03-04",
    }  # fmt: skip
    assert_error(client.post("/api/articles", json={"articles": [article]}), 401, "token")
    wrong = {"Authorization": "Bearer nope"}
    assert_error(client.post("/api/articles", json={"articles": [article]}, headers=wrong), 401)
    added = client.post("/api/articles", json={"articles": [article]}, headers=AUTH)
    assert added.status_code == 201 and added.json()["added"] == 1
    again = client.post("/api/articles", json={"articles": [article]}, headers=AUTH).json()
    assert again["unchanged"] == 1

    files = [("files", ("storm.md", b"# Storm warning\nA storm will hit the coast on Friday.", "text/markdown")),
             ("files", ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf"))]  # fmt: skip
    uploaded = client.post("/api/articles/upload", files=files, headers=AUTH).json()
    assert (uploaded["added"], uploaded["failed"]) == (1, 1)
    assert {i["origin"] for i in uploaded["items"]} == {"storm.md", "broken.pdf"}

    listed = client.get("/api/articles", params={"q": "bridge"}).json()
    assert [a["title"] for a in listed] == ["Bridge reopens"]
    assert listed[0]["outlets"] == ["Valley Courier"] and "text" not in listed[0]
    got = client.get(f"/api/articles/{listed[0]['id']}").json()
    assert got["text"].startswith("The main bridge") and got["sources"][0]["url"] == article["url"]
    reader = client.get(f"/reader/{got['id']}", params={"h": "0-15"})
    assert "<mark id='hl-0'>The main bridge</mark>" in reader.text
    assert client.get("/api/outlets").json() == [{"outlet": "Valley Courier", "articles": 1}]

    assert_error(client.delete(f"/api/articles/{got['id']}"), 401)
    assert client.delete(f"/api/articles/{got['id']}", headers=AUTH).json() == {
        "ok": True,
        "deleted": got["id"],
    }
    assert_error(client.get(f"/api/articles/{got['id']}"), 404, got["id"])
    assert_error(client.delete(f"/api/articles/{got['id']}", headers=AUTH), 404)


def test_urls_route_refuses_internal_hosts(client: httpx.Client, server: str) -> None:
    # the server itself is on loopback: a shared server must not be made to fetch from it
    report = client.post("/api/articles/urls", json={"urls": [f"{server}/api/stats"]}, headers=AUTH)
    assert report.status_code == 201
    item = report.json()["items"][0]
    assert report.json()["failed"] == 1 and "not a public address" in item["reason"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "words"),
    [
        ("post", "/api/ask", {"json": {"question": ""}}, 422, ["question"]),
        ("post", "/api/ask", {"json": {"question": "x" * 2001}}, 422, ["question"]),
        ("post", "/api/ask", {"json": {"question": "x", "engine": "llm"}}, 503, ["NEWSDESK_LLM__PROVIDER"]),
        ("post", "/api/ask", {"json": {"question": "x", "filters": {"since": "2024-02-01", "until": "2024-01-01"}}}, 422, ["since"]),
        ("post", "/api/ask", {"json": {"question": "x", "filters": {"as_of": "last week"}}}, 422, ["as_of"]),
        ("post", "/api/ask", {"json": {"question": "x", "choices": ["only one"]}}, 422, ["choices"]),
        ("post", "/api/search", {"json": {"question": "x", "k": 0}}, 422, ["k"]),
        ("post", "/api/search", {"json": {"question": "x", "surprise": 1}}, 422, ["surprise"]),
        ("post", "/api/articles", {"json": {"articles": [{"title": "no text"}]}, "headers": AUTH}, 422, ["text"]),
        ("post", "/api/articles", {"content": b"x" * (2 * 1024 * 1024), "headers": {**AUTH, "content-type": "application/json"}}, 413, ["MiB"]),
        ("get", "/api/articles/missing", {}, 404, ["missing"]),
        ("get", "/api/nowhere", {}, 404, ["/api/nowhere"]),
    ],
)  # fmt: skip
def test_one_error_shape(client: httpx.Client, method, path, kwargs, status, words) -> None:
    assert_error(client.request(method.upper(), path, **kwargs), status, *words)


def test_too_many_articles_is_413(client: httpx.Client) -> None:
    many = {"articles": [{"text": f"Short article number {i}."} for i in range(1001)]}
    assert_error(client.post("/api/articles", json=many, headers=AUTH), 413, "1000")


def test_docs_and_openapi_work_offline(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/ask/stream", "/api/search", "/api/articles", "/api/articles/upload",
                 "/api/articles/urls", "/api/articles/{article_id}", "/api/stats", "/api/health",
                 "/v1/chat/completions", "/v1/models"):  # fmt: skip
        assert path in schema["paths"], path
    docs = client.get("/docs").text
    assert "<script" not in docs and "/api/ask/stream" in docs and "cdn" not in docs.lower()


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/api/articles", {"json": {"articles": [{"text": "A short article."}]}}),
        (
            "post",
            "/api/articles/upload",
            {"files": [("files", ("a.txt", b"Title\nText here.", "text/plain"))]},
        ),
        ("post", "/api/articles/urls", {"json": {"urls": ["https://example.com/a"]}}),
        ("delete", "/api/articles/anything", {}),
    ],
)
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_every_write_route_needs_the_token(
    client: httpx.Client, method, path, kwargs, headers
) -> None:
    response = client.request(method.upper(), path, headers=headers, **kwargs)
    assert_error(response, 401, "token")
    assert response.headers["www-authenticate"] == "Bearer"
    # reads stay open
    assert client.get("/api/articles").status_code == 200


def test_research_routes(client: httpx.Client) -> None:
    (article,) = [
        a for a in client.get("/api/articles").json() if a["title"].startswith("The Russian")
    ]
    text = client.get(f"/api/articles/{article['id']}").json()["text"]
    start = text.index("Ukrainian military sources")
    end = text.index("front line.", start) + len("front line.")
    checked = client.post(
        "/api/corroborate", json={"article_id": article["id"], "start": start, "end": end}
    )
    assert checked.status_code == 200
    body = checked.json()
    assert (
        body["claim"].startswith("Ukrainian military sources") and body["independent_outlets"] == []
    )
    assert_error(
        client.post("/api/corroborate", json={"article_id": article["id"], "start": 5, "end": 2}),
        400,
    )
    assert_error(client.post("/api/corroborate", json={"article_id": "nope", "claim": "x"}), 404)

    line = client.post(
        "/api/timeline", json={"topic": "retreat toward Konstantinovka", "k": 5}
    ).json()
    assert line["topic"] == "retreat toward Konstantinovka" and line["events"]
    for e in line["events"]:
        own = client.get(f"/api/articles/{e['article_id']}").json()["text"]
        assert own[e["start"] : e["end"]] == e["quote"]

    answer = client.post(
        "/api/ask", json={"question": "Who analysed the satellite imagery?", "research": True}
    ).json()
    cite = answer["citations"][0]
    assert (
        cite["attribution"]["speaker"] == "The New York Times"
        and cite["attribution"]["kind"] == "outlet"
    )
    assert (
        cite["corroboration"] is not None
        and cite["corroboration"]["article_id"] == cite["article_id"]
    )


def test_stats_show_where_the_library_is_only_to_token_holders(client: httpx.Client) -> None:
    operator = client.get("/api/stats", headers=AUTH).json()
    assert operator["home"] and operator["store"].startswith(operator["home"])
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.get("/api/stats", headers=headers)
        assert response.status_code == 200
        anonymous = response.json()
        assert anonymous["home"] is None and anonymous["store"] is None
        assert operator["home"] not in response.text
        assert anonymous["articles"] == operator["articles"] >= 1  # the same counts


def test_oversized_body_on_v1_has_openai_shape(client: httpx.Client, server: str) -> None:
    import openai

    big = {"model": "newsdesk", "messages": [{"role": "user", "content": "x" * 2_000_000}]}
    declared = client.post("/v1/chat/completions", json=big)

    def chunks():
        yield json.dumps(big).encode()

    chunked = client.post(  # no Content-Length: counted as it arrives
        "/v1/chat/completions", content=chunks(), headers={"content-type": "application/json"}
    )
    for response in (declared, chunked):
        assert response.status_code == 413, response.text
        error = response.json()
        assert set(error) == {"error"}
        assert error["error"]["type"] == "invalid_request_error"
        assert error["error"]["code"] == "request_too_large" and error["error"]["param"] is None
        assert "MiB" in error["error"]["message"]
    sdk = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)
    with pytest.raises(openai.APIStatusError) as raised:
        sdk.chat.completions.create(**big)
    assert raised.value.status_code == 413 and raised.value.body["code"] == "request_too_large"
    # the /api routes keep newsdesk's shape
    assert_error(client.post("/api/ask", content=b"x" * 2_000_000), 413, "MiB")
