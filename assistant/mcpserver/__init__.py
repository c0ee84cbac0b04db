"""newsdesk as a tool for agents: an MCP server (the official ``mcp`` SDK), over stdio and HTTP.

``tools`` (ask, search, corroborate, timeline, list_articles, add_articles), ``server`` (the
server, the article resources, the prompts, error messages), ``schemas`` (what the tools take
and return) and ``transports`` (`newsdesk mcp` on stdio; `/mcp` on `newsdesk serve`). This room
is an edge, like ``http`` and ``ui``, and the only one that imports ``mcp``.
"""

from assistant.mcpserver.server import build_server
from assistant.mcpserver.transports import mount_mcp, run_stdio

__all__ = ["build_server", "mount_mcp", "run_stdio"]
