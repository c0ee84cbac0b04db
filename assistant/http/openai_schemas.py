"""OpenAI-compatible chat completions over the articles: the values, not the routes.

Models are the engines: ``newsdesk`` (the configured default), ``newsdesk-extractive`` and, when
a chat model is configured, ``newsdesk-llm``. The reply's text carries ``[n]`` markers and a
source list, built from the answer's fields (``Answer.body``, ``Answer.sources``), and the
message carries the citations as data: ``message.citations``, ``message.sources`` and
``message.abstained`` (in a stream, on the delta of the chunk that finishes the reply).
Errors have OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from assistant.engines.extractive import leads
from assistant.errors import AssistantError, NotFound
from assistant.http.schemas import ChatRequest
from assistant.service import Assistant
from assistant.types import Answer, Turn

ENGINES = {"newsdesk": None, "newsdesk-extractive": "extractive", "newsdesk-llm": "llm"}
ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 409: "conflict_error", 413: "invalid_request_error",
    422: "invalid_request_error", 429: "rate_limit_error", 503: "service_unavailable_error",
}  # fmt: skip
Counter = Callable[[list[str]], list[int]]
log = logging.getLogger(__name__)


def models(assistant: Assistant) -> dict[str, Any]:
    """The /v1/models listing."""
    names = ["newsdesk", "newsdesk-extractive"]
    if assistant.settings.llm.provider != "none":
        names.append("newsdesk-llm")
    return {
        "object": "list",
        "data": [{"id": n, "object": "model", "created": 0, "owned_by": "newsdesk"} for n in names],
    }


def error_body(
    message: str, status: int, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """An error in OpenAI's shape."""
    kind = ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


class UnknownModel(NotFound):
    """A chat request named a model that is not one of the engines."""


def message_text(content: str | list[dict[str, object]] | None) -> str:
    """A message's text: the string, or its text parts joined."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def unpack(request: ChatRequest, assistant: Assistant) -> tuple[str, list[Turn], str | None]:
    """(question, history, engine) from a chat request; system messages are ignored."""
    if request.model not in ENGINES:
        raise UnknownModel(
            f"The model {request.model!r} does not exist.",
            f"Use one of: {', '.join(m['id'] for m in models(assistant)['data'])}.",
        )
    turns = [
        # An earlier reply's source list is not what the conversation is about: follow-ups
        # are resolved against the answer itself.
        Turn(role=m.role, text=message_text(m.content).split("\n\nSources:", 1)[0])  # type: ignore[arg-type]
        for m in request.messages
        if m.role in ("user", "assistant") and message_text(m.content).strip()
    ]
    if not turns or turns[-1].role != "user":
        raise AssistantError(
            "The last message must be a user message with the question.",
            "End `messages` with {'role': 'user', 'content': '...'}.",
            status=400,
        )
    return turns[-1].text, turns[:-1], ENGINES[request.model]


def tail(answer: Answer) -> str:
    """What follows the answer's body in the reply: sources (or leads), filters and notes."""
    if answer.abstained:
        parts = [f"Closest passages (leads to read, not an answer):\n{leads(answer.hits)}"]
    elif answer.sources:
        parts = ["Sources:\n" + "\n".join(s.line() for s in answer.sources)]
    else:
        parts = ["Sources: none of the sentences cites a source."]
    if answer.filters.active:
        parts.append(f"Filters applied: {answer.filters.describe()}.")
    parts += [f"Note: {n}" for n in answer.notes]
    return "".join(f"\n\n{p}" for p in parts)


def structured(answer: Answer) -> dict[str, Any]:
    """The answer's citations as data, for the reply message (or the last stream delta)."""
    return {
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "sources": [s.model_dump(mode="json") for s in answer.sources],
        "abstained": answer.abstained,
    }


def usage(prompt: list[str], reply: str, count: Counter) -> dict[str, int]:
    """Token usage: word pieces of the messages and of the reply (the embedding tokenizer's)."""
    prompt_tokens = sum(count(prompt))
    completion_tokens = sum(count([reply]))
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _ident() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def completion(answer: Answer, model: str, prompt: list[str], count: Counter) -> dict[str, Any]:
    """A chat.completion object for a finished answer."""
    content = answer.body + tail(answer)
    return {
        "id": _ident(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **structured(answer)},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": usage(prompt, content, count),
    }


def chunks(
    stream: Iterator[str | Answer],
    model: str,
    prompt: list[str],
    count: Counter,
    include_usage: bool = False,
) -> Iterator[dict[str, Any] | str]:
    """chat.completion.chunk objects, then ``"[DONE]"``.

    The first chunk names the role, then come the text deltas as written and the sources; the
    chunk with ``finish_reason: "stop"`` carries the citations on its delta. With
    ``include_usage`` every chunk has ``usage: null`` and a last chunk with no choices carries
    the usage. An error midway becomes an ``{"error": ...}`` chunk (the openai client raises it).
    """
    ident, created = _ident(), int(time.time())
    written: list[str] = []

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        body = {
            "id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
            "system_fingerprint": None, "choices": choices, **extra,
        }  # fmt: skip
        if include_usage:
            body.setdefault("usage", None)
        return body

    def delta(content: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return chunk([{"index": 0, "delta": content, "logprobs": None, "finish_reason": finish}])

    try:
        yield delta({"role": "assistant", "content": ""})
        for item in stream:
            if isinstance(item, Answer):
                written.append(tail(item))
                yield delta({"content": written[-1]})
                yield delta(structured(item), "stop")
            elif item:
                written.append(item)
                yield delta({"content": item})
    except AssistantError as e:
        yield error_body(str(e), e.status, code=type(e).__name__)
        return
    except Exception as e:  # the status line is sent: say what failed instead of cutting off
        log.exception("chat completion stream failed")
        yield error_body(f"Internal error: {type(e).__name__}. See the server log.", 500)
        return
    if include_usage:
        yield chunk([], usage=usage(prompt, "".join(written), count))
    yield "[DONE]"
