"""The OpenAI-compatible routes, ``/v1/models`` and ``/v1/chat/completions`` (part of the API edge).

They answer as the official ``openai`` client and LangChain's ``ChatOpenAI`` expect, streaming
included, and their errors have OpenAI's shape (``{"error": {"message", "type", "param",
"code"}}``) where the rest of the API has newsdesk's. The values are built in
``assistant.http.openai_schemas``; this module only routes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.sse import EventSourceResponse, format_sse_event
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError
from assistant.http import openai_schemas
from assistant.http.deps import ServedBy
from assistant.http.events import primed
from assistant.http.openai_schemas import UnknownModel, error_body
from assistant.http.schemas import ChatRequest

log = logging.getLogger(__name__)


def openai_error(
    message: str, status: int, param: str | None = None, code: str | None = None
) -> JSONResponse:
    """An error response in OpenAI's shape; the openai client retries only server errors."""
    headers = {"x-should-retry": "false"} if status < 500 else None
    return JSONResponse(error_body(message, status, param, code), status, headers=headers)


class OpenAIRoute(APIRoute):
    """A route whose errors, request validation included, have OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, wrapped to render its errors the OpenAI way."""
        handle = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as e:
                first = e.errors()[0]
                param = ".".join(str(p) for p in first["loc"] if p != "body") or None
                return openai_error(
                    f"Invalid request: {param or 'body'}: {first['msg']}", 400, param,
                    "invalid_value",
                )  # fmt: skip
            except UnknownModel as e:
                return openai_error(str(e), e.status, "model", "model_not_found")
            except AssistantError as e:
                return openai_error(str(e), e.status, None, type(e).__name__)
            except StarletteHTTPException as e:
                return openai_error(str(e.detail), e.status_code)
            except Exception as e:
                log.exception("OpenAI-compatible route failed")
                return openai_error(f"Internal error: {type(e).__name__}. See the server log.", 500)

        return handler


router = APIRouter(prefix="/v1", route_class=OpenAIRoute, tags=["OpenAI-compatible"])


@router.get("/models")
def models(assistant: ServedBy) -> dict[str, Any]:
    """The engines, as models: ``newsdesk``, ``newsdesk-extractive``, ``newsdesk-llm``."""
    return openai_schemas.models(assistant)


@router.get("/models/{model}")
def model(model: str, assistant: ServedBy) -> dict[str, Any]:
    """One model of the listing."""
    for entry in openai_schemas.models(assistant)["data"]:
        if entry["id"] == model:
            return entry  # type: ignore[no-any-return]
    raise UnknownModel(f"The model {model!r} does not exist.", "See GET /v1/models.")


@router.post("/chat/completions", response_model=None)
def chat(request: ChatRequest, assistant: ServedBy) -> dict[str, Any] | EventSourceResponse:
    """Chat completions over the articles.

    The last user message is the question, earlier user and assistant messages the
    conversation (follow-ups work). The reply carries [n] markers and the sources;
    ``message.citations`` holds the citations as data (in a stream: the delta of the
    chunk with ``finish_reason``). ``stream: true`` and ``stream_options.include_usage``
    work as in OpenAI's API.
    """
    question, history, engine = openai_schemas.unpack(request, assistant)
    prompt = [openai_schemas.message_text(m.content) for m in request.messages]
    count = assistant.embedder.count_tokens
    if not request.stream:
        answer = assistant.ask(question, history=history, engine=engine)
        return openai_schemas.completion(answer, request.model, prompt, count)
    stream = primed(assistant.stream(question, history=history, engine=engine))
    usage = bool(request.stream_options and request.stream_options.include_usage)
    chunks = openai_schemas.chunks(stream, request.model, prompt, count, usage)
    return EventSourceResponse(_encode(chunks), headers={"Cache-Control": "no-cache"})


def _encode(chunks: Iterator[dict[str, Any] | str]) -> Iterator[bytes]:
    for chunk in chunks:
        data = chunk if isinstance(chunk, str) else json.dumps(chunk, ensure_ascii=False)
        yield format_sse_event(data_str=data)
