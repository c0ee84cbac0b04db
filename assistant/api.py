"""The HTTP API: JSON routes under /api. The only module that imports fastapi.

Every error has one shape: ``{"ok": false, "error": "...", "status": <http status>}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError
from assistant.service import MAX_QUESTION_CHARS, Assistant, Stats
from assistant.types import Answer, Filters
from index.types import Article, Hit


class SearchRequest(BaseModel):
    """A search: the question, how many passages, and optional filters."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(10, ge=1, le=100)
    filters: Filters = Field(default_factory=Filters)


class AskRequest(BaseModel):
    """A question and optional filters."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    filters: Filters = Field(default_factory=Filters)


class SearchResponse(BaseModel):
    """The passages found, best first."""

    question: str
    filters: Filters
    hits: list[Hit]


class ArticleSummary(BaseModel):
    """An article without its text."""

    id: str
    title: str
    url: str | None
    outlet: str | None
    outlets: list[str]
    author: str | None
    published_at: str | None
    ingested_at: str
    passages: int


def error_body(message: str, status: int) -> dict[str, Any]:
    """The one JSON error shape."""
    return {"ok": False, "error": message, "status": status}


def create_app(assistant: Assistant) -> FastAPI:
    """The FastAPI app serving ``assistant`` under /api."""
    app = FastAPI(
        title="newsdesk",
        version="0.1.0",
        description="Search news articles and get answers that cite their passages.",
        docs_url=None,  # the Swagger page loads from a CDN; /openapi.json works offline
        redoc_url=None,
    )

    @app.exception_handler(AssistantError)
    async def _assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        return JSONResponse(error_body(str(exc), exc.status), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        return JSONResponse(error_body(f"Invalid request: {problems}", 422), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(str(exc.detail), exc.status_code), status_code=exc.status_code
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            error_body(f"Internal error: {type(exc).__name__}. See the server log.", 500),
            status_code=500,
        )

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        """Liveness: the server is up and the catalog opens."""
        return {"ok": True, "articles": assistant.library.catalog.counts()["articles"]}

    @app.get("/api/stats")
    def stats() -> Stats:
        """Counts of articles, passages and outlets, and the date span."""
        return assistant.stats()

    @app.post("/api/search")
    def search(request: SearchRequest) -> SearchResponse:
        """The passages most relevant to the question."""
        hits = assistant.search(request.question, k=request.k, filters=request.filters)
        return SearchResponse(question=request.question, filters=request.filters, hits=hits)

    @app.post("/api/ask")
    def ask(request: AskRequest) -> Answer:
        """An answer quoting and citing the passages it rests on, or a refusal with leads."""
        return assistant.ask(request.question, filters=request.filters)

    @app.get("/api/articles")
    def articles(limit: int = 100, offset: int = 0) -> list[ArticleSummary]:
        """Indexed articles, most recently added first (without text)."""
        return [
            ArticleSummary(**a.model_dump(exclude={"text", "sources"}), outlets=a.outlets)
            for a in assistant.articles(limit=limit, offset=offset)
        ]

    @app.get("/api/articles/{article_id}")
    def article(article_id: str) -> Article:
        """One article with its full text and every source that carried it."""
        return assistant.article(article_id)

    @app.api_route(
        "/api/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    def unknown(path: str) -> None:
        """Unknown /api routes get the JSON error shape (the UI owns every other path)."""
        raise AssistantError(f"No API route /api/{path}.", "See /openapi.json.", status=404)

    return app
