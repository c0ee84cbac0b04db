"""The assistant a request is served by: ``create_app`` keeps it in ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.service import Assistant


async def current_assistant(request: Request) -> Assistant:
    """The ``Assistant`` of the app serving ``request`` (async: no worker thread for a lookup)."""
    assistant: Assistant = request.app.state.assistant
    return assistant


ServedBy = Annotated[Assistant, Depends(current_assistant)]
