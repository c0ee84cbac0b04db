"""Retrieval: turn a question and filters into the passages to answer from."""

from __future__ import annotations

from datetime import UTC, datetime, time

from assistant.types import Filters
from index.library import Library
from index.types import Hit


def date_bounds(filters: Filters) -> tuple[int | None, int | None]:
    """Unix-second bounds for the filters' inclusive date window (whole days, UTC)."""
    since = until = None
    if filters.since:
        since = int(datetime.combine(filters.since, time.min, UTC).timestamp())
    if filters.until:
        until = int(datetime.combine(filters.until, time.max, UTC).timestamp())
    return since, until


def retrieve(library: Library, question: str, k: int, filters: Filters) -> list[Hit]:
    """The ``k`` passages most similar to ``question`` that pass ``filters``."""
    since, until = date_bounds(filters)
    return library.search(question, k, list(filters.outlets) or None, since, until)
