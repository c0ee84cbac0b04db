"""Conversation history sent with a question: checked against its limits, or trimmed to them.

History is text the server reads on every request (follow-up rewriting, the llm prompt), so it
counts against limits like the question does: at most ``MAX_HISTORY_TURNS`` turns and
``MAX_HISTORY_CHARS`` characters in all.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from assistant.errors import BadRequest
from assistant.types import Turn

MAX_HISTORY_TURNS = 50
MAX_HISTORY_CHARS = 20_000


def check_history(history: Sequence[Turn | dict[str, str]] | None) -> list[Turn]:
    """The turns of ``history``, or BadRequest (422, naming ``history`` and the limit)."""
    history = list(history or [])
    if len(history) > MAX_HISTORY_TURNS:
        raise BadRequest(
            f"history has {len(history)} turns; the limit is {MAX_HISTORY_TURNS}.",
            "Send only the most recent turns.",
            status=422,
        )
    try:
        turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in history]
    except ValidationError as e:
        raise BadRequest(
            "Invalid history: each turn needs role (user or assistant) and text.", status=422
        ) from e
    total = sum(len(t.text) for t in turns)
    if total > MAX_HISTORY_CHARS:
        raise BadRequest(
            f"history holds {total:,} characters; the limit is {MAX_HISTORY_CHARS:,}.",
            "Send only the most recent turns.",
            status=422,
        )
    return turns


def recent_history(turns: Sequence[Turn]) -> list[Turn]:
    """The most recent turns that fit the limits (what a long conversation sends)."""
    kept: list[Turn] = []
    total = 0
    for turn in reversed(turns[-MAX_HISTORY_TURNS:]):
        total += len(turn.text)
        if total > MAX_HISTORY_CHARS:
            break
        kept.insert(0, turn)
    return kept
