"""The assistant a request is served by: ``create_app`` keeps it in ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.service import Assistant
from assistant.settings import token_matches


async def current_assistant(request: Request) -> Assistant:
    """The ``Assistant`` of the app serving ``request`` (async: no worker thread for a lookup)."""
    assistant: Assistant = request.app.state.assistant
    return assistant


ServedBy = Annotated[Assistant, Depends(current_assistant)]


def holds_token(request: Request) -> bool:
    """Whether the request carries the server's API token (False when the server has none).

    What only the server's operator should see (its paths) needs this; with no token set,
    every HTTP client is anonymous.
    """
    secret = request.app.state.assistant.settings.api_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return bool(secret) and scheme == "Bearer" and token_matches(given, secret)
