"""The library's routes: health and counts, adding, listing, reading and deleting articles.

Writes (``/api/articles``, any method but GET) are checked for the bearer token before their body
is read, by ``limits.RequestLimits``; nothing here reads a token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from assistant.http.deps import ServedBy, holds_token
from assistant.http.schemas import AddArticles, AddUrls, ArticleSummary
from assistant.present.html import parse_spans, reader
from assistant.service import Stats
from index.types import Article

router = APIRouter()


@router.get("/api/health")
def health(assistant: ServedBy) -> dict[str, Any]:
    """Liveness: the server is up and the catalog opens."""
    return {"ok": True, "articles": assistant.library.summary().counts["articles"]}


@router.get("/api/stats")
def stats(assistant: ServedBy, request: Request) -> Stats:
    """Counts of articles, passages and outlets, the date span, the models in use.

    ``home`` and ``store`` (where the server keeps the library) are given only to a client
    that sends the API token; they are null for anyone else.
    """
    found = assistant.stats()
    return found if holds_token(request) else found.anonymous()


@router.get("/api/outlets")
def outlets(assistant: ServedBy) -> list[dict[str, Any]]:
    """Each indexed outlet with its number of articles."""
    return [{"outlet": o, "articles": n} for o, n in assistant.outlets()]


@router.post("/api/articles", status_code=201)
def add_articles(request: AddArticles, assistant: ServedBy) -> dict[str, Any]:
    """Add one or many articles given as JSON objects (each needs ``text``)."""
    return assistant.add_articles(
        [a.model_dump(exclude_none=True) for a in request.articles]
    ).to_dict()


@router.post("/api/articles/upload", status_code=201)
def upload(
    files: Annotated[list[UploadFile], File(description="Article files")],
    assistant: ServedBy,
) -> dict[str, Any]:
    """Add uploaded files: .txt, .md, .html, .pdf, .json, .jsonl (several at once).

    A sync route: FastAPI runs it in a worker thread, so ingesting never blocks the server.
    """
    loaded = [(f.filename or "upload", f.file.read()) for f in files]
    return assistant.add_files(loaded).to_dict()


@router.post("/api/articles/urls", status_code=201)
def add_urls(request: AddUrls, assistant: ServedBy) -> dict[str, Any]:
    """Fetch and add article pages, PDFs or RSS/Atom feeds."""
    return assistant.add_urls(request.urls).to_dict()


@router.get("/api/articles")
def articles(
    assistant: ServedBy,
    limit_: Annotated[int, Query(alias="limit", ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    q: Annotated[str | None, Query(max_length=200, description="Words in the title")] = None,
) -> list[ArticleSummary]:
    """Indexed articles, most recently added first (without their text)."""
    return [
        ArticleSummary(**a.model_dump(exclude={"text", "sources"}), outlets=a.outlets)
        for a in assistant.articles(limit=limit_, offset=offset, title=q)
    ]


@router.get("/api/articles/{article_id}")
def article(article_id: str, assistant: ServedBy) -> Article:
    """One article with its full text and every source that carried it."""
    return assistant.article(article_id)


@router.delete("/api/articles/{article_id}")
def delete(article_id: str, assistant: ServedBy) -> dict[str, Any]:
    """Remove an article; its passages leave the index."""
    assistant.delete(article_id)
    return {"ok": True, "deleted": article_id}


@router.get("/reader/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def read(
    article_id: str,
    assistant: ServedBy,
    h: Annotated[str | None, Query(max_length=2000)] = None,
) -> HTMLResponse:
    """The article with the spans ``h=start-end,...`` highlighted."""
    found = assistant.article(article_id)
    return HTMLResponse(reader(found, parse_spans(h, len(found.text))))
