"""The HTTP API: JSON routes under /api and an OpenAI-compatible /v1. The only fastapi module.

Every error has one shape: ``{"ok": false, "error": "...", "status": <http status>}``.
Writes (adding or deleting articles) need ``Authorization: Bearer <NEWSDESK_API_TOKEN>`` when
that token is set; reads are open to whoever can reach the server (loopback by default).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import openai_compat
from assistant.errors import AssistantError, NotIndexed, TooLarge, Unauthorized
from assistant.pages import api_reference, parse_spans, reader
from assistant.schemas import (
    AddArticles,
    AddUrls,
    ArticleSummary,
    AskRequest,
    ChatRequest,
    CorroborateRequest,
    SearchRequest,
    SearchResponse,
    TimelineRequest,
)
from assistant.service import Assistant, Stats
from assistant.timeline import Timeline
from assistant.types import Answer, Corroboration
from index.types import Article


def error_body(message: str, status: int) -> dict[str, Any]:
    """The one JSON error shape."""
    return {"ok": False, "error": message, "status": status}


def sse(event: str, data: Any) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def create_app(assistant: Assistant) -> FastAPI:
    """The FastAPI app serving ``assistant`` (mount the UI on it with ``ui.mount_ui``)."""
    app = FastAPI(
        title="newsdesk",
        version="0.1.0",
        description="Search news articles and get answers that cite their passages.",
        docs_url=None,  # Swagger UI loads from a CDN; /docs below is rendered here, offline
        redoc_url=None,
    )
    token = assistant.settings.api_token
    limit = int(assistant.settings.server.max_request_mb * 1024 * 1024)

    def require_token(request: Request) -> None:
        if token is None:
            return
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized(
                "This server needs a bearer token to add or delete articles.",
                "Send the header 'Authorization: Bearer <NEWSDESK_API_TOKEN>'.",
            )

    writer = [Depends(require_token)]

    @app.middleware("http")
    async def _limit_size(request: Request, call_next: Any) -> Any:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return JSONResponse(
                error_body(
                    f"The request body is {int(declared) // 2**20} MiB; the limit is "
                    f"{limit // 2**20} MiB (NEWSDESK_SERVER__MAX_REQUEST_MB).",
                    413,
                ),
                status_code=413,
            )
        return await call_next(request)

    @app.exception_handler(AssistantError)
    async def _assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        if type(exc) is NotIndexed and exc.hint is None:
            exc.hint = (
                "Add some first: POST /api/articles, /api/articles/upload or /api/articles/urls."
            )
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(str(exc), exc.status), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        return JSONResponse(error_body(f"Invalid request: {problems}", 422), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body(str(exc.detail), exc.status_code), exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            error_body(f"Internal error: {type(exc).__name__}. See the server log.", 500), 500
        )

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        """Liveness: the server is up and the catalog opens."""
        return {"ok": True, "articles": assistant.library.catalog.counts()["articles"]}

    @app.get("/api/stats")
    def stats() -> Stats:
        """Counts of articles, passages and outlets, the date span, the models in use."""
        return assistant.stats()

    @app.get("/api/outlets")
    def outlets() -> list[dict[str, Any]]:
        """Each indexed outlet with its number of articles."""
        return [{"outlet": o, "articles": n} for o, n in assistant.outlets()]

    @app.post("/api/search")
    def search(request: SearchRequest) -> SearchResponse:
        """The passages most relevant to the question, best first."""
        hits = assistant.search(request.question, k=request.k, filters=request.filters)
        return SearchResponse(question=request.question, filters=request.filters, hits=hits)

    @app.post("/api/ask")
    def ask(request: AskRequest) -> Answer:
        """An answer quoting and citing the passages it rests on, or a refusal with leads.

        ``filters`` in the answer are the filters applied (yours, or read from the question).
        """
        return assistant.ask(
            request.question, request.filters, request.choices, request.history, request.engine,
            research=request.research,
        )  # fmt: skip

    @app.post("/api/ask/stream")
    def ask_stream(request: AskRequest) -> StreamingResponse:
        """The same answer as server-sent events.

        Events: ``token`` (text as it is written, ``{"text"}``), then ``citations``
        (``{"citations", "sources"}``), then ``answer`` (the full Answer); ``error`` (the error
        shape) if it fails midway.
        """
        stream = assistant.stream(
            request.question, request.filters, request.choices, request.history, request.engine,
            research=request.research,
        )  # fmt: skip
        first = next(stream)  # validation and "nothing indexed" fail here, as a plain JSON error

        def events() -> Iterator[str]:
            try:
                for item in _chain(first, stream):
                    if isinstance(item, Answer):
                        cited = {"citations": item.citations, "sources": item.sources}
                        yield sse("citations", json.loads(json.dumps(cited, default=_dump)))
                        yield sse("answer", item.model_dump(mode="json"))
                    else:
                        yield sse("token", {"text": item})
            except AssistantError as e:
                yield sse("error", error_body(str(e), e.status))

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/api/corroborate")
    def corroborate(request: CorroborateRequest) -> Corroboration:
        """Who else reports a claim (independent outlets; copies set aside) and who conflicts."""
        return assistant.corroborate(request.article_id, request.start, request.end, request.claim)

    @app.post("/api/timeline")
    def timeline(request: TimelineRequest) -> Timeline:
        """Passages about a topic ordered by event date (when stated) and publication date."""
        return assistant.timeline(request.topic, request.filters, request.k)

    @app.post("/api/articles", status_code=201, dependencies=writer)
    def add_articles(request: AddArticles) -> dict[str, Any]:
        """Add one or many articles given as JSON objects (each needs ``text``)."""
        return assistant.add_articles(
            [a.model_dump(exclude_none=True) for a in request.articles]
        ).to_dict()

    @app.post("/api/articles/upload", status_code=201, dependencies=writer)
    async def upload(
        files: Annotated[list[UploadFile], File(description="Article files")],
    ) -> dict[str, Any]:
        """Add uploaded files: .txt, .md, .html, .pdf, .json, .jsonl (several at once)."""
        loaded = []
        for f in files:
            content = await f.read()
            if len(content) > limit:
                raise TooLarge(f"{f.filename} is over the {limit // 2**20} MiB limit.")
            loaded.append((f.filename or "upload", content))
        return assistant.add_files(loaded).to_dict()

    @app.post("/api/articles/urls", status_code=201, dependencies=writer)
    def add_urls(request: AddUrls) -> dict[str, Any]:
        """Fetch and add article pages, PDFs or RSS/Atom feeds."""
        return assistant.ingest(request.urls).to_dict()

    @app.get("/api/articles")
    def articles(
        limit_: Annotated[int, Query(alias="limit", ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
        q: Annotated[str | None, Query(max_length=200, description="Words in the title")] = None,
    ) -> list[ArticleSummary]:
        """Indexed articles, most recently added first (without their text)."""
        return [
            ArticleSummary(**a.model_dump(exclude={"text", "sources"}), outlets=a.outlets)
            for a in assistant.articles(limit=limit_, offset=offset, title=q)
        ]

    @app.get("/api/articles/{article_id}")
    def article(article_id: str) -> Article:
        """One article with its full text and every source that carried it."""
        return assistant.article(article_id)

    @app.delete("/api/articles/{article_id}", dependencies=writer)
    def delete(article_id: str) -> dict[str, Any]:
        """Remove an article; its passages leave the index."""
        assistant.delete(article_id)
        return {"ok": True, "deleted": article_id}

    @app.get("/reader/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def read(article_id: str, h: str | None = None) -> HTMLResponse:
        """The article with the spans ``h=start-end,...`` highlighted."""
        found = assistant.article(article_id)
        return HTMLResponse(reader(found, parse_spans(h, len(found.text))))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(api_reference(app.openapi()))

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        """OpenAI-compatible: the engines, as models."""
        return openai_compat.models(assistant)

    @app.post("/v1/chat/completions", response_model=None)
    def chat(request: ChatRequest) -> dict[str, Any] | StreamingResponse:
        """OpenAI-compatible chat completions over the articles.

        The last user message is the question, earlier messages the conversation. The reply
        carries [n] markers; ``citations`` holds them as data. ``stream: true`` works too.
        """
        question, history, engine = openai_compat.unpack(request, assistant)
        if not request.stream:
            answer = assistant.ask(question, history=history, engine=engine)
            return openai_compat.completion(answer, request.model)
        stream = assistant.stream(question, history=history, engine=engine)
        first = next(stream)
        return StreamingResponse(
            openai_compat.chunks(_chain(first, stream), request.model),
            media_type="text/event-stream",
        )

    @app.api_route(
        "/api/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    def unknown(path: str) -> None:
        """Unknown /api routes get the JSON error shape (the UI owns every other path)."""
        raise AssistantError(
            f"No API route /api/{path}.", "See /docs or /openapi.json.", status=404
        )

    return app


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else str(value)
