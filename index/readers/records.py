"""JSON and JSON Lines dumps: article objects, lists of them, and RealTimeQA search results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.errors import IngestError
from index.fields import clean_text, make_title, parse_date
from index.limits import MAX_JSON_DEPTH, json_depth
from index.readers.base import (
    DATE_FIELDS,
    TEXT_FIELDS,
    TITLE_FIELDS,
    URL_FIELDS,
    Item,
    author_of,
    decode,
    first,
    outlet_of,
)
from index.types import ParsedArticle


def read_jsonl(path: Path) -> Iterator[Item]:
    """One JSON value per line: an article object or a RealTimeQA search-result record."""
    origin = str(path)
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = _load_json(decode(line, origin), origin)
            except IngestError as e:
                yield IngestError(origin, e.reason, number)
                continue
            yield from _from_json_value(value, origin, number)


def read_json(raw: str, origin: str) -> Iterator[Item]:
    """A JSON file: one article, a list of articles, or an object with an article list."""
    try:
        value = _load_json(raw, origin)
    except IngestError as e:
        yield e
        return
    if isinstance(value, dict):
        for field in ("articles", "items", "data", "results", "documents"):
            if isinstance(value.get(field), list):
                value = value[field]
                break
    if isinstance(value, list):
        for i, item in enumerate(value):
            for result in _from_json_value(item, origin, None):
                if isinstance(result, IngestError):
                    yield IngestError(origin, f"item {i}: {result.reason}")
                else:
                    yield result.model_copy(update={"origin": f"{origin}[{i}]"})
    else:
        yield from _from_json_value(value, origin, None)


def _load_json(raw: str, origin: str) -> Any:
    """One JSON value, refused (IngestError) when invalid or nested past ``MAX_JSON_DEPTH``."""
    too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels (the limit); flatten the article"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise IngestError(
            origin,
            f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}. Fix the file there "
            "and add it again.",
            e.lineno,
        ) from e
    except RecursionError as e:  # deeper than Python's recursion limit: json gives up
        raise IngestError(origin, too_deep) from e
    if json_depth(value) > MAX_JSON_DEPTH:
        raise IngestError(origin, too_deep)
    return value


def _from_json_value(value: Any, origin: str, line: int | None) -> Iterator[Item]:
    if isinstance(value, dict) and isinstance(value.get("search_result"), list):
        # RealTimeQA: {"question_id", "search_time", "search_result": [{url, title, text}]}
        for i, result in enumerate(value["search_result"]):
            item = read_object(result, origin, line)
            if isinstance(item, ParsedArticle):
                where = f"{origin}:{line}" if line else origin
                item = item.model_copy(update={"origin": f"{where} result {i}"})
            elif isinstance(item, IngestError):
                item = IngestError(origin, f"search_result {i}: {item.reason}", line)
            yield item
        return
    yield read_object(value, origin, line)


def read_object(value: Any, origin: str, line: int | None = None) -> Item:
    """One article from a JSON-like object (the field names of JSON dumps are accepted)."""
    if not isinstance(value, dict):
        return IngestError(origin, f"expected an article object, got {type(value).__name__}", line)
    text = first(value, TEXT_FIELDS)
    if not isinstance(text, str) or not clean_text(text):
        return IngestError(
            origin, f"no article text: none of the fields {', '.join(TEXT_FIELDS)} holds text", line
        )
    text = clean_text(text)
    url = first(value, URL_FIELDS)
    url = url if isinstance(url, str) and url.strip() else None
    title = first(value, TITLE_FIELDS)
    return ParsedArticle(
        origin=f"{origin}:{line}" if line else origin,
        key=url,
        title=str(title).strip() if title else make_title(text.split("\n", 1)[0]),
        text=text,
        url=url,
        outlet=outlet_of(value, url),
        author=author_of(value),
        published_at=parse_date(first(value, DATE_FIELDS)),
    )
