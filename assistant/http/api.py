"""The HTTP API: JSON routes under /api and an OpenAI-compatible /v1 (the openai router).

With its routers (openai.py, events.py for the SSE stream) the only fastapi modules.
Every error has one shape: ``{"ok": false, "error": "...", "status": <http status>}``
(on /v1, OpenAI's).
Writes (adding or deleting articles) need ``Authorization: Bearer <NEWSDESK_API_TOKEN>`` when
that token is set; reads are open to whoever can reach the server (loopback by default).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError, NotIndexed, error_body
from assistant.http.events import events_router
from assistant.http.limits import RequestLimits
from assistant.http.openai import v1_router
from assistant.http.schemas import (
    AddArticles,
    AddUrls,
    ArticleSummary,
    AskRequest,
    CorroborateRequest,
    SearchRequest,
    SearchResponse,
    TimelineRequest,
)
from assistant.present.html import api_reference, parse_spans, reader
from assistant.research.timeline import Timeline
from assistant.service import Assistant, Stats
from assistant.types import Answer, Corroboration
from index.types import Article


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
    # Auth of writes and the body-size limit, before any route reads the body (see limits.py).
    app.add_middleware(
        RequestLimits, max_bytes=limit, token=token.get_secret_value() if token else None
    )
    home = assistant.settings.home

    def public(message: str) -> str:
        """An error message without the server's paths (``NEWSDESK_HOME`` names the home)."""
        for path in {str(home.resolve()), str(home)}:
            message = message.replace(path, "NEWSDESK_HOME")
        return message

    @app.exception_handler(AssistantError)
    async def _assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        if type(exc) is NotIndexed and exc.hint is None:
            exc.hint = (
                "Add some first: POST /api/articles, /api/articles/upload or /api/articles/urls."
            )
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(public(str(exc)), exc.status), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        return JSONResponse(error_body(f"Invalid request: {problems}", 422), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, RecursionError):  # FastAPI's JSON parse of the body
            message = "Invalid request: body: JSON nested deeper than about 1,000 levels."
            return JSONResponse(error_body(message, 422), 422)
        return JSONResponse(error_body(public(str(exc.detail)), exc.status_code), exc.status_code)

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

    @app.post("/api/corroborate")
    def corroborate(request: CorroborateRequest) -> Corroboration:
        """Who else reports a claim (independent outlets; copies set aside) and who conflicts."""
        return assistant.corroborate(request.article_id, request.start, request.end, request.claim)

    @app.post("/api/timeline")
    def timeline(request: TimelineRequest) -> Timeline:
        """Passages about a topic ordered by event date (when stated) and publication date."""
        return assistant.timeline(request.topic, request.filters, request.k)

    @app.post("/api/articles", status_code=201)
    def add_articles(request: AddArticles) -> dict[str, Any]:
        """Add one or many articles given as JSON objects (each needs ``text``)."""
        return assistant.add_articles(
            [a.model_dump(exclude_none=True) for a in request.articles]
        ).to_dict()

    @app.post("/api/articles/upload", status_code=201)
    def upload(
        files: Annotated[list[UploadFile], File(description="Article files")],
    ) -> dict[str, Any]:
        """Add uploaded files: .txt, .md, .html, .pdf, .json, .jsonl (several at once).

        A sync route: FastAPI runs it in a worker thread, so ingesting never blocks the server.
        """
        loaded = [(f.filename or "upload", f.file.read()) for f in files]
        return assistant.add_files(loaded).to_dict()

    @app.post("/api/articles/urls", status_code=201)
    def add_urls(request: AddUrls) -> dict[str, Any]:
        """Fetch and add article pages, PDFs or RSS/Atom feeds."""
        return assistant.add_urls(request.urls).to_dict()

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

    @app.delete("/api/articles/{article_id}")
    def delete(article_id: str) -> dict[str, Any]:
        """Remove an article; its passages leave the index."""
        assistant.delete(article_id)
        return {"ok": True, "deleted": article_id}

    @app.get("/reader/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def read(
        article_id: str, h: Annotated[str | None, Query(max_length=2000)] = None
    ) -> HTMLResponse:
        """The article with the spans ``h=start-end,...`` highlighted."""
        found = assistant.article(article_id)
        return HTMLResponse(reader(found, parse_spans(h, len(found.text))))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(api_reference(app.openapi()))

    app.include_router(events_router(assistant))
    app.include_router(v1_router(assistant))

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
