"""Normalising article fields: clean text, content ids, dates, outlets and titles."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, date, datetime
from urllib.parse import urlparse

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean_text(text: str) -> str:
    """Canonical article text: NFC, plain newlines, no control characters, tidy blank lines.

    All offsets (passages, sentences, citations) refer to this text, so it is computed once at
    ingest and stored; it is never recomputed from the source.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\xa0", " ").replace("\t", " ")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def content_id(text: str) -> str:
    """Stable article id: a hash of the text with whitespace collapsed (16 hex digits)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def outlet_from_url(url: str | None) -> str | None:
    """The outlet of a URL: its host without ``www.``, e.g. ``apnews.com``."""
    if not url:
        return None
    host = urlparse(url).hostname
    if not host:
        return None
    return host.removeprefix("www.").removeprefix("m.").lower()


def parse_date(value: object) -> str | None:
    """An ISO 8601 date (``2024-01-05``) or datetime, or None when ``value`` is not a date.

    Numbers are read as Unix timestamps (seconds, or milliseconds when large). A date is never
    guessed: anything ``dateutil`` cannot parse without defaults filling in the year gives None.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value) / (1000 if value > 1e11 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if _DATE_ONLY.match(raw):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            return None
    from dateutil import parser

    try:
        first = parser.parse(raw, default=datetime(1, 1, 1))
        second = parser.parse(raw, default=datetime(2, 2, 2, 2, 2, 2))
    except (ValueError, OverflowError, parser.ParserError):
        return None
    if first.year != second.year or first.month != second.month or first.day != second.day:
        return None  # the string lacks a year, month or day: do not invent one
    if first.hour != second.hour:
        return first.date().isoformat()  # no time of day in the string
    return first.isoformat()


def date_timestamp(published_at: str | None) -> int | None:
    """Unix seconds of a stored date (midnight UTC for a date without time), for filtering."""
    if not published_at:
        return None
    if _DATE_ONLY.match(published_at):
        parsed = datetime.combine(date.fromisoformat(published_at), datetime.min.time(), UTC)
    else:
        parsed = datetime.fromisoformat(published_at)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def make_title(first_line: str, limit: int = 120) -> str:
    """A title from a line of text: markdown heading marks removed, cut at a word boundary."""
    title = first_line.strip().lstrip("#").strip().strip("*_").strip()
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def now_iso() -> str:
    """The current UTC time, ISO 8601, second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
