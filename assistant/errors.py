"""Errors the assistant raises. Each carries a hint (what to do) and an HTTP status for the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from index.errors import LockedError, StoreError, TooManyArticles


class AssistantError(Exception):
    """Base error: ``message`` says what happened, ``hint`` what to do about it."""

    status = 500

    def __init__(self, message: str, hint: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class BadRequest(AssistantError):
    """The caller passed an invalid value."""

    status = 400


class NotFound(AssistantError):
    """An article or resource does not exist."""

    status = 404


class TooLarge(AssistantError):
    """A request, article or upload is over a size limit."""

    status = 413


class Unauthorized(AssistantError):
    """A write needs the API token, and it was missing or wrong."""

    status = 401


class NotIndexed(AssistantError):
    """Nothing is indexed yet, so there is nothing to search."""

    status = 409


class StillAdding(NotIndexed):
    """Nothing is searchable yet because the first articles are being added right now."""


class Busy(AssistantError):
    """Another writer kept the index's write lock past the wait (``index.lock_wait``).

    503 with ``Retry-After``: the write may be sent again as it is once the other one ends.
    """

    status = 503
    retry_after = 60


class ModelUnavailable(AssistantError):
    """The embedding or chat model cannot be loaded or reached."""

    status = 503


RETRY = (
    "Send the same request again later (after Retry-After seconds): what is already stored is "
    "reported unchanged, never added twice."
)


def error_body(message: str, status: int) -> dict[str, object]:
    """The one JSON error shape of the API (the /v1 routes use OpenAI's instead)."""
    return {"ok": False, "error": message, "status": status}


@contextmanager
def translated(unwritten: str = "Nothing was written.") -> Iterator[None]:
    """Turn index errors into assistant errors with a status and a hint.

    ``unwritten`` says what a write that found the lock held too long did not write.
    """
    try:
        yield
    except LockedError as e:
        raise Busy(str(e), f"{unwritten} {RETRY}") from e
    except TooManyArticles as e:
        raise TooLarge(str(e)) from e
    except StoreError as e:
        raise AssistantError(str(e), status=503) from e
