"""The two ways to reach the MCP server: stdio (`newsdesk mcp`) and streamable HTTP (`/mcp`).

Over stdio, stdout carries the protocol and nothing else: anything else that writes to it (a
library's print, a C extension) is sent to stderr, where desktop clients keep the server's log.
Over HTTP the server is a route of the app `newsdesk serve` runs, behind the same request limits,
and its session manager runs for as long as that app does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from io import TextIOWrapper
from typing import IO, Any

import anyio
from mcp.server.fastmcp.server import StreamableHTTPASGIApp
from mcp.server.stdio import stdio_server

from assistant.mcpserver.server import NewsdeskMCP, build_server
from assistant.service import Assistant


def run_stdio(assistant: Assistant) -> None:
    """Serve MCP on stdin and stdout until the client closes them.

    The local user who starts the process is trusted like the CLI: writes need no token.
    """
    server = build_server(assistant, token=None)
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray writes to fd 1 go to stderr
    sys.stdout = sys.stderr
    anyio.run(_serve_stdio, server, protocol)


async def _serve_stdio(server: NewsdeskMCP, protocol: IO[bytes]) -> None:
    stdout = anyio.wrap_file(TextIOWrapper(protocol, encoding="utf-8"))
    lowlevel = server._mcp_server  # what FastMCP.run_stdio_async runs, on our own stdout
    async with stdio_server(stdout=stdout) as (read, write):
        await lowlevel.run(read, write, lowlevel.create_initialization_options())


def mount_mcp(app: Any, assistant: Assistant, loopback: bool = True, path: str = "/mcp") -> Any:
    """Serve MCP over streamable HTTP at ``path`` of a FastAPI app (used by `newsdesk serve`).

    Mount it before the UI, which takes every path it does not know. Writes need the bearer
    token of ``NEWSDESK_API_TOKEN``, when it is set, checked by the write tool itself: the
    request limits see only a POST to ``path``, not which tool it calls.
    """
    server = build_server(assistant, assistant.settings.api_token, loopback, path)
    server.streamable_http_app()  # creates the session manager the route hands requests to
    manager = server.session_manager
    app.add_route(
        path, StreamableHTTPASGIApp(manager), methods=["GET", "POST", "DELETE"],
        include_in_schema=False,
    )  # fmt: skip
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: Any) -> AsyncIterator[Any]:
        async with manager.run(), previous(served) as state:
            yield state

    app.router.lifespan_context = lifespan
    return app
