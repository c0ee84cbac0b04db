"""Errors raised by the index package. Each message says what went wrong and what to do."""

from __future__ import annotations


class IngestError(Exception):
    """An input (file, line, URL) could not be read or parsed.

    Args:
        origin: the file path or URL that failed.
        reason: what was wrong and, where possible, what to do about it.
        line: the 1-based line number inside ``origin`` when it applies.
    """

    def __init__(self, origin: str, reason: str, line: int | None = None) -> None:
        self.origin = origin
        self.reason = reason
        self.line = line
        where = f"{origin}:{line}" if line is not None else origin
        super().__init__(f"{where}: {reason}")


class TooManyArticles(Exception):
    """One request holds more articles than it may add at once."""


class StoreError(Exception):
    """The index store cannot be opened, written or queried."""


class LockedError(StoreError):
    """Another process is writing to the same index."""
