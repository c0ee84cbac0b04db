"""The routes that answer: search, ask, corroborate a claim, a timeline of a topic.

The streaming ask (server-sent events) is ``events.py``; the OpenAI-compatible one ``openai.py``.
"""

from __future__ import annotations

from fastapi import APIRouter

from assistant.http.deps import ServedBy
from assistant.http.schemas import (
    AskRequest,
    CorroborateRequest,
    SearchRequest,
    SearchResponse,
    TimelineRequest,
)
from assistant.research.timeline import Timeline
from assistant.types import Answer, Corroboration

router = APIRouter()


@router.post("/api/search")
def search(request: SearchRequest, assistant: ServedBy) -> SearchResponse:
    """The passages most relevant to the question, best first."""
    hits = assistant.search(request.question, k=request.k, filters=request.filters)
    return SearchResponse(question=request.question, filters=request.filters, hits=hits)


@router.post("/api/ask")
def ask(request: AskRequest, assistant: ServedBy) -> Answer:
    """An answer quoting and citing the passages it rests on, or a refusal with leads.

    ``filters`` in the answer are the filters applied (yours, or read from the question).
    """
    return assistant.ask(
        request.question, request.filters, request.choices, request.history, request.engine,
        research=request.research,
    )  # fmt: skip


@router.post("/api/corroborate")
def corroborate(request: CorroborateRequest, assistant: ServedBy) -> Corroboration:
    """Who else reports a claim (independent outlets; copies set aside) and who conflicts."""
    return assistant.corroborate(request.article_id, request.start, request.end, request.claim)


@router.post("/api/timeline")
def timeline(request: TimelineRequest, assistant: ServedBy) -> Timeline:
    """Passages about a topic ordered by event date (when stated) and publication date."""
    return assistant.timeline(request.topic, request.filters, request.k)
