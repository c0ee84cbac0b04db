"""The MCP tools: each one runs one ``Assistant`` method in a worker thread and types its result.

The Assistant's methods are synchronous and CPU-heavy (embedding, reading, scoring), and the
SDK calls a synchronous tool on its event loop, so every tool here is async and hands the work
to ``anyio.to_thread.run_sync``: one slow question never stalls the other sessions.

Writes (``add_articles``) need the API token when one is set and the call came over HTTP; over
stdio the server runs as the local user, who is trusted like the CLI (``token`` is None).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal, TypeVar

import anyio.to_thread
from mcp.server.fastmcp import Context, FastMCP
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, SecretStr

from assistant.errors import BadRequest, NotFound, Unauthorized
from assistant.mcpserver.schemas import (
    MAX_ARTICLES,
    MAX_QUESTION_CHARS,
    MAX_URLS,
    AddResult,
    ArticleIn,
    ArticlePage,
    ArticleSummary,
    AskResult,
    CheckedClaim,
    Question,
    SearchResult,
    Url,
)
from assistant.research.timeline import Timeline
from assistant.service import Assistant
from assistant.settings import token_matches
from assistant.types import Filters, Turn

T = TypeVar("T")

FiltersArg = Annotated[
    Filters | None,
    Field(description="Outlets and a publication date window (YYYY-MM-DD, inclusive)."),
]
Topic = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="What to follow, in words."),
]
ArticleId = Annotated[str, Field(min_length=1, max_length=64, description="An article's id.")]
READ = ToolAnnotations(readOnlyHint=True, openWorldHint=False)
WRITE = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=True
)


def structured(result: BaseModel, text: str | None = None) -> CallToolResult:
    """A tool's result: ``result`` as structured content, and as text (its JSON, unless given).

    Handed to the SDK as a ``CallToolResult``, which it checks with the tool's pydantic output
    model; a plain return would be checked against the JSON schema by ``jsonschema.validate``,
    which checks the schema itself again on every call (list_articles over HTTP: 8.5 ms a call
    that way, 1.5 ms this way, measured).
    """
    data = result.model_dump(mode="json")
    text = json.dumps(data, ensure_ascii=False, indent=2) if text is None else text
    return CallToolResult(content=[TextContent(type="text", text=text)], structuredContent=data)


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking Assistant call in a worker thread (anyio's pool, shared with FastAPI)."""
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


def unknown_article(article_id: str) -> NotFound:
    """The NotFound of an article id, naming the argument and how to find ids over MCP."""
    return NotFound(
        f"article_id: no article with id {article_id!r}.",
        "List ids with the list_articles tool.",
    )


