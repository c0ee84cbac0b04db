"""The MCP server: newsdesk's tools, its articles as resources, and prompts for research tasks.

Built on the official SDK's ``FastMCP``. Every failure of a tool reaches the client as a tool
error (``isError``) whose text names the argument at fault and what to do, never as a crashed
session: invalid arguments (a malformed date, ``since`` after ``until``), unknown article ids,
a missing token, an empty library.
"""

from __future__ import annotations

import json
import logging
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr, ValidationError

import prompts
from assistant.errors import AssistantError, NotFound, NotIndexed
from assistant.mcpserver.schemas import ARTICLE_URI, ArticleSummary, article_uri
from assistant.mcpserver.tools import Tools, in_thread, unknown_article
from assistant.service import Assistant

logger = logging.getLogger("newsdesk")

INSTRUCTIONS = """\
newsdesk answers questions from the user's own library of news articles, quoting and citing
the sentences it rests on. Use `ask` for an answer (each sentence carries its citations: quote,
character offsets, article and passage ids, outlet, date, URL, who says it), `search` for
passages, `corroborate` for who else reports a claim and who disputes it, `timeline` for a topic
in date order, `list_articles` and the newsdesk://articles/{id} resources to read articles, and
`add_articles` to add articles. Quote only what the tools return."""


class NewsdeskMCP(FastMCP):
    """FastMCP whose tool errors say what was wrong, without the server's paths."""

    def __init__(self, home: Path, **settings: Any) -> None:
        super().__init__(**settings)
        self.home = home
        self._mcp_server.version = version("newsdesk")  # not the SDK's version

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
        """Call a tool; its failure becomes a ToolError (the client sees ``isError``)."""
        try:
            return await super().call_tool(name, arguments)
        except ToolError as e:
            raise ToolError(self.public(explain(name, e.__cause__ or e))) from e

    def public(self, message: str) -> str:
        """``message`` with the home directory named NEWSDESK_HOME, as the HTTP API does."""
        for path in {str(self.home.resolve()), str(self.home)}:
            message = message.replace(path, "NEWSDESK_HOME")
        return message


def explain(tool: str, error: BaseException) -> str:
    """What went wrong in a tool call, naming the argument at fault where there is one."""
    if isinstance(error, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: "
            f"{err['msg'].removeprefix('Value error, ')}"
            + (f" (got {err['input']!r:.80})" if isinstance(err["input"], str | int) else "")
            for err in error.errors()
        )
        return f"Invalid arguments to {tool}: {problems}."
    if isinstance(error, AssistantError):
        if type(error) is NotIndexed and error.hint is None:
            error.hint = "Add some first with the add_articles tool."
        return str(error)
    if isinstance(error, ToolError):  # the SDK's own (an unknown tool)
        return str(error)
    logger.error("MCP tool %s failed", tool, exc_info=error)
    return f"Internal error in {tool}: {type(error).__name__}. See the server log."


def build_server(
    assistant: Assistant,
    token: SecretStr | None = None,
    loopback: bool = True,
    path: str = "/mcp",
) -> NewsdeskMCP:
    """The MCP server over ``assistant``.

    Args:
        assistant: what the tools call.
        token: the bearer token writes need over HTTP; None over stdio (the local user).
        loopback: served on a loopback address: only loopback Host and Origin headers are
            accepted (DNS rebinding protection). Off loopback a token is required anyway.
        path: where streamable HTTP is served.
    """
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=loopback,
        allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
        allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
    )
    server = NewsdeskMCP(
        assistant.settings.home,
        name="newsdesk",
        instructions=INSTRUCTIONS,
        log_level="WARNING",
        streamable_http_path=path,
        stateless_http=True,  # no session state: any server of a shared library can answer
        json_response=True,  # one JSON reply per call; the tools stream nothing
        max_request_body_size=int(assistant.settings.server.max_request_mb * 2**20),
        transport_security=security,
    )
    Tools(assistant, token).register(server)
    Library(assistant).register(server)
    return server


class Library:
    """The articles as MCP resources, and the research prompts."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def register(self, server: FastMCP) -> None:
        """Add the resources and prompts to ``server``."""
        server.resource(
            ARTICLE_URI, name="article", title="An article", mime_type="application/json",
            description="An article's full text, its metadata and every source that carried it.",
        )(self.article)  # fmt: skip
        server.resource(
            "newsdesk://articles", name="articles", title="Recent articles",
            mime_type="application/json",
            description="The 100 most recently added articles (ids, titles, outlets, dates).",
        )(self.recent)  # fmt: skip
        server.prompt(name="check_claim", title="Check a claim across outlets")(self.check_claim)
        server.prompt(name="brief_topic", title="Brief me on a topic")(self.brief_topic)

    async def article(self, article_id: str) -> str:
        """The article as JSON: text, title, url, outlet, outlets, dates, passages, sources."""
        try:
            found = await in_thread(self.assistant.article, article_id)
        except NotFound as e:
            raise unknown_article(article_id) from e
        body = found.model_dump(mode="json") | {
            "outlets": found.outlets,
            "uri": article_uri(found.id),
        }
        return json.dumps(body, ensure_ascii=False)

    async def recent(self) -> str:
        """The newest articles as JSON, without their text."""
        found = await in_thread(self.assistant.articles, 100)
        return json.dumps(
            {"articles": [ArticleSummary.of(a).model_dump(mode="json") for a in found]},
            ensure_ascii=False,
        )

    def check_claim(self, claim: str) -> str:
        """Check a claim across the library's outlets: who says it, who else, who disputes it."""
        return prompts.render("check_claim", claim=claim)

    def brief_topic(self, topic: str) -> str:
        """A cited brief on a topic: what happened in date order, who says what, what is open."""
        return prompts.render("brief_topic", topic=topic)
