"""``POST /api/ask/stream``: an answer as typed server-sent events (part of the API edge).

Served with FastAPI's own server-sent events (``fastapi.sse``): each event names its type and
carries JSON.

- ``token``: ``{"text": ...}``, the answer's text as it is written;
- ``citation``: one per citation, a ``Citation`` (quote, offsets, passage, article fields);
- ``answer``: the whole ``Answer``, last;
- ``error``: newsdesk's error shape ``{"ok": false, "error", "status"}`` if it fails midway;
  an error before the first event (a bad question, nothing indexed) is a plain JSON error
  response with its HTTP status instead.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from assistant.errors import AssistantError, error_body
from assistant.http.deps import ServedBy
from assistant.http.schemas import AskRequest
from assistant.types import Answer

log = logging.getLogger(__name__)
Stream = Iterator[str | Answer]


def events(stream: Stream) -> Iterator[ServerSentEvent]:
    """The typed events of an answer stream; an error becomes an ``error`` event."""
    try:
        for item in stream:
            if isinstance(item, Answer):
                for citation in item.citations:
                    yield ServerSentEvent(event="citation", data=citation.model_dump(mode="json"))
                yield ServerSentEvent(event="answer", data=item.model_dump(mode="json"))
            elif item:
                yield ServerSentEvent(event="token", data={"text": item})
    except AssistantError as e:
        yield ServerSentEvent(event="error", data=error_body(str(e), e.status))
    except Exception as e:  # the 200 is sent: say what failed rather than cut the stream
        log.exception("answer stream failed")
        message = f"Internal error: {type(e).__name__}. See the server log."
        yield ServerSentEvent(event="error", data=error_body(message, 500))


def primed(stream: Stream) -> Stream:
    """``stream`` with its first item already computed, so that early errors are plain responses.

    A route returns a stream before its body is sent; an error raised here still gets its own
    HTTP status and error shape instead of cutting a 200 stream short.
    """
    first = next(stream)
    return itertools.chain([first], stream)


def started(request: AskRequest, assistant: ServedBy) -> Stream:
    """The answer stream of ``request``, primed."""
    return primed(
        assistant.stream(
            request.question, request.filters, request.choices, request.history, request.engine,
            research=request.research,
        )
    )  # fmt: skip


router = APIRouter()


@router.post("/api/ask/stream", response_class=EventSourceResponse)
def ask_stream(stream: Annotated[Stream, Depends(started)]) -> Iterator[ServerSentEvent]:
    """The answer to a question as server-sent events, as it is written.

    Events: ``token`` (``{"text"}``, the text as it is written), one ``citation`` per
    citation, then ``answer`` (the whole Answer); ``error`` (the error shape) if it fails
    midway. The request body is the one of ``/api/ask``.
    """
    yield from events(stream)
