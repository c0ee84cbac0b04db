"""Pure logic of the two streams: typed SSE events and OpenAI chunks, errors midway included."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.errors import ModelUnavailable
from assistant.http.events import events
from assistant.http.openai_schemas import chunks, completion, tail
from assistant.types import Answer, Citation, Source


def answer() -> Answer:
    cite = Citation(
        n=1, quote="Quote one.", start=0, end=10, passage="Quote one. More.", passage_id="a#0",
        passage_start=0, passage_end=16, article_id="a", title="Title", outlet="x.com", score=0.9,
    )  # fmt: skip
    source = Source(n=1, article_id="a", passage_id="a#0", title="Title", outlet="x.com")
    return Answer(
        question="q", text="RENDERED TEXT NOT USED", body="Quote one. [1]", abstained=False,
        citations=[cite], sources=[source], notes=["Also searched for Kiev."],
    )  # fmt: skip


def failing(error: Exception) -> Iterator[str | Answer]:
    yield "first words "
    raise error


def count(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def test_sse_events_are_typed_and_an_error_midway_is_an_event() -> None:
    ok = [(e.event, e.data) for e in events(iter(["Quote one. [1]", answer()]))]
    assert [k for k, _ in ok] == ["token", "citation", "answer"]
    assert ok[0][1] == {"text": "Quote one. [1]"} and ok[1][1]["quote"] == "Quote one."
    bad = [(e.event, e.data) for e in events(failing(ModelUnavailable("down", "start it")))]
    assert bad == [
        ("token", {"text": "first words "}),
        ("error", {"ok": False, "error": "down start it", "status": 503}),
    ]
    crashed = [(e.event, e.data) for e in events(failing(RuntimeError("boom")))]
    assert crashed[-1] == (
        "error",
        {"ok": False, "error": "Internal error: RuntimeError. See the server log.", "status": 500},
    )


def test_reply_text_is_built_from_fields_not_cut_from_the_rendered_text() -> None:
    a = answer()
    assert tail(a) == "\n\nSources:\n[1] Title — x.com\n\nNote: Also searched for Kiev."
    body = completion(a, "newsdesk", ["q"], count)
    message = body["choices"][0]["message"]
    assert message["content"] == "Quote one. [1]" + tail(a) and "RENDERED" not in message["content"]
    assert message["citations"][0]["quote"] == "Quote one." and message["abstained"] is False
    assert body["usage"] == {"prompt_tokens": 1, "completion_tokens": 13, "total_tokens": 14}


def test_openai_chunks_end_with_usage_or_an_error() -> None:
    out = list(chunks(iter(["Quote one. [1]", answer()]), "newsdesk", ["q"], count, True))
    assert out[-1] == "[DONE]"
    usage = out[-2]
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == 13
    finish = out[-3]["choices"][0]
    assert finish["finish_reason"] == "stop" and finish["delta"]["citations"][0]["n"] == 1
    assert all(c["usage"] is None for c in out[:-2])
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in out[:-2]) == (
        "Quote one. [1]" + tail(answer())
    )
    broken = list(chunks(failing(ModelUnavailable("down")), "newsdesk", ["q"], count))
    assert broken[-1] == {
        "error": {"message": "down", "type": "service_unavailable_error", "param": None,
                  "code": "ModelUnavailable"}
    }  # fmt: skip
    assert "[DONE]" not in broken
