"""The HTTP API: the app factory. It wires the routers, the request limits and the error shape.

The routes live by area: ``articles.py`` (the library), ``answers.py`` (search, ask, corroborate,
timeline), ``events.py`` (the streaming ask) and ``openai.py`` (the OpenAI-compatible /v1); with
``deps.py`` these are the only fastapi modules. Every error has one shape:
``{"ok": false, "error": "...", "status": <http status>}`` (on /v1, OpenAI's).
Writes (adding or deleting articles) need ``Authorization: Bearer <NEWSDESK_API_TOKEN>`` when
that token is set; reads are open to whoever can reach the server (loopback by default).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError, Busy, NotIndexed, error_body
from assistant.http import answers, articles, events, openai
from assistant.http.limits import RequestLimits
from assistant.present.html import api_reference
from assistant.service import Assistant


def create_app(assistant: Assistant) -> FastAPI:
    """The FastAPI app serving ``assistant`` (mount the UI on it with ``ui.mount_ui``)."""
    app = FastAPI(
        title="newsdesk",
        version="0.1.0",
        description="Search news articles and get answers that cite their passages.",
        docs_url=None,  # Swagger UI loads from a CDN; /docs below is rendered here, offline
        redoc_url=None,
    )
    app.state.assistant = assistant
    settings = assistant.settings
    # Auth of writes and the body-size limit, before any route reads the body (see limits.py).
    app.add_middleware(
        RequestLimits,
        max_bytes=int(settings.server.max_request_mb * 1024 * 1024),
        token=settings.api_token,
    )
    _translate_errors(app, settings.home)
    for router in (articles.router, answers.router, events.router, openai.router):
        app.include_router(router)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(api_reference(app.openapi()))

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


def _translate_errors(app: FastAPI, home: Path) -> None:
    """Every error of the /api routes as the one JSON shape, without the server's paths."""

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
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if isinstance(exc, Busy):
            headers["Retry-After"] = str(exc.retry_after)
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
