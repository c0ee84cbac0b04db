"""/v1 as the official openai client and LangChain's ChatOpenAI see it, on a real `newsdesk serve`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import serve, stop

pytestmark = [pytest.mark.slow, pytest.mark.server]

QUESTION = "Who analysed the satellite imagery?"


@pytest.fixture(scope="module")
def server(seeded_server: str) -> str:  # one served seed home for these tests
    return seeded_server


@pytest.fixture(scope="module")
def client(server: str):
    from openai import OpenAI

    return OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)


def test_models(client) -> None:
    assert [m.id for m in client.models.list()] == ["newsdesk", "newsdesk-extractive"]
    assert client.models.retrieve("newsdesk-extractive").owned_by == "newsdesk"


def test_reply_has_usage_ids_and_structured_citations(client) -> None:
    reply = client.chat.completions.create(
        model="newsdesk",
        messages=[{"role": "system", "content": "ignored"}, {"role": "user", "content": QUESTION}],
    )
    assert reply.id.startswith("chatcmpl-") and reply.object == "chat.completion"
    assert reply.model == "newsdesk" and reply.created > 1_700_000_000
    choice = reply.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content
    assert "The New York Times" in text and "[1]" in text and "\n\nSources:\n[1] " in text
    usage = reply.usage
    assert usage.prompt_tokens > 5 and usage.completion_tokens > 10
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    citations = choice.message.model_extra["citations"]
    assert citations[0]["n"] == 1 and "satellite imagery" in citations[0]["quote"]
    assert choice.message.model_extra["sources"][0]["n"] == 1
    assert choice.message.model_extra["abstained"] is False
    # the text is the body with its quotes, then the source list: both from the same answer
    assert citations[0]["quote"].split("*")[0] in text


def test_stream_with_usage(client) -> None:
    stream = client.chat.completions.create(
        model="newsdesk-extractive",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "What did the UN official say?"}],
    )
    chunks = list(stream)
    assert len({c.id for c in chunks}) == 1 and all(
        c.object == "chat.completion.chunk" for c in chunks
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    *with_choices, last = chunks
    assert last.choices == [] and last.usage.completion_tokens > 10
    assert all(c.usage is None for c in with_choices)
    finished = [c for c in with_choices if c.choices[0].finish_reason]
    assert len(finished) == 1 and finished[0] is with_choices[-1]
    assert finished[0].choices[0].finish_reason == "stop"
    delta = finished[0].choices[0].delta.model_extra
    assert delta["citations"] and delta["abstained"] is False
    streamed = "".join(c.choices[0].delta.content or "" for c in with_choices)
    assert "humanitarian crisis" in streamed and "\n\nSources:\n[1] " in streamed
    # the same question without streaming gives the same text
    whole = client.chat.completions.create(
        model="newsdesk-extractive",
        messages=[{"role": "user", "content": "What did the UN official say?"}],
    )
    assert whole.choices[0].message.content == streamed
    assert whole.usage.completion_tokens == last.usage.completion_tokens


def test_stream_without_usage_has_no_usage_chunk(client) -> None:
    chunks = list(
        client.chat.completions.create(
            model="newsdesk", stream=True, messages=[{"role": "user", "content": QUESTION}]
        )
    )
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices for c in chunks) and all(c.usage is None for c in chunks)


def test_follow_up_history(client) -> None:
    reply = client.chat.completions.create(
        model="newsdesk",
        messages=[
            {"role": "user", "content": "Where are Ukrainian troops retreating to?"},
            {"role": "assistant", "content": "Toward Konstantinovka [1]."},
            {"role": "user", "content": [{"type": "text", "text": "And what about Kleban-Byk?"}]},
        ],
    )
    citations = reply.choices[0].message.model_extra["citations"]
    assert any("Kleban-Byka" in c["quote"] for c in citations)


def test_errors_have_openai_shape(client, server: str) -> None:
    import openai

    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    error = raised.value.body
    assert (
        error["code"] == "model_not_found"
        and error["param"] == "model"
        and "gpt-9" in error["message"]
    )
    assert error["type"] == "not_found_error"
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="newsdesk", messages=[{"role": "assistant", "content": "hi"}]
        )
    assert "user message" in raised.value.body["message"]
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="newsdesk", messages=[])
    assert raised.value.body["param"] == "messages"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9")
    # the raw bodies: exactly OpenAI's four fields, on /v1 only
    raw = httpx.post(f"{server}/v1/chat/completions", json={"model": "newsdesk"}, timeout=30)
    assert raw.status_code == 400 and raw.headers["x-should-retry"] == "false"
    assert set(raw.json()) == {"error"} and set(raw.json()["error"]) == {
        "message",
        "type",
        "param",
        "code",
    }
    ours = httpx.post(f"{server}/api/search", json={}, timeout=30)
    assert ours.json() == {"ok": False, "error": ours.json()["error"], "status": 422}


def test_empty_library_is_a_conflict_not_retried(tmp_path: Path) -> None:
    import openai

    home = tmp_path / "empty"
    url, proc = serve(home, tmp_path / "server.log")
    try:
        sent: list[httpx.Request] = []
        client = openai.OpenAI(  # default retries on
            base_url=f"{url}/v1",
            api_key="unused",
            http_client=httpx.Client(event_hooks={"request": [sent.append]}),
        )
        with pytest.raises(openai.ConflictError) as raised:
            client.chat.completions.create(
                model="newsdesk", messages=[{"role": "user", "content": QUESTION}]
            )
        assert "No articles are indexed" in raised.value.body["message"]
        assert raised.value.body["code"] == "NotIndexed"
        assert len(sent) == 1  # a 409 is retried by default; x-should-retry: false stops it
    finally:
        stop(proc)


def test_chat_openai_invoke_and_stream(server: str) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        base_url=f"{server}/v1", api_key="unused", model="newsdesk", max_retries=0,
        stream_usage=True,  # asks for stream_options.include_usage
    )  # fmt: skip
    message = llm.invoke(QUESTION)
    assert "The New York Times" in message.content and "Sources:" in message.content
    assert message.usage_metadata["output_tokens"] > 10
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.response_metadata["model_name"] == "newsdesk"
    chunks = list(llm.stream([("human", "What did the UN official say?")]))
    streamed = "".join(c.content for c in chunks)
    assert len(chunks) >= 3 and "humanitarian crisis" in streamed and "Sources:" in streamed
    total = chunks[0]
    for c in chunks[1:]:
        total += c
    assert total.usage_metadata and total.usage_metadata["output_tokens"] > 10


async def test_chat_openai_async(server: str) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=f"{server}/v1", api_key="unused", model="newsdesk-extractive")
    message = await llm.ainvoke(QUESTION)
    assert "The New York Times" in message.content
    parts = [c.content async for c in llm.astream(QUESTION)]
    assert "".join(parts) == message.content
