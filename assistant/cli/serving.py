"""The commands that serve: `newsdesk serve` and `newsdesk mcp`.

`serve` runs the UI, the HTTP API and MCP over HTTP in one process; `mcp` runs MCP over stdio,
for desktop clients and agents that start the server themselves.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from assistant.cli.output import echo, errors

if TYPE_CHECKING:
    from assistant.service import Assistant


@click.command()
@click.option("--host", envvar="NEWSDESK_SERVER__HOST", default="127.0.0.1", show_default=True,
              help="Address to bind.")  # fmt: skip
@click.option("--port", envvar="NEWSDESK_SERVER__PORT", type=int, default=7860, show_default=True,
              help="Port to listen on.")  # fmt: skip
@click.pass_obj
def serve(assistant: Assistant, host: str, port: int) -> None:
    """Serve the chat UI at /, the HTTP API at /api and MCP at /mcp on HOST:PORT.

    Binding an address other than loopback needs NEWSDESK_API_TOKEN (a non-empty one):
    adding and deleting articles then require it (API and MCP: bearer token; UI: the token
    field).
    """
    import ipaddress

    import uvicorn

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and assistant.settings.api_token is None:
        raise click.UsageError(
            f"Refusing to serve on {host} without a token: anyone who can reach it could add or "
            "delete articles. Set NEWSDESK_API_TOKEN, or serve on 127.0.0.1."
        )
    from assistant.http.api import create_app
    from assistant.mcpserver import mount_mcp
    from assistant.ui import mount_ui

    assistant.clean_uploads()  # folders of uploads a killed server left behind

    _limit_malloc_arenas()
    _open_for_serving(assistant)
    app = mount_ui(mount_mcp(create_app(assistant), assistant, loopback), assistant)
    echo(f"newsdesk: serving {assistant.settings.home} at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.command()
@click.pass_obj
def mcp(assistant: Assistant) -> None:
    """Serve newsdesk's tools to an MCP client (Claude Desktop, an IDE, an agent) on stdio.

    The client starts this command and talks to it over stdin and stdout: tools to ask,
    search, corroborate, lay out a timeline, list and add articles; each article as a
    resource; prompts for checking a claim and briefing on a topic. The local user is trusted
    like the CLI: adding articles needs no token here. Over HTTP, `newsdesk serve` serves the
    same at /mcp.

    Example: {"mcpServers": {"newsdesk": {"command": "newsdesk", "args": ["mcp"]}}}
    """
    from assistant.mcpserver import run_stdio

    _open_for_serving(assistant)
    echo(f"newsdesk: MCP on stdio for {assistant.settings.home}", err=True)
    run_stdio(assistant)


def _open_for_serving(assistant: Assistant) -> None:
    """Open the library (bad storage settings stop here, before serving).

    Concurrent writes (two people adding articles) wait for each other up to
    ``index.lock_wait``, which the library reads when it opens.
    """
    with errors():
        assistant.open()


def _limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at 2 (as MALLOC_ARENA_MAX=2 would).

    Many request threads each running the model make glibc keep one arena per thread, and the
    server's memory then creeps up under load (measured: +55 MiB/min with 8 clients; +9 with
    the cap, see benchmarks/load_test.py). No effect off glibc.
    """
    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
