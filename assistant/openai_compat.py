"""OpenAI-compatible chat completions over the corpus, so any OpenAI client can ask it.

Models are the engines: ``newsdesk`` (the configured default), ``newsdesk-extractive`` and, when
a chat model is configured, ``newsdesk-llm``. Replies carry ``[n]`` markers in the text and the
citations as data in an extra ``citations`` field.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from assistant.errors import BadRequest
from assistant.schemas import ChatRequest
from assistant.service import Assistant
from assistant.types import Answer, Turn

ENGINES = {"newsdesk": None, "newsdesk-extractive": "extractive", "newsdesk-llm": "llm"}


def models(assistant: Assistant) -> dict[str, Any]:
    """The /v1/models listing."""
    names = ["newsdesk", "newsdesk-extractive"]
    if assistant.settings.llm.provider != "none":
        names.append("newsdesk-llm")
    return {
        "object": "list",
        "data": [{"id": n, "object": "model", "created": 0, "owned_by": "newsdesk"} for n in names],
    }


def _text(content: str | list[dict[str, object]] | None) -> str:
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def unpack(request: ChatRequest, assistant: Assistant) -> tuple[str, list[Turn], str | None]:
    """(question, history, engine) from a chat request."""
    if request.model not in ENGINES:
        raise BadRequest(
            f"Unknown model {request.model!r}.",
            f"Use one of: {', '.join(m['id'] for m in models(assistant)['data'])}.",
        )
    turns = [
        # An earlier reply's source list is not what the conversation is about: follow-ups
        # are resolved against the answer itself.
        Turn(role=m.role, text=_text(m.content).split("\n\nSources:", 1)[0])  # type: ignore[arg-type]
        for m in request.messages
        if m.role in ("user", "assistant") and _text(m.content).strip()
    ]
    if not turns or turns[-1].role != "user":
        raise BadRequest("The last message must be a user message with the question.")
    return turns[-1].text, turns[:-1], ENGINES[request.model]


def _citations(answer: Answer) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in answer.citations]


def completion(answer: Answer, model: str) -> dict[str, Any]:
    """A chat.completion object for a finished answer."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": _citations(answer),
        "abstained": answer.abstained,
    }


def chunks(stream: Iterator[str | Answer], model: str) -> Iterator[str]:
    """chat.completion.chunk events: the text as written, then the sources, then [DONE]."""
    ident = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra,
        }  # fmt: skip
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for item in stream:
        if isinstance(item, Answer):
            cut = item.text.find("\n\nSources:")
            tail = item.text[cut:] if cut >= 0 else ""
            if tail:
                yield chunk({"content": tail})
            yield chunk({}, "stop", citations=_citations(item), abstained=item.abstained)
        elif item:
            yield chunk({"content": item})
    yield "data: [DONE]\n\n"