class Tools:
    """newsdesk's tools for one ``Assistant``.

    Args:
        assistant: the assistant the tools call.
        token: the bearer token ``add_articles`` needs (HTTP with ``NEWSDESK_API_TOKEN`` set);
            None when writes are trusted (stdio, or no token configured).
    """

    def __init__(self, assistant: Assistant, token: SecretStr | None) -> None:
        self.assistant = assistant
        self.token = token

    def register(self, server: FastMCP) -> None:
        """Add every tool to ``server``."""
        for tool, title in (
            (self.ask, "Ask the articles"),
            (self.search, "Search passages"),
            (self.corroborate, "Check a claim across outlets"),
            (self.timeline, "Timeline of a topic"),
            (self.list_articles, "List articles"),
        ):
            server.add_tool(tool, title=title, annotations=READ)
        server.add_tool(self.add_articles, title="Add articles", annotations=WRITE)

    async def ask(
        self,
        question: Question,
        filters: FiltersArg = None,
        history: Annotated[
            list[Turn] | None,
            Field(max_length=50, description="Earlier turns, oldest first, for a follow-up."),
        ] = None,
        research: Annotated[
            bool, Field(description="Also check each quote against the other articles.")
        ] = False,
        engine: Annotated[
            Literal["extractive", "llm"] | None,
            Field(description="extractive quotes the articles; llm (if configured) writes."),
        ] = None,
    ) -> Annotated[CallToolResult, AskResult]:
        """Answer a question from the user's news articles, quoting the sentences it rests on.

        Each sentence of the answer carries its citations: the quote, its character offsets
        (start, end) in the article, the article and passage ids, title, outlet, date, URL and
        who makes the claim (attribution). When the articles do not answer, abstained is true
        and leads lists the closest passages. Relative times ("last week") count back from
        filters.as_of, else from the newest article.
        """
        answer = await in_thread(
            self.assistant.ask, question, filters, None, history, engine, research=research
        )
        return structured(AskResult.of(answer), answer.text)  # the text: as a person reads it

    async def search(
        self,
        question: Question,
        k: Annotated[int, Field(ge=1, le=100, description="How many passages.")] = 10,
        filters: FiltersArg = None,
    ) -> Annotated[CallToolResult, SearchResult]:
        """The passages most relevant to a question, best first, with their articles' fields.

        Each hit has the passage text, its character offsets in the article, the article id,
        title, outlet, date, URL and a relevance score.
        """
        hits = await in_thread(self.assistant.search, question, k, filters)
        return structured(SearchResult(question=question, filters=filters or Filters(), hits=hits))

    async def corroborate(
        self,
        article_id: ArticleId,
        claim: Annotated[
            str | None,
            Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The claim to check."),
        ] = None,
        start: Annotated[int | None, Field(ge=0, description="Or: the claim's span.")] = None,
        end: Annotated[int | None, Field(ge=1)] = None,
    ) -> Annotated[CallToolResult, CheckedClaim]:
        """Who else reports a claim made in an article, and who reports it differently.

        Give the article the claim comes from and either the claim's text or its span
        (start, end: character offsets, as in a citation). Returns the supporting sentences
        of other articles, the independent outlets (syndicated copies set aside), conflicts
        with their reason, related reports that take no position, and a verdict.
        """
        try:
            found = await in_thread(self.assistant.corroborate, article_id, start, end, claim)
        except NotFound as e:
            raise unknown_article(article_id) from e
        return structured(CheckedClaim.of(found))

    async def timeline(
        self,
        topic: Topic,
        filters: FiltersArg = None,
        k: Annotated[int, Field(ge=1, le=100, description="Passages to consider.")] = 30,
    ) -> Annotated[CallToolResult, Timeline]:
        """What the articles say about a topic, oldest first.

        Events are dated by the date a sentence states when it states one (event_date, with
        the words that gave it), else by publication date. filters.as_of sets the day that
        relative times ("yesterday", "last month") count back from.
        """
        return structured(await in_thread(self.assistant.timeline, topic, filters, k))

    async def list_articles(
        self,
        limit: Annotated[int, Field(ge=1, le=1000)] = 50,
        offset: Annotated[int, Field(ge=0)] = 0,
        title: Annotated[
            str | None, Field(max_length=200, description="Words the title contains.")
        ] = None,
    ) -> Annotated[CallToolResult, ArticlePage]:
        """The articles in the library, most recently added first, without their text.

        Read an article's text and metadata from its uri (newsdesk://articles/{id}).
        """

        def page() -> ArticlePage:
            found = self.assistant.articles(limit=limit, offset=offset, title=title)
            total = self.assistant.stats().articles
            summaries = [ArticleSummary.of(a) for a in found]
            return ArticlePage(total=total, offset=offset, articles=summaries)

        return structured(await in_thread(page))

    async def add_articles(
        self,
        ctx: Context,
        urls: Annotated[
            list[Url] | None,
            Field(max_length=MAX_URLS, description="Web pages, PDFs or RSS/Atom feeds to fetch."),
        ] = None,
        articles: Annotated[
            list[ArticleIn] | None,
            Field(max_length=MAX_ARTICLES, description="Articles given as text and metadata."),
        ] = None,
    ) -> Annotated[CallToolResult, AddResult]:
        """Add articles to the library: fetch URLs, or store article objects given as text.

        Re-adding is safe: an unchanged article is reported unchanged. Each item reports
        added, updated, unchanged, duplicate or failed (with the reason). Needs the server's
        API token over HTTP when NEWSDESK_API_TOKEN is set.
        """
        self.check_token(ctx)
        if not urls and not articles:
            raise BadRequest("urls, articles: give at least one URL or article.")
        reports = []
        if articles:
            given = [a.model_dump(exclude_none=True) for a in articles]
            reports.append(await in_thread(self.assistant.add_articles, given))
        if urls:
            reports.append(await in_thread(self.assistant.add_urls, urls))
        return structured(AddResult.of(reports))

    def check_token(self, ctx: Context) -> None:
        """Raise Unauthorized unless the HTTP request carries ``Authorization: Bearer <token>``."""
        if self.token is None:
            return
        request = ctx.request_context.request  # the HTTP request that carried this call
        header = request.headers.get("authorization", "") if request is not None else ""
        scheme, _, given = header.partition(" ")
        if not token_matches(given if scheme == "Bearer" else None, self.token):
            raise Unauthorized(
                "add_articles needs the API token: this server has NEWSDESK_API_TOKEN set.",
                "Send the header 'Authorization: Bearer <NEWSDESK_API_TOKEN>' with the MCP "
                "requests (reading and asking need no token).",
            )
