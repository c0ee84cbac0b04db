"""What every reader shares: the ``Item`` it yields, text decoding and article field names."""

from __future__ import annotations

from typing import Any

from index.errors import IngestError
from index.fields import outlet_from_url
from index.types import ParsedArticle

Item = ParsedArticle | IngestError

# Field names accepted in JSON article objects, in order of preference.
TITLE_FIELDS = ("title", "headline", "name")
TEXT_FIELDS = ("text", "body", "content", "article", "maintext", "full_text", "story")
URL_FIELDS = ("url", "link", "canonical_url", "href")
OUTLET_FIELDS = ("outlet", "source", "publisher", "site_name", "sitename", "site", "publication")
AUTHOR_FIELDS = ("author", "authors", "byline", "creator")
DATE_FIELDS = (
    "published_at", "publishedAt", "published", "date", "pubDate", "publish_date",
    "date_publish", "datetime", "timestamp", "created_at",
)  # fmt: skip


def decode(data: bytes, origin: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else the detected encoding; binary is refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(origin, f"invalid UTF-16 text: {e.reason}") from e
    if b"\x00" in data[:8192]:
        raise IngestError(origin, "looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise IngestError(origin, "cannot detect the text encoding; save the file as UTF-8")
    # Short Western texts fit several code pages equally well; cp1252 (a superset of Latin-1) is
    # by far the most common of them, so it wins a tie.
    tied = [m for m in matches if m.chaos <= matches[0].chaos]
    return str(next((m for m in tied if m.encoding == "cp1252"), matches[0]))


def first(obj: dict[str, Any], fields: tuple[str, ...]) -> Any:
    """The value of the first of ``fields`` that ``obj`` holds and is not empty."""
    for field in fields:
        value = obj.get(field)
        if value not in (None, "", [], {}):
            return value
    return None


def outlet_of(obj: dict[str, Any], url: str | None) -> str | None:
    """The outlet named in ``obj`` (NewsAPI's nested source too), else the URL's site."""
    value = first(obj, OUTLET_FIELDS)
    if isinstance(value, dict):  # NewsAPI: "source": {"id": ..., "name": ...}
        value = value.get("name") or value.get("title") or value.get("id")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return outlet_from_url(url)


def author_of(obj: dict[str, Any]) -> str | None:
    """The author(s) in ``obj`` as one string (lists joined, run-together scraper names dropped)."""
    value = first(obj, AUTHOR_FIELDS)
    if isinstance(value, list):
        names = [str(v.get("name") if isinstance(v, dict) else v).strip() for v in value if v]
        names = list(dict.fromkeys(n for n in names if n))
        # Some scrapers prepend all names run together ("Ann Lee Bo Chan", "Ann Lee", "Bo Chan").
        names = [n for n in names if sum(other in n for other in names if other != n) < 2]
        value = ", ".join(names)
    elif isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None
