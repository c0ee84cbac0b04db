"""Checks of what a caller asks with: the question, choices, engine, k, filters and URLs.

Every edge (Python, CLI, HTTP, UI, LangChain) reaches these through the ``Assistant``, so a bad
value gets the same message everywhere, naming the parameter and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError

from assistant.errors import BadRequest, TooLarge
from assistant.types import Filters
from index.fetch import is_url

MAX_QUESTION_CHARS = 2000
MAX_URLS_PER_REQUEST = 100


def check_question(question: str) -> str:
    """The question stripped; BadRequest when it is empty or too long."""
    if not isinstance(question, str) or not question.strip():
        raise BadRequest("The question is empty.", "Ask something about the loaded articles.")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadRequest(
            f"The question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}."
        )
    return question.strip()


def check_choices(choices: Sequence[str] | None) -> list[str]:
    """Multiple-choice options stripped: none, or at least two non-empty strings."""
    if choices is None:
        return []
    if len(choices) < 2 or any(not isinstance(c, str) or not c.strip() for c in choices):
        raise BadRequest("choices must hold at least two non-empty strings.")
    return [c.strip() for c in choices]


def check_engine(engine: str | None, default: str) -> str:
    """The answer engine to use: ``engine``, else ``default``; extractive or llm."""
    engine = engine or default
    if engine not in ("extractive", "llm"):
        raise BadRequest(f"engine must be extractive or llm, got {engine!r}.")
    return engine


def check_k(k: int) -> int:
    """A number of passages between 1 and 100."""
    if not 1 <= k <= 100:
        raise BadRequest(f"k must be between 1 and 100, got {k}")
    return k


def check_filters(filters: Filters | dict[str, Any] | None) -> Filters:
    """``Filters`` from a ``Filters``, a dict (API, LangChain) or None; the problem named."""
    if filters is None or isinstance(filters, Filters):
        return filters or Filters()
    try:
        return Filters.model_validate(filters)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'filters'}: {err['msg']}"
            for err in e.errors()
        )
        raise BadRequest(
            f"Invalid filters: {problems}.",
            "Use outlets (list of names), since and until (YYYY-MM-DD).",
        ) from e


# A model field holding filters checked like the Assistant's (NewsdeskRetriever, NewsdeskChain).
CheckedFilters = Annotated[Filters, BeforeValidator(check_filters)]


def check_urls(urls: Sequence[str]) -> list[str]:
    """Web addresses only (http or https), at most ``MAX_URLS_PER_REQUEST``, stripped."""
    if len(urls) > MAX_URLS_PER_REQUEST:
        raise TooLarge(f"{len(urls)} URLs in one request; the limit is {MAX_URLS_PER_REQUEST}.")
    for i, url in enumerate(urls):
        if not isinstance(url, str) or not is_url(url.strip()):
            raise BadRequest(
                f"urls[{i}] is not an http:// or https:// URL: {str(url)[:80]!r}.",
                "Give web addresses only; to add files, upload them.",
                status=422,
            )
    return [u.strip() for u in urls]
